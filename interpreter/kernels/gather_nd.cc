// GATHER_ND: each tuple along the last axis of `indices` (int16, int32 or int64) picks a slice of `params`'
// leading dimensions: out[i..., :] = params[indices[i..., 0], ..., indices[i..., nd - 1], :]. Any fixed-size
// params dtype (slices move as bytes, quantization kept). Tuples out of range fail at eval, naming the tuple.
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/string_moves.h"
#include "interpreter/kernels/variant_types.h"
#include "interpreter/kernels/reference/gather_nd.h"

namespace edgelite {
namespace {

struct GatherNdData : VariantChoice<GatherNdData> {
  reference::NdSlices slices;  // planned in prepare
};

template <typename Index>
Status Eval(KernelContext& ctx, Node& node, GatherNdData& d) {
  const Tensor& params = *ctx.input(node, 0);
  const Index* indices = ctx.input(node, 1)->data_as<Index>();
  const int64_t bad = reference::GatherNd(d.slices, params.data, indices,
                                          static_cast<int64_t>(ElementSize(params.type)), ctx.output(node, 0)->data);
  if (bad >= 0) {
    return ctx.Error(node, StrCat("index tuple ", bad, ", ", reference::NdTupleToString(indices, bad, d.slices.nd),
                                  ", is out of range for params of shape ", DimsToString(params.dims)),
                     StatusCode::kInvalidArgument);
  }
  return Status::Ok();
}

constexpr TypeSet kParamTypes = kMovableTypes | kF16;
const KernelVariant<GatherNdData> kVariants[] = {
    {"int32 indices", TypeSignature{{kParamTypes, kI32}, {kSameAsInput0}}, Isa::kReference, nullptr, nullptr,
     Eval<int32_t>},
    {"int64 indices", TypeSignature{{kParamTypes, kI64}, {kSameAsInput0}}, Isa::kReference, nullptr, nullptr,
     Eval<int64_t>},
    {"int16 indices", TypeSignature{{kParamTypes, kI16}, {kSameAsInput0}}, Isa::kReference, nullptr, nullptr,
     Eval<int16_t>},
    {"strings, int32 indices", TypeSignature{{kStr, kI32}, {kSameAsInput0}}, Isa::kReference, nullptr, nullptr,
     EvalStringsByIndex<GatherNdData, Eval<int32_t>>},
    {"strings, int64 indices", TypeSignature{{kStr, kI64}, {kSameAsInput0}}, Isa::kReference, nullptr, nullptr,
     EvalStringsByIndex<GatherNdData, Eval<int64_t>>},
};

Status Prepare(KernelContext& ctx, Node& node) {
  auto& d = *static_cast<GatherNdData*>(node.user_data);
  Tensor *params, *indices, *out;
  EL_RETURN_IF_ERROR(GetTwoInputsOneOutput(ctx, node, &params, &indices, &out));
  EL_RETURN_IF_ERROR(SelectVariant(ctx, node, kVariants, d));
  EL_KERNEL_CHECK(ctx, node, params->rank() >= 1, "params '", params->name, "' must have rank 1 or more, got a scalar");
  EL_KERNEL_CHECK(ctx, node, indices->rank() >= 1, "indices '", indices->name,
                  "' must have rank 1 or more, got a scalar");
  const int nd = indices->dims.back();
  EL_KERNEL_CHECK(ctx, node, nd <= params->rank(), "index tuples have ", nd, " coordinates but params '",
                  params->name, "' has rank ", params->rank());
  if (nd > reference::kMaxNdCoordinates) {
    return ctx.Error(node, StrCat("index tuples of ", nd, " coordinates (more than ", reference::kMaxNdCoordinates,
                                  ") are not supported"),
                     StatusCode::kUnsupported);
  }
  d.slices = reference::PlanNdSlices(params->dims.data(), params->rank(), nd,
                                     NumElements(Dims(indices->dims.begin(), indices->dims.end() - 1)));
  Dims out_dims(indices->dims.begin(), indices->dims.end() - 1);
  out_dims.insert(out_dims.end(), params->dims.begin() + nd, params->dims.end());
  return ctx.ResizeTensor(*out, out_dims);
}

}  // namespace

const KernelRegistration* Register_GATHER_ND() {
  // Folded when both inputs are constant, as GATHER is.
  static const KernelRegistration reg{NewNodeData<GatherNdData>, DeleteNodeData<GatherNdData>, Prepare,
                                      EvalSelectedVariant<GatherNdData>, /*fold_when_inputs_constant=*/true, false,
                                      /*handles_strings=*/true};
  return &reg;
}

}  // namespace edgelite

EL_KERNEL_TYPES(GATHER_ND, kVariants)
