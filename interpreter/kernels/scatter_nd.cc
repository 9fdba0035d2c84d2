// SCATTER_ND: a tensor of `shape` that is zero except where the index tuples of `indices` (int32 or int64,
// `shape` of the same type) point, which receive the slices of `updates`; updates that meet add up, as in
// .tflite (wrapping for integers, OR for bool). The output is dynamic when `shape` has no values at prepare.
// Tuples out of range fail at eval, naming the tuple.
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/variant_types.h"
#include "interpreter/kernels/reference/gather_nd.h"

namespace edgelite {
namespace {

struct ScatterNdData : VariantChoice<ScatterNdData> {
  Dims shape;  // reserved in prepare so that a dynamic output's eval does not allocate it
  reference::NdSlices slices;
};

// Reads `shape`, checks it against indices and updates, and plans the slices.
Status PlanShape(KernelContext& ctx, const Node& node, ScatterNdData& d) {
  const Tensor& indices = *ctx.input(node, 0);
  const Tensor& updates = *ctx.input(node, 1);
  EL_RETURN_IF_ERROR(ReadShapeTensor(ctx, node, *ctx.input(node, 2), "shape", &d.shape));
  const int outer = indices.rank() - 1;
  const int nd = indices.dims.back();
  const int slice_rank = static_cast<int>(d.shape.size()) - nd;
  bool ok = slice_rank >= 0 && updates.rank() == outer + slice_rank;
  for (int i = 0; ok && i < outer; ++i) ok = updates.dim(i) == indices.dim(i);
  for (int i = 0; ok && i < slice_rank; ++i) ok = updates.dim(outer + i) == d.shape[nd + i];
  if (!ok) {
    if (slice_rank < 0) {
      return ctx.Error(node, StrCat("index tuples have ", nd, " coordinates but the output shape ",
                                    DimsToString(d.shape), " has rank ", d.shape.size()));
    }
    // updates.shape must be indices.shape[:-1] + shape[nd:].
    Dims expected(indices.dims.begin(), indices.dims.end() - 1);
    expected.insert(expected.end(), d.shape.begin() + nd, d.shape.end());
    return ctx.Error(node, StrCat("updates '", updates.name, "' have shape ", DimsToString(updates.dims), ", expected ",
                                  DimsToString(expected), " for indices of shape ", DimsToString(indices.dims),
                                  " and output shape ", DimsToString(d.shape)));
  }
  if (nd > reference::kMaxNdCoordinates) {
    return ctx.Error(node, StrCat("index tuples of ", nd, " coordinates (more than ", reference::kMaxNdCoordinates,
                                  ") are not supported"),
                     StatusCode::kUnsupported);
  }
  d.slices = reference::PlanNdSlices(d.shape.data(), static_cast<int>(d.shape.size()), nd,
                                     NumElements(Dims(indices.dims.begin(), indices.dims.end() - 1)));
  return Status::Ok();
}

template <typename T, typename Index>
Status Eval(KernelContext& ctx, Node& node, ScatterNdData& d) {
  Tensor& out = *ctx.output(node, 0);
  if (out.is_dynamic) {
    EL_RETURN_IF_ERROR(PlanShape(ctx, node, d));
    EL_RETURN_IF_ERROR(ctx.ResizeTensor(out, d.shape));
  }
  const Index* indices = ctx.input(node, 0)->data_as<Index>();
  const int64_t bad =
      reference::ScatterNd(d.slices, indices, ctx.input(node, 1)->data_as<T>(), out.num_elements(), out.data_as<T>());
  if (bad >= 0) {
    return ctx.Error(node, StrCat("index tuple ", bad, ", ", reference::NdTupleToString(indices, bad, d.slices.nd),
                                  ", is out of range for the output shape ", DimsToString(out.dims)),
                     StatusCode::kInvalidArgument);
  }
  return Status::Ok();
}

#define EL_SCATTER_ROWS(NAME, TYPE, T)                                                                        \
  {NAME, TypeSignature{{kI32, TYPE, kI32}, {kSameAsInput1}}, Isa::kReference, nullptr, nullptr, Eval<T, int32_t>}, \
  {NAME " int64 indices", TypeSignature{{kI64, TYPE, kI64}, {kSameAsInput1}}, Isa::kReference, nullptr, nullptr, \
   Eval<T, int64_t>}
const KernelVariant<ScatterNdData> kVariants[] = {
    EL_SCATTER_ROWS("float32", kF32, float),   EL_SCATTER_ROWS("int32", kI32, int32_t),
    EL_SCATTER_ROWS("int64", kI64, int64_t),   EL_SCATTER_ROWS("int8", kI8, int8_t),
    EL_SCATTER_ROWS("uint8", kU8, uint8_t),    EL_SCATTER_ROWS("bool", kBool, bool),
};
#undef EL_SCATTER_ROWS

Status Prepare(KernelContext& ctx, Node& node) {
  auto& d = *static_cast<ScatterNdData*>(node.user_data);
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 3, 3));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor *indices, *updates, *shape, *out;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &indices));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 1, &updates));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 2, &shape));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &out));
  EL_RETURN_IF_ERROR(SelectVariant(ctx, node, kVariants, d));
  EL_KERNEL_CHECK(ctx, node, indices->rank() >= 1, "indices '", indices->name,
                  "' must have rank 1 or more, got a scalar");
  bool known_now;
  EL_RETURN_IF_ERROR(PrepareShapeTensor(ctx, node, *shape, "shape", *out, &d.shape, &known_now));
  if (!known_now) return Status::Ok();
  EL_RETURN_IF_ERROR(PlanShape(ctx, node, d));
  return ctx.ResizeTensor(*out, d.shape);
}

}  // namespace

const KernelRegistration* Register_SCATTER_ND() {
  static const KernelRegistration reg{NewNodeData<ScatterNdData>, DeleteNodeData<ScatterNdData>, Prepare,
                                      EvalSelectedVariant<ScatterNdData>, /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace edgelite

EL_KERNEL_TYPES(SCATTER_ND, kVariants)
