// The thread pool kernels share, sized by the interpreter's num_threads. Work is split into contiguous
// ranges; the calling thread takes one range itself, so num_threads=1 runs inline with no handoff.
#pragma once

#include <cstdint>
#include <memory>
#include <type_traits>

namespace edgelite {

// A non-owning reference to a callable fn(begin, end): unlike std::function it never allocates, so
// kernels can hand lambdas with any captures to ParallelFor during eval.
class RangeFunction {
 public:
  template <typename F, typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, RangeFunction>>>
  RangeFunction(F&& fn)  // NOLINT: implicit, so lambdas pass directly
      : object_(const_cast<void*>(static_cast<const void*>(&fn))),
        call_([](void* o, int64_t b, int64_t e) { (*static_cast<std::remove_reference_t<F>*>(o))(b, e); }) {}
  void operator()(int64_t begin, int64_t end) const { call_(object_, begin, end); }

 private:
  void* object_;
  void (*call_)(void*, int64_t, int64_t);
};

class ThreadPool {
 public:
  explicit ThreadPool(int num_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int num_threads() const { return num_threads_; }

  // Calls fn(begin, end) over [0, total) split into at most num_threads ranges of at least
  // `min_per_task` items each; returns when every range is done.
  void ParallelFor(int64_t total, int64_t min_per_task, RangeFunction fn);

 private:
  int num_threads_;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace edgelite
