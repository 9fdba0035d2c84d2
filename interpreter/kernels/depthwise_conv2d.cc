// DEPTHWISE_CONV_2D: filter [1, h, w, out_c] with out_c = in_c * multiplier (the multiplier comes from the
// shapes; new files may store 0 in the option), bias, padding, strides, dilation, fused activation.
// float32 runs the channel-vectorized kernel (optimized/depthwise_f32; a multiplier > 1 on the input with its
// channels repeated, in scratch); filters over kMaxDepthwiseTaps taps run the reference
// (reference/depthwise_conv.h). int8 (per-channel
// or per-tensor filter), uint8, int16x8 and dynamic range (float input, int8 filter) run the integer
// reference (reference/integer/depthwise_conv.h), bit-exact with LiteRT's BUILTIN_REF; int8 with multiplier 1
// runs the channel-vectorized int8 kernel first (optimized/int8_depthwise.h: AVX-512 VNNI, AVX2), equal to it.
#include "interpreter/kernels/conv_util.h"
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/optimized/depthwise_f32.h"
#include "interpreter/kernels/optimized/int8_depthwise.h"
#include "interpreter/kernels/packed_weights.h"
#include "interpreter/kernels/quantized_filter.h"
#include "interpreter/kernels/reference/activations.h"
#include "interpreter/kernels/reference/depthwise_conv.h"
#include "interpreter/kernels/reference/integer/depthwise_conv.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

struct DepthwiseData : VariantChoice<DepthwiseData> {
  WindowOptions options;
  int option_multiplier = 0;  // depth_multiplier as stored (LiteRT's int16 and hybrid kernels loop over it)
  // Set in prepare.
  reference::WindowGeometry geometry;
  // float32 rows.
  const optimized::DepthwiseF32Kernels* kernels = nullptr;  // the chosen ISA's
  PackedWeights weights;  // bias, per-tap weights and a zero row, channels padded to whole vectors
  int expanded_input = -1;  // multiplier > 1: scratch for the input with each channel repeated
  // Integer rows (PrepareInt8, PrepareUInt8, PrepareInt16): offsets, per-channel multipliers, activation range.
  QuantizedFilterParams quant;
  const optimized::Int8DepthwiseKernels* int8 = nullptr;  // the optimized int8 rows' (packed in `weights`)
  // Dynamic-range row (PrepareHybrid).
  std::vector<float> filter_scales;  // per output channel
  HybridRowScratch rows;             // each image quantized as one row
};

Status Init(KernelContext& ctx, Node& node) {
  auto* data = new DepthwiseData();
  node.user_data = data;
  const auto* options = node.op ? node.op->builtin_options_as_DepthwiseConv2DOptions() : nullptr;
  if (options) data->option_multiplier = options->depth_multiplier();
  return ParseConvOptions(ctx, node, options, "DepthwiseConv2DOptions", &data->options);
}

int Taps(const reference::WindowGeometry& g) { return g.filter_h * g.filter_w; }

bool ChannelVectorized(const DepthwiseData& d, const Node&, KernelContext&) {
  return Taps(d.geometry) <= optimized::kMaxDepthwiseTaps;
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
  // Multiplier > 1: the input with each channel repeated, as a multiplier-1 convolution over out_c channels.
  const reference::WindowGeometry& g = d.geometry;
  const int64_t expanded = g.out_c == g.in_c ? 0 : static_cast<int64_t>(g.batch) * g.in_h * g.in_w * g.out_c;
  return RequestScratch(ctx, node, DataType::kFloat32, expanded, &d.expanded_input);
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
  const float* input = WindowInput(ctx, node).data_as<float>();
  if (g.out_c == g.in_c) {
    d.kernels->run(g, input, packed, ctx.output(node, 0)->data_as<float>(), r.min, r.max, node.fused_hard_swish,
                   ctx.thread_pool());
    return Status::Ok();
  }
  float* expanded = ctx.tensor(d.expanded_input)->data_as<float>();
  d.kernels->expand(input, static_cast<int64_t>(g.batch) * g.in_h * g.in_w, g.in_c, g.out_c / g.in_c, expanded,
                    ctx.thread_pool());
  reference::WindowGeometry channels_expanded = g;
  channels_expanded.in_c = g.out_c;
  d.kernels->run(channels_expanded, expanded, packed, ctx.output(node, 0)->data_as<float>(), r.min, r.max,
                 node.fused_hard_swish, ctx.thread_pool());
  return Status::Ok();
}

