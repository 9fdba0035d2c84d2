// LiteRT's C API names (tensorflow/lite/c/c_api.h) over edgelite's C API: each TfLite* function is the
// Elc* function with LiteRT's types, status codes and error reporting (the options' reporter, else
// stderr, as LiteRT's default reporter). The objects are the same (c_api_internal.h).
#include <cstdio>

#include "bindings/c/c_api_internal.h"
#include "interpreter/interpreter_api.h"
#include "tensorflow/lite/c/c_api.h"
#include "tensorflow/lite/c/common.h"

using namespace edgelite;
using namespace edgelite::capi;

namespace {

TfLiteStatus ToTfLite(ElcStatus s) {
  switch (s) {
    case ELC_OK: return kTfLiteOk;
    case ELC_CANCELLED: return kTfLiteCancelled;
    default: return kTfLiteError;
  }
}

// The C API's type numbers differ from the .tflite schema's (edgelite's DataType / ElcType).
TfLiteType ToTfLiteType(ElcType type) {
  switch (type) {
    case ELC_FLOAT32: return kTfLiteFloat32;
    case ELC_FLOAT16: return kTfLiteFloat16;
    case ELC_INT32: return kTfLiteInt32;
    case ELC_UINT8: return kTfLiteUInt8;
    case ELC_INT64: return kTfLiteInt64;
    case ELC_STRING: return kTfLiteString;
    case ELC_BOOL: return kTfLiteBool;
    case ELC_INT16: return kTfLiteInt16;
    case ELC_COMPLEX64: return kTfLiteComplex64;
    case ELC_INT8: return kTfLiteInt8;
    case ELC_FLOAT64: return kTfLiteFloat64;
    case ELC_RESOURCE: return kTfLiteResource;
    case ELC_UINT32: return kTfLiteUInt32;
    case ELC_INT4: return kTfLiteInt4;
    case ELC_BFLOAT16: return kTfLiteBFloat16;
    default: return kTfLiteNoType;
  }
}

TfLiteModel* CreateModelReporting(const void* data, size_t size, bool from_file, const char* path,
                                  ErrorReporter reporter, void* user_data) {
  ElcModel* model = from_file ? ElcModelCreateFromFile(path) : ElcModelCreate(data, size);
  if (!model) FailCreate(LastCreateError(), reporter, user_data, true);
  return static_cast<TfLiteModel*>(model);
}

// A model without signatures still has a runner in LiteRT: the primary subgraph, named by its tensors.
std::unique_ptr<SignatureInfo> PrimarySubgraphSignature(Interpreter& interp) {
  auto sig = std::make_unique<SignatureInfo>();
  Subgraph* s = interp.subgraph(0);
  for (int t : s->inputs()) sig->inputs.emplace_back(s->tensor(t)->name, t);
  for (int t : s->outputs()) sig->outputs.emplace_back(s->tensor(t)->name, t);
  return sig;
}

}  // namespace

