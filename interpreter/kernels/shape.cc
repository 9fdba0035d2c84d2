// SHAPE: the input's dimensions as a 1-D int32 or int64 tensor (ShapeOptions.out_type). Only the input's
// shape is read, so the core computes it at prepare whenever that shape is static.
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/variant_types.h"

namespace edgelite {
namespace {

struct ShapeData : VariantChoice<ShapeData> {};

template <typename T>
Status Eval(KernelContext& ctx, Node& node, ShapeData&) {
  const Tensor& in = *ctx.input(node, 0);
  T* out = ctx.output(node, 0)->data_as<T>();
  for (int i = 0; i < in.rank(); ++i) out[i] = in.dim(i);
  return Status::Ok();
}

const KernelVariant<ShapeData> kVariants[] = {
    {"int32", TypeSignature{{kAnyType}, {kI32}}, Isa::kReference, nullptr, nullptr, Eval<int32_t>},
    {"int64", TypeSignature{{kAnyType}, {kI64}}, Isa::kReference, nullptr, nullptr, Eval<int64_t>},
};

Status Prepare(KernelContext& ctx, Node& node) {
  Tensor *in, *out;
  EL_RETURN_IF_ERROR(GetSingleInputOutput(ctx, node, &in, &out));
  // out_type defaults to int32 in the schema, as in .tflite files written without ShapeOptions.
  DataType out_type = DataType::kInt32;
  if (node.op) {
    if (auto* o = node.op->builtin_options_as_ShapeOptions()) out_type = static_cast<DataType>(o->out_type());
  }
  if (out_type != DataType::kInt32 && out_type != DataType::kInt64) {
    return ctx.Error(node, StrCat("out_type ", DataTypeName(out_type), " is not supported (int32, int64)"),
                     StatusCode::kUnsupported);
  }
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *out, out_type, "output"));
  EL_RETURN_IF_ERROR(ctx.ResizeTensor(*out, Dims{in->rank()}));
  return SelectVariant(ctx, node, kVariants, *static_cast<ShapeData*>(node.user_data));
}

}  // namespace

const KernelRegistration* Register_SHAPE() {
  static const KernelRegistration reg = {NewNodeData<ShapeData>, DeleteNodeData<ShapeData>, Prepare,
                                         EvalSelectedVariant<ShapeData>, /*fold_when_inputs_constant=*/true,
                                         /*output_depends_only_on_input_shapes=*/true, /*handles_strings=*/true};
  return &reg;
}

}  // namespace edgelite

EL_KERNEL_TYPES(SHAPE, kVariants)
