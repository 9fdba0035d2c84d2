// FILL: a tensor of shape `dims` (1-D int32 or int64) with every element equal to the scalar `value`,
// of any fixed-size dtype (the value is copied as bytes). The shape is set in prepare when `dims` has
// values then (a constant, or folded); otherwise the output is dynamic and sized at eval.
#include <algorithm>
#include <cstring>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/string_moves.h"
#include "interpreter/kernels/variant_types.h"

namespace edgelite {
namespace {

struct FillData : VariantChoice<FillData> {
  Dims shape;  // the output shape read from dims; reserved in prepare so that eval does not allocate it
};

// The value is copied as a word of its width, so one instantiation per width covers every dtype.
template <typename Word>
Status Eval(KernelContext& ctx, Node& node, FillData& data) {
  const Tensor& dims = *ctx.input(node, 0);
  const Tensor& value = *ctx.input(node, 1);
  Tensor& out = *ctx.output(node, 0);
  if (out.is_dynamic) {
    // The shape is known only now: a dynamic output gets its memory from ResizeTensor.
    EL_RETURN_IF_ERROR(ReadShapeTensor(ctx, node, dims, "dims", &data.shape));
    EL_RETURN_IF_ERROR(ctx.ResizeTensor(out, data.shape));
  }
  const int64_t n = out.num_elements();
  if (n == 0) return Status::Ok();
  if (!out.data || !value.data) {
    return ctx.Error(node, StrCat("no memory for output '", out.name, "' of shape ", DimsToString(out.dims)),
                     StatusCode::kInternal);
  }
  Word word;
  std::memcpy(&word, value.data, sizeof word);
  std::fill(static_cast<Word*>(out.data), static_cast<Word*>(out.data) + n, word);
  return Status::Ok();
}

#define EL_FILL_TYPES(VALUE) TypeSignature{{kIndexTypes, VALUE}, {kSameAsInput1}}
const KernelVariant<FillData> kVariants[] = {
    EL_WORD_WIDTH_ROWS(EL_FILL_TYPES, Eval),
    {"strings", EL_FILL_TYPES(kStr), Isa::kReference, nullptr, nullptr,
     EvalStringsByIndex<FillData, Eval<uint32_t>, /*kStringInput=*/1>},
};
#undef EL_FILL_TYPES

Status Prepare(KernelContext& ctx, Node& node) {
  auto& data = *static_cast<FillData*>(node.user_data);
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 2, 2));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor *dims, *value, *out;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &dims));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 1, &value));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &out));
  EL_RETURN_IF_ERROR(SelectVariant(ctx, node, kVariants, data));
  EL_KERNEL_CHECK(ctx, node, value->rank() == 0, "value input '", value->name, "' must be a scalar, got shape ",
                  DimsToString(value->dims));
  bool known_now;
  EL_RETURN_IF_ERROR(PrepareShapeTensor(ctx, node, *dims, "dims", *out, &data.shape, &known_now));
  if (!known_now) return Status::Ok();
  EL_RETURN_IF_ERROR(ReadShapeTensor(ctx, node, *dims, "dims", &data.shape));
  return ctx.ResizeTensor(*out, data.shape);
}

}  // namespace

const KernelRegistration* Register_FILL() {
  // Folded when dims and value are constant, so shapes built from it resolve at prepare.
  static const KernelRegistration reg{NewNodeData<FillData>, DeleteNodeData<FillData>, Prepare,
                                      EvalSelectedVariant<FillData>,
                                      /*fold_when_inputs_constant=*/true, false, /*handles_strings=*/true};
  return &reg;
}

}  // namespace edgelite

EL_KERNEL_TYPES(FILL, kVariants)
