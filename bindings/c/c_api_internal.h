// What the C API's handles are (edgelite/c_api.h declares them opaque) and the error plumbing both C
// front ends share: edgelite's own names (c_api.cc, c_api_tensor.cc) and LiteRT's (litert_c_api.cc).
// LiteRT's handle types derive from ours and every handle is allocated as the LiteRT type, so one
// object serves both names and the two APIs can be mixed on it.
#pragma once

#include <cstdarg>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "edgelite/c_api.h"
#include "interpreter/delegate.h"
#include "interpreter/interpreter.h"

namespace edgelite {
namespace capi {

// LiteRT's error reporter: printf-style, with the caller's pointer.
using ErrorReporter = void (*)(void* user_data, const char* format, va_list args);

}  // namespace capi
}  // namespace edgelite

struct ElcModel {
  std::shared_ptr<edgelite::Model> model;
};

struct ElcDelegate {
  // Set at creation: LiteRT's AddDelegate takes any pointer, and this tells ours from a stranger's.
  static constexpr uint32_t kMagic = 0x454c4344;  // "ELCD"
  uint32_t magic = kMagic;
  std::shared_ptr<edgelite::Delegate> delegate;
};

struct ElcOptions {
  int32_t num_threads = -1;
  uint64_t max_arena_bytes = 0;  // 0: the core's default cap
  std::vector<std::shared_ptr<edgelite::Delegate>> delegates;
  std::vector<std::pair<std::string, std::string>> custom_op_libraries;  // (path, symbol)
  // A delegate handle LiteRT's AddDelegate got that is not one of ours: refused at interpreter creation.
  bool foreign_delegate = false;
  edgelite::capi::ErrorReporter reporter = nullptr;
  void* reporter_data = nullptr;
  bool cancellation_enabled = true;  // LiteRT's options turn it off (TfLiteInterpreterOptionsEnableCancellation)
  std::string last_error;
};

struct ElcTensor {
  ElcInterpreter* owner = nullptr;
  int subgraph = 0;
  int index = 0;
};

struct ElcSignatureRunner {
  ElcInterpreter* owner = nullptr;
  const edgelite::SignatureInfo* signature = nullptr;  // the interpreter's, or `placeholder`
  // LiteRT's runner for a model without signatures: the primary subgraph under its tensors' names.
  std::unique_ptr<edgelite::SignatureInfo> placeholder;
};

struct TfLiteTensor : ElcTensor {};

struct ElcInterpreter {
  std::shared_ptr<edgelite::Model> model;  // kept alive here: the caller may delete its model handle
  std::unique_ptr<edgelite::Interpreter> interp;
  // Tensor handles by (subgraph, tensor index), made on first use and valid for the interpreter's life.
  std::map<std::pair<int, int>, std::unique_ptr<TfLiteTensor>> tensors;
  std::string last_error;
  edgelite::capi::ErrorReporter reporter = nullptr;
  void* reporter_data = nullptr;
  bool report_to_stderr = false;  // LiteRT's default reporter, for interpreters made through its names
  bool cancellation_enabled = true;
};

// LiteRT's names for the same objects.
struct TfLiteModel : ElcModel {};
struct TfLiteInterpreterOptions : ElcOptions {};
struct TfLiteInterpreter : ElcInterpreter {};
struct TfLiteSignatureRunner : ElcSignatureRunner {};

namespace edgelite {
namespace capi {

ElcStatus ToElcStatus(StatusCode code);

// Records a failure: the interpreter's last error (and its reporter, if any). Returns the C status.
ElcStatus Fail(ElcInterpreter* interp, const Status& status);
ElcStatus Fail(ElcInterpreter* interp, ElcStatus code, const std::string& message);
// A failure of a *Create that returns null: ElcLastCreateError's message, and `reporter` when given.
void FailCreate(const std::string& message, ErrorReporter reporter = nullptr, void* reporter_data = nullptr,
                bool report_to_stderr = false);
// Calls a reporter with a message as its one "%s" argument.
void Report(ErrorReporter reporter, void* user_data, const char* format, ...);

// The handle of a tensor of this interpreter (made once).
TfLiteTensor* TensorHandle(ElcInterpreter* interp, int subgraph, int index);
// The tensor a handle names; null (with the owner's error set) when it no longer exists.
Tensor* CoreTensor(const ElcTensor* tensor);

// Shared by both APIs' *Create functions: null on failure, with ElcLastCreateError's message (and the
// options' reporter, or stderr for LiteRT's names, told of it).
ElcModel* CreateModel(const void* data, size_t size, const char* path);
ElcInterpreter* CreateInterpreter(const ElcModel* model, const ElcOptions* options, bool litert_reporting);
const std::string& LastCreateError();

// The folder libedgelite_c.so was loaded from (where the plugin libraries are installed).
std::string LibraryDir();

// Runs `body` (returning ElcStatus) and turns a C++ exception escaping the core into ELC_INTERNAL: no
// exception ever crosses the C boundary. The body runs as the interpreter's one user (InterpreterUse): from a
// second thread while another is inside, the call returns ELC_NOT_READY at once and touches nothing, not even
// the interpreter's last error (which belongs to the thread inside).
template <typename Body>
ElcStatus Guard(ElcInterpreter* interp, Body&& body) {
  std::optional<InterpreterUse> use;
  if (interp && interp->interp) {
    use.emplace(*interp->interp);
    if (!use->status().ok()) return ELC_NOT_READY;
  }
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return Fail(interp, ELC_INTERNAL, "out of memory");
  } catch (const std::exception& e) {
    return Fail(interp, ELC_INTERNAL, std::string("internal error: ") + e.what());
  } catch (...) {
    return Fail(interp, ELC_INTERNAL, "internal error");
  }
}

}  // namespace capi
}  // namespace edgelite
