// SOFTMAX (with SoftmaxOptions.beta) and LOG_SOFTMAX on float32 along the last axis; rows run in
// parallel.
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/optimized/softmax.h"
#include "interpreter/kernels/reference/softmax.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

enum class SoftmaxOp { kSoftmax, kLogSoftmax };

struct SoftmaxData {
  // .tflite reads beta from the options table and leaves it 0 when the table is absent; so do we.
  float beta = 0.f;
  bool use_reference = false;
  int64_t rows = 0, depth = 0;  // filled in prepare
};

template <SoftmaxOp kOp>
Status Init(KernelContext& ctx, Node& node) {
  auto* data = new SoftmaxData();
  node.user_data = data;
  if constexpr (kOp == SoftmaxOp::kSoftmax) {
    if (const auto* options = node.op ? node.op->builtin_options_as_SoftmaxOptions() : nullptr) {
      data->beta = options->beta();
    }
  }
  return Status::Ok();
}

template <SoftmaxOp kOp>
Status Prepare(KernelContext& ctx, Node& node) {
  auto* data = static_cast<SoftmaxData*>(node.user_data);
  data->use_reference = ForceReferenceKernels();
  // .tflite's SOFTMAX refuses a scalar; its LOG_SOFTMAX takes it as one row of one value (giving 0).
  return PrepareLastAxisRowsF32(ctx, node, /*scalar_is_one_row=*/kOp == SoftmaxOp::kLogSoftmax, &data->rows,
                                &data->depth);
}

template <SoftmaxOp kOp>
Status Eval(KernelContext& ctx, Node& node) {
  const auto& d = *static_cast<const SoftmaxData*>(node.user_data);
  const float* x = ctx.input(node, 0)->data_as<float>();
  float* y = ctx.output(node, 0)->data_as<float>();
  ctx.thread_pool().ParallelFor(d.rows, RowsPerTask(d.depth), [&](int64_t b, int64_t e) {
    if constexpr (kOp == SoftmaxOp::kSoftmax) {
      if (d.use_reference) {
        reference::SoftmaxRows(x, y, b, e, d.depth, d.beta);
      } else {
        optimized::SoftmaxRowsF32(x, y, b, e, d.depth, d.beta);
      }
    } else {
      if (d.use_reference) {
        reference::LogSoftmaxRows(x, y, b, e, d.depth);
      } else {
        optimized::LogSoftmaxRowsF32(x, y, b, e, d.depth);
      }
    }
  });
  return Status::Ok();
}

template <SoftmaxOp kOp>
const KernelRegistration* Registration() {
  static const KernelRegistration reg{Init<kOp>, DeleteNodeData<SoftmaxData>, Prepare<kOp>, Eval<kOp>};
  return &reg;
}

}  // namespace

const KernelRegistration* Register_SOFTMAX() { return Registration<SoftmaxOp::kSoftmax>(); }
const KernelRegistration* Register_LOG_SOFTMAX() { return Registration<SoftmaxOp::kLogSoftmax>(); }

}  // namespace edgelite
