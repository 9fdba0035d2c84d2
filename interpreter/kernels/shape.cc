// SHAPE: the input's dimensions as a 1-D int32 or int64 tensor (ShapeOptions.out_type). Only the input's
// shape is read, so the core computes it at prepare whenever that shape is static.
#include "interpreter/kernels/kernel_util.h"

namespace edgelite {
namespace {

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
  return ctx.ResizeTensor(*out, Dims{in->rank()});
}

Status Eval(KernelContext& ctx, Node& node) {
  const Tensor& in = *ctx.input(node, 0);
  Tensor& out = *ctx.output(node, 0);
  for (int i = 0; i < in.rank(); ++i) {
    if (out.type == DataType::kInt64) {
      out.data_as<int64_t>()[i] = in.dim(i);
    } else {
      out.data_as<int32_t>()[i] = in.dim(i);
    }
  }
  return Status::Ok();
}

}  // namespace

const KernelRegistration* Register_SHAPE() {
  static const KernelRegistration reg = {nullptr, nullptr, Prepare, Eval, /*fold_when_inputs_constant=*/true,
                                         /*output_depends_only_on_input_shapes=*/true};
  return &reg;
}

}  // namespace edgelite
