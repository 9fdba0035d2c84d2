// CUMSUM: running sums along `axis` (an int32 scalar or one-element vector, negative counting from the end),
// with CumsumOptions' exclusive and reverse; float32, int32 and int64 (reference/cumsum.h). The axis is read in
// prepare when it has a value then, at eval otherwise (it does not change the output's shape).
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/variant_types.h"
#include "interpreter/kernels/reference/cumsum.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

struct CumSumData : VariantChoice<CumSumData> {
  bool exclusive = false, reverse = false;
  bool axis_at_eval = false;  // the axis tensor has no value at prepare
  int64_t outer = 0, n = 0, inner = 0;
};

Status Init(KernelContext&, Node& node) {
  auto* d = new CumSumData();
  node.user_data = d;
  if (node.op) {
    if (const auto* o = node.op->builtin_options_as_CumsumOptions()) {
      d->exclusive = o->exclusive();
      d->reverse = o->reverse();
    }
  }
  return Status::Ok();
}

// Reads the axis and splits the input's shape around it.
Status PlanAxis(KernelContext& ctx, const Node& node, CumSumData& d) {
  const Tensor& in = *ctx.input(node, 0);
  int axis;
  EL_RETURN_IF_ERROR(ReadAxisTensor(ctx, node, *ctx.input(node, 1), in.rank(), &axis));
  d.outer = d.inner = 1;
  for (int i = 0; i < in.rank(); ++i) {
    if (i < axis) d.outer *= in.dim(i);
    if (i > axis) d.inner *= in.dim(i);
  }
  d.n = in.dim(axis);
  return Status::Ok();
}

template <typename T>
Status Eval(KernelContext& ctx, Node& node, CumSumData& d) {
  if (d.axis_at_eval) EL_RETURN_IF_ERROR(PlanAxis(ctx, node, d));
  const T* x = ctx.input(node, 0)->data_as<T>();
  T* y = ctx.output(node, 0)->data_as<T>();
  const int64_t slab = d.n * d.inner;
  ctx.thread_pool().ParallelFor(d.outer, ThreadPool::kCostScalarValue * static_cast<double>(slab),
                                [&](int64_t b, int64_t e, int) {
                                  reference::CumSum(x, b, e, d.n, d.inner, d.exclusive, d.reverse, y);
                                });
  return Status::Ok();
}

const KernelVariant<CumSumData> kVariants[] = {
    {"float32", TypeSignature{{kF32, kI32}, {kF32}}, Isa::kReference, nullptr, nullptr, Eval<float>},
    {"int32", TypeSignature{{kI32, kI32}, {kI32}}, Isa::kReference, nullptr, nullptr, Eval<int32_t>},
    {"int64", TypeSignature{{kI64, kI32}, {kI64}}, Isa::kReference, nullptr, nullptr, Eval<int64_t>},
};

Status Prepare(KernelContext& ctx, Node& node) {
  auto& d = *static_cast<CumSumData*>(node.user_data);
  Tensor *in, *axis, *out;
  EL_RETURN_IF_ERROR(GetTwoInputsOneOutput(ctx, node, &in, &axis, &out));
  EL_RETURN_IF_ERROR(SelectVariant(ctx, node, kVariants, d));
  EL_KERNEL_CHECK(ctx, node, in->rank() >= 1, "input '", in->name, "' must have rank 1 or more, got a scalar");
  EL_KERNEL_CHECK(ctx, node, axis->num_elements() == 1, "axis '", axis->name, "' must have one element, got shape ",
                  DimsToString(axis->dims));
  EL_RETURN_IF_ERROR(ctx.ResizeTensor(*out, in->dims));
  d.axis_at_eval = !HasValuesAtPrepare(*axis);
  return d.axis_at_eval ? Status::Ok() : PlanAxis(ctx, node, d);
}

}  // namespace

const KernelRegistration* Register_CUMSUM() {
  static const KernelRegistration reg{Init, DeleteNodeData<CumSumData>, Prepare, EvalSelectedVariant<CumSumData>,
                                      /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace edgelite

EL_KERNEL_TYPES(CUMSUM, kVariants)
