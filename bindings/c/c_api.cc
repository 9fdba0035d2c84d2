// The C API (edgelite/c_api.h): models, options, delegates and interpreters, over the core and the one
// validation path every front end uses (interpreter/interpreter_api.h). Tensors and signatures are in
// c_api_tensor.cc, LiteRT's names in litert_c_api.cc.
#include <dlfcn.h>

#include <cstdio>
#include <cstring>

#include "bindings/c/c_api_internal.h"
#include "interpreter/interpreter_api.h"
#include "interpreter/kernels/builtin_ops.h"
#include "interpreter/plugin_host.h"

#ifndef EDGELITE_VERSION
#error "the build defines EDGELITE_VERSION (from pyproject.toml)"
#endif

namespace edgelite {
namespace capi {
namespace {

thread_local std::string create_error;

// Short delegate names, as edgelite.load_delegate takes them, and their library files beside this one.
const std::pair<const char*, const char*> kDelegateLibraries[] = {{"opencl", "libedgelite_opencl.so"}};
const char kSelectOpsLibrary[] = "libedgelite_select.so";

bool FileExists(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f) std::fclose(f);
  return f != nullptr;
}

Status ResolveDelegateLibrary(const std::string& library, std::string* path) {
  for (const auto& [name, file] : kDelegateLibraries) {
    if (library != name) continue;
    *path = LibraryDir() + "/" + file;
    if (!FileExists(*path)) {
      return InvalidArgument(StrCat("delegate '", library, "': this edgelite build has no ", file, " (looked in ",
                                    LibraryDir(), ")"));
    }
    return Status::Ok();
  }
  if (!FileExists(library)) {
    return InvalidArgument(StrCat("delegate library '", library, "': no such file (or give \"opencl\")"));
  }
  *path = library;
  return Status::Ok();
}

// Builds the core interpreter as Python's Interpreter does: builtin kernels, then the custom-op
// libraries in order, the select-ops library when the model needs it, then the delegates.
Status BuildInterpreter(const ElcModel& model, const ElcOptions& options, std::unique_ptr<Interpreter>* out) {
  if (options.foreign_delegate) {
    return InvalidArgument("a delegate given to the options was not made by this library (edgelite runs only "
                           "its own delegates: ElcDelegateCreate)");
  }
  OpResolver resolver = MakeBuiltinOpResolver();
  for (const auto& [path, symbol] : options.custom_op_libraries) {
    EL_RETURN_IF_ERROR(LoadCustomOpLibrary(path, symbol, &resolver));
  }
  const std::string select_library = LibraryDir() + "/" + kSelectOpsLibrary;
  if (NeedsSelectOps(*model.model, resolver) && FileExists(select_library)) {
    EL_RETURN_IF_ERROR(LoadCustomOpLibrary(select_library, "", &resolver));
  }
  InterpreterOptions core_options;
  core_options.num_threads = options.num_threads;
  core_options.graph.max_arena_bytes = static_cast<size_t>(options.max_arena_bytes);
  EL_RETURN_IF_ERROR(Interpreter::Create(model.model, resolver, core_options, out));
  for (const auto& delegate : options.delegates) EL_RETURN_IF_ERROR((*out)->ModifyGraphWithDelegate(delegate));
  return Status::Ok();
}

// Input or output `index` of the primary subgraph as a handle; null with the range message.
ElcTensor* EndpointTensor(ElcInterpreter* interpreter, int32_t index, bool input) {
  if (!interpreter) return nullptr;
  ElcTensor* out = nullptr;
  Guard(interpreter, [&] {
    int t;
    Interpreter& core = *interpreter->interp;
    Status s = input ? api::InputTensorIndex(core, 0, index, &t) : api::OutputTensorIndex(core, 0, index, &t);
    if (s.ok()) out = TensorHandle(interpreter, 0, t);
    return Fail(interpreter, s);
  });
  return out;
}

ElcStatus OptionsFail(ElcOptions* options, ElcStatus code, const std::string& message) {
  if (options) options->last_error = message;
  return code;
}

}  // namespace

ElcStatus ToElcStatus(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return ELC_OK;
    case StatusCode::kInvalidArgument: return ELC_INVALID_ARGUMENT;
    case StatusCode::kInvalidModel: return ELC_INVALID_MODEL;
    case StatusCode::kUnsupported: return ELC_UNSUPPORTED;
    case StatusCode::kFailedPrecondition: return ELC_NOT_READY;
    case StatusCode::kCancelled: return ELC_CANCELLED;
    default: return ELC_INTERNAL;
  }
}

