// DEPTH_TO_SPACE (NHWC, DCR order as in .tflite/TensorFlow): out[n, h*bs + i, w*bs + j, c] =
// in[n, h, w, (i*bs + j)*C_out + c]. For fixed (n, h, i, w) the bs*C_out values are contiguous in both
// tensors, so each is one memcpy.
#include <cstring>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

struct DepthToSpaceData : VariantChoice<DepthToSpaceData> {
  int block_size = 0;
};

Status Init(KernelContext& ctx, Node& node) {
  auto* data = new DepthToSpaceData();
  node.user_data = data;
  if (node.op) {
    if (auto* o = node.op->builtin_options_as_DepthToSpaceOptions()) data->block_size = o->block_size();
  }
  return Status::Ok();
}

Status Eval(KernelContext& ctx, Node& node, DepthToSpaceData& data) {
  const Tensor& in = *ctx.input(node, 0);
  Tensor& out = *ctx.output(node, 0);
  if (out.num_elements() == 0) return Status::Ok();
  const int64_t bs = data.block_size;
  const int64_t in_h = in.dim(1), in_w = in.dim(2);
  const int64_t run = bs * out.dim(3) * static_cast<int64_t>(ElementSize(in.type));  // bytes per memcpy
  const int64_t in_row = in_w * bs * run;  // bytes of one input row (all w, all channels)
  const int64_t out_row = in_w * run;      // bytes of one output row
  const uint8_t* src = in.data_as<uint8_t>();
  uint8_t* dst = out.data_as<uint8_t>();
  // One task per output row (n, h*bs + i).
  const int64_t out_rows = in.dim(0) * in_h * bs;
  ctx.thread_pool().ParallelFor(out_rows, std::max<int64_t>(1, (64 << 10) / out_row), [&](int64_t b, int64_t e) {
    for (int64_t row = b; row < e; ++row) {
      const int64_t i = row % bs, nh = row / bs;  // nh = n*in_h + h
      const uint8_t* s = src + nh * in_row + i * run;
      uint8_t* d = dst + row * out_row;
      for (int64_t w = 0; w < in_w; ++w) std::memcpy(d + w * run, s + w * bs * run, run);
    }
  });
  return Status::Ok();
}

// Channels move as bytes: one row serves every dtype.
const KernelVariant<DepthToSpaceData> kVariants[] = {
    {"bytes", TypeSignature{{kMovableTypes}, {kSameAsInput0}}, Isa::kReference, nullptr, nullptr, Eval},
};

Status Prepare(KernelContext& ctx, Node& node) {
  const auto& data = *static_cast<DepthToSpaceData*>(node.user_data);
  Tensor *in, *out;
  EL_RETURN_IF_ERROR(GetSingleInputOutput(ctx, node, &in, &out));
  EL_RETURN_IF_ERROR(SelectVariant(ctx, node, kVariants, *static_cast<DepthToSpaceData*>(node.user_data)));
  if (in->rank() != 4) {
    return ctx.Error(node, StrCat("input must be 4-D (NHWC), got shape ", DimsToString(in->dims)));
  }
  const int64_t bs = data.block_size;
  if (bs < 1) return ctx.Error(node, StrCat("block_size must be at least 1, got ", bs));
  const int channels = in->dim(3);
  if (channels % (bs * bs) != 0) {
    return ctx.Error(node, StrCat("input depth ", channels, " is not divisible by block_size^2 = ", bs * bs));
  }
  const int64_t h = in->dim(1) * bs, w = in->dim(2) * bs;
  if (h > std::numeric_limits<int32_t>::max() || w > std::numeric_limits<int32_t>::max()) {
    return ctx.Error(node, "output is too large");
  }
  return ctx.ResizeTensor(*out, Dims{in->dim(0), static_cast<int32_t>(h), static_cast<int32_t>(w),
                                     static_cast<int32_t>(channels / (bs * bs))});
}

}  // namespace

const KernelRegistration* Register_DEPTH_TO_SPACE() {
  static const KernelRegistration reg = {Init, DeleteNodeData<DepthToSpaceData>, Prepare,
                                        EvalSelectedVariant<DepthToSpaceData>};
  return &reg;
}

}  // namespace edgelite
