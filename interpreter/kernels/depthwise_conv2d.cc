// DEPTHWISE_CONV_2D (float32): filter [1, h, w, out_c] with out_c = in_c * multiplier (the multiplier
// comes from the shapes; new files may store 0 in the option), bias, padding, strides, dilation,
// fused activation. Multiplier 1 runs the channel-vectorized kernel (optimized/depthwise_f32); other
// multipliers, and filters over kMaxDepthwiseTaps taps, run the reference (reference/depthwise_conv.h).
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/optimized/depthwise_f32.h"
#include "interpreter/kernels/packed_weights.h"
#include "interpreter/kernels/reference/depthwise_conv.h"
#include "interpreter/kernels/conv_util.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

struct DepthwiseData : VariantChoice<DepthwiseData> {
  WindowOptions options;
  // Set in prepare.
  reference::WindowGeometry geometry;
  const optimized::DepthwiseF32Kernels* kernels = nullptr;  // the chosen ISA's
  PackedWeights weights;  // bias, per-tap weights and a zero row, channels padded to whole vectors
};

Status Init(KernelContext& ctx, Node& node) {
  auto* data = new DepthwiseData();
  node.user_data = data;
  return ParseConvOptions(ctx, node, node.op ? node.op->builtin_options_as_DepthwiseConv2DOptions() : nullptr,
                          "DepthwiseConv2DOptions", &data->options);
}

int Taps(const reference::WindowGeometry& g) { return g.filter_h * g.filter_w; }

bool ChannelVectorized(const DepthwiseData& d, const Node&, KernelContext&) {
  return d.geometry.out_c == d.geometry.in_c && Taps(d.geometry) <= optimized::kMaxDepthwiseTaps;
}

Status PrepareF32(KernelContext& ctx, Node& node, DepthwiseData& d) {
  const Tensor* filter = ctx.input(node, 1);
  const Tensor* bias = ctx.input(node, 2);
  d.kernels = optimized::DepthwiseF32For(d.variant->isa);
  const int channels = d.geometry.out_c, taps = Taps(d.geometry);
  float* pack_now = nullptr;
  EL_RETURN_IF_ERROR(d.weights.Prepare(ctx, node, d.kernels->packed_size(channels, taps), {filter, bias},
                                       PackingLayout(1, static_cast<int>(d.variant->isa)), &pack_now));
  if (pack_now) {
    d.kernels->pack(filter->data_as<float>(), bias ? bias->data_as<float>() : nullptr, channels, taps, pack_now);
  }
  return Status::Ok();
}

Status EvalF32(KernelContext& ctx, Node& node, DepthwiseData& d) {
  const Tensor& filter = *ctx.input(node, 1);
  const Tensor* bias = ctx.input(node, 2);
  const reference::WindowGeometry& g = d.geometry;
  float* packed = d.weights.data(ctx);
  if (d.weights.pack_at_eval()) {
    d.kernels->pack(filter.data_as<float>(), bias ? bias->data_as<float>() : nullptr, g.out_c, Taps(g), packed);
  }
  const ActivationRange& r = d.options.range;
  d.kernels->run(g, ctx.input(node, 0)->data_as<float>(), packed, ctx.output(node, 0)->data_as<float>(), r.min, r.max,
                 ctx.thread_pool());
  return Status::Ok();
}

Status EvalF32Reference(KernelContext& ctx, Node& node, DepthwiseData& d) {
  const Tensor* bias = ctx.input(node, 2);
  const ActivationRange& r = d.options.range;
  reference::DepthwiseConv2D(d.geometry, ctx.input(node, 0)->data_as<float>(), ctx.input(node, 1)->data_as<float>(),
                             bias ? bias->data_as<float>() : nullptr, ctx.output(node, 0)->data_as<float>(), r.min,
                             r.max);
  return Status::Ok();
}

constexpr TypeSignature kF32Types{{kF32, kF32, kF32}, {kF32}};

const KernelVariant<DepthwiseData> kVariants[] = {
    EL_VECTOR_ISA_ROWS("float32 multiplier 1", kF32Types, ChannelVectorized, PrepareF32, EvalF32,
                       "depth multiplier 1 and at most 64 filter taps"),
    {"float32", kF32Types, Isa::kReference, nullptr, nullptr, EvalF32Reference},
};

Status Prepare(KernelContext& ctx, Node& node) {
  auto* d = static_cast<DepthwiseData*>(node.user_data);
  FilterOpTensors t;
  EL_RETURN_IF_ERROR(GetFilterOpTensors(ctx, node, "filter", 4, &t));
  const Tensor* filter = t.filter;
  EL_KERNEL_CHECK(ctx, node, filter->dim(0) == 1, "filter '", filter->name,
                  "' must be [1, height, width, out_channels], got shape ", DimsToString(filter->dims));
  const int out_c = filter->dim(3);
  reference::WindowGeometry& g = d->geometry;
  EL_RETURN_IF_ERROR(ComputeWindowGeometry(ctx, node, *t.input, filter->dim(1), filter->dim(2), out_c, d->options, &g));
  EL_KERNEL_CHECK(ctx, node, g.in_c > 0 && out_c > 0 && out_c % g.in_c == 0, "filter has ", out_c,
                  " output channels, which is not a multiple of the input's ", g.in_c, " channels");
  EL_RETURN_IF_ERROR(CheckBiasSize(ctx, node, t.bias, out_c));
  EL_RETURN_IF_ERROR(ctx.ResizeTensor(*t.output, WindowOutputDims(g)));
  return SelectVariant(ctx, node, kVariants, *d);
}

}  // namespace

const KernelRegistration* Register_DEPTHWISE_CONV_2D() {
  static const KernelRegistration reg{Init, DeleteNodeData<DepthwiseData>, Prepare,
                                      EvalSelectedVariant<DepthwiseData>};
  return &reg;
}

}  // namespace edgelite
