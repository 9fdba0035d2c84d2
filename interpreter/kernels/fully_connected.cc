// FULLY_CONNECTED: weights [units, depth] in the DEFAULT format, input flattened to [num_elements / depth,
// depth] (or, with keep_num_dims, kept with its last dimension becoming units), optional bias, fused
// activation. float32 runs the packed GEMM (optimized/gemm_f32), or its reference twin. int8 (per-channel or
// per-tensor weights), uint8, int16x8 and dynamic range (float input, int8 weights) run the integer reference
// (reference/integer/fully_connected.h), bit-exact with LiteRT 2.3.0's BUILTIN_REF, which requantizes the
// integer accumulator in floating point (docs/integer_kernels.md, FULLY_CONNECTED); int8 with symmetric weights
// runs the packed int8 GEMM first (optimized/int8_gemm.h: AMX, AVX-512 VNNI, AVX2), with that output stage
// vectorized in double, equal to the reference bit for bit.
#include "interpreter/kernels/conv_util.h"
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/optimized/gemm_f32.h"
#include "interpreter/kernels/optimized/int8_gemm.h"
#include "interpreter/kernels/packed_weights.h"
#include "interpreter/kernels/quantized_filter.h"
#include "interpreter/kernels/reference/fully_connected.h"
#include "interpreter/kernels/reference/integer/fully_connected.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

struct FullyConnectedData : VariantChoice<FullyConnectedData> {
  ActivationRange range;
  schema::ActivationFunctionType activation = schema::ActivationFunctionType_NONE;
  bool keep_num_dims = false;
  bool asymmetric_quantize_inputs = false;  // dynamic range: rows quantized with a zero point
  schema::TensorType quantized_bias_type = schema::TensorType_FLOAT32;  // int16x8: the bias's type, if set
  // Set in prepare.
  int batch = 0, units = 0, depth = 0;
  // float32 rows.
  const optimized::GemmF32Kernels* gemm = nullptr;  // the chosen ISA's
  PackedWeights weights;  // weights and bias in GEMM panels
  // Integer rows (PrepareInt8, PrepareUInt8, PrepareInt16): offsets, per-unit scales (and the integer
  // multipliers of the older formula), activation range.
  QuantizedFilterParams quant;
  // Optimized int8 rows (PrepareInt8Gemm): the chosen ISA's kernels and their plan (packed in `weights`).
  const optimized::Int8ConvKernels* int8 = nullptr;
  optimized::Int8ConvLayout int8_layout;
  int int8_scratch = -1;  // converted input rows
  // Dynamic-range row (PrepareHybrid).
  std::vector<float> filter_scales;  // per unit
  bool hybrid_per_channel = false;   // the weights have one scale per unit
  HybridRowScratch rows;             // each input row quantized
};

Status Init(KernelContext& ctx, Node& node) {
  auto* data = new FullyConnectedData();
  node.user_data = data;
  const auto* o = node.op ? node.op->builtin_options_as_FullyConnectedOptions() : nullptr;
  EL_KERNEL_CHECK(ctx, node, o, "FullyConnectedOptions are missing");
  if (o->weights_format() != schema::FullyConnectedOptionsWeightsFormat_DEFAULT) {
    return ctx.Error(node,
                     StrCat("weights format ", schema::EnumNameFullyConnectedOptionsWeightsFormat(o->weights_format()),
                            " is not supported (only DEFAULT)"),
                     StatusCode::kUnsupported);
  }
  data->keep_num_dims = o->keep_num_dims();
  data->asymmetric_quantize_inputs = o->asymmetric_quantize_inputs();
  data->quantized_bias_type = o->quantized_bias_type();
  data->activation = o->fused_activation_function();
  return GetActivationRange(ctx, node, o->fused_activation_function(), &data->range);
}

void PackF32(const FullyConnectedData& d, const float* weights, const float* bias, float* packed) {
  d.gemm->pack(weights, d.depth, 1, bias, d.units, d.depth, packed);
}

Status PrepareF32(KernelContext& ctx, Node& node, FullyConnectedData& d) {
  const Tensor* weights = ctx.input(node, 1);
  const Tensor* bias = ctx.input(node, 2);
  d.gemm = optimized::GemmF32For(d.variant->isa);
  float* pack_now = nullptr;
  EL_RETURN_IF_ERROR(d.weights.Prepare(ctx, node, d.gemm->packed_size(d.units, d.depth), {weights, bias},
                                       PackingLayout(1, static_cast<int>(d.variant->isa)), &pack_now));
  if (pack_now) PackF32(d, weights->data_as<float>(), bias ? bias->data_as<float>() : nullptr, pack_now);
  return Status::Ok();
}

