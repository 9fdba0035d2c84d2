// The test custom operators EdgeliteTestScale and EdgeliteTestCall.
#include "interpreter/testing/test_custom_ops.h"

#include <cstring>

#include "interpreter/kernels/kernel_util.h"

namespace edgelite {
namespace testing {
namespace {

struct ScaleData {
  float scale = 1.f;
};

Status Init(KernelContext& ctx, Node& node) {
  auto* d = new ScaleData();
  node.user_data = d;
  EL_KERNEL_CHECK(ctx, node, node.custom_options_size == sizeof(float),
                  "custom options must hold one float32 scale (4 bytes), got ", node.custom_options_size,
                  " bytes");
  std::memcpy(&d->scale, node.custom_options, sizeof(float));
  return Status::Ok();
}

Status Prepare(KernelContext& ctx, Node& node) {
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 1, node.op_version >= 2 ? 2 : 1));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor *in, *out;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &in));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &out));
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *in, DataType::kFloat32, "input"));
  if (Tensor* bias = ctx.input(node, 1)) {
    EL_RETURN_IF_ERROR(CheckType(ctx, node, *bias, DataType::kFloat32, "input 1"));
    EL_KERNEL_CHECK(ctx, node, bias->dims == in->dims, "input 1 must have the shape of input 0");
  }
  return ctx.ResizeTensor(*out, in->dims);
}

Status Eval(KernelContext& ctx, Node& node) {
  const float scale = static_cast<ScaleData*>(node.user_data)->scale;
  const Tensor& in = *ctx.input(node, 0);
  const Tensor* bias = ctx.input(node, 1);
  Tensor& out = *ctx.output(node, 0);
  for (int64_t i = 0; i < in.num_elements(); ++i) {
    out.data_as<float>()[i] = in.data_as<float>()[i] * scale + (bias ? bias->data_as<float>()[i] : 0.f);
  }
  return Status::Ok();
}

// EdgeliteTestCall: runs subgraph N (custom options: one int32) on the node's inputs.
struct CallData {
  int32_t subgraph = -1;
  CalledGraph* callee = nullptr;
};

Status CallInit(KernelContext& ctx, Node& node) {
  auto* d = new CallData();
  node.user_data = d;
  EL_KERNEL_CHECK(ctx, node, node.custom_options_size == sizeof(int32_t),
                  "custom options must hold one int32 subgraph index (4 bytes), got ", node.custom_options_size,
                  " bytes");
  std::memcpy(&d->subgraph, node.custom_options, sizeof(int32_t));
  return Status::Ok();
}

Status CallPrepare(KernelContext& ctx, Node& node) {
  auto* d = static_cast<CallData*>(node.user_data);
  EL_RETURN_IF_ERROR(ctx.GetSubgraph(node, d->subgraph, &d->callee));
  CalledGraph& callee = *d->callee;
  EL_KERNEL_CHECK(ctx, node, static_cast<int>(node.inputs.size()) == callee.num_inputs() &&
                                 static_cast<int>(node.outputs.size()) == callee.num_outputs(),
                  "has ", node.inputs.size(), " inputs and ", node.outputs.size(), " outputs but subgraph '",
                  callee.name(), "' has ", callee.num_inputs(), " and ", callee.num_outputs());
  for (int i = 0; i < callee.num_inputs(); ++i) {
    Tensor* in;
    EL_RETURN_IF_ERROR(RequireInput(ctx, node, i, &in));
    EL_KERNEL_CHECK(ctx, node, in->type == callee.input(i)->type, "input ", i, " is ", DataTypeName(in->type),
                    " but subgraph input ", i, " is ", DataTypeName(callee.input(i)->type));
    EL_RETURN_IF_ERROR(callee.ResizeInput(i, in->dims));
  }
  EL_RETURN_IF_ERROR(callee.Prepare());
  // The shapes the callee gives at prepare; eval corrects them when the callee's outputs turn out
  // otherwise (the core then treats the output as dynamic).
  for (int i = 0; i < callee.num_outputs(); ++i) {
    Tensor* out;
    EL_RETURN_IF_ERROR(RequireOutput(ctx, node, i, &out));
    EL_KERNEL_CHECK(ctx, node, out->type == callee.output(i)->type, "output ", i, " is ", DataTypeName(out->type),
                    " but subgraph output ", i, " is ", DataTypeName(callee.output(i)->type));
    EL_RETURN_IF_ERROR(ctx.ResizeTensor(*out, callee.output(i)->dims));
  }
  return Status::Ok();
}

Status CallEval(KernelContext& ctx, Node& node) {
  CalledGraph& callee = *static_cast<CallData*>(node.user_data)->callee;
  for (int i = 0; i < callee.num_inputs(); ++i) {
    const Tensor& in = *ctx.input(node, i);
    Tensor& dst = *callee.input(i);
    if (in.dims != dst.dims) {  // the caller's input changed shape at eval
      EL_RETURN_IF_ERROR(callee.ResizeInput(i, in.dims));
      EL_RETURN_IF_ERROR(callee.Prepare());
    }
  }
  for (int i = 0; i < callee.num_inputs(); ++i) {
    EL_RETURN_IF_ERROR(callee.SetInput(i, *ctx.input(node, i), /*borrow=*/false));
  }
  EL_RETURN_IF_ERROR(callee.Invoke());
  for (int i = 0; i < callee.num_outputs(); ++i) {
    const Tensor& src = *callee.output(i);
    Tensor& out = *ctx.output(node, i);
    EL_RETURN_IF_ERROR(ctx.ResizeTensor(out, src.dims));
    if (src.RequiredBytes()) std::memcpy(out.data, src.data, src.RequiredBytes());
  }
  return Status::Ok();
}

}  // namespace

const KernelRegistration* Register_EdgeliteTestCall() {
  static const KernelRegistration reg{CallInit, DeleteNodeData<CallData>, CallPrepare, CallEval};
  return &reg;
}

const KernelRegistration* Register_EdgeliteTestScale() {
  static const KernelRegistration reg{Init, DeleteNodeData<ScaleData>, Prepare, Eval};
  return &reg;
}

void AddTestCustomOps(OpResolver* resolver) {
  resolver->AddCustom("EdgeliteTestScale", Register_EdgeliteTestScale(), 1, 2);
  resolver->AddCustom("EdgeliteTestCall", Register_EdgeliteTestCall(), 1, 1);
}

}  // namespace testing
}  // namespace edgelite
