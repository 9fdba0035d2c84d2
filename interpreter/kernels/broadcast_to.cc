// BROADCAST_TO: the input repeated to `shape` (1-D int32 or int64) by NumPy's rules, for every fixed-size
// dtype (values move as words of their width, quantization kept). The shape is read in prepare when it has
// values then; otherwise the output is dynamic and sized at eval.
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/variant_types.h"
#include "interpreter/kernels/reference/broadcast.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

struct BroadcastToData : VariantChoice<BroadcastToData> {
  Dims shape;  // reserved in prepare so that a dynamic output's eval does not allocate it
  reference::BroadcastPlanOf<1> plan;
};

// Reads `shape`, checks that the input broadcasts to it and plans the copy.
Status PlanShape(KernelContext& ctx, const Node& node, BroadcastToData& d) {
  const Tensor& in = *ctx.input(node, 0);
  const Tensor& shape = *ctx.input(node, 1);
  EL_RETURN_IF_ERROR(ReadShapeTensor(ctx, node, shape, "shape", &d.shape));
  const size_t lead = d.shape.size() - std::min(d.shape.size(), in.dims.size());
  bool ok = in.dims.size() <= d.shape.size();
  for (size_t i = 0; ok && i < in.dims.size(); ++i) ok = in.dims[i] == 1 || in.dims[i] == d.shape[lead + i];
  EL_KERNEL_CHECK(ctx, node, ok, "input '", in.name, "' of shape ", DimsToString(in.dims),
                  " cannot be broadcast to shape ", DimsToString(d.shape));
  if (!reference::MakeBroadcastPlan<1>({&in.dims}, d.shape, &d.plan)) {
    return ctx.Error(node, StrCat("broadcasting ", DimsToString(in.dims), " to ", DimsToString(d.shape),
                                  " alternates over more than ", reference::kMaxBroadcastPlanRank, " axes"),
                     StatusCode::kUnsupported);
  }
  return Status::Ok();
}

template <typename Word>
Status Eval(KernelContext& ctx, Node& node, BroadcastToData& d) {
  Tensor& out = *ctx.output(node, 0);
  if (out.is_dynamic) {
    EL_RETURN_IF_ERROR(PlanShape(ctx, node, d));
    EL_RETURN_IF_ERROR(ctx.ResizeTensor(out, d.shape));
  }
  const Word* x = static_cast<const Word*>(ctx.input(node, 0)->data);
  Word* y = static_cast<Word*>(out.data);
  ctx.thread_pool().ParallelFor(d.plan.total, ThreadPool::kCostScalarValue, [&](int64_t begin, int64_t end, int) {
    reference::ForEachBroadcastIndex(d.plan, begin, end, [&](int64_t o, int64_t i) { y[o] = x[i]; });
  });
  return Status::Ok();
}

#define EL_BROADCAST_TO_TYPES(VALUES) TypeSignature{{VALUES, kIndexTypes}, {kSameAsInput0}}
const KernelVariant<BroadcastToData> kVariants[] = {EL_WORD_WIDTH_ROWS(EL_BROADCAST_TO_TYPES, Eval)};
#undef EL_BROADCAST_TO_TYPES

Status Prepare(KernelContext& ctx, Node& node) {
  auto& d = *static_cast<BroadcastToData*>(node.user_data);
  Tensor *in, *shape, *out;
  EL_RETURN_IF_ERROR(GetTwoInputsOneOutput(ctx, node, &in, &shape, &out));
  EL_RETURN_IF_ERROR(SelectVariant(ctx, node, kVariants, d));
  bool known_now;
  EL_RETURN_IF_ERROR(PrepareShapeTensor(ctx, node, *shape, "shape", *out, &d.shape, &known_now));
  if (!known_now) return Status::Ok();
  EL_RETURN_IF_ERROR(PlanShape(ctx, node, d));
  return ctx.ResizeTensor(*out, d.shape);
}

}  // namespace

const KernelRegistration* Register_BROADCAST_TO() {
  // Folded when both inputs are constant, as FILL is.
  static const KernelRegistration reg{NewNodeData<BroadcastToData>, DeleteNodeData<BroadcastToData>, Prepare,
                                      EvalSelectedVariant<BroadcastToData>, /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace edgelite

EL_KERNEL_TYPES(BROADCAST_TO, kVariants)
