// The C API's tensors and signature runners (edgelite/c_api.h). A tensor handle names (subgraph, tensor
// index) of its interpreter and reads the core tensor at each call, so shapes and data pointers are
// always current after a resize or an allocate.
#include "bindings/c/c_api_internal.h"
#include "interpreter/interpreter_api.h"

using namespace edgelite;
using namespace edgelite::capi;

namespace {

const Tensor* Get(const ElcTensor* tensor) { return CoreTensor(tensor); }

ElcInterpreter* Owner(const ElcTensor* tensor) { return tensor ? tensor->owner : nullptr; }
ElcInterpreter* Owner(const ElcSignatureRunner* runner) { return runner ? runner->owner : nullptr; }

// A runner's tensor by input or output name, as a handle; null with the message when there is no such name.
ElcTensor* RunnerTensor(const ElcSignatureRunner* runner, const char* name, bool input) {
  if (!runner) return nullptr;
  ElcTensor* out = nullptr;
  Guard(runner->owner, [&] {
    if (!name) return Fail(runner->owner, ELC_INVALID_ARGUMENT, "signature tensor name is null");
    int t;
    const SignatureInfo& sig = *runner->signature;
    Status s = input ? api::SignatureInput(sig, name, &t) : api::SignatureOutput(sig, name, &t);
    if (s.ok()) out = TensorHandle(runner->owner, sig.subgraph_index, t);
    return Fail(runner->owner, s);
  });
  return out;
}

const char* NameAt(const ElcSignatureRunner* runner, int32_t index, bool input) {
  if (!runner) return nullptr;
  const auto& list = input ? runner->signature->inputs : runner->signature->outputs;
  if (index < 0 || index >= static_cast<int32_t>(list.size())) {
    Fail(runner->owner, ELC_INVALID_ARGUMENT,
         StrCat("signature '", runner->signature->key, "' ", input ? "input" : "output", " index ", index,
                " is out of range (it has ", list.size(), ")"));
    return nullptr;
  }
  return list[index].first.c_str();
}

}  // namespace