Status EvalF32(KernelContext& ctx, Node& node, FullyConnectedData& d) {
  const Tensor* bias = ctx.input(node, 2);
  float* packed = d.weights.data(ctx);
  if (d.weights.pack_at_eval()) {
    PackF32(d, ctx.input(node, 1)->data_as<float>(), bias ? bias->data_as<float>() : nullptr, packed);
  }
  const optimized::GemmShape s{d.batch, d.units, d.depth, d.depth, d.units, d.range.min, d.range.max};
  d.gemm->gemm(s, ctx.input(node, 0)->data_as<float>(), packed, ctx.output(node, 0)->data_as<float>(),
               ctx.thread_pool());
  return Status::Ok();
}

Status EvalF32Reference(KernelContext& ctx, Node& node, FullyConnectedData& d) {
  const Tensor* bias = ctx.input(node, 2);
  reference::FullyConnected(d.batch, d.units, d.depth, ctx.input(node, 0)->data_as<float>(),
                            ctx.input(node, 1)->data_as<float>(), bias ? bias->data_as<float>() : nullptr,
                            ctx.output(node, 0)->data_as<float>(), d.range.min, d.range.max);
  return Status::Ok();
}

// ---- integer rows: the accumulator requantized in double (LiteRT 2.3.0's reference) ----
// int8 input, weights and output (uint8 likewise). Per-unit weights are symmetric; per-tensor weights keep
// LiteRT's legacy reading (their zero point used, the bias scale checked).
Status PrepareInt8(KernelContext& ctx, Node& node, FullyConnectedData& d) {
  return PrepareQuantizedFilter(ctx, node, {d.units, 0, true, d.activation}, &d.quant);
}
Status PrepareUInt8(KernelContext& ctx, Node& node, FullyConnectedData& d) { return PrepareInt8(ctx, node, d); }
// int16 input and output, int8 weights: zero points 0; the accumulator's width comes with the row.
Status PrepareInt16(KernelContext& ctx, Node& node, FullyConnectedData& d) {
  EL_RETURN_IF_ERROR(CheckQuantizedBiasType(ctx, node, ctx.input(node, 2), d.quantized_bias_type));
  return PrepareInt8(ctx, node, d);
}

template <typename Acc, typename In, typename Weight, typename Bias>
Status EvalQuantized(KernelContext& ctx, Node& node, FullyConnectedData& d) {
  const Tensor* bias = ctx.input(node, 2);
  reference::integer::QuantizedFullyConnected<Acc>(d.batch, d.units, d.depth, d.quant.view(),
                                                   ctx.input(node, 0)->data_as<In>(),
                                                   ctx.input(node, 1)->data_as<Weight>(),
                                                   bias ? bias->data_as<Bias>() : nullptr,
                                                   ctx.output(node, 0)->data_as<In>());
  return Status::Ok();
}

// ---- dynamic-range row: float input, int8 weights kept int8, float output ----
// ---- optimized int8 rows: the reference's quantization, then the GEMM as a 1x1 convolution ----
// Per-tensor weights may carry a zero point (LiteRT uses it); the GEMM folds only the input's.
bool SymmetricWeights(const FullyConnectedData&, const Node& node, KernelContext& ctx) {
  for (int64_t z : ctx.input(node, 1)->quant.zero_point) {
    if (z != 0) return false;
  }
  return true;
}
// AMX computes 32 rows a tile: with fewer the AVX-512 VNNI kernel is faster (7x at batch 1).
bool AmxPays(const FullyConnectedData& d, const Node& node, KernelContext& ctx) {
  return d.batch >= 32 && SymmetricWeights(d, node, ctx);
}

optimized::WindowGeometry GemmGeometry(const FullyConnectedData& d) {
  return optimized::FullyConnectedGeometry(d.batch, d.units, d.depth);
}

void PackInt8(const FullyConnectedData& d, const Tensor& weights, const Tensor* bias, void* packed) {
  d.int8->pack(d.int8_layout, weights.data_as<int8_t>(), bias ? bias->data_as<int32_t>() : nullptr,
               -d.quant.input_offset, optimized::IntegerOutputStage(d.quant.view(), true), packed);
}

