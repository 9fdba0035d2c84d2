// RANK: the input's number of dimensions as an int32 scalar. Only the input's shape is read, so the core
// computes it at prepare whenever that shape is static (as SHAPE), and a string input is as good as any.
#include "interpreter/kernels/kernel_util.h"

namespace edgelite {
namespace {

Status Prepare(KernelContext& ctx, Node& node) {
  Tensor *in, *out;
  EL_RETURN_IF_ERROR(GetSingleInputOutput(ctx, node, &in, &out));
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *out, DataType::kInt32, "output"));
  return ctx.ResizeTensor(*out, Dims{});
}

Status Eval(KernelContext& ctx, Node& node) {
  *ctx.output(node, 0)->data_as<int32_t>() = ctx.input(node, 0)->rank();
  return Status::Ok();
}

}  // namespace

const KernelRegistration* Register_RANK() {
  static const KernelRegistration reg{nullptr, nullptr, Prepare, Eval, /*fold_when_inputs_constant=*/true,
                                      /*output_depends_only_on_input_shapes=*/true, /*handles_strings=*/true};
  return &reg;
}

}  // namespace edgelite
