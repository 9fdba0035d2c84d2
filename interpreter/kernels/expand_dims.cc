// EXPAND_DIMS: the input with a 1 inserted at `axis` (a one-element int32 or int64 tensor, negative counting
// from the end of the output's rank), values copied bit for bit (quantization kept), strings too (as LiteRT).
// Folded when both inputs are constant; when the axis has no values at prepare the output is sized at eval.
#include <cstring>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/string_moves.h"
#include "interpreter/kernels/variant_types.h"
#include "interpreter/kernels/quantization_params.h"

namespace edgelite {
namespace {

struct ExpandDimsData : VariantChoice<ExpandDimsData> {
  Dims shape;  // the output shape, reserved in prepare
};

Status OutputShape(KernelContext& ctx, const Node& node, const Tensor& in, const Tensor& axis_t, Dims* shape) {
  if (axis_t.num_elements() != 1) {
    return ctx.Error(node, StrCat("axis input '", axis_t.name, "' must have one element, got shape ",
                                  DimsToString(axis_t.dims)));
  }
  int axis;
  EL_RETURN_IF_ERROR(ReadAxisTensor(ctx, node, axis_t, in.rank() + 1, &axis));
  *shape = in.dims;
  shape->insert(shape->begin() + axis, 1);
  return Status::Ok();
}

Status Eval(KernelContext& ctx, Node& node, ExpandDimsData& data) {
  const Tensor& in = *ctx.input(node, 0);
  Tensor& out = *ctx.output(node, 0);
  if (out.is_dynamic) {
    EL_RETURN_IF_ERROR(OutputShape(ctx, node, in, *ctx.input(node, 1), &data.shape));
    EL_RETURN_IF_ERROR(ctx.ResizeTensor(out, data.shape));
  }
  if (in.bytes) std::memcpy(out.data, in.data, in.bytes);
  return Status::Ok();
}

Status PrepareCopy(KernelContext& ctx, Node& node, ExpandDimsData&) {
  return RequireSameQuantization(ctx, node, *ctx.input(node, 0), "input", *ctx.output(node, 0), "output");
}

const KernelVariant<ExpandDimsData> kVariants[] = {
    {"bytes", TypeSignature{{kFixedSizeTypes, kIndexTypes}, {kSameAsInput0}}, Isa::kReference, nullptr,
     PrepareCopy, Eval},
    {"strings", TypeSignature{{kStr, kIndexTypes}, {kSameAsInput0}}, Isa::kReference, nullptr, nullptr,
     EvalStringsByIndex<ExpandDimsData, Eval>},
};

Status Prepare(KernelContext& ctx, Node& node) {
  auto& data = *static_cast<ExpandDimsData*>(node.user_data);
  Tensor *in, *axis, *out;
  EL_RETURN_IF_ERROR(GetTwoInputsOneOutput(ctx, node, &in, &axis, &out));
  EL_RETURN_IF_ERROR(SelectVariant(ctx, node, kVariants, data));
  data.shape.reserve(in->rank() + 1);
  if (!HasValuesAtPrepare(*axis)) {
    ctx.MarkDynamic(*out);
    return Status::Ok();
  }
  EL_RETURN_IF_ERROR(OutputShape(ctx, node, *in, *axis, &data.shape));
  return ctx.ResizeTensor(*out, data.shape);
}

}  // namespace

const KernelRegistration* Register_EXPAND_DIMS() {
  static const KernelRegistration reg{NewNodeData<ExpandDimsData>, DeleteNodeData<ExpandDimsData>, Prepare,
                                      EvalSelectedVariant<ExpandDimsData>, /*fold_when_inputs_constant=*/true, false,
                                      /*handles_strings=*/true};
  return &reg;
}

}  // namespace edgelite

EL_KERNEL_TYPES(EXPAND_DIMS, kVariants)
