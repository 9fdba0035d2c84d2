// Subgraph as a CalledGraph: what a control-flow kernel calls on the subgraph it runs (input shapes, input values
// lent or copied, prepare, the dynamic-tensor query), and the guarded lookup of a callee.
#include <cstring>

#include "interpreter/string_tensor.h"
#include "interpreter/subgraph.h"

namespace edgelite {

Status Subgraph::ResizeInput(int i, const Dims& dims) {
  if (i < 0 || i >= num_inputs()) {
    return InvalidArgument(StrCat("subgraph ", index_, " has ", num_inputs(), " inputs; there is no input ", i));
  }
  const Tensor& t = tensors_[inputs_[i]];
  if (t.allocation == Allocation::kConstant) {
    return InvalidModel(StrCat("input ", i, " ('", t.name, "') of subgraph ", index_, " ('", name_,
                               "') is a constant of the model, so no caller can give it a value"));
  }
  return ResizeInputTensor(inputs_[i], dims, false);
}

Status Subgraph::SetInput(int i, const Tensor& value, bool borrow) {
  if (i < 0 || i >= num_inputs()) {
    return InvalidArgument(StrCat("subgraph ", index_, " has ", num_inputs(), " inputs; there is no input ", i));
  }
  Tensor& t = tensors_[inputs_[i]];
  if (&value == &t) return Status::Ok();  // the callee's own output fed back: already in place
  if (state_ != State::kReady || static_cast<int>(input_bindings_.size()) != num_inputs()) {
    return FailedPrecondition(StrCat("subgraph ", index_, " ('", name_, "') must be prepared before its inputs are set"));
  }
  if (t.allocation == Allocation::kConstant) {
    return InvalidModel(StrCat("input ", i, " ('", t.name, "') of subgraph ", index_, " is a constant of the model"));
  }
  if (value.type != t.type || value.dims != t.dims) {
    return InvalidArgument(StrCat("input ", i, " ('", t.name, "') of subgraph ", index_, " ('", name_, "') is ",
                                  DataTypeName(t.type), " ", DimsToString(t.dims), "; got ", DataTypeName(value.type),
                                  " ", DimsToString(value.dims)));
  }
  InputBinding& binding = input_bindings_[i];
  if (t.type == DataType::kString) {
    // A string buffer's size is not the shape's: the callee's input gets a copy in a block of its own (never
    // lent, so no binding has to give a string block back).
    if (!HoldsStrings(value)) return Internal(StrCat("value for input '", t.name, "' holds no strings"));
    EL_RETURN_IF_ERROR(ResizeStringTensor(t, t.dims, value.bytes));
    std::memcpy(t.data, value.data, value.bytes);
    return Status::Ok();
  }
  const size_t bytes = t.RequiredBytes();
  if (bytes && !value.data) return Internal(StrCat("value for input '", t.name, "' of subgraph ", index_, " has no memory"));
  if (borrow) {
    t.data = value.data;
    binding.borrowed = true;
    return Status::Ok();
  }
  if (binding.borrowed) {
    t.data = binding.home;
    t.bytes = binding.bytes;
    binding.borrowed = false;
  }
  if (bytes) {
    if (!t.data || t.bytes < bytes) return Internal(StrCat("input '", t.name, "' of subgraph ", index_, " has no memory"));
    if (t.data != value.data) std::memcpy(t.data, value.data, bytes);
  }
  return Status::Ok();
}

bool Subgraph::has_dynamic_tensors() const {
  for (const Tensor& t : tensors_)
    if (t.is_dynamic) return true;
  return false;
}

Status Subgraph::Prepare() { return state_ == State::kReady ? Status::Ok() : AllocateTensors(); }

Status Subgraph::GetSubgraph(const Node& caller, int index, CalledGraph** out) {
  const int count = siblings_ ? static_cast<int>(siblings_->size()) : 0;
  if (index < 0 || index >= count) {
    return Error(caller, StrCat("refers to subgraph ", index, ", out of range (the model has ", count, ")"));
  }
  Subgraph* callee = (*siblings_)[index].get();
  if (callee == this || callee->active()) {
    return Error(caller, StrCat("calls subgraph ", index, " ('", callee->name(), "'), which is already ",
                                "preparing or running: recursive subgraph calls are not allowed"));
  }
  // Each level of nesting is a few frames of the C++ stack (prepare -> kernel -> prepare), so a file
  // with thousands of subgraphs calling one another must be refused before it overflows the stack.
  constexpr int kMaxNesting = 64;
  int active = 0;
  for (const auto& sg : *siblings_) active += sg->active() ? 1 : 0;
  if (active >= kMaxNesting) {
    return Error(caller, StrCat("calls subgraph ", index, " at a nesting depth of ", active,
                                " subgraphs; control flow nested deeper than ", kMaxNesting, " is not supported"),
                 StatusCode::kUnsupported);
  }
  *out = callee;
  return Status::Ok();
}

}  // namespace edgelite