void Report(ErrorReporter reporter, void* user_data, const char* format, ...) {
  va_list args;
  va_start(args, format);
  reporter(user_data, format, args);
  va_end(args);
}

ElcStatus Fail(ElcInterpreter* interp, ElcStatus code, const std::string& message) {
  if (!interp) {
    create_error = message;  // no object to hold it: the per-thread message
    return code;
  }
  interp->last_error = message;
  if (interp->reporter) {
    Report(interp->reporter, interp->reporter_data, "%s", message.c_str());
  } else if (interp->report_to_stderr) {
    std::fprintf(stderr, "ERROR: %s\n", message.c_str());
  }
  return code;
}

ElcStatus Fail(ElcInterpreter* interp, const Status& status) {
  return status.ok() ? ELC_OK : Fail(interp, ToElcStatus(status.code()), status.message());
}

void FailCreate(const std::string& message, ErrorReporter reporter, void* reporter_data, bool report_to_stderr) {
  create_error = message;
  if (reporter) {
    Report(reporter, reporter_data, "%s", message.c_str());
  } else if (report_to_stderr) {
    std::fprintf(stderr, "ERROR: %s\n", message.c_str());
  }
}

std::string LibraryDir() {
  Dl_info info;
  if (!dladdr(reinterpret_cast<void*>(&ElcVersion), &info) || !info.dli_fname) return ".";
  std::string path = info.dli_fname;
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

TfLiteTensor* TensorHandle(ElcInterpreter* interp, int subgraph, int index) {
  auto& slot = interp->tensors[{subgraph, index}];
  if (!slot) {
    slot = std::make_unique<TfLiteTensor>();
    slot->owner = interp;
    slot->subgraph = subgraph;
    slot->index = index;
  }
  return slot.get();
}

Tensor* CoreTensor(const ElcTensor* tensor) {
  if (!tensor || !tensor->owner) return nullptr;
  Tensor* t = nullptr;
  Status s = api::GetTensor(*tensor->owner->interp, tensor->subgraph, tensor->index, &t);
  if (!s.ok()) Fail(tensor->owner, s);
  return t;
}

// Shared by ElcInterpreterCreate and TfLiteInterpreterCreate: the handle or null with the message reported.
ElcInterpreter* CreateInterpreter(const ElcModel* model, const ElcOptions* options, bool litert_reporting) {
  static const ElcOptions kDefaults;
  const ElcOptions& o = options ? *options : kDefaults;
  try {
    if (!model || !model->model) {
      FailCreate("the model is null (ElcModelCreate / ElcModelCreateFromFile failed?)", o.reporter,
                 o.reporter_data, litert_reporting);
      return nullptr;
    }
    std::unique_ptr<Interpreter> core;
    Status s = BuildInterpreter(*model, o, &core);
    if (!s.ok()) {
      FailCreate(s.message(), o.reporter, o.reporter_data, litert_reporting);
      return nullptr;
    }
    auto* interp = new TfLiteInterpreter();
    interp->model = model->model;
    interp->interp = std::move(core);
    interp->reporter = o.reporter;
    interp->reporter_data = o.reporter_data;
    interp->report_to_stderr = litert_reporting;
    interp->cancellation_enabled = o.cancellation_enabled;
    return interp;
  } catch (const std::exception& e) {
    FailCreate(std::string("internal error: ") + e.what(), o.reporter, o.reporter_data, litert_reporting);
    return nullptr;
  }
}

ElcModel* CreateModel(const void* data, size_t size, const char* path) {
  try {
    std::shared_ptr<Model> model;
    Status s;
    if (path) {
      s = Model::FromFile(path, &model);
    } else if (!data) {
      s = InvalidArgument("model data is null");
    } else {
      s = Model::FromBuffer(data, size, &model);
    }
    if (!s.ok()) {
      create_error = s.message();
      return nullptr;
    }
    auto* handle = new TfLiteModel();
    handle->model = std::move(model);
    return handle;
  } catch (const std::exception& e) {
    create_error = std::string("internal error: ") + e.what();
    return nullptr;
  }
}

const std::string& LastCreateError() { return create_error; }

}  // namespace capi
}  // namespace edgelite

