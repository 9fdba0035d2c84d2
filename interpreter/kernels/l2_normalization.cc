// L2_NORMALIZATION on float32 along the last axis, with L2NormOptions' fused activation; rows run in
// parallel.
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/optimized/rows_f32.h"
#include "interpreter/kernels/reference/l2_normalization.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

struct L2NormData : VariantChoice<L2NormData> {
  schema::ActivationFunctionType activation = schema::ActivationFunctionType_NONE;
  // Filled in prepare.
  ActivationRange range;
  int64_t rows = 0, depth = 0;
  const optimized::RowsF32Kernels* kernels = nullptr;  // the chosen ISA's
};

Status Init(KernelContext& ctx, Node& node) {
  auto* data = new L2NormData();
  node.user_data = data;
  if (const auto* options = node.op ? node.op->builtin_options_as_L2NormOptions() : nullptr) {
    data->activation = options->fused_activation_function();
  }
  return Status::Ok();
}

Status PrepareF32(KernelContext&, Node&, L2NormData& d) {
  d.kernels = optimized::RowsF32For(d.variant->isa);
  return Status::Ok();
}

Status EvalF32(KernelContext& ctx, Node& node, L2NormData& d) {
  const float* x = ctx.input(node, 0)->data_as<float>();
  float* y = ctx.output(node, 0)->data_as<float>();
  ctx.thread_pool().ParallelFor(d.rows, RowCost(d.depth), [&](int64_t b, int64_t e, int) {
    d.kernels->l2_normalize(x, y, b, e, d.depth, d.range.min, d.range.max);
  });
  return Status::Ok();
}

Status EvalF32Reference(KernelContext& ctx, Node& node, L2NormData& d) {
  const float* x = ctx.input(node, 0)->data_as<float>();
  float* y = ctx.output(node, 0)->data_as<float>();
  ctx.thread_pool().ParallelFor(d.rows, RowCost(d.depth), [&](int64_t b, int64_t e, int) {
    reference::L2NormalizeRows(x, y, b, e, d.depth, d.range.min, d.range.max);
  });
  return Status::Ok();
}

constexpr TypeSignature kF32Types{{kF32}, {kF32}};

const KernelVariant<L2NormData> kVariants[] = {
    EL_VECTOR_ISA_ROWS("float32", kF32Types, nullptr, PrepareF32, EvalF32),
    {"float32", kF32Types, Isa::kReference, nullptr, nullptr, EvalF32Reference},
};

Status Prepare(KernelContext& ctx, Node& node) {
  auto* data = static_cast<L2NormData*>(node.user_data);
  // .tflite's kernel refuses every fused activation but NONE; the clamping ones are well defined, so we
  // run them.
  EL_RETURN_IF_ERROR(GetActivationRange(ctx, node, data->activation, &data->range));
  EL_RETURN_IF_ERROR(PrepareLastAxisRows(ctx, node, /*scalar_is_one_row=*/false, &data->rows, &data->depth));
  return SelectVariant(ctx, node, kVariants, *data);
}

}  // namespace

const KernelRegistration* Register_L2_NORMALIZATION() {
  static const KernelRegistration reg{Init, DeleteNodeData<L2NormData>, Prepare, EvalSelectedVariant<L2NormData>};
  return &reg;
}

}  // namespace edgelite
