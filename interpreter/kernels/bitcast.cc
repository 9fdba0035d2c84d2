// BITCAST: the input's bytes reinterpreted as the output's dtype (tf.bitcast). Equal widths keep the shape;
// a wider input gains a last dimension of (input width / output width); a narrower input must end in a
// dimension of (output width / input width), which goes.
#include <cstring>

#include "interpreter/kernels/kernel_util.h"

namespace edgelite {
namespace {

Status Prepare(KernelContext& ctx, Node& node) {
  Tensor *in, *out;
  EL_RETURN_IF_ERROR(GetSingleInputOutput(ctx, node, &in, &out));
  const size_t in_size = ElementSize(in->type), out_size = ElementSize(out->type);
  EL_KERNEL_CHECK(ctx, node, in_size > 0 && out_size > 0 && in->type != DataType::kResource &&
                                 out->type != DataType::kResource,
                  "cannot bitcast ", DataTypeName(in->type), " to ", DataTypeName(out->type));
  Dims dims = in->dims;
  if (in_size > out_size) {
    dims.push_back(static_cast<int32_t>(in_size / out_size));
  } else if (in_size < out_size) {
    const int32_t ratio = static_cast<int32_t>(out_size / in_size);
    EL_KERNEL_CHECK(ctx, node, !dims.empty() && dims.back() == ratio, "bitcasting ", DataTypeName(in->type),
                    " to ", DataTypeName(out->type), " needs a last dimension of ", ratio, ", got shape ",
                    DimsToString(in->dims));
    dims.pop_back();
  }
  return ctx.ResizeTensor(*out, dims);
}

Status Eval(KernelContext& ctx, Node& node) {
  const Tensor& in = *ctx.input(node, 0);
  if (in.bytes) std::memcpy(ctx.output(node, 0)->data, in.data, in.bytes);
  return Status::Ok();
}

}  // namespace

const KernelRegistration* Register_BITCAST() {
  static const KernelRegistration reg{nullptr, nullptr, Prepare, Eval, /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace edgelite
