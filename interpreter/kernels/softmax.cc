// SOFTMAX on float32 along the last axis, with SoftmaxOptions.beta; rows run in parallel.
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/optimized/softmax.h"
#include "interpreter/kernels/reference/softmax.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

struct SoftmaxData {
  // .tflite reads beta from the options table and leaves it 0 when the table is absent; so do we.
  float beta = 0.f;
  bool use_reference = false;
  int64_t rows = 0, depth = 0;  // filled in prepare
};

Status Init(KernelContext& ctx, Node& node) {
  auto* data = new SoftmaxData();
  node.user_data = data;
  if (const auto* options = node.op ? node.op->builtin_options_as_SoftmaxOptions() : nullptr) {
    data->beta = options->beta();
  }
  return Status::Ok();
}

Status Prepare(KernelContext& ctx, Node& node) {
  auto* data = static_cast<SoftmaxData*>(node.user_data);
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 1, 1));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor *in, *out;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &in));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &out));
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *in, DataType::kFloat32, "input"));
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *out, DataType::kFloat32, "output"));
  if (in->rank() < 1) {
    return ctx.Error(node, StrCat("input '", in->name, "' must have rank 1 or more, got a scalar"));
  }
  data->use_reference = ForceReferenceKernels();
  data->depth = in->dims.back();
  data->rows = data->depth ? in->num_elements() / data->depth : 0;
  return ctx.ResizeTensor(*out, in->dims);
}

Status Eval(KernelContext& ctx, Node& node) {
  const auto& d = *static_cast<const SoftmaxData*>(node.user_data);
  const float* x = ctx.input(node, 0)->data_as<float>();
  float* y = ctx.output(node, 0)->data_as<float>();
  const int64_t grain = std::max<int64_t>(1, 4096 / std::max<int64_t>(d.depth, 1));
  ctx.thread_pool().ParallelFor(d.rows, grain, [&](int64_t b, int64_t e) {
    if (d.use_reference) {
      reference::SoftmaxRows(x, y, b, e, d.depth, d.beta);
    } else {
      optimized::SoftmaxRowsF32(x, y, b, e, d.depth, d.beta);
    }
  });
  return Status::Ok();
}

}  // namespace

const KernelRegistration* Register_SOFTMAX() {
  static const KernelRegistration reg{Init, DeleteNodeData<SoftmaxData>, Prepare, Eval};
  return &reg;
}

}  // namespace edgelite
