// CONV_2D: NHWC input, OHWI filter, optional bias, SAME/VALID padding, strides, dilation, fused activation,
// and grouped convolution when the input has a multiple of the filter's channels. float32 runs the
// packed-GEMM kernel (optimized/conv_f32) with its reference twin (reference/conv.h); int8 (per-channel or
// per-tensor filter), uint8, int16x8 and dynamic range (float input, int8 filter) run the integer reference
// (reference/integer/conv.h), bit-exact with LiteRT's BUILTIN_REF; int8 runs the packed int8 GEMM first
// (optimized/int8_gemm.h: AMX, AVX-512 VNNI, AVX2), equal to that reference bit for bit.
#include <limits>

#include "interpreter/kernels/conv_util.h"
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/optimized/conv_f32.h"
#include "interpreter/kernels/optimized/int8_gemm.h"
#include "interpreter/kernels/packed_weights.h"
#include "interpreter/kernels/quantized_filter.h"
#include "interpreter/kernels/reference/activations.h"
#include "interpreter/kernels/reference/conv.h"
#include "interpreter/kernels/reference/integer/conv.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

struct ConvData : VariantChoice<ConvData> {
  WindowOptions options;
  schema::TensorType quantized_bias_type = schema::TensorType_FLOAT32;  // int16x8: the bias's type, if set
  // Set in prepare.
  reference::WindowGeometry geometry;
  int filter_in_c = 0;
  // float32 rows.
  const optimized::ConvF32Kernels* kernels = nullptr;  // the chosen ISA's
  optimized::ConvGemmLayout layout;
  PackedWeights weights;  // filter and bias packed per group for the GEMM
  int im2col_scratch = -1;
  // Integer rows (PrepareInt8, PrepareUInt8, PrepareInt16): offsets, per-channel multipliers, activation range.
  QuantizedFilterParams quant;
  // Optimized int8 rows (PrepareInt8Gemm): the chosen ISA's kernels and their plan (packed in `weights`, A
  // blocks in `im2col_scratch`).
  const optimized::Int8ConvKernels* int8 = nullptr;
  optimized::Int8ConvLayout int8_layout;
  // Dynamic-range rows (PrepareHybrid).
  std::vector<float> filter_scales;  // per output channel
  bool hybrid_per_channel = false;   // LiteRT's asymmetric per-channel path (distinct channel scales or groups)
  HybridRowScratch rows;             // each image quantized as one row
};

Status Init(KernelContext& ctx, Node& node) {
  auto* data = new ConvData();
  node.user_data = data;
  const auto* options = node.op ? node.op->builtin_options_as_Conv2DOptions() : nullptr;
  if (options) data->quantized_bias_type = options->quantized_bias_type();
  return ParseConvOptions(ctx, node, options, "Conv2DOptions", &data->options);
}

Status PrepareF32(KernelContext& ctx, Node& node, ConvData& d) {
  const Tensor* filter = ctx.input(node, 1);
  const Tensor* bias = ctx.input(node, 2);
  d.kernels = optimized::ConvF32For(d.variant->isa);
  d.layout = d.kernels->plan(d.geometry, d.filter_in_c, ctx.thread_pool().num_threads());
  EL_RETURN_IF_ERROR(RequestScratch(ctx, node, DataType::kFloat32, static_cast<int64_t>(d.layout.scratch_floats),
                                    &d.im2col_scratch));
  float* pack_now = nullptr;
  EL_RETURN_IF_ERROR(d.weights.Prepare(ctx, node, d.layout.packed_floats, {filter, bias},
                                       PackingLayout(d.layout.groups, static_cast<int>(d.variant->isa), d.layout.winograd),
                                       &pack_now));
  if (pack_now) {
    d.kernels->pack(d.layout, filter->data_as<float>(), bias ? bias->data_as<float>() : nullptr, pack_now);
  }
  return Status::Ok();
}

