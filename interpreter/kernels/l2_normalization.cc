// L2_NORMALIZATION on float32 along the last axis, with L2NormOptions' fused activation; rows run in
// parallel.
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/optimized/l2_normalization.h"
#include "interpreter/kernels/reference/l2_normalization.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

struct L2NormData {
  schema::ActivationFunctionType activation = schema::ActivationFunctionType_NONE;
  // Filled in prepare.
  ActivationRange range;
  bool use_reference = false;
  int64_t rows = 0, depth = 0;
};

Status Init(KernelContext& ctx, Node& node) {
  auto* data = new L2NormData();
  node.user_data = data;
  if (const auto* options = node.op ? node.op->builtin_options_as_L2NormOptions() : nullptr) {
    data->activation = options->fused_activation_function();
  }
  return Status::Ok();
}

Status Prepare(KernelContext& ctx, Node& node) {
  auto* data = static_cast<L2NormData*>(node.user_data);
  // .tflite's kernel refuses every fused activation but NONE; the clamping ones are well defined, so we
  // run them.
  EL_RETURN_IF_ERROR(GetActivationRange(ctx, node, data->activation, &data->range));
  data->use_reference = ForceReferenceKernels();
  return PrepareLastAxisRowsF32(ctx, node, /*scalar_is_one_row=*/false, &data->rows, &data->depth);
}

Status Eval(KernelContext& ctx, Node& node) {
  const auto& d = *static_cast<const L2NormData*>(node.user_data);
  const float* x = ctx.input(node, 0)->data_as<float>();
  float* y = ctx.output(node, 0)->data_as<float>();
  ctx.thread_pool().ParallelFor(d.rows, RowsPerTask(d.depth), [&](int64_t b, int64_t e) {
    if (d.use_reference) {
      reference::L2NormalizeRows(x, y, b, e, d.depth, d.range.min, d.range.max);
    } else {
      optimized::L2NormalizeRowsF32(x, y, b, e, d.depth, d.range.min, d.range.max);
    }
  });
  return Status::Ok();
}

}  // namespace

const KernelRegistration* Register_L2_NORMALIZATION() {
  static const KernelRegistration reg{Init, DeleteNodeData<L2NormData>, Prepare, Eval};
  return &reg;
}

}  // namespace edgelite
