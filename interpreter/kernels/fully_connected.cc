// FULLY_CONNECTED (float32): weights [units, depth] in the DEFAULT format, input flattened to
// [num_elements / depth, depth] (or, with keep_num_dims, kept with its last dimension becoming units),
// optional bias, fused activation. Runs the packed GEMM (optimized/gemm_f32), or its reference twin.
#include "interpreter/kernels/conv_util.h"
#include "interpreter/kernels/filter_quantization.h"
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/optimized/gemm_f32.h"
#include "interpreter/kernels/optimized/int8_gemm.h"
#include "interpreter/kernels/packed_weights.h"
#include "interpreter/kernels/reference/fully_connected.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

struct FullyConnectedData : VariantChoice<FullyConnectedData> {
  ActivationRange range;
  int activation = 0;  // the schema's fused activation, for quantized outputs
  bool keep_num_dims = false;
  // Set in prepare.
  int batch = 0, units = 0, depth = 0;
  const optimized::GemmF32Kernels* gemm = nullptr;  // the chosen ISA's
  PackedWeights weights;  // weights and bias in GEMM panels
  // int8
  Int8FilterQuantization q8;
  const optimized::Int8ConvKernels* int8 = nullptr;  // the chosen ISA's
  optimized::Int8ConvLayout int8_layout;
  int int8_scratch = -1;
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

// int8 through the 1x1-convolution GEMM, with LiteRT 2.3.0's double-precision output stage.
optimized::Int8OutputStage Int8Stage(const FullyConnectedData& d) {
  optimized::Int8OutputStage s;
  s.scale = d.q8.scale.data();
  s.output_zero_point = d.q8.output_zero_point;
  s.out_min = d.q8.out_min;
  s.out_max = d.q8.out_max;
  return s;
}

void PackInt8(const FullyConnectedData& d, const Tensor& weights, const Tensor* bias, void* packed) {
  d.int8->pack(d.int8_layout, weights.data_as<int8_t>(), bias ? bias->data_as<int32_t>() : nullptr,
               d.q8.input_zero_point, Int8Stage(d), packed);
}

Status PrepareInt8(KernelContext& ctx, Node& node, FullyConnectedData& d) {
  const Tensor* weights = ctx.input(node, 1);
  const Tensor* bias = ctx.input(node, 2);
  EL_RETURN_IF_ERROR(GetInt8FilterQuantization(ctx, node, *ctx.input(node, 0), *weights, *ctx.output(node, 0), 0,
                                               d.units, d.activation, &d.q8));
  d.int8 = optimized::Int8ConvFor(d.variant->isa);
  d.int8_layout = d.int8->plan(optimized::FullyConnectedGeometry(d.batch, d.units, d.depth), d.depth, Int8Stage(d),
                               ctx.thread_pool().num_threads());
  EL_RETURN_IF_ERROR(RequestScratch(ctx, node, DataType::kInt8, static_cast<int64_t>(d.int8_layout.scratch_bytes),
                                    &d.int8_scratch));
  uint8_t* pack_now = nullptr;
  EL_RETURN_IF_ERROR(d.weights.Prepare(ctx, node, d.int8_layout.packed_bytes, {weights, bias},
                                       PackingLayout(1, static_cast<int>(d.variant->isa)), &pack_now));
  if (pack_now) PackInt8(d, *weights, bias, pack_now);
  return Status::Ok();
}

Status EvalInt8(KernelContext& ctx, Node& node, FullyConnectedData& d) {
  void* packed = d.weights.data<uint8_t>(ctx);
  if (d.weights.pack_at_eval()) PackInt8(d, *ctx.input(node, 1), ctx.input(node, 2), packed);
  void* scratch = d.int8_layout.scratch_bytes ? ctx.tensor(d.int8_scratch)->data : nullptr;
  d.int8->run(optimized::FullyConnectedGeometry(d.batch, d.units, d.depth), d.int8_layout,
              ctx.input(node, 0)->data_as<int8_t>(), d.q8.input_zero_point, packed,
              ctx.output(node, 0)->data_as<int8_t>(), scratch, ctx.thread_pool());
  return Status::Ok();
}

// AMX computes 32 rows a tile: with fewer the AVX-512 VNNI kernel is faster (7x at batch 1).
bool AmxPays(const FullyConnectedData& d, const Node&, KernelContext&) { return d.batch >= 32; }

constexpr TypeSignature kF32Types{{kF32, kF32, kF32}, {kF32}};
constexpr TypeSignature kInt8Types{{kI8, kI8, kI32}, {kI8}};

const KernelVariant<FullyConnectedData> kVariants[] = {
    {"int8", kInt8Types, Isa::kAmxInt8, AmxPays, PrepareInt8, EvalInt8, "at least 32 rows"},
    {"int8", kInt8Types, Isa::kAvx512Vnni, nullptr, PrepareInt8, EvalInt8},
    {"int8", kInt8Types, Isa::kAvx2, nullptr, PrepareInt8, EvalInt8},
    EL_VECTOR_ISA_ROWS("float32", kF32Types, nullptr, PrepareF32, EvalF32),
    {"float32", kF32Types, Isa::kReference, nullptr, nullptr, EvalF32Reference},
};

Status Prepare(KernelContext& ctx, Node& node) {
  auto* d = static_cast<FullyConnectedData*>(node.user_data);
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