Status EvalF32(KernelContext& ctx, Node& node, ConvData& d) {
  const Tensor& input = WindowInput(ctx, node);
  const Tensor& filter = *ctx.input(node, 1);
  const Tensor* bias = ctx.input(node, 2);
  Tensor& output = *ctx.output(node, 0);
  float* packed = d.weights.data(ctx);
  if (d.weights.pack_at_eval()) {
    d.kernels->pack(d.layout, filter.data_as<float>(), bias ? bias->data_as<float>() : nullptr, packed);
  }
  float* scratch = d.layout.scratch_floats ? ctx.tensor(d.im2col_scratch)->data_as<float>() : nullptr;
  const ActivationRange& r = d.options.range;
  const float* addend = node.fused_addend >= 0 ? ctx.tensor(node.fused_addend)->data_as<float>() : nullptr;
  d.kernels->run(d.geometry, d.layout, input.data_as<float>(), packed, addend, output.data_as<float>(), scratch, r.min,
                 r.max, node.fused_hard_swish, ctx.thread_pool());
  return Status::Ok();
}

Status EvalF32Reference(KernelContext& ctx, Node& node, ConvData& d) {
  const Tensor* bias = ctx.input(node, 2);
  const ActivationRange& r = d.options.range;
  Tensor& output = *ctx.output(node, 0);
  const bool add = node.fused_addend >= 0;
  constexpr float kInf = std::numeric_limits<float>::infinity();
  reference::Conv2D(d.geometry, d.filter_in_c, WindowInput(ctx, node).data_as<float>(),
                    ctx.input(node, 1)->data_as<float>(), bias ? bias->data_as<float>() : nullptr,
                    output.data_as<float>(), add ? -kInf : r.min, add ? kInf : r.max);
  if (add) {  // the fused ADD after the unclamped convolution, then its activation
    const float* x = ctx.tensor(node.fused_addend)->data_as<float>();
    float* y = output.data_as<float>();
    for (int64_t i = 0, n = output.num_elements(); i < n; ++i) y[i] = reference::ClampToRange(y[i] + x[i], r.min, r.max);
  }
  if (node.fused_hard_swish) {  // the fused HARD_SWISH node, after the clamp
    reference::Map(output.data_as<float>(), output.data_as<float>(), output.num_elements(), reference::HardSwish);
  }
  return Status::Ok();
}

// ---- integer rows ----
// int8 input and output, int8 filter with one scale per output channel or one in all: multipliers per channel.
Status PrepareInt8(KernelContext& ctx, Node& node, ConvData& d) {
  return PrepareQuantizedFilter(ctx, node, {d.geometry.out_c, 0, false, d.options.activation}, &d.quant);
}
// uint8 with a uint8 filter: one scale, the filter zero point used (reference/conv.h in LiteRT).
Status PrepareUInt8(KernelContext& ctx, Node& node, ConvData& d) {
  return PrepareQuantizedFilter(ctx, node, {d.geometry.out_c, 0, true, d.options.activation}, &d.quant);
}
// int16 input and output, int8 filter: multipliers as int8's (PrepareQuantizedFilter also requires zero points 0);
// the accumulator's width comes with the row.
Status PrepareInt16(KernelContext& ctx, Node& node, ConvData& d) {
  EL_RETURN_IF_ERROR(CheckQuantizedBiasType(ctx, node, ctx.input(node, 2), d.quantized_bias_type));
  return PrepareInt8(ctx, node, d);
}

template <typename Acc, typename In, typename Filter, typename Bias>
Status EvalQuantized(KernelContext& ctx, Node& node, ConvData& d) {
  const Tensor* bias = ctx.input(node, 2);
  reference::integer::QuantizedConv2D<Acc>(d.geometry, d.filter_in_c, d.quant.view(),
                                           WindowInput(ctx, node).data_as<In>(), ctx.input(node, 1)->data_as<Filter>(),
                                           bias ? bias->data_as<Bias>() : nullptr, ctx.output(node, 0)->data_as<In>());
  return Status::Ok();
}

// ---- optimized int8 rows: the reference's quantization, then the packed int8 GEMM ----
void PackInt8(const ConvData& d, const Tensor& filter, const Tensor* bias, void* packed) {
  d.int8->pack(d.int8_layout, filter.data_as<int8_t>(), bias ? bias->data_as<int32_t>() : nullptr,
               -d.quant.input_offset, optimized::IntegerOutputStage(d.quant.view(), false), packed);
}

