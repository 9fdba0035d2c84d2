// SOFTMAX (with SoftmaxOptions.beta) and LOG_SOFTMAX on float32 along the last axis; rows run in
// parallel.
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/optimized/rows_f32.h"
#include "interpreter/kernels/reference/softmax.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

enum class SoftmaxOp { kSoftmax, kLogSoftmax };

struct SoftmaxData : VariantChoice<SoftmaxData> {
  // .tflite reads beta from the options table and leaves it 0 when the table is absent; so do we.
  float beta = 0.f;
  int64_t rows = 0, depth = 0;  // filled in prepare
  const optimized::RowsF32Kernels* kernels = nullptr;  // the chosen ISA's
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

Status PrepareF32(KernelContext&, Node&, SoftmaxData& d) {
  d.kernels = optimized::RowsF32For(d.variant->isa);
  return Status::Ok();
}

template <SoftmaxOp kOp>
Status EvalF32(KernelContext& ctx, Node& node, SoftmaxData& d) {
  const float* x = ctx.input(node, 0)->data_as<float>();
  float* y = ctx.output(node, 0)->data_as<float>();
  ctx.thread_pool().ParallelFor(d.rows, RowsPerTask(d.depth), [&](int64_t b, int64_t e) {
    if constexpr (kOp == SoftmaxOp::kSoftmax) {
      d.kernels->softmax(x, y, b, e, d.depth, d.beta);
    } else {
      d.kernels->log_softmax(x, y, b, e, d.depth);
    }
  });
  return Status::Ok();
}

template <SoftmaxOp kOp>
Status EvalF32Reference(KernelContext& ctx, Node& node, SoftmaxData& d) {
  const float* x = ctx.input(node, 0)->data_as<float>();
  float* y = ctx.output(node, 0)->data_as<float>();
  ctx.thread_pool().ParallelFor(d.rows, RowsPerTask(d.depth), [&](int64_t b, int64_t e) {
    if constexpr (kOp == SoftmaxOp::kSoftmax) {
      reference::SoftmaxRows(x, y, b, e, d.depth, d.beta);
    } else {
      reference::LogSoftmaxRows(x, y, b, e, d.depth);
    }
  });
  return Status::Ok();
}

constexpr TypeSignature kF32Types{{kF32}, {kF32}};

template <SoftmaxOp kOp>
struct Variants {
  static constexpr KernelVariant<SoftmaxData> kTable[] = {
      EL_VECTOR_ISA_ROWS("float32", kF32Types, nullptr, PrepareF32, EvalF32<kOp>),
      {"float32", kF32Types, Isa::kReference, nullptr, nullptr, EvalF32Reference<kOp>},
  };
};

template <SoftmaxOp kOp>
Status Prepare(KernelContext& ctx, Node& node) {
  auto* data = static_cast<SoftmaxData*>(node.user_data);
  // .tflite's SOFTMAX refuses a scalar; its LOG_SOFTMAX takes it as one row of one value (giving 0).
  EL_RETURN_IF_ERROR(PrepareLastAxisRows(ctx, node, /*scalar_is_one_row=*/kOp == SoftmaxOp::kLogSoftmax,
                                         &data->rows, &data->depth));
  return SelectVariant(ctx, node, Variants<kOp>::kTable, *data);
}

template <SoftmaxOp kOp>
const KernelRegistration* Registration() {
  static const KernelRegistration reg{Init<kOp>, DeleteNodeData<SoftmaxData>, Prepare<kOp>,
                                      EvalSelectedVariant<SoftmaxData>};
  return &reg;
}

}  // namespace

const KernelRegistration* Register_SOFTMAX() { return Registration<SoftmaxOp::kSoftmax>(); }
const KernelRegistration* Register_LOG_SOFTMAX() { return Registration<SoftmaxOp::kLogSoftmax>(); }

}  // namespace edgelite