extern "C" {

const char* TfLiteVersion(void) { return ElcVersion(); }

int TfLiteSchemaVersion(void) { return 3; }

const char* TfLiteTypeGetName(TfLiteType type) {
  static const char* const kNames[] = {"NOTYPE",    "FLOAT32",  "INT32",   "UINT8",  "INT64",  "STRING", "BOOL",
                                       "INT16",     "COMPLEX64", "INT8",   "FLOAT16", "FLOAT64", "COMPLEX128",
                                       "UINT64",    "RESOURCE", "VARIANT", "UINT32", "UINT16", "INT4",   "BFLOAT16"};
  const int i = static_cast<int>(type);
  return i >= 0 && i < static_cast<int>(sizeof(kNames) / sizeof(kNames[0])) ? kNames[i] : "Unknown type";
}

// ---- Models ----

TfLiteModel* TfLiteModelCreate(const void* model_data, size_t model_size) {
  return CreateModelReporting(model_data, model_size, false, nullptr, nullptr, nullptr);
}

TfLiteModel* TfLiteModelCreateWithErrorReporter(const void* model_data, size_t model_size, ErrorReporter reporter,
                                                void* user_data) {
  return CreateModelReporting(model_data, model_size, false, nullptr, reporter, user_data);
}

TfLiteModel* TfLiteModelCreateFromFile(const char* model_path) {
  return CreateModelReporting(nullptr, 0, true, model_path, nullptr, nullptr);
}

TfLiteModel* TfLiteModelCreateFromFileWithErrorReporter(const char* model_path, ErrorReporter reporter,
                                                        void* user_data) {
  return CreateModelReporting(nullptr, 0, true, model_path, reporter, user_data);
}

void TfLiteModelDelete(TfLiteModel* model) { ElcModelDelete(model); }

// ---- Options ----

TfLiteInterpreterOptions* TfLiteInterpreterOptionsCreate(void) {
  auto* options = static_cast<TfLiteInterpreterOptions*>(ElcOptionsCreate());
  if (options) options->cancellation_enabled = false;  // LiteRT's default
  return options;
}

TfLiteInterpreterOptions* TfLiteInterpreterOptionsCopy(const TfLiteInterpreterOptions* from) {
  if (!from) return nullptr;
  try {
    return new TfLiteInterpreterOptions(*from);
  } catch (const std::exception&) {
    return nullptr;
  }
}

void TfLiteInterpreterOptionsDelete(TfLiteInterpreterOptions* options) { ElcOptionsDelete(options); }

void TfLiteInterpreterOptionsSetNumThreads(TfLiteInterpreterOptions* options, int32_t num_threads) {
  // LiteRT's returns nothing: a bad count (< -1) is kept, and TfLiteInterpreterCreate reports it. LiteRT takes
  // 0 as no extra threads: one here.
  if (options) options->num_threads = num_threads == 0 ? 1 : num_threads;
}

void TfLiteInterpreterOptionsAddDelegate(TfLiteInterpreterOptions* options, TfLiteOpaqueDelegate* delegate) {
  if (!options) return;
  auto* ours = reinterpret_cast<ElcDelegate*>(delegate);
  if (ElcOptionsAddDelegate(options, ours) != ELC_OK) options->foreign_delegate = true;
}

void TfLiteInterpreterOptionsSetErrorReporter(TfLiteInterpreterOptions* options, ErrorReporter reporter,
                                              void* user_data) {
  if (!options) return;
  options->reporter = reporter;
  options->reporter_data = user_data;
}

TfLiteStatus TfLiteInterpreterOptionsEnableCancellation(TfLiteInterpreterOptions* options, bool enable) {
  if (!options) return kTfLiteError;
  options->cancellation_enabled = enable;
  return kTfLiteOk;
}

// ---- Interpreter ----

TfLiteInterpreter* TfLiteInterpreterCreate(const TfLiteModel* model, const TfLiteInterpreterOptions* optional_options) {
  ElcInterpreter* interp = CreateInterpreter(model, optional_options, true);
  if (!interp) return nullptr;
  // LiteRT refuses a model with operators it cannot run here, where edgelite waits for allocate.
  std::string unresolved;
  for (int i = 0; i < interp->interp->num_subgraphs(); ++i) {
    for (const std::string& what : interp->interp->subgraph(i)->unresolved()) {
      unresolved += (unresolved.empty() ? "" : "; ") + what;
    }
  }
  if (!unresolved.empty()) {
    FailCreate("the model has operators this build cannot run: " + unresolved, interp->reporter,
               interp->reporter_data, true);
    ElcInterpreterDelete(interp);
    return nullptr;
  }
  return static_cast<TfLiteInterpreter*>(interp);
}

void TfLiteInterpreterDelete(TfLiteInterpreter* interpreter) { ElcInterpreterDelete(interpreter); }

int32_t TfLiteInterpreterGetInputTensorCount(const TfLiteInterpreter* interpreter) {
  return ElcInterpreterInputCount(interpreter);
}

const int* TfLiteInterpreterInputTensorIndices(const TfLiteInterpreter* interpreter) {
  return interpreter ? interpreter->interp->subgraph(0)->inputs().data() : nullptr;
}

TfLiteTensor* TfLiteInterpreterGetInputTensor(const TfLiteInterpreter* interpreter, int32_t input_index) {
  auto* interp = const_cast<TfLiteInterpreter*>(interpreter);
  return static_cast<TfLiteTensor*>(ElcInterpreterInputTensor(interp, input_index));
}

TfLiteStatus TfLiteInterpreterResizeInputTensor(TfLiteInterpreter* interpreter, int32_t input_index,
                                                const int* input_dims, int32_t input_dims_size) {
  return ToTfLite(ElcInterpreterResizeInput(interpreter, input_index, input_dims, input_dims_size));
}

TfLiteStatus TfLiteInterpreterAllocateTensors(TfLiteInterpreter* interpreter) {
  return ToTfLite(ElcInterpreterAllocateTensors(interpreter));
}

TfLiteStatus TfLiteInterpreterInvoke(TfLiteInterpreter* interpreter) {
  return ToTfLite(ElcInterpreterInvoke(interpreter));
}

int32_t TfLiteInterpreterGetOutputTensorCount(const TfLiteInterpreter* interpreter) {
  return ElcInterpreterOutputCount(interpreter);
}

const int* TfLiteInterpreterOutputTensorIndices(const TfLiteInterpreter* interpreter) {
  return interpreter ? interpreter->interp->subgraph(0)->outputs().data() : nullptr;
}

const TfLiteTensor* TfLiteInterpreterGetOutputTensor(const TfLiteInterpreter* interpreter, int32_t output_index) {
  auto* interp = const_cast<TfLiteInterpreter*>(interpreter);
  return static_cast<const TfLiteTensor*>(ElcInterpreterOutputTensor(interp, output_index));
}

TfLiteTensor* TfLiteInterpreterGetTensor(const TfLiteInterpreter* interpreter, int index) {
  if (!interpreter) return nullptr;
  auto* interp = const_cast<TfLiteInterpreter*>(interpreter);
  TfLiteTensor* out = nullptr;
  Guard(interp, [&] {
    Tensor* t;
    Status s = api::GetTensor(*interp->interp, 0, index, &t);
    if (s.ok()) out = TensorHandle(interp, 0, index);
    return Fail(interp, s);
  });
  return out;
}

TfLiteStatus TfLiteInterpreterCancel(const TfLiteInterpreter* interpreter) {
  if (!interpreter) return kTfLiteError;
  auto* interp = const_cast<TfLiteInterpreter*>(interpreter);
  if (!interp->cancellation_enabled) {
    // Not recorded as the interpreter's last error: this may run on another thread than its calls.
    if (interp->reporter) {
      Report(interp->reporter, interp->reporter_data, "%s",
             "cancellation is not enabled (TfLiteInterpreterOptionsEnableCancellation)");
    }
    return kTfLiteError;
  }
  ElcInterpreterCancel(interp);
  return kTfLiteOk;
}

// ---- Signature runners ----

int32_t TfLiteInterpreterGetSignatureCount(const TfLiteInterpreter* interpreter) {
  return ElcInterpreterSignatureCount(interpreter);
}

const char* TfLiteInterpreterGetSignatureKey(const TfLiteInterpreter* interpreter, int32_t signature_index) {
  return ElcInterpreterSignatureKey(interpreter, signature_index);
}

TfLiteSignatureRunner* TfLiteInterpreterGetSignatureRunner(const TfLiteInterpreter* interpreter,
                                                           const char* signature_key) {
  if (!interpreter) return nullptr;
  auto* interp = const_cast<TfLiteInterpreter*>(interpreter);
  if (!signature_key && interp->interp->signatures().empty()) {
    TfLiteSignatureRunner* out = nullptr;
    Guard(interp, [&] {
      auto runner = std::make_unique<TfLiteSignatureRunner>();
      runner->owner = interp;
      runner->placeholder = PrimarySubgraphSignature(*interp->interp);
      runner->signature = runner->placeholder.get();
      out = runner.release();
      return ELC_OK;
    });
    return out;
  }
  return static_cast<TfLiteSignatureRunner*>(ElcInterpreterGetSignatureRunner(interp, signature_key));
}

size_t TfLiteSignatureRunnerGetInputCount(const TfLiteSignatureRunner* signature_runner) {
  return signature_runner ? signature_runner->signature->inputs.size() : 0;
}

const char* TfLiteSignatureRunnerGetInputName(const TfLiteSignatureRunner* signature_runner, int32_t input_index) {
  return ElcSignatureRunnerInputName(signature_runner, input_index);
}

TfLiteStatus TfLiteSignatureRunnerResizeInputTensor(TfLiteSignatureRunner* signature_runner, const char* input_name,
                                                    const int* input_dims, int32_t input_dims_size) {
  return ToTfLite(ElcSignatureRunnerResizeInput(signature_runner, input_name, input_dims, input_dims_size));
}

TfLiteStatus TfLiteSignatureRunnerAllocateTensors(TfLiteSignatureRunner* signature_runner) {
  return ToTfLite(ElcSignatureRunnerAllocateTensors(signature_runner));
}

TfLiteTensor* TfLiteSignatureRunnerGetInputTensor(TfLiteSignatureRunner* signature_runner, const char* input_name) {
  return static_cast<TfLiteTensor*>(ElcSignatureRunnerInputTensor(signature_runner, input_name));
}

TfLiteStatus TfLiteSignatureRunnerInvoke(TfLiteSignatureRunner* signature_runner) {
  return ToTfLite(ElcSignatureRunnerInvoke(signature_runner));
}

size_t TfLiteSignatureRunnerGetOutputCount(const TfLiteSignatureRunner* signature_runner) {
  return signature_runner ? signature_runner->signature->outputs.size() : 0;
}

const char* TfLiteSignatureRunnerGetOutputName(const TfLiteSignatureRunner* signature_runner, int32_t output_index) {
  return ElcSignatureRunnerOutputName(signature_runner, output_index);
}

const TfLiteTensor* TfLiteSignatureRunnerGetOutputTensor(const TfLiteSignatureRunner* signature_runner,
                                                         const char* output_name) {
  auto* runner = const_cast<TfLiteSignatureRunner*>(signature_runner);
  return static_cast<const TfLiteTensor*>(ElcSignatureRunnerOutputTensor(runner, output_name));
}

void TfLiteSignatureRunnerDelete(TfLiteSignatureRunner* signature_runner) {
  ElcSignatureRunnerDelete(signature_runner);
}

// ---- Tensors ----

TfLiteType TfLiteTensorType(const TfLiteTensor* tensor) { return ToTfLiteType(ElcTensorType(tensor)); }

int32_t TfLiteTensorNumDims(const TfLiteTensor* tensor) { return ElcTensorNumDims(tensor); }

int32_t TfLiteTensorDim(const TfLiteTensor* tensor, int32_t dim_index) { return ElcTensorDim(tensor, dim_index); }

size_t TfLiteTensorByteSize(const TfLiteTensor* tensor) { return ElcTensorByteSize(tensor); }

void* TfLiteTensorData(const TfLiteTensor* tensor) { return ElcTensorData(tensor); }

const char* TfLiteTensorName(const TfLiteTensor* tensor) { return ElcTensorName(tensor); }

TfLiteQuantizationParams TfLiteTensorQuantizationParams(const TfLiteTensor* tensor) {
  TfLiteQuantizationParams params;
  params.scale = ElcTensorScale(tensor);
  params.zero_point = ElcTensorZeroPoint(tensor);
  return params;
}

TfLiteStatus TfLiteTensorCopyFromBuffer(TfLiteTensor* tensor, const void* input_data, size_t input_data_size) {
  return ToTfLite(ElcTensorCopyFromBuffer(tensor, input_data, input_data_size));
}

TfLiteStatus TfLiteTensorCopyToBuffer(const TfLiteTensor* output_tensor, void* output_data, size_t output_data_size) {
  return ToTfLite(ElcTensorCopyToBuffer(output_tensor, output_data, output_data_size));
}

}  // extern "C"
