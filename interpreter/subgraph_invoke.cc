// Subgraph::Invoke, the per-invoke path (every node's eval in plan order, device copies back to the host), in a
// file of its own so that it builds at -O2 while the rest of the subgraph builds for size (CMakeLists.txt).
#include <chrono>

#include "interpreter/string_tensor.h"
#include "interpreter/subgraph.h"

namespace edgelite {

Status Subgraph::Invoke() {
  if (state_ != State::kReady) {
    return FailedPrecondition("invoke() called before allocate_tensors(); call allocate_tensors() after "
                              "creating the interpreter and after every resize_tensor_input()");
  }
  if (active_) {
    return FailedPrecondition(StrCat("subgraph ", index_, " ('", name_, "') is already running; invoke() "
                                     "cannot re-enter it"));
  }
  for (int t : inputs_) {
    if (tensors_[t].type == DataType::kString && !HoldsStrings(tensors_[t])) {
      return FailedPrecondition(StrCat("string input '", tensors_[t].name, "' has no value: set_tensor() it after "
                                       "allocate_tensors() and before invoke()"));
    }
  }
  subgraph_internal::ActiveScope scope(&active_);
  in_eval_ = true;
  shapes_changed_in_eval_ = false;
  Status status;
  for (int n : plan_) {
    Node& node = nodes_[n];
    if (folded_[n] || fused_into_[n] >= 0) continue;
    if (cancelled()) {
      status = Status(StatusCode::kCancelled, StrCat("invoke() was cancelled (Interpreter.cancel()) before node ",
                                                     n, " (", node.op_name, ") of subgraph ", index_));
      break;
    }
    const auto start = profiling_ ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point();
    if (shapes_changed_in_eval_ && !prepare_at_eval_[n]) {
      // A tensor took a new shape during this invoke (ResizeTensor below): every node reading it from
      // here on prepares again at eval, now and in later invokes.
      for (int t : node.inputs)
        if (t >= 0 && tensors_[t].is_dynamic) prepare_at_eval_[n] = true;
    }
    if (prepare_at_eval_[n]) {
      status = PrepareNode(node);
      if (!status.ok()) break;
    }
    status = SyncInputsToHost(node);
    if (!status.ok()) break;
    status = node.registration->eval(*this, node);
    if (!status.ok()) break;
    if (profiling_) {
      profile_ns_[n] +=
          std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start).count();
    }
  }
  in_eval_ = false;
  // The caller reads outputs from host memory.
  for (int t : outputs_) {
    if (!status.ok()) break;
    status = EnsureHost(tensors_[t]);
  }
  if (profiling_ && status.ok()) ++profile_runs_;
  return status;
}

Status Subgraph::EnsureHost(Tensor& tensor) {
  if (!tensor.host_stale) return Status::Ok();
  Status s = tensor.device_owner->CopyToHost(tensor.device_buffer, tensor.data, tensor.RequiredBytes());
  if (!s.ok()) {
    return Status(s.code(), StrCat("copying '", tensor.name, "' from ", tensor.device_owner->name(), ": ", s.message()));
  }
  tensor.host_stale = false;
  return Status::Ok();
}

Status Subgraph::SyncInputsToHost(const Node& node) {
  Delegate* self = node_delegate(node.index);
  auto sync = [&](int t) -> Status {
    if (t < 0) return Status::Ok();
    Tensor& in = tensors_[t];
    if (in.host_stale && !(self && in.device_owner == self)) return EnsureHost(in);
    return Status::Ok();
  };
  for (int t : node.inputs) EL_RETURN_IF_ERROR(sync(t));
  // What graph fusion made the node read besides (subgraph_fusion.cc).
  EL_RETURN_IF_ERROR(sync(node.fused_pad.input));
  EL_RETURN_IF_ERROR(sync(node.fused_addend));
  return Status::Ok();
}

}  // namespace edgelite
