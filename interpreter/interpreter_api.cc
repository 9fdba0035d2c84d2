// One validation path for every front end: see interpreter_api.h.
#include "interpreter/interpreter_api.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "interpreter/string_tensor.h"

namespace edgelite {
namespace api {
namespace {

std::string Names(const std::vector<std::pair<std::string, int>>& list) {
  std::string out = "[";
  for (size_t i = 0; i < list.size(); ++i) out += StrCat(i ? ", '" : "'", list[i].first, "'");
  return out + "]";
}

Status FindByName(const std::vector<std::pair<std::string, int>>& list, const std::string& name, const char* what,
                  const SignatureInfo& sig, int* tensor) {
  for (const auto& [n, t] : list) {
    if (n == name) {
      *tensor = t;
      return Status::Ok();
    }
  }
  return InvalidArgument(StrCat("Invalid ", what, " name (", name, ") for SignatureDef '", sig.key, "'; ", what,
                                "s: ", Names(list)));
}

}  // namespace

const char* ErrorName(StatusCode code) {
  switch (code) {
    case StatusCode::kInvalidArgument: return "InvalidArgumentError";
    case StatusCode::kInvalidModel: return "InvalidModelError";
    case StatusCode::kUnsupported: return "UnsupportedError";
    case StatusCode::kFailedPrecondition: return "NotReadyError";
    case StatusCode::kCancelled: return "CancelledError";
    default: return "InternalError";
  }
}

Status GetSubgraph(Interpreter& interp, int subgraph, Subgraph** out) {
  Subgraph* s = interp.subgraph(subgraph);
  if (!s) {
    return InvalidArgument(StrCat("subgraph index ", subgraph, " is out of range (model has ", interp.num_subgraphs(), ")"));
  }
  *out = s;
  return Status::Ok();
}

Status GetTensor(Interpreter& interp, int subgraph, int tensor, Tensor** out) {
  Subgraph* s;
  EL_RETURN_IF_ERROR(GetSubgraph(interp, subgraph, &s));
  Tensor* t = s->tensor(tensor);
  if (!t) {
    return InvalidArgument(StrCat("tensor index ", tensor, " is out of range (subgraph has ", s->num_tensors(),
                                  " tensors)"));
  }
  *out = t;
  return Status::Ok();
}

namespace {

Status EndpointTensorIndex(Interpreter& interp, int subgraph, int position, bool input, int* tensor) {
  Subgraph* s;
  EL_RETURN_IF_ERROR(GetSubgraph(interp, subgraph, &s));
  const std::vector<int>& list = input ? s->inputs() : s->outputs();
  if (position < 0 || position >= static_cast<int>(list.size())) {
    const char* what = input ? "input" : "output";
    return InvalidArgument(StrCat(what, " index ", position, " is out of range (the model has ", list.size(), " ",
                                  what, "s)"));
  }
  *tensor = list[position];
  return Status::Ok();
}

}  // namespace

Status InputTensorIndex(Interpreter& interp, int subgraph, int position, int* tensor) {
  return EndpointTensorIndex(interp, subgraph, position, true, tensor);
}

Status OutputTensorIndex(Interpreter& interp, int subgraph, int position, int* tensor) {
  return EndpointTensorIndex(interp, subgraph, position, false, tensor);
}

Status CheckHasData(const Tensor& t) {
  if (t.type == DataType::kString && !HoldsStrings(t)) {
    return FailedPrecondition(StrCat("string tensor '", t.name, "' holds no value yet (set_tensor() an input after "
                                     "allocate_tensors(); an operator's output is written by invoke())"));
  }
  // A sparse constant holds fewer bytes than its dense shape: only its operator reads it.
  if ((!t.data || t.bytes < t.RequiredBytes()) && t.RequiredBytes() > 0) {
    return FailedPrecondition(StrCat("tensor '", t.name, "' has no data: call allocate_tensors() first",
                                     " (or the tensor is internal to a delegate partition, or is a PAD's output that "
                                     "graph fusion made the next node's padding: experimental_preserve_all_tensors "
                                     "keeps every tensor)"));
  }
  return Status::Ok();
}

Status CopyToTensor(Interpreter& interp, int subgraph, int tensor, int type, const std::string& type_name,
                    const Dims& dims, const void* data, size_t bytes) {
  InterpreterUse use(interp);
  EL_RETURN_IF_ERROR(use.status());
  Subgraph* s;
  Tensor* t;
  EL_RETURN_IF_ERROR(GetSubgraph(interp, subgraph, &s));
  EL_RETURN_IF_ERROR(GetTensor(interp, subgraph, tensor, &t));
  if (t->allocation == Allocation::kConstant) {
    return InvalidArgument(StrCat("tensor '", t->name, "' is a constant of the model and cannot be set"));
  }
  if (t->type == DataType::kResource) {
    return InvalidArgument(StrCat("tensor '", t->name, "' is a resource handle and cannot be set"));
  }
  // A string input has no buffer until set: its size comes from the value.
  if (t->type != DataType::kString) EL_RETURN_IF_ERROR(CheckHasData(*t));
  // INT4 / UINT4 / INT2 are set from int8 / uint8 values, one a byte (as LiteRT's Python), within their range.
  if (type != static_cast<int>(t->type) && type != static_cast<int>(HeldAsType(t->type))) {
    return InvalidArgument(StrCat("cannot set tensor '", t->name, "': got a value of type ", type_name,
                                  " but expected ", DataTypeName(t->type)));
  }
  if (PackedBits(t->type) && bytes == t->RequiredBytes()) {
    const int64_t bad = FirstOutOfRange(t->type, data, t->num_elements());
    if (bad >= 0) {
      return InvalidArgument(StrCat("cannot set tensor '", t->name, "': element ", bad, " is out of the range of ",
                                    DataTypeName(t->type)));
    }
  }
  if (dims != t->dims) {
    return InvalidArgument(StrCat("cannot set tensor '", t->name, "': got shape ", DimsToString(dims), " but expected ",
                                  DimsToString(t->dims), " (use resize_tensor_input to change an input's shape)"));
  }
  if (t->type == DataType::kString) {
    const std::string bad = CheckStringBuffer(data, bytes, t->num_elements());
    if (!bad.empty()) return InvalidArgument(StrCat("cannot set string tensor '", t->name, "': ", bad));
    EL_RETURN_IF_ERROR(s->ResizeStringTensor(*t, t->dims, bytes));
  } else if (bytes != t->RequiredBytes()) {
    return InvalidArgument(StrCat("cannot set tensor '", t->name, "': got ", bytes, " bytes but it holds ",
                                  t->RequiredBytes()));
  }
  if (bytes) std::memcpy(t->data, data, bytes);
  // The host copy is now the newest: a device copy a delegate held is out of date.
  if (t->device_owner) EL_RETURN_IF_ERROR(s->SetDeviceBuffer(*t, nullptr, nullptr, false));
  return Status::Ok();
}

Status ReadableTensor(Interpreter& interp, int subgraph, int tensor, Tensor** out) {
  InterpreterUse use(interp);
  EL_RETURN_IF_ERROR(use.status());
  Subgraph* s;
  Tensor* t;
  EL_RETURN_IF_ERROR(GetSubgraph(interp, subgraph, &s));
  EL_RETURN_IF_ERROR(GetTensor(interp, subgraph, tensor, &t));
  if (t->type == DataType::kResource) {
    return InvalidArgument(StrCat("tensor '", t->name, "' is a resource handle; it has no values to read"));
  }
  EL_RETURN_IF_ERROR(CheckHasData(*t));
  EL_RETURN_IF_ERROR(s->EnsureHost(*t));
  *out = t;
  return Status::Ok();
}

Status CopyFromTensor(Interpreter& interp, int subgraph, int tensor, void* out, size_t bytes) {
  InterpreterUse use(interp);
  EL_RETURN_IF_ERROR(use.status());
  Tensor* t;
  EL_RETURN_IF_ERROR(ReadableTensor(interp, subgraph, tensor, &t));
  if (bytes != t->ValueBytes()) {
    return InvalidArgument(StrCat("cannot read tensor '", t->name, "' into ", bytes, " bytes: it holds ",
                                  t->ValueBytes()));
  }
  if (bytes) std::memcpy(out, t->data, bytes);
  return Status::Ok();
}

Status ResizeInput(Interpreter& interp, int subgraph, int tensor, const Dims& dims, bool strict) {
  InterpreterUse use(interp);
  EL_RETURN_IF_ERROR(use.status());
  Subgraph* s;
  Tensor* t;
  EL_RETURN_IF_ERROR(GetSubgraph(interp, subgraph, &s));
  EL_RETURN_IF_ERROR(GetTensor(interp, subgraph, tensor, &t));  // range check with a clear message
  return s->ResizeInputTensor(tensor, dims, strict);
}

Status FindSignature(Interpreter& interp, const std::string& key, const SignatureInfo** out) {
  const auto& sigs = interp.signatures();
  std::string keys;
  for (const SignatureInfo& s : sigs) keys += (keys.empty() ? "" : ", ") + s.key;
  if (key.empty()) {
    if (sigs.size() != 1) {
      return InvalidArgument(StrCat("signature_key can be left out only for a model with exactly one signature; "
                                    "this one has ", sigs.size(), sigs.empty() ? "" : ": " + keys));
    }
    *out = &sigs[0];
    return Status::Ok();
  }
  for (const SignatureInfo& s : sigs) {
    if (s.key == key) {
      *out = &s;
      return Status::Ok();
    }
  }
  return InvalidArgument(StrCat("Invalid signature_key provided: no signature \"", key, "\"; the model has: ",
                                sigs.empty() ? std::string("no signatures") : keys));
}

Status SignatureInput(const SignatureInfo& sig, const std::string& name, int* tensor) {
  return FindByName(sig.inputs, name, "Input", sig, tensor);
}

Status SignatureOutput(const SignatureInfo& sig, const std::string& name, int* tensor) {
  return FindByName(sig.outputs, name, "Output", sig, tensor);
}

Status PrepareSignatureCall(Interpreter& interp, const SignatureInfo& sig,
                            const std::vector<std::pair<std::string, Dims>>& inputs) {
  InterpreterUse use(interp);
  EL_RETURN_IF_ERROR(use.status());
  std::set<std::string> given;
  for (const auto& [name, dims] : inputs) {
    int t;
    EL_RETURN_IF_ERROR(SignatureInput(sig, name, &t));
    given.insert(name);
  }
  std::vector<std::string> missing;
  for (const auto& [name, t] : sig.inputs)
    if (!given.count(name)) missing.push_back(name);
  if (!missing.empty()) {
    std::string list = "[";
    for (size_t i = 0; i < missing.size(); ++i) list += StrCat(i ? ", '" : "'", missing[i], "'");
    return InvalidArgument(StrCat("missing inputs for signature '", sig.key, "': ", list, "]"));
  }
  Subgraph* s;
  EL_RETURN_IF_ERROR(GetSubgraph(interp, sig.subgraph_index, &s));
  for (const auto& [name, dims] : inputs) {
    int t;
    EL_RETURN_IF_ERROR(SignatureInput(sig, name, &t));
    if (s->tensor(t)->dims != dims) EL_RETURN_IF_ERROR(s->ResizeInputTensor(t, dims, false));
  }
  if (!s->ready()) EL_RETURN_IF_ERROR(interp.AllocateTensors(sig.subgraph_index));
  return Status::Ok();
}

}  // namespace api
}  // namespace edgelite