Status EvalF32Reference(KernelContext& ctx, Node& node, DepthwiseData& d) {
  const Tensor* bias = ctx.input(node, 2);
  const ActivationRange& r = d.options.range;
  reference::DepthwiseConv2D(d.geometry, WindowInput(ctx, node).data_as<float>(), ctx.input(node, 1)->data_as<float>(),
                             bias ? bias->data_as<float>() : nullptr, ctx.output(node, 0)->data_as<float>(), r.min,
                             r.max);
  if (node.fused_hard_swish) {  // the fused HARD_SWISH node, after the clamp
    float* y = ctx.output(node, 0)->data_as<float>();
    reference::Map(y, y, ctx.output(node, 0)->num_elements(), reference::HardSwish);
  }
  return Status::Ok();
}

// LiteRT's int16 and dynamic-range kernels take the depth multiplier from the options, not the shapes; a model
// whose option disagrees with its shapes would leave output channels unwritten or read past the filter there.
Status CheckOptionMultiplier(KernelContext& ctx, const Node& node, const DepthwiseData& d) {
  const int multiplier = d.geometry.out_c / d.geometry.in_c;
  EL_KERNEL_CHECK(ctx, node, d.option_multiplier == multiplier, "depth_multiplier option is ", d.option_multiplier,
                  " but the filter's ", d.geometry.out_c, " channels over the input's ", d.geometry.in_c, " make ",
                  multiplier, " (int16 and dynamic-range kernels use the option)");
  return Status::Ok();
}

// ---- integer rows ----
// int8 input and output, int8 filter with one scale per output channel or one in all.
Status PrepareInt8(KernelContext& ctx, Node& node, DepthwiseData& d) {
  return PrepareQuantizedFilter(ctx, node, {d.geometry.out_c, 3, false, d.options.activation}, &d.quant);
}
// uint8 with a uint8 filter: one scale, the filter zero point used (reference/depthwiseconv_uint8.h in LiteRT).
Status PrepareUInt8(KernelContext& ctx, Node& node, DepthwiseData& d) {
  return PrepareQuantizedFilter(ctx, node, {d.geometry.out_c, 3, true, d.options.activation}, &d.quant);
}
// int16 input and output, int8 filter, int64 bias: multipliers as int8's (PrepareQuantizedFilter also requires
// zero points 0), an int64 accumulator.
Status PrepareInt16(KernelContext& ctx, Node& node, DepthwiseData& d) {
  EL_RETURN_IF_ERROR(CheckOptionMultiplier(ctx, node, d));
  return PrepareInt8(ctx, node, d);
}

template <typename Acc, typename In, typename Filter, typename Bias>
Status EvalQuantized(KernelContext& ctx, Node& node, DepthwiseData& d) {
  const Tensor* bias = ctx.input(node, 2);
  reference::integer::QuantizedDepthwiseConv2D<Acc>(d.geometry, d.quant.view(), WindowInput(ctx, node).data_as<In>(),
                                                    ctx.input(node, 1)->data_as<Filter>(),
                                                    bias ? bias->data_as<Bias>() : nullptr,
                                                    ctx.output(node, 0)->data_as<In>());
  return Status::Ok();
}

// ---- optimized int8 rows: the reference's quantization, then the channel-vectorized kernel ----
bool Int8ChannelVectorized(const DepthwiseData& d, const Node&, KernelContext&) {
  return d.geometry.out_c == d.geometry.in_c && Taps(d.geometry) <= optimized::kMaxInt8DepthwiseTaps;
}

void PackInt8(const DepthwiseData& d, const Tensor& filter, const Tensor* bias, void* packed) {
  d.int8->pack(d.geometry, filter.data_as<int8_t>(), bias ? bias->data_as<int32_t>() : nullptr,
               -d.quant.input_offset, optimized::IntegerOutputStage(d.quant.view(), false), packed);
}

Status PrepareInt8Vectorized(KernelContext& ctx, Node& node, DepthwiseData& d) {
  EL_RETURN_IF_ERROR(PrepareInt8(ctx, node, d));
  const Tensor* filter = ctx.input(node, 1);
  const Tensor* bias = ctx.input(node, 2);
  d.int8 = optimized::Int8DepthwiseFor(d.variant->isa);
  uint8_t* pack_now = nullptr;
  EL_RETURN_IF_ERROR(d.weights.Prepare(ctx, node, d.int8->packed_size(d.geometry), {filter, bias},
                                       PackingLayout(1, static_cast<int>(d.variant->isa)), &pack_now));
  if (pack_now) PackInt8(d, *filter, bias, pack_now);
  return Status::Ok();
}

