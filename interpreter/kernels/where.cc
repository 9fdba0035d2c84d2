// WHERE (one input, tf.where(condition)): the coordinates of the non-zero elements of the condition, in
// row-major order, as an int64 [count, rank] tensor. The count depends on the values, so the output is
// sized at prepare for a constant condition (then folded), else at eval. Conditions of bool and the numeric
// dtypes LiteRT's version 2 reads (float32, int32, int64, int8, uint8); one loop serves them all.
#include "interpreter/kernels/kernel_util.h"

namespace edgelite {
namespace {

struct WhereData {
  Dims shape;  // reserved in prepare
};

bool NonZero(const Tensor& t, int64_t i) {
  switch (t.type) {
    case DataType::kFloat32: return t.data_as<float>()[i] != 0.f;  // -0.0 is zero
    case DataType::kInt32: return t.data_as<int32_t>()[i] != 0;
    case DataType::kInt64: return t.data_as<int64_t>()[i] != 0;
    default: return t.data_as<uint8_t>()[i] != 0;  // bool, int8, uint8
  }
}

Status SizeOutput(KernelContext& ctx, Node& node, WhereData& d) {
  const Tensor& cond = *ctx.input(node, 0);
  int64_t count = 0;
  for (int64_t i = 0; i < cond.num_elements(); ++i) count += NonZero(cond, i);
  d.shape.assign({static_cast<int32_t>(count), cond.rank()});
  return ctx.ResizeTensor(*ctx.output(node, 0), d.shape);
}

Status Eval(KernelContext& ctx, Node& node) {
  auto& d = *static_cast<WhereData*>(node.user_data);
  const Tensor& cond = *ctx.input(node, 0);
  Tensor& out = *ctx.output(node, 0);
  if (out.is_dynamic) EL_RETURN_IF_ERROR(SizeOutput(ctx, node, d));
  int64_t* y = out.data_as<int64_t>();
  for (int64_t i = 0; i < cond.num_elements(); ++i) {
    if (!NonZero(cond, i)) continue;
    for (int64_t r = i, a = cond.rank() - 1; a >= 0; --a) {
      y[a] = r % cond.dims[a];
      r /= cond.dims[a];
    }
    y += cond.rank();
  }
  return Status::Ok();
}

Status Prepare(KernelContext& ctx, Node& node) {
  auto& d = *static_cast<WhereData*>(node.user_data);
  Tensor *cond, *out;
  EL_RETURN_IF_ERROR(GetSingleInputOutput(ctx, node, &cond, &out));
  EL_RETURN_IF_ERROR(CheckTypeIn(ctx, node, *cond, {DataType::kBool, DataType::kFloat32, DataType::kInt32,
                                                    DataType::kInt64, DataType::kInt8, DataType::kUInt8},
                                 "condition"));
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *out, DataType::kInt64, "output"));
  EL_KERNEL_CHECK(ctx, node, cond->num_elements() < 0x7fffffff, "condition is too large");
  d.shape.reserve(2);
  if (HasValuesAtPrepare(*cond)) return SizeOutput(ctx, node, d);
  ctx.MarkDynamic(*out);
  return Status::Ok();
}

}  // namespace

const KernelRegistration* Register_WHERE() {
  static const KernelRegistration reg{NewNodeData<WhereData>, DeleteNodeData<WhereData>, Prepare, Eval,
                                      /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace edgelite
