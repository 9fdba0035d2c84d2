// ZEROS_LIKE: zeros of the input's shape and dtype (int32, int64, float32, as LiteRT). The values are never
// read, so the core computes it at prepare whenever the input's shape is static.
#include <cstring>

#include "interpreter/kernels/kernel_util.h"

namespace edgelite {
namespace {

Status Prepare(KernelContext& ctx, Node& node) {
  Tensor *in, *out;
  EL_RETURN_IF_ERROR(GetSingleInputOutput(ctx, node, &in, &out));
  EL_RETURN_IF_ERROR(CheckTypeIn(ctx, node, *in, {DataType::kInt32, DataType::kInt64, DataType::kFloat32}, "input"));
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *out, in->type, "output"));
  return ctx.ResizeTensor(*out, in->dims);
}

Status Eval(KernelContext& ctx, Node& node) {
  Tensor& out = *ctx.output(node, 0);
  if (out.bytes) std::memset(out.data, 0, out.bytes);
  return Status::Ok();
}

}  // namespace

const KernelRegistration* Register_ZEROS_LIKE() {
  static const KernelRegistration reg{nullptr, nullptr, Prepare, Eval, /*fold_when_inputs_constant=*/true,
                                      /*output_depends_only_on_input_shapes=*/true};
  return &reg;
}

}  // namespace edgelite
