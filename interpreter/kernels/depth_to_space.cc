// DEPTH_TO_SPACE and its inverse SPACE_TO_DEPTH (NHWC, DCR order as in .tflite/TensorFlow):
// space[n, h*bs + i, w*bs + j, c] = depth[n, h, w, (i*bs + j)*C + c], where C is the space tensor's depth.
// For fixed (n, h, i, w) the bs*C values are contiguous in both tensors, so each is one memcpy; the two
// operators run the same loop with source and destination swapped.
#include <cstring>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

struct SpaceDepthData : VariantChoice<SpaceDepthData> {
  int block_size = 0;
};

template <bool kToSpace>
Status Init(KernelContext& ctx, Node& node) {
  auto* data = new SpaceDepthData();
  node.user_data = data;
  if (!node.op) return Status::Ok();
  if constexpr (kToSpace) {
    if (auto* o = node.op->builtin_options_as_DepthToSpaceOptions()) data->block_size = o->block_size();
  } else {
    if (auto* o = node.op->builtin_options_as_SpaceToDepthOptions()) data->block_size = o->block_size();
  }
  return Status::Ok();
}

// kToSpace: DEPTH_TO_SPACE (the input is the depth tensor), else SPACE_TO_DEPTH.
template <bool kToSpace>
Status Eval(KernelContext& ctx, Node& node, SpaceDepthData& data) {
  const Tensor& in = *ctx.input(node, 0);
  Tensor& out = *ctx.output(node, 0);
  if (out.num_elements() == 0) return Status::Ok();
  const Tensor& depth = kToSpace ? in : out;
  const Tensor& space = kToSpace ? out : in;
  const int64_t bs = data.block_size;
  const int64_t depth_h = depth.dim(1), depth_w = depth.dim(2);
  const int64_t run = bs * space.dim(3) * static_cast<int64_t>(ElementSize(in.type));  // bytes per memcpy
  const int64_t depth_row = depth_w * bs * run;  // bytes of one depth-tensor row (all w, all channels)
  const int64_t space_row = depth_w * run;       // bytes of one space-tensor row
  const uint8_t* src = in.data_as<uint8_t>();
  uint8_t* dst = out.data_as<uint8_t>();
  // One task per space row (n, h*bs + i).
  const int64_t space_rows = depth.dim(0) * depth_h * bs;
  const double row_cost = ThreadPool::kCostByteCopied * static_cast<double>(space_row);
  ctx.thread_pool().ParallelFor(space_rows, row_cost, [&](int64_t b, int64_t e, int) {
    for (int64_t row = b; row < e; ++row) {
      const int64_t i = row % bs, nh = row / bs;  // nh = n*depth_h + h
      const int64_t depth_at = nh * depth_row + i * run, space_at = row * space_row;
      for (int64_t w = 0; w < depth_w; ++w) {
        if constexpr (kToSpace) {
          std::memcpy(dst + space_at + w * run, src + depth_at + w * bs * run, run);
        } else {
          std::memcpy(dst + depth_at + w * bs * run, src + space_at + w * run, run);
        }
      }
    }
  });
  return Status::Ok();
}

// Channels move as bytes: one row serves every dtype.
template <bool kToSpace>
struct Variants {
  static constexpr KernelVariant<SpaceDepthData> kTable[] = {
      {"bytes", TypeSignature{{kMovableTypes}, {kSameAsInput0}}, Isa::kReference, nullptr, nullptr, Eval<kToSpace>},
  };
};

template <bool kToSpace>
Status Prepare(KernelContext& ctx, Node& node) {
  auto& data = *static_cast<SpaceDepthData*>(node.user_data);
  Tensor *in, *out;
  EL_RETURN_IF_ERROR(GetSingleInputOutput(ctx, node, &in, &out));
  EL_RETURN_IF_ERROR(SelectVariant(ctx, node, Variants<kToSpace>::kTable, data));
  if (in->rank() != 4) {
    return ctx.Error(node, StrCat("input must be 4-D (NHWC), got shape ", DimsToString(in->dims)));
  }
  const int64_t bs = data.block_size;
  if (bs < 1) return ctx.Error(node, StrCat("block_size must be at least 1, got ", bs));
  if constexpr (kToSpace) {
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
  } else {
    if (in->dim(1) % bs != 0 || in->dim(2) % bs != 0) {
      return ctx.Error(node, StrCat("input height and width ", in->dim(1), "x", in->dim(2),
                                    " are not multiples of block_size ", bs));
    }
    const int64_t c = int64_t{in->dim(3)} * bs * bs;
    if (c > std::numeric_limits<int32_t>::max()) return ctx.Error(node, "output is too large");
    return ctx.ResizeTensor(*out, Dims{in->dim(0), static_cast<int32_t>(in->dim(1) / bs),
                                       static_cast<int32_t>(in->dim(2) / bs), static_cast<int32_t>(c)});
  }
}

template <bool kToSpace>
const KernelRegistration* Registration() {
  static const KernelRegistration reg = {Init<kToSpace>, DeleteNodeData<SpaceDepthData>, Prepare<kToSpace>,
                                         EvalSelectedVariant<SpaceDepthData>};
  return &reg;
}

}  // namespace

const KernelRegistration* Register_DEPTH_TO_SPACE() { return Registration<true>(); }
const KernelRegistration* Register_SPACE_TO_DEPTH() { return Registration<false>(); }

}  // namespace edgelite