using namespace edgelite;
using namespace edgelite::capi;

extern "C" {

const char* ElcVersion(void) { return EDGELITE_VERSION; }

const char* ElcLastCreateError(void) { return create_error.c_str(); }

// ---- Model ----

ElcModel* ElcModelCreateFromFile(const char* path) {
  if (!path) {
    create_error = "model path is null";
    return nullptr;
  }
  return CreateModel(nullptr, 0, path);
}

ElcModel* ElcModelCreate(const void* data, size_t size) { return CreateModel(data, size, nullptr); }

void ElcModelDelete(ElcModel* model) { delete static_cast<TfLiteModel*>(model); }

// ---- Options and delegates ----

ElcOptions* ElcOptionsCreate(void) {
  try {
    return new TfLiteInterpreterOptions();
  } catch (const std::exception&) {
    create_error = "out of memory";
    return nullptr;
  }
}

void ElcOptionsDelete(ElcOptions* options) { delete static_cast<TfLiteInterpreterOptions*>(options); }

ElcStatus ElcOptionsSetNumThreads(ElcOptions* options, int32_t num_threads) {
  if (!options) return ELC_INVALID_ARGUMENT;
  if (num_threads < -1 || num_threads == 0) {
    return OptionsFail(options, ELC_INVALID_ARGUMENT,
                       StrCat("num_threads must be >= 1 (or -1 for the default), got ", num_threads));
  }
  options->num_threads = num_threads;
  return ELC_OK;
}

ElcStatus ElcOptionsSetMaxArenaBytes(ElcOptions* options, uint64_t max_arena_bytes) {
  if (!options) return ELC_INVALID_ARGUMENT;
  if (max_arena_bytes == 0) return OptionsFail(options, ELC_INVALID_ARGUMENT, "max_arena_bytes must be >= 1, got 0");
  options->max_arena_bytes = max_arena_bytes;
  return ELC_OK;
}

ElcDelegate* ElcDelegateCreate(const char* library, const char* const* keys, const char* const* values,
                               size_t num_options) {
  try {
    if (!library) {
      create_error = "delegate library is null";
      return nullptr;
    }
    if (num_options && (!keys || !values)) {
      create_error = StrCat("delegate '", library, "': ", num_options, " options but null keys or values");
      return nullptr;
    }
    PluginOptions list;
    for (size_t i = 0; i < num_options; ++i) {
      if (!keys[i] || !values[i]) {
        create_error = StrCat("delegate '", library, "': option ", i, " has a null key or value");
        return nullptr;
      }
      list.emplace_back(keys[i], values[i]);
    }
    std::string path;
    Status s = ResolveDelegateLibrary(library, &path);
    auto handle = std::make_unique<ElcDelegate>();
    if (s.ok()) s = LoadDelegatePlugin(path, list, &handle->delegate);
    if (!s.ok()) {
      create_error = s.message();
      return nullptr;
    }
    return handle.release();
  } catch (const std::exception& e) {
    create_error = std::string("internal error: ") + e.what();
    return nullptr;
  }
}

void ElcDelegateDelete(ElcDelegate* delegate) {
  if (delegate) delegate->magic = 0;  // a stale pointer handed to AddDelegate is then refused
  delete delegate;
}

ElcStatus ElcOptionsAddDelegate(ElcOptions* options, ElcDelegate* delegate) {
  if (!options) return ELC_INVALID_ARGUMENT;
  if (!delegate || delegate->magic != ElcDelegate::kMagic || !delegate->delegate) {
    return OptionsFail(options, ELC_INVALID_ARGUMENT, "the delegate is null or not one ElcDelegateCreate made");
  }
  options->delegates.push_back(delegate->delegate);  // shared: the delegate outlives what uses it
  return ELC_OK;
}

ElcStatus ElcOptionsAddCustomOpLibrary(ElcOptions* options, const char* path, const char* symbol) {
  if (!options) return ELC_INVALID_ARGUMENT;
  if (!path) return OptionsFail(options, ELC_INVALID_ARGUMENT, "custom-op library path is null");
  if (!FileExists(path)) {
    return OptionsFail(options, ELC_INVALID_ARGUMENT, StrCat("custom-op library '", path, "': no such file"));
  }
  options->custom_op_libraries.emplace_back(path, symbol ? symbol : "");
  return ELC_OK;
}

const char* ElcOptionsLastError(const ElcOptions* options) {
  return options ? options->last_error.c_str() : "options is null";
}

// ---- Interpreter ----

ElcInterpreter* ElcInterpreterCreate(const ElcModel* model, const ElcOptions* options) {
  return CreateInterpreter(model, options, false);
}

void ElcInterpreterDelete(ElcInterpreter* interpreter) { delete static_cast<TfLiteInterpreter*>(interpreter); }

ElcStatus ElcInterpreterAllocateTensors(ElcInterpreter* interpreter) {
  if (!interpreter) return Fail(nullptr, ELC_INVALID_ARGUMENT, "interpreter is null");
  return Guard(interpreter, [&] { return Fail(interpreter, interpreter->interp->AllocateTensors(0)); });
}

ElcStatus ElcInterpreterInvoke(ElcInterpreter* interpreter) {
  if (!interpreter) return Fail(nullptr, ELC_INVALID_ARGUMENT, "interpreter is null");
  return Guard(interpreter, [&] { return Fail(interpreter, interpreter->interp->Invoke(0)); });
}

void ElcInterpreterCancel(ElcInterpreter* interpreter) {
  if (interpreter) interpreter->interp->Cancel();  // an atomic store only: safe from any thread
}

const char* ElcInterpreterLastError(const ElcInterpreter* interpreter) {
  return interpreter ? interpreter->last_error.c_str() : "interpreter is null";
}

int32_t ElcInterpreterInputCount(const ElcInterpreter* interpreter) {
  return interpreter ? interpreter->interp->subgraph(0)->num_inputs() : -1;
}

int32_t ElcInterpreterOutputCount(const ElcInterpreter* interpreter) {
  return interpreter ? interpreter->interp->subgraph(0)->num_outputs() : -1;
}

ElcTensor* ElcInterpreterInputTensor(ElcInterpreter* interpreter, int32_t index) {
  return EndpointTensor(interpreter, index, true);
}

const ElcTensor* ElcInterpreterOutputTensor(ElcInterpreter* interpreter, int32_t index) {
  return EndpointTensor(interpreter, index, false);
}

ElcStatus ElcInterpreterResizeInput(ElcInterpreter* interpreter, int32_t index, const int32_t* dims, int32_t rank) {
  if (!interpreter) return Fail(nullptr, ELC_INVALID_ARGUMENT, "interpreter is null");
  return Guard(interpreter, [&] {
    if (rank < 0 || (rank > 0 && !dims)) {
      return Fail(interpreter, ELC_INVALID_ARGUMENT, StrCat("resize of input ", index, ": rank ", rank,
                                                            rank < 0 ? " is negative" : " with null dims"));
    }
    int t;
    Status s = api::InputTensorIndex(*interpreter->interp, 0, index, &t);
    if (s.ok()) s = api::ResizeInput(*interpreter->interp, 0, t, Dims(dims, dims + rank), false);
    return Fail(interpreter, s);
  });
}

}  // extern "C"