extern "C" {

// ---- Tensors ----

ElcType ElcTensorType(const ElcTensor* tensor) {
  const Tensor* t = Get(tensor);
  return t ? static_cast<ElcType>(t->type) : static_cast<ElcType>(-1);
}

int32_t ElcTensorNumDims(const ElcTensor* tensor) {
  const Tensor* t = Get(tensor);
  return t ? t->rank() : -1;
}

int32_t ElcTensorDim(const ElcTensor* tensor, int32_t dim) {
  const Tensor* t = Get(tensor);
  return t && dim >= 0 && dim < t->rank() ? t->dims[dim] : -1;
}

size_t ElcTensorByteSize(const ElcTensor* tensor) {
  const Tensor* t = Get(tensor);
  return t ? t->ValueBytes() : 0;  // a string tensor: the buffer it holds now
}

const char* ElcTensorName(const ElcTensor* tensor) {
  const Tensor* t = Get(tensor);
  return t ? t->name.c_str() : nullptr;
}

// Per-tensor values only for exactly one scale, as LiteRT's legacy `params` (and Python's "quantization").
float ElcTensorScale(const ElcTensor* tensor) {
  const Tensor* t = Get(tensor);
  return t && t->quant.scale.size() == 1 ? t->quant.scale[0] : 0.0f;
}

int32_t ElcTensorZeroPoint(const ElcTensor* tensor) {
  const Tensor* t = Get(tensor);
  return t && t->quant.scale.size() == 1 && !t->quant.zero_point.empty()
             ? static_cast<int32_t>(t->quant.zero_point[0])
             : 0;
}

int32_t ElcTensorNumScales(const ElcTensor* tensor) {
  const Tensor* t = Get(tensor);
  return t ? static_cast<int32_t>(t->quant.scale.size()) : 0;
}

const float* ElcTensorScales(const ElcTensor* tensor) {
  const Tensor* t = Get(tensor);
  return t && !t->quant.scale.empty() ? t->quant.scale.data() : nullptr;
}

const int64_t* ElcTensorZeroPoints(const ElcTensor* tensor) {
  const Tensor* t = Get(tensor);
  return t && !t->quant.zero_point.empty() ? t->quant.zero_point.data() : nullptr;
}

int32_t ElcTensorQuantizedDimension(const ElcTensor* tensor) {
  const Tensor* t = Get(tensor);
  return t ? t->quant.quantized_dimension : 0;
}

ElcStatus ElcTensorCopyFromBuffer(ElcTensor* tensor, const void* data, size_t size) {
  if (!tensor) return Fail(nullptr, ELC_INVALID_ARGUMENT, "tensor is null");
  ElcInterpreter* interp = Owner(tensor);
  return Guard(interp, [&] {
    const Tensor* t = Get(tensor);
    if (!t) return ELC_INVALID_ARGUMENT;
    if (!data && size) return Fail(interp, ELC_INVALID_ARGUMENT, StrCat("cannot set tensor '", t->name, "': data is null"));
    // A buffer carries no type or shape of its own: it is the tensor's, and only its size is checked.
    return Fail(interp, api::CopyToTensor(*interp->interp, tensor->subgraph, tensor->index, static_cast<int>(t->type),
                                          DataTypeName(t->type), t->dims, data, size));
  });
}

ElcStatus ElcTensorCopyToBuffer(const ElcTensor* tensor, void* data, size_t size) {
  if (!tensor) return Fail(nullptr, ELC_INVALID_ARGUMENT, "tensor is null");
  ElcInterpreter* interp = Owner(tensor);
  return Guard(interp, [&] {
    if (!data && size) return Fail(interp, ELC_INVALID_ARGUMENT, "output buffer is null");
    return Fail(interp, api::CopyFromTensor(*interp->interp, tensor->subgraph, tensor->index, data, size));
  });
}

void* ElcTensorData(const ElcTensor* tensor) {
  const Tensor* t = Get(tensor);
  if (!t || !t->data) return nullptr;  // before allocate: null, as documented, and no error
  ElcInterpreter* interp = Owner(tensor);
  void* data = nullptr;
  Guard(interp, [&] {
    Tensor* readable = nullptr;  // brings a delegate's device copy back to the host first
    Status s = api::ReadableTensor(*interp->interp, tensor->subgraph, tensor->index, &readable);
    if (s.ok()) data = readable->data;
    return Fail(interp, s);
  });
  return data;
}

// ---- Signatures ----

int32_t ElcInterpreterSignatureCount(const ElcInterpreter* interpreter) {
  return interpreter ? static_cast<int32_t>(interpreter->interp->signatures().size()) : -1;
}

const char* ElcInterpreterSignatureKey(const ElcInterpreter* interpreter, int32_t index) {
  if (!interpreter) return nullptr;
  const auto& sigs = interpreter->interp->signatures();
  if (index < 0 || index >= static_cast<int32_t>(sigs.size())) {
    Fail(const_cast<ElcInterpreter*>(interpreter), ELC_INVALID_ARGUMENT,
         StrCat("signature index ", index, " is out of range (the model has ", sigs.size(), ")"));
    return nullptr;
  }
  return sigs[index].key.c_str();
}

ElcSignatureRunner* ElcInterpreterGetSignatureRunner(ElcInterpreter* interpreter, const char* key) {
  if (!interpreter) return nullptr;
  ElcSignatureRunner* out = nullptr;
  Guard(interpreter, [&] {
    const SignatureInfo* sig = nullptr;
    Status s = api::FindSignature(*interpreter->interp, key ? key : "", &sig);
    if (s.ok()) {
      auto* runner = new TfLiteSignatureRunner();
      runner->owner = interpreter;
      runner->signature = sig;
      out = runner;
    }
    return Fail(interpreter, s);
  });
  return out;
}

void ElcSignatureRunnerDelete(ElcSignatureRunner* runner) { delete static_cast<TfLiteSignatureRunner*>(runner); }

int32_t ElcSignatureRunnerInputCount(const ElcSignatureRunner* runner) {
  return runner ? static_cast<int32_t>(runner->signature->inputs.size()) : -1;
}

const char* ElcSignatureRunnerInputName(const ElcSignatureRunner* runner, int32_t index) {
  return NameAt(runner, index, true);
}

int32_t ElcSignatureRunnerOutputCount(const ElcSignatureRunner* runner) {
  return runner ? static_cast<int32_t>(runner->signature->outputs.size()) : -1;
}

const char* ElcSignatureRunnerOutputName(const ElcSignatureRunner* runner, int32_t index) {
  return NameAt(runner, index, false);
}

ElcStatus ElcSignatureRunnerResizeInput(ElcSignatureRunner* runner, const char* name, const int32_t* dims,
                                        int32_t rank) {
  if (!runner) return Fail(nullptr, ELC_INVALID_ARGUMENT, "signature runner is null");
  ElcInterpreter* interp = Owner(runner);
  return Guard(interp, [&] {
    if (!name) return Fail(interp, ELC_INVALID_ARGUMENT, "signature input name is null");
    if (rank < 0 || (rank > 0 && !dims)) {
      return Fail(interp, ELC_INVALID_ARGUMENT, StrCat("resize of signature input '", name, "': rank ", rank,
                                                       rank < 0 ? " is negative" : " with null dims"));
    }
    int t;
    Status s = api::SignatureInput(*runner->signature, name, &t);
    // Strict, as LiteRT's signature runners: only the dimensions the signature leaves open (-1) change.
    if (s.ok()) s = api::ResizeInput(*interp->interp, runner->signature->subgraph_index, t, Dims(dims, dims + rank), true);
    return Fail(interp, s);
  });
}

ElcStatus ElcSignatureRunnerAllocateTensors(ElcSignatureRunner* runner) {
  if (!runner) return Fail(nullptr, ELC_INVALID_ARGUMENT, "signature runner is null");
  return Guard(runner->owner, [&] {
    return Fail(runner->owner, runner->owner->interp->AllocateTensors(runner->signature->subgraph_index));
  });
}

ElcTensor* ElcSignatureRunnerInputTensor(ElcSignatureRunner* runner, const char* name) {
  return RunnerTensor(runner, name, true);
}

const ElcTensor* ElcSignatureRunnerOutputTensor(ElcSignatureRunner* runner, const char* name) {
  return RunnerTensor(runner, name, false);
}

ElcStatus ElcSignatureRunnerInvoke(ElcSignatureRunner* runner) {
  if (!runner) return Fail(nullptr, ELC_INVALID_ARGUMENT, "signature runner is null");
  return Guard(runner->owner, [&] {
    return Fail(runner->owner, runner->owner->interp->Invoke(runner->signature->subgraph_index));
  });
}

}  // extern "C"
