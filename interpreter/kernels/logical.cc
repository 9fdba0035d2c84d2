// LOGICAL_AND and LOGICAL_OR (bool inputs with NumPy broadcasting, the loop planned in prepare) and
// LOGICAL_NOT (element-wise), on bool only, as in .tflite.
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/reference/broadcast.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

enum class LogicalOp { kAnd, kOr };

struct LogicalData : VariantChoice<LogicalData> {
  reference::BroadcastPlan plan;  // binary ops
};

constexpr double kValueCost = ThreadPool::kCostScalarValue;

template <LogicalOp kOp>
Status EvalBinary(KernelContext& ctx, Node& node, LogicalData& d) {
  const bool* a = ctx.input(node, 0)->data_as<bool>();
  const bool* b = ctx.input(node, 1)->data_as<bool>();
  bool* out = ctx.output(node, 0)->data_as<bool>();
  ctx.thread_pool().ParallelFor(d.plan.total, kValueCost, [&](int64_t begin, int64_t end, int) {
    reference::ForEachBroadcastIndex(d.plan, begin, end, [&](int64_t o, int64_t ia, int64_t ib) {
      out[o] = kOp == LogicalOp::kAnd ? (a[ia] && b[ib]) : (a[ia] || b[ib]);
    });
  });
  return Status::Ok();
}

Status EvalNot(KernelContext& ctx, Node& node, LogicalData&) {
  const Tensor& in = *ctx.input(node, 0);
  const bool* x = in.data_as<bool>();
  bool* out = ctx.output(node, 0)->data_as<bool>();
  ctx.thread_pool().ParallelFor(in.num_elements(), kValueCost, [&](int64_t b, int64_t e, int) {
    for (int64_t i = b; i < e; ++i) out[i] = !x[i];
  });
  return Status::Ok();
}

template <LogicalOp kOp>
struct BinaryVariants {
  static constexpr KernelVariant<LogicalData> kTable[] = {
      {"bool", TypeSignature{{kBool, kBool}, {kBool}}, Isa::kReference, nullptr, nullptr, EvalBinary<kOp>},
  };
};
const KernelVariant<LogicalData> kNotVariants[] = {
    {"bool", TypeSignature{{kBool}, {kBool}}, Isa::kReference, nullptr, nullptr, EvalNot},
};

template <LogicalOp kOp>
Status PrepareBinary(KernelContext& ctx, Node& node) {
  auto& d = *static_cast<LogicalData*>(node.user_data);
  Tensor *a, *b, *out;
  EL_RETURN_IF_ERROR(GetTwoInputsOneOutput(ctx, node, &a, &b, &out));
  EL_RETURN_IF_ERROR(SelectVariant(ctx, node, BinaryVariants<kOp>::kTable, d));
  Dims out_dims;
  EL_RETURN_IF_ERROR(PlanBroadcast(ctx, node, {&a->dims, &b->dims}, &out_dims, &d.plan));
  return ctx.ResizeTensor(*out, out_dims);
}

Status PrepareNot(KernelContext& ctx, Node& node) {
  Tensor *in, *out;
  EL_RETURN_IF_ERROR(GetSingleInputOutput(ctx, node, &in, &out));
  EL_RETURN_IF_ERROR(SelectVariant(ctx, node, kNotVariants, *static_cast<LogicalData*>(node.user_data)));
  return ctx.ResizeTensor(*out, in->dims);
}

template <Status (*kPrepare)(KernelContext&, Node&)>
const KernelRegistration* Registration() {
  static const KernelRegistration reg{NewNodeData<LogicalData>, DeleteNodeData<LogicalData>, kPrepare,
                                      EvalSelectedVariant<LogicalData>, /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace

const KernelRegistration* Register_LOGICAL_AND() { return Registration<PrepareBinary<LogicalOp::kAnd>>(); }
const KernelRegistration* Register_LOGICAL_OR() { return Registration<PrepareBinary<LogicalOp::kOr>>(); }
const KernelRegistration* Register_LOGICAL_NOT() { return Registration<PrepareNot>(); }

}  // namespace edgelite
