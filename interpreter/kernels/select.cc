// SELECT and SELECT_V2: out = condition ? x : y, element by element, for every fixed-size dtype (values
// move as words of their width, quantization kept). SELECT_V2 broadcasts all three inputs (NumPy rules);
// SELECT, the older form, takes x and y of one shape and a condition of that shape, a scalar, or a vector
// that picks whole rows of the first dimension. Both run one three-input broadcast loop planned in prepare.
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/reference/broadcast.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

struct SelectData : VariantChoice<SelectData> {
  reference::BroadcastPlanOf<3> plan;  // condition, x, y
};

constexpr double kValueCost = ThreadPool::kCostScalarValue;

template <typename Word>
Status Eval(KernelContext& ctx, Node& node, SelectData& d) {
  const bool* cond = ctx.input(node, 0)->data_as<bool>();
  const Word* x = static_cast<const Word*>(ctx.input(node, 1)->data);
  const Word* y = static_cast<const Word*>(ctx.input(node, 2)->data);
  Word* out = static_cast<Word*>(ctx.output(node, 0)->data);
  ctx.thread_pool().ParallelFor(d.plan.total, kValueCost, [&](int64_t begin, int64_t end, int) {
    reference::ForEachBroadcastIndex(d.plan, begin, end, [&](int64_t o, int64_t ic, int64_t ix, int64_t iy) {
      out[o] = cond[ic] ? x[ix] : y[iy];
    });
  });
  return Status::Ok();
}

#define EL_SELECT_TYPES(VALUES) TypeSignature{{kBool, VALUES, kSameAsInput1}, {kSameAsInput1}}
// uint32 (SELECT 4, SELECT_V2 2) has a row of its own: the shared 4-byte set is for kernels of every fixed-size
// dtype, which LiteRT does not run on uint32.
const KernelVariant<SelectData> kVariants[] = {
    EL_WORD_WIDTH_ROWS(EL_SELECT_TYPES, Eval),
    {"uint32", EL_SELECT_TYPES(TypeBit(DataType::kUInt32)), Isa::kReference, nullptr, nullptr, Eval<uint32_t>}};
#undef EL_SELECT_TYPES

Status GetTensors(KernelContext& ctx, Node& node, Tensor** cond, Tensor** x, Tensor** y, Tensor** out) {
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 3, 3));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, cond));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 1, x));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 2, y));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, out));
  return SelectVariant(ctx, node, kVariants, *static_cast<SelectData*>(node.user_data));
}

Status PrepareV2(KernelContext& ctx, Node& node) {
  Tensor *cond, *x, *y, *out;
  EL_RETURN_IF_ERROR(GetTensors(ctx, node, &cond, &x, &y, &out));
  auto& d = *static_cast<SelectData*>(node.user_data);
  Dims out_dims;
  EL_RETURN_IF_ERROR(PlanBroadcast(ctx, node, {&cond->dims, &x->dims, &y->dims}, &out_dims, &d.plan));
  return ctx.ResizeTensor(*out, out_dims);
}

Status PrepareV1(KernelContext& ctx, Node& node) {
  Tensor *cond, *x, *y, *out;
  EL_RETURN_IF_ERROR(GetTensors(ctx, node, &cond, &x, &y, &out));
  EL_KERNEL_CHECK(ctx, node, x->dims == y->dims, "x ", DimsToString(x->dims), " and y ", DimsToString(y->dims),
                  " must have the same shape (SELECT_V2 broadcasts them)");
  // A vector condition picks rows: seen as [n, 1, ..., 1] it broadcasts like a scalar does.
  Dims cond_dims = cond->dims;
  if (cond->dims != x->dims) {
    const bool rows = cond->rank() == 1 && x->rank() >= 1 && cond->dim(0) == x->dim(0);
    EL_KERNEL_CHECK(ctx, node, cond->rank() == 0 || rows, "condition ", DimsToString(cond->dims),
                    " must have the shape of x ", DimsToString(x->dims),
                    ", be a scalar, or be a vector of x's first dimension");
    if (rows) cond_dims.resize(x->dims.size(), 1);
  }
  auto& d = *static_cast<SelectData*>(node.user_data);
  Dims out_dims;
  EL_RETURN_IF_ERROR(PlanBroadcast(ctx, node, {&cond_dims, &x->dims, &y->dims}, &out_dims, &d.plan));
  return ctx.ResizeTensor(*out, out_dims);
}

template <Status (*kPrepare)(KernelContext&, Node&)>
const KernelRegistration* Registration() {
  // Folded when all inputs are constant (masks built from constants in exported attention graphs).
  static const KernelRegistration reg{NewNodeData<SelectData>, DeleteNodeData<SelectData>, kPrepare,
                                      EvalSelectedVariant<SelectData>, /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace

const KernelRegistration* Register_SELECT() { return Registration<PrepareV1>(); }
const KernelRegistration* Register_SELECT_V2() { return Registration<PrepareV2>(); }

}  // namespace edgelite