Status PrepareInt8Gemm(KernelContext& ctx, Node& node, ConvData& d) {
  EL_RETURN_IF_ERROR(PrepareInt8(ctx, node, d));
  const Tensor* filter = ctx.input(node, 1);
  const Tensor* bias = ctx.input(node, 2);
  d.int8 = optimized::Int8ConvFor(d.variant->isa);
  d.int8_layout = d.int8->plan(d.geometry, d.filter_in_c, optimized::IntegerOutputStage(d.quant.view(), false),
                               ctx.thread_pool().num_threads());
  EL_RETURN_IF_ERROR(RequestScratch(ctx, node, DataType::kInt8, static_cast<int64_t>(d.int8_layout.scratch_bytes),
                                    &d.im2col_scratch));
  uint8_t* pack_now = nullptr;
  EL_RETURN_IF_ERROR(d.weights.Prepare(ctx, node, d.int8_layout.packed_bytes, {filter, bias},
                                       PackingLayout(d.int8_layout.groups, static_cast<int>(d.variant->isa)),
                                       &pack_now));
  if (pack_now) PackInt8(d, *filter, bias, pack_now);
  return Status::Ok();
}

Status EvalInt8Gemm(KernelContext& ctx, Node& node, ConvData& d) {
  void* packed = d.weights.data<uint8_t>(ctx);
  if (d.weights.pack_at_eval()) PackInt8(d, *ctx.input(node, 1), ctx.input(node, 2), packed);
  void* scratch = d.int8_layout.scratch_bytes ? ctx.tensor(d.im2col_scratch)->data : nullptr;
  d.int8->run(d.geometry, d.int8_layout, WindowInput(ctx, node).data_as<int8_t>(), -d.quant.input_offset, packed,
              ctx.output(node, 0)->data_as<int8_t>(), scratch, ctx.thread_pool());
  return Status::Ok();
}

// AMX computes 32 rows a tile: with fewer output pixels the AVX-512 VNNI kernel is faster (measured at batch-1
// FULLY_CONNECTED: 7x slower on AMX; from 49 rows on AMX is ahead).
bool AmxPays(const ConvData& d, const Node&, KernelContext&) {
  return static_cast<int64_t>(d.geometry.batch) * d.geometry.out_h * d.geometry.out_w >= 32;
}

// ---- dynamic-range rows: float input, int8 filter kept int8, float output ----
Status PrepareHybrid(KernelContext& ctx, Node& node, ConvData& d) {
  const reference::WindowGeometry& g = d.geometry;
  bool per_channel = false;
  EL_RETURN_IF_ERROR(
      GetHybridFilterScales(ctx, node, *ctx.input(node, 1), 0, g.out_c, &d.filter_scales, &per_channel));
  bool distinct = false;
  for (float s : d.filter_scales) distinct = distinct || s != d.filter_scales[0];
  const bool grouped = d.filter_in_c != g.in_c;
  // LiteRT runs grouped hybrid convolutions on its per-channel path, which reads one scale per channel.
  EL_KERNEL_CHECK(ctx, node, !grouped || per_channel, "a grouped dynamic-range convolution needs one filter scale ",
                  "per output channel (filter '", ctx.input(node, 1)->name, "' has one)");
  d.hybrid_per_channel = distinct || grouped;
  return d.rows.Request(ctx, node, g.batch, static_cast<int64_t>(g.in_h) * g.in_w * g.in_c);
}

Status EvalHybrid(KernelContext& ctx, Node& node, ConvData& d) {
  const reference::WindowGeometry& g = d.geometry;
  const Tensor* bias = ctx.input(node, 2);
  d.rows.QuantizeRows(ctx, d.hybrid_per_channel, WindowInput(ctx, node).data_as<float>(), g.batch,
                      g.in_h * g.in_w * g.in_c);
  const ActivationRange& r = d.options.range;
  reference::integer::HybridConv2D(g, d.filter_in_c, d.hybrid_per_channel, d.rows.quantized(ctx), d.rows.scales(ctx),
                                   d.rows.zero_points(ctx), ctx.input(node, 1)->data_as<int8_t>(),
                                   d.filter_scales.data(), bias ? bias->data_as<float>() : nullptr,
                                   ctx.output(node, 0)->data_as<float>(), r.min, r.max);
  return Status::Ok();
}