Status EvalInt8Vectorized(KernelContext& ctx, Node& node, DepthwiseData& d) {
  void* packed = d.weights.data<uint8_t>(ctx);
  if (d.weights.pack_at_eval()) PackInt8(d, *ctx.input(node, 1), ctx.input(node, 2), packed);
  d.int8->run(d.geometry, WindowInput(ctx, node).data_as<int8_t>(), packed, ctx.output(node, 0)->data_as<int8_t>(),
              d.quant.act_min, d.quant.act_max, ctx.thread_pool());
  return Status::Ok();
}

// ---- dynamic-range row: float input, int8 filter kept int8, float output ----
Status PrepareHybrid(KernelContext& ctx, Node& node, DepthwiseData& d) {
  const reference::WindowGeometry& g = d.geometry;
  EL_RETURN_IF_ERROR(CheckOptionMultiplier(ctx, node, d));
  // LiteRT's kernel reads one scale per output channel whatever the filter has (past the end of a per-tensor
  // scale); a per-tensor scale is repeated here.
  EL_RETURN_IF_ERROR(GetHybridFilterScales(ctx, node, *ctx.input(node, 1), 3, g.out_c, &d.filter_scales, nullptr));
  return d.rows.Request(ctx, node, g.batch, static_cast<int64_t>(g.in_h) * g.in_w * g.in_c);
}

Status EvalHybrid(KernelContext& ctx, Node& node, DepthwiseData& d) {
  const reference::WindowGeometry& g = d.geometry;
  const Tensor* bias = ctx.input(node, 2);
  d.rows.QuantizeRows(ctx, /*asymmetric=*/true, WindowInput(ctx, node).data_as<float>(), g.batch,
                      g.in_h * g.in_w * g.in_c);
  const ActivationRange& r = d.options.range;
  reference::integer::HybridDepthwiseConv2D(g, d.rows.quantized(ctx), d.rows.scales(ctx), d.rows.zero_points(ctx),
                                            ctx.input(node, 1)->data_as<int8_t>(), d.filter_scales.data(),
                                            bias ? bias->data_as<float>() : nullptr,
                                            ctx.output(node, 0)->data_as<float>(), r.min, r.max);
  return Status::Ok();
}

constexpr TypeSignature kF32Types{{kF32, kF32, kF32}, {kF32}};

const KernelVariant<DepthwiseData> kVariants[] = {
    {"int8 multiplier 1", kFilterInt8Types, Isa::kAvx512Vnni, Int8ChannelVectorized, PrepareInt8Vectorized,
     EvalInt8Vectorized, "depth multiplier 1 and at most 64 filter taps"},
    {"int8 multiplier 1", kFilterInt8Types, Isa::kAvx2, Int8ChannelVectorized, PrepareInt8Vectorized,
     EvalInt8Vectorized, "depth multiplier 1 and at most 64 filter taps"},
    {"int8 multiplier 1", kFilterInt8Types, Isa::kNeon, Int8ChannelVectorized, PrepareInt8Vectorized,
     EvalInt8Vectorized, "depth multiplier 1 and at most 64 filter taps"},
    EL_VECTOR_ISA_ROWS("float32", kF32Types, ChannelVectorized, PrepareF32, EvalF32, "at most 64 filter taps"),
    {"float32", kF32Types, Isa::kReference, nullptr, nullptr, EvalF32Reference},
    {"int8", kFilterInt8Types, Isa::kReference, nullptr, PrepareInt8,
     EvalQuantized<int32_t, int8_t, int8_t, int32_t>},
    {"uint8", kFilterUInt8Types, Isa::kReference, nullptr, PrepareUInt8,
     EvalQuantized<int32_t, uint8_t, uint8_t, int32_t>},
    {"int16x8", kFilterInt16Int64BiasTypes, Isa::kReference, nullptr, PrepareInt16,
     EvalQuantized<int64_t, int16_t, int8_t, int64_t>},
    {"hybrid int8", kFilterHybridTypes, Isa::kReference, nullptr, PrepareHybrid, EvalHybrid},
};

Status Prepare(KernelContext& ctx, Node& node) {
  auto* d = static_cast<DepthwiseData*>(node.user_data);
  // Again at prepare: graph fusion may have given the node another activation since init (Node::fused_activation).
  EL_RETURN_IF_ERROR(GetActivationRange(ctx, node, d->options.activation, &d->options.range));
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