Status PrepareInt8Gemm(KernelContext& ctx, Node& node, FullyConnectedData& d) {
  EL_RETURN_IF_ERROR(PrepareInt8(ctx, node, d));
  const Tensor* weights = ctx.input(node, 1);
  const Tensor* bias = ctx.input(node, 2);
  d.int8 = optimized::Int8ConvFor(d.variant->isa);
  d.int8_layout = d.int8->plan(GemmGeometry(d), d.depth, optimized::IntegerOutputStage(d.quant.view(), true),
                               ctx.thread_pool().num_threads());
  EL_RETURN_IF_ERROR(RequestScratch(ctx, node, DataType::kInt8, static_cast<int64_t>(d.int8_layout.scratch_bytes),
                                    &d.int8_scratch));
  uint8_t* pack_now = nullptr;
  EL_RETURN_IF_ERROR(d.weights.Prepare(ctx, node, d.int8_layout.packed_bytes, {weights, bias},
                                       PackingLayout(1, static_cast<int>(d.variant->isa)), &pack_now));
  if (pack_now) PackInt8(d, *weights, bias, pack_now);
  return Status::Ok();
}

Status EvalInt8Gemm(KernelContext& ctx, Node& node, FullyConnectedData& d) {
  void* packed = d.weights.data<uint8_t>(ctx);
  if (d.weights.pack_at_eval()) PackInt8(d, *ctx.input(node, 1), ctx.input(node, 2), packed);
  void* scratch = d.int8_layout.scratch_bytes ? ctx.tensor(d.int8_scratch)->data : nullptr;
  d.int8->run(GemmGeometry(d), d.int8_layout, ctx.input(node, 0)->data_as<int8_t>(), -d.quant.input_offset, packed,
              ctx.output(node, 0)->data_as<int8_t>(), scratch, ctx.thread_pool());
  return Status::Ok();
}

Status PrepareHybrid(KernelContext& ctx, Node& node, FullyConnectedData& d) {
  EL_RETURN_IF_ERROR(GetHybridFilterScales(ctx, node, *ctx.input(node, 1), 0, d.units, &d.filter_scales,
                                           &d.hybrid_per_channel));
  return d.rows.Request(ctx, node, d.batch, d.depth);
}

Status EvalHybrid(KernelContext& ctx, Node& node, FullyConnectedData& d) {
  const Tensor* bias = ctx.input(node, 2);
  const float* input = ctx.input(node, 0)->data_as<float>();
  const int64_t elements = static_cast<int64_t>(d.batch) * d.depth;
  bool all_zero = true;
  for (int64_t i = 0; i < elements && all_zero; ++i) all_zero = input[i] == 0.f;
  d.rows.QuantizeRows(ctx, d.asymmetric_quantize_inputs, input, d.batch, d.depth);
  reference::integer::HybridFullyConnected(d.batch, d.units, d.depth, d.hybrid_per_channel, all_zero,
                                           d.rows.quantized(ctx), d.rows.scales(ctx), d.rows.zero_points(ctx),
                                           ctx.input(node, 1)->data_as<int8_t>(), d.filter_scales.data(),
                                           bias ? bias->data_as<float>() : nullptr,
                                           ctx.output(node, 0)->data_as<float>(), d.range.min, d.range.max);
  return Status::Ok();
}

constexpr TypeSignature kF32Types{{kF32, kF32, kF32}, {kF32}};
// INT4 (FULLY_CONNECTED 13) and INT2 (14) weights are unpacked to one value a byte when the model loads, so the
// int8 rows, optimized ones included, run them as int8 weights (LiteRT unpacks them into int8 as well).
constexpr TypeSet kInt8Weights = kI8 | TypeBit(DataType::kInt4) | TypeBit(DataType::kInt2);
constexpr TypeSignature kInt8Types{{kI8, kInt8Weights, kI32}, {kI8}};
constexpr TypeSignature kHybridTypes{{kF32, kInt8Weights, kF32}, {kF32}};

