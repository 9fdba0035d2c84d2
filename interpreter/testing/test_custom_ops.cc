// The test custom operator EdgeliteTestScale.
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

}  // namespace

const KernelRegistration* Register_EdgeliteTestScale() {
  static const KernelRegistration reg{Init, DeleteNodeData<ScaleData>, Prepare, Eval};
  return &reg;
}

void AddTestCustomOps(OpResolver* resolver) {
  resolver->AddCustom("EdgeliteTestScale", Register_EdgeliteTestScale(), 1, 2);
}

}  // namespace testing
}  // namespace edgelite
