// DEPTHWISE_CONV_2D (float32): filter [1, h, w, out_c] with out_c = in_c * multiplier (the multiplier
// comes from the shapes; new files may store 0 in the option), bias, padding, strides, dilation,
// fused activation. Multiplier 1 runs the channel-vectorized kernel (optimized/depthwise_f32); other
// multipliers, and filters over kMaxDepthwiseTaps taps, run the reference (reference/depthwise_conv.h).
#include "interpreter/kernels/filter_quantization.h"
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/optimized/depthwise_f32.h"
#include "interpreter/kernels/optimized/int8_depthwise.h"
#include "interpreter/kernels/packed_weights.h"
#include "interpreter/kernels/reference/depthwise_conv.h"
#include "interpreter/kernels/conv_util.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

struct DepthwiseData : VariantChoice<DepthwiseData> {
  WindowOptions options;
  int activation = 0;  // the schema's fused activation, for quantized outputs
  // Set in prepare.
  reference::WindowGeometry geometry;
  const optimized::DepthwiseF32Kernels* kernels = nullptr;  // the chosen ISA's
  PackedWeights weights;  // bias, per-tap weights and a zero row, channels padded to whole vectors
  // int8
  Int8FilterQuantization q8;
  const optimized::Int8DepthwiseKernels* int8 = nullptr;  // the chosen ISA's
};

Status Init(KernelContext& ctx, Node& node) {
  auto* data = new DepthwiseData();
  node.user_data = data;
  if (node.op && node.op->builtin_options_as_DepthwiseConv2DOptions()) {
    data->activation = node.op->builtin_options_as_DepthwiseConv2DOptions()->fused_activation_function();
  }
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

bool Int8ChannelVectorized(const DepthwiseData& d, const Node&, KernelContext&) {
  return d.geometry.out_c == d.geometry.in_c && Taps(d.geometry) <= optimized::kMaxInt8DepthwiseTaps;
}

optimized::Int8OutputStage Int8Stage(const DepthwiseData& d) {
  optimized::Int8OutputStage s;
  s.multiplier = d.q8.multiplier.data();
  s.shift = d.q8.shift.data();
  s.output_zero_point = d.q8.output_zero_point;
  s.out_min = d.q8.out_min;
  s.out_max = d.q8.out_max;
  return s;
}

void PackInt8(const DepthwiseData& d, const Tensor& filter, const Tensor* bias, void* packed) {
  d.int8->pack(d.geometry, filter.data_as<int8_t>(), bias ? bias->data_as<int32_t>() : nullptr,
               d.q8.input_zero_point, Int8Stage(d), packed);
}

Status PrepareInt8(KernelContext& ctx, Node& node, DepthwiseData& d) {
  const Tensor* filter = ctx.input(node, 1);
  const Tensor* bias = ctx.input(node, 2);
  const int channels = d.geometry.out_c;
  EL_RETURN_IF_ERROR(GetInt8FilterQuantization(ctx, node, *ctx.input(node, 0), *filter, *ctx.output(node, 0), 3,
                                               channels, d.activation, &d.q8));
  d.int8 = optimized::Int8DepthwiseFor(d.variant->isa);
  uint8_t* pack_now = nullptr;
  EL_RETURN_IF_ERROR(d.weights.Prepare(ctx, node, d.int8->packed_size(d.geometry), {filter, bias},
                                       PackingLayout(1, static_cast<int>(d.variant->isa)), &pack_now));
  if (pack_now) PackInt8(d, *filter, bias, pack_now);
  return Status::Ok();
}

Status EvalInt8(KernelContext& ctx, Node& node, DepthwiseData& d) {
  void* packed = d.weights.data<uint8_t>(ctx);
  if (d.weights.pack_at_eval()) PackInt8(d, *ctx.input(node, 1), ctx.input(node, 2), packed);
  d.int8->run(d.geometry, ctx.input(node, 0)->data_as<int8_t>(), packed, ctx.output(node, 0)->data_as<int8_t>(),
              d.q8.out_min, d.q8.out_max, ctx.thread_pool());
  return Status::Ok();
}

constexpr TypeSignature kF32Types{{kF32, kF32, kF32}, {kF32}};
constexpr TypeSignature kInt8Types{{kI8, kI8, kI32}, {kI8}};

const KernelVariant<DepthwiseData> kVariants[] = {
    {"int8 multiplier 1", kInt8Types, Isa::kAvx512Vnni, Int8ChannelVectorized, PrepareInt8, EvalInt8,
     "depth multiplier 1 and at most 64 filter taps"},
    {"int8 multiplier 1", kInt8Types, Isa::kAvx2, Int8ChannelVectorized, PrepareInt8, EvalInt8,
     "depth multiplier 1 and at most 64 filter taps"},
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
