// Signature checks and value transfer between a control-flow node and the subgraphs it calls.
#include "interpreter/kernels/subgraph_call.h"

#include <cstring>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/string_tensor.h"

namespace edgelite {

std::string DescribeCallee(const char* role, const CalledGraph& callee) {
  return StrCat(role, " subgraph ", callee.index(), " ('", callee.name(), "')");
}

Status PrepareCallee(KernelContext& ctx, const Node& node, const char* role, CalledGraph& callee,
                     const std::vector<Tensor*>& values) {
  if (callee.num_inputs() != static_cast<int>(values.size())) {
    return ctx.Error(node, StrCat(DescribeCallee(role, callee), " takes ", callee.num_inputs(), " inputs but the node ",
                                  "gives it ", values.size()));
  }
  for (int i = 0; i < callee.num_inputs(); ++i) {
    const Tensor& in = *callee.input(i);
    if (in.type != values[i]->type) {
      return ctx.Error(node, StrCat(DescribeCallee(role, callee), " input ", i, " ('", in.name, "') is ",
                                    DataTypeName(in.type), " but the node gives it '", values[i]->name, "', ",
                                    DataTypeName(values[i]->type)));
    }
    Status s = callee.ResizeInput(i, values[i]->dims);
    if (!s.ok()) return ctx.Error(node, s.message(), s.code());
  }
  return PrepareCalled(ctx, node, role, callee);
}

// The callee's own errors name its node; these say who called it.
Status PrepareCalled(KernelContext& ctx, const Node& node, const char* role, CalledGraph& callee) {
  Status s = callee.Prepare();
  return s.ok() ? s : ctx.Error(node, StrCat("preparing ", DescribeCallee(role, callee), ": ", s.message()), s.code());
}

Status InvokeCalled(KernelContext& ctx, const Node& node, const char* role, CalledGraph& callee) {
  Status s = callee.Invoke();
  return s.ok() ? s : ctx.Error(node, StrCat("in ", DescribeCallee(role, callee), ": ", s.message()), s.code());
}

Status CheckCalleeOutputs(KernelContext& ctx, const Node& node, const char* role, CalledGraph& callee,
                          const std::vector<Tensor*>& outputs) {
  if (callee.num_outputs() != static_cast<int>(outputs.size())) {
    return ctx.Error(node, StrCat(DescribeCallee(role, callee), " gives ", callee.num_outputs(), " outputs but the ",
                                  "node has ", outputs.size()));
  }
  for (int i = 0; i < callee.num_outputs(); ++i) {
    const Tensor& out = *callee.output(i);
    if (out.type != outputs[i]->type) {
      return ctx.Error(node, StrCat(DescribeCallee(role, callee), " output ", i, " ('", out.name, "') is ",
                                    DataTypeName(out.type), " but node output ", i, " ('", outputs[i]->name,
                                    "') is ", DataTypeName(outputs[i]->type)));
    }
  }
  return Status::Ok();
}

Status SetCalleeInputs(KernelContext& ctx, const Node& node, CalledGraph& callee, const std::vector<Tensor*>& values,
                       bool borrow) {
  for (size_t i = 0; i < values.size(); ++i) {
    Status s = callee.SetInput(static_cast<int>(i), *values[i], borrow);
    if (!s.ok()) return ctx.Error(node, s.message(), s.code());
  }
  return Status::Ok();
}

Status CopyTensorInto(KernelContext& ctx, const Node& node, const Tensor& src, Tensor& dst) {
  if (src.type == DataType::kString) {
    if (dst.data == src.data) return Status::Ok();
    EL_KERNEL_CHECK(ctx, node, HoldsStrings(src), "'", src.name, "' holds no strings");
    EL_RETURN_IF_ERROR(ctx.ResizeStringTensor(dst, src.dims, src.bytes));
    std::memcpy(dst.data, src.data, src.bytes);
    return Status::Ok();
  }
  if (dst.dims != src.dims || !dst.data) EL_RETURN_IF_ERROR(ctx.ResizeTensor(dst, src.dims));
  const size_t bytes = src.RequiredBytes();
  if (bytes == 0 || dst.data == src.data) return Status::Ok();
  if (!src.data || !dst.data || dst.bytes < bytes) {
    return ctx.Error(node, StrCat("no memory to copy '", src.name, "' into '", dst.name, "'"), StatusCode::kInternal);
  }
  std::memcpy(dst.data, src.data, bytes);
  return Status::Ok();
}

Status CollectInputs(KernelContext& ctx, const Node& node, int first, std::vector<Tensor*>* out) {
  out->clear();
  for (int i = first; i < static_cast<int>(node.inputs.size()); ++i) {
    Tensor* t;
    EL_RETURN_IF_ERROR(RequireInput(ctx, node, i, &t));
    out->push_back(t);
  }
  return Status::Ok();
}

Status CollectOutputs(KernelContext& ctx, const Node& node, std::vector<Tensor*>* out) {
  out->clear();
  for (int i = 0; i < static_cast<int>(node.outputs.size()); ++i) {
    Tensor* t;
    EL_RETURN_IF_ERROR(RequireOutput(ctx, node, i, &t));
    out->push_back(t);
  }
  return Status::Ok();
}

}  // namespace edgelite
