// libFuzzer harness over the whole load path (issue 15): the input is a .tflite file; it is verified and
// built into an interpreter (builtin kernels only), allocated, its inputs zeroed, and invoked. Every outcome
// is either a Status or a run; what libFuzzer reports (a sanitizer finding, a crash, an uncaught exception,
// a hang past -timeout) is a bug. Built with -DEDGELITE_FUZZ=ON (Clang); scripts/fuzz_libfuzzer.sh runs it
// with tests/models as the seed corpus.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <thread>

#include "interpreter/interpreter.h"
#include "interpreter/kernels/builtin_ops.h"

namespace {

using edgelite::Interpreter;

// A model may allocate this much arena and still be invoked; bigger ones are only loaded and planned (the
// fuzzer runs many inputs a second, and a huge zeroed tensor finds nothing a small one does not).
constexpr size_t kMaxArenaBytes = 64 << 20;
// A mutated WHILE may loop forever: invoke is cancelled after this long (Interpreter::Cancel).
constexpr auto kInvokeDeadline = std::chrono::milliseconds(500);

// One thread that cancels the invoke in progress once it has run past its deadline.
class Watchdog {
 public:
  Watchdog() : thread_([this] { Run(); }) { thread_.detach(); }

  void Watch(Interpreter* interp) {
    std::lock_guard<std::mutex> lock(mutex_);
    watched_ = interp;
    deadline_ = std::chrono::steady_clock::now() + kInvokeDeadline;
    changed_.notify_one();
  }
  void Stop() {
    std::lock_guard<std::mutex> lock(mutex_);
    watched_ = nullptr;
  }

 private:
  void Run() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      if (!watched_) {
        changed_.wait(lock);
      } else if (changed_.wait_until(lock, deadline_) == std::cv_status::timeout && watched_ &&
                 std::chrono::steady_clock::now() >= deadline_) {
        watched_->Cancel();  // an atomic store: safe while Invoke runs
        watched_ = nullptr;
      }
    }
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  Interpreter* watched_ = nullptr;
  std::chrono::steady_clock::time_point deadline_;
  std::thread thread_;
};

void RunModel(const uint8_t* data, size_t size) {
  std::shared_ptr<edgelite::Model> model;
  if (!edgelite::Model::FromBuffer(data, size, &model).ok()) return;
  static const edgelite::OpResolver resolver = edgelite::MakeBuiltinOpResolver();
  std::unique_ptr<Interpreter> interp;
  if (!Interpreter::Create(model, resolver, 1, &interp).ok()) return;
  if (!interp->AllocateTensors().ok()) return;
  edgelite::Subgraph* graph = interp->subgraph(0);
  if (graph->arena_bytes() > kMaxArenaBytes) return;
  for (int index : graph->inputs()) {
    edgelite::Tensor* t = graph->tensor(index);
    if (t && t->data && t->allocation != edgelite::Allocation::kConstant) std::memset(t->data, 0, t->RequiredBytes());
  }
  static Watchdog* watchdog = new Watchdog();  // never destroyed: its thread outlives the fuzzing loop
  watchdog->Watch(interp.get());
  (void)interp->Invoke();
  watchdog->Stop();
  for (int index : graph->outputs()) {
    const edgelite::Tensor* t = graph->tensor(index);
    // Read every output byte: an output the plan left unplaced or too short shows up here under ASan.
    if (t && t->data) {
      volatile uint8_t sink = 0;
      const auto* bytes = static_cast<const uint8_t*>(t->data);
      for (size_t i = 0; i < t->RequiredBytes(); ++i) sink = sink ^ bytes[i];
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    RunModel(data, size);
  } catch (const std::bad_alloc&) {
    // A tensor too large to allocate: the resource limits (issue 15, item 5) turn these into a Status; until
    // every path has one, an allocation failure is not what this harness looks for (the run's -rss_limit_mb
    // still reports real memory blow-ups).
  }
  return 0;
}