constexpr TypeSignature kF32Types{{kF32, kF32, kF32}, {kF32}};

const KernelVariant<ConvData> kVariants[] = {
    {"int8", kFilterInt8Types, Isa::kAmxInt8, AmxPays, PrepareInt8Gemm, EvalInt8Gemm, "at least 32 output pixels"},
    {"int8", kFilterInt8Types, Isa::kAvx512Vnni, nullptr, PrepareInt8Gemm, EvalInt8Gemm},
    {"int8", kFilterInt8Types, Isa::kAvx2, nullptr, PrepareInt8Gemm, EvalInt8Gemm},
    {"int8", kFilterInt8Types, Isa::kNeonDot, nullptr, PrepareInt8Gemm, EvalInt8Gemm},
    {"int8", kFilterInt8Types, Isa::kNeon, nullptr, PrepareInt8Gemm, EvalInt8Gemm},
    EL_VECTOR_ISA_ROWS("float32", kF32Types, nullptr, PrepareF32, EvalF32),
    {"float32", kF32Types, Isa::kReference, nullptr, nullptr, EvalF32Reference},
    {"int8", kFilterInt8Types, Isa::kReference, nullptr, PrepareInt8,
     EvalQuantized<int32_t, int8_t, int8_t, int32_t>},
    {"uint8", kFilterUInt8Types, Isa::kReference, nullptr, PrepareUInt8,
     EvalQuantized<int32_t, uint8_t, uint8_t, int32_t>},
    {"int16x8 int64 accumulator", kFilterInt16Int64BiasTypes, Isa::kReference, UsesInt64Accumulator<ConvData>,
     PrepareInt16, EvalQuantized<int64_t, int16_t, int8_t, int64_t>,
     "an int64 bias, or no bias and quantized_bias_type not INT32"},
    {"int16x8 int32 accumulator", kFilterInt16Int32BiasTypes, Isa::kReference, nullptr, PrepareInt16,
     EvalQuantized<int32_t, int16_t, int8_t, int32_t>},
    {"hybrid int8", kFilterHybridTypes, Isa::kReference, nullptr, PrepareHybrid, EvalHybrid},
};

Status Prepare(KernelContext& ctx, Node& node) {
  auto* d = static_cast<ConvData*>(node.user_data);
  // Again at prepare: graph fusion may have given the node another activation since init (Node::fused_activation).
  EL_RETURN_IF_ERROR(GetActivationRange(ctx, node, d->options.activation, &d->options.range));
  FilterOpTensors t;
  EL_RETURN_IF_ERROR(GetFilterOpTensors(ctx, node, "filter", 4, &t));
  const Tensor* filter = t.filter;
  const int out_c = filter->dim(0), filter_in_c = filter->dim(3);
  EL_KERNEL_CHECK(ctx, node, out_c > 0 && filter_in_c > 0, "filter shape ", DimsToString(filter->dims),
                  " has an empty dimension");
  reference::WindowGeometry& g = d->geometry;
  EL_RETURN_IF_ERROR(ComputeWindowGeometry(ctx, node, *t.input, filter->dim(1), filter->dim(2), out_c, d->options, &g));
  const int in_c = g.in_c;
  EL_KERNEL_CHECK(ctx, node, in_c > 0 && in_c % filter_in_c == 0, "input has ", in_c,
                  " channels, which is not a multiple of the filter's ", filter_in_c, " input channels");
  const int groups = in_c / filter_in_c;
  EL_KERNEL_CHECK(ctx, node, out_c % groups == 0, "grouped convolution: ", out_c, " filters cannot be split into ",
                  groups, " groups (input channels ", in_c, " / filter input channels ", filter_in_c, ")");
  EL_RETURN_IF_ERROR(CheckBiasSize(ctx, node, t.bias, out_c));
  d->filter_in_c = filter_in_c;
  EL_RETURN_IF_ERROR(ctx.ResizeTensor(*t.output, WindowOutputDims(g)));
  return SelectVariant(ctx, node, kVariants, *d);
}

}  // namespace

const KernelRegistration* Register_CONV_2D() {
  static const KernelRegistration reg{Init, DeleteNodeData<ConvData>, Prepare, EvalSelectedVariant<ConvData>};
  return &reg;
}

}  // namespace edgelite