const KernelVariant<FullyConnectedData> kVariants[] = {
    {"int8", kInt8Types, Isa::kAmxInt8, AmxPays, PrepareInt8Gemm, EvalInt8Gemm,
     "at least 32 rows and weights with zero point 0"},
    {"int8", kInt8Types, Isa::kAvx512Vnni, SymmetricWeights, PrepareInt8Gemm, EvalInt8Gemm,
     "weights with zero point 0"},
    {"int8", kInt8Types, Isa::kAvx2, SymmetricWeights, PrepareInt8Gemm, EvalInt8Gemm,
     "weights with zero point 0"},
    {"int8", kInt8Types, Isa::kNeonDot, SymmetricWeights, PrepareInt8Gemm, EvalInt8Gemm,
     "weights with zero point 0"},
    {"int8", kInt8Types, Isa::kNeon, SymmetricWeights, PrepareInt8Gemm, EvalInt8Gemm,
     "weights with zero point 0"},
    EL_VECTOR_ISA_ROWS("float32", kF32Types, nullptr, PrepareF32, EvalF32),
    {"float32", kF32Types, Isa::kReference, nullptr, nullptr, EvalF32Reference},
    {"int8", kInt8Types, Isa::kReference, nullptr, PrepareInt8,
     EvalQuantized<int32_t, int8_t, int8_t, int32_t>},
    {"uint8", kFilterUInt8Types, Isa::kReference, nullptr, PrepareUInt8,
     EvalQuantized<int32_t, uint8_t, uint8_t, int32_t>},
    {"int16x8 int64 accumulator", kFilterInt16Int64BiasTypes, Isa::kReference,
     UsesInt64Accumulator<FullyConnectedData>, PrepareInt16, EvalQuantized<int64_t, int16_t, int8_t, int64_t>,
     "an int64 bias, or no bias and quantized_bias_type not INT32"},
    {"int16x8 int32 accumulator", kFilterInt16Int32BiasTypes, Isa::kReference, nullptr, PrepareInt16,
     EvalQuantized<int32_t, int16_t, int8_t, int32_t>},
    {"hybrid int8", kHybridTypes, Isa::kReference, nullptr, PrepareHybrid, EvalHybrid},
};

Status Prepare(KernelContext& ctx, Node& node) {
  auto* d = static_cast<FullyConnectedData*>(node.user_data);
  // Again at prepare: graph fusion may have given the node another activation since init (Node::fused_activation).
  EL_RETURN_IF_ERROR(GetActivationRange(ctx, node, d->activation, &d->range));
  FilterOpTensors t;
  EL_RETURN_IF_ERROR(GetFilterOpTensors(ctx, node, "weights", 2, &t));
  const Tensor* input = t.input;
  const Tensor* weights = t.filter;
  d->units = weights->dim(0);
  d->depth = weights->dim(1);
  EL_KERNEL_CHECK(ctx, node, d->depth > 0, "weights '", weights->name, "' have shape ", DimsToString(weights->dims),
                  ": the input depth must be positive");
  const int64_t in_elements = input->num_elements();
  EL_KERNEL_CHECK(ctx, node, in_elements % d->depth == 0, "input shape ", DimsToString(input->dims), " (",
                  in_elements, " elements) cannot be flattened into rows of the weights' depth ", d->depth);
  EL_KERNEL_CHECK(ctx, node, in_elements / d->depth <= std::numeric_limits<int32_t>::max(), "input shape ",
                  DimsToString(input->dims), " flattens to too many rows");
  d->batch = static_cast<int>(in_elements / d->depth);
  EL_RETURN_IF_ERROR(CheckBiasSize(ctx, node, t.bias, d->units));
  Dims out_dims{d->batch, d->units};
  if (d->keep_num_dims) {
    EL_KERNEL_CHECK(ctx, node, input->rank() >= 1 && input->dims.back() == d->depth,
                    "keep_num_dims needs the input's last dimension to equal the weights' depth ", d->depth,
                    ", got input shape ", DimsToString(input->dims));
    out_dims = input->dims;
    out_dims.back() = d->units;
  }
  EL_RETURN_IF_ERROR(ctx.ResizeTensor(*t.output, out_dims));
  return SelectVariant(ctx, node, kVariants, *d);
}

}  // namespace

const KernelRegistration* Register_FULLY_CONNECTED() {
  static const KernelRegistration reg{Init, DeleteNodeData<FullyConnectedData>, Prepare,
                                      EvalSelectedVariant<FullyConnectedData>};
  return &reg;
}

}  // namespace edgelite
