// CONV_2D (float32): NHWC input, OHWI filter, optional bias, SAME/VALID padding, strides, dilation,
// fused activation, and grouped convolution when the input has a multiple of the filter's channels.
// Runs the packed-GEMM kernel (optimized/conv_f32) with its reference twin (reference/conv.h) on request.
#include "interpreter/kernels/filter_quantization.h"
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/optimized/conv_f32.h"
#include "interpreter/kernels/optimized/int8_gemm.h"
#include "interpreter/kernels/packed_weights.h"
#include "interpreter/kernels/reference/conv.h"
#include "interpreter/kernels/conv_util.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

struct ConvData : VariantChoice<ConvData> {
  WindowOptions options;
  int activation = 0;  // the schema's fused activation, for quantized outputs
  // Set in prepare.
  reference::WindowGeometry geometry;
  int filter_in_c = 0;
  const optimized::ConvF32Kernels* kernels = nullptr;  // the chosen ISA's
  optimized::ConvGemmLayout layout;
  PackedWeights weights;  // filter and bias packed per group for the GEMM
  int im2col_scratch = -1;
  // int8
  Int8FilterQuantization q8;
  const optimized::Int8ConvKernels* int8 = nullptr;  // the chosen ISA's
  optimized::Int8ConvLayout int8_layout;
};

Status Init(KernelContext& ctx, Node& node) {
  auto* data = new ConvData();
  node.user_data = data;
  if (node.op && node.op->builtin_options_as_Conv2DOptions()) {
    data->activation = node.op->builtin_options_as_Conv2DOptions()->fused_activation_function();
  }
  return ParseConvOptions(ctx, node, node.op ? node.op->builtin_options_as_Conv2DOptions() : nullptr,
                          "Conv2DOptions", &data->options);
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
                                       PackingLayout(d.layout.groups, static_cast<int>(d.variant->isa)), &pack_now));
  if (pack_now) {
    d.kernels->pack(d.layout, filter->data_as<float>(), bias ? bias->data_as<float>() : nullptr, pack_now);
  }
  return Status::Ok();
}

Status EvalF32(KernelContext& ctx, Node& node, ConvData& d) {
  const Tensor& input = *ctx.input(node, 0);
  const Tensor& filter = *ctx.input(node, 1);
  const Tensor* bias = ctx.input(node, 2);
  Tensor& output = *ctx.output(node, 0);
  float* packed = d.weights.data(ctx);
  if (d.weights.pack_at_eval()) {
    d.kernels->pack(d.layout, filter.data_as<float>(), bias ? bias->data_as<float>() : nullptr, packed);
  }
  float* scratch = d.layout.scratch_floats ? ctx.tensor(d.im2col_scratch)->data_as<float>() : nullptr;
  const ActivationRange& r = d.options.range;
  d.kernels->run(d.geometry, d.layout, input.data_as<float>(), packed, output.data_as<float>(), scratch, r.min, r.max,
                 ctx.thread_pool());
  return Status::Ok();
}

Status EvalF32Reference(KernelContext& ctx, Node& node, ConvData& d) {
  const Tensor* bias = ctx.input(node, 2);
  const ActivationRange& r = d.options.range;
  reference::Conv2D(d.geometry, d.filter_in_c, ctx.input(node, 0)->data_as<float>(),
                    ctx.input(node, 1)->data_as<float>(), bias ? bias->data_as<float>() : nullptr,
                    ctx.output(node, 0)->data_as<float>(), r.min, r.max);
  return Status::Ok();
}

optimized::Int8OutputStage Int8Stage(const ConvData& d) {
  optimized::Int8OutputStage s;
  s.multiplier = d.q8.multiplier.data();
  s.shift = d.q8.shift.data();
  s.output_zero_point = d.q8.output_zero_point;
  s.out_min = d.q8.out_min;
  s.out_max = d.q8.out_max;
  return s;
}

void PackInt8(const ConvData& d, const Tensor& filter, const Tensor* bias, void* packed) {
  d.int8->pack(d.int8_layout, filter.data_as<int8_t>(), bias ? bias->data_as<int32_t>() : nullptr,
               d.q8.input_zero_point, Int8Stage(d), packed);
}

Status PrepareInt8(KernelContext& ctx, Node& node, ConvData& d) {
  const Tensor* filter = ctx.input(node, 1);
  const Tensor* bias = ctx.input(node, 2);
  EL_RETURN_IF_ERROR(GetInt8FilterQuantization(ctx, node, *ctx.input(node, 0), *filter, *ctx.output(node, 0), 0,
                                               d.geometry.out_c, d.activation, &d.q8));
  d.int8 = optimized::Int8ConvFor(d.variant->isa);
  d.int8_layout = d.int8->plan(d.geometry, d.filter_in_c, Int8Stage(d), ctx.thread_pool().num_threads());
  EL_RETURN_IF_ERROR(RequestScratch(ctx, node, DataType::kInt8, static_cast<int64_t>(d.int8_layout.scratch_bytes),
                                    &d.im2col_scratch));
  uint8_t* pack_now = nullptr;
  EL_RETURN_IF_ERROR(d.weights.Prepare(ctx, node, d.int8_layout.packed_bytes, {filter, bias},
                                       PackingLayout(d.int8_layout.groups, static_cast<int>(d.variant->isa)),
                                       &pack_now));
  if (pack_now) PackInt8(d, *filter, bias, pack_now);
  return Status::Ok();
}

Status EvalInt8(KernelContext& ctx, Node& node, ConvData& d) {
  void* packed = d.weights.data<uint8_t>(ctx);
  if (d.weights.pack_at_eval()) PackInt8(d, *ctx.input(node, 1), ctx.input(node, 2), packed);
  void* scratch = d.int8_layout.scratch_bytes ? ctx.tensor(d.im2col_scratch)->data : nullptr;
  d.int8->run(d.geometry, d.int8_layout, ctx.input(node, 0)->data_as<int8_t>(), d.q8.input_zero_point, packed,
              ctx.output(node, 0)->data_as<int8_t>(), scratch, ctx.thread_pool());
  return Status::Ok();
}

// AMX computes 32 rows a tile: with fewer output pixels the AVX-512 VNNI kernel is faster (measured at batch 1
// FULLY_CONNECTED: 7x slower on AMX; from 49 rows on AMX is ahead).
bool AmxPays(const ConvData& d, const Node&, KernelContext&) {
  return static_cast<int64_t>(d.geometry.batch) * d.geometry.out_h * d.geometry.out_w >= 32;
}

constexpr TypeSignature kF32Types{{kF32, kF32, kF32}, {kF32}};
constexpr TypeSignature kInt8Types{{kI8, kI8, kI32}, {kI8}};

const KernelVariant<ConvData> kVariants[] = {
    {"int8", kInt8Types, Isa::kAmxInt8, AmxPays, PrepareInt8, EvalInt8, "at least 32 output pixels"},
    {"int8", kInt8Types, Isa::kAvx512Vnni, nullptr, PrepareInt8, EvalInt8},
    {"int8", kInt8Types, Isa::kAvx2, nullptr, PrepareInt8, EvalInt8},
    EL_VECTOR_ISA_ROWS("float32", kF32Types, nullptr, PrepareF32, EvalF32),
    {"float32", kF32Types, Isa::kReference, nullptr, nullptr, EvalF32Reference},
};

Status Prepare(KernelContext& ctx, Node& node) {
  auto* d = static_cast<ConvData*>(node.user_data);
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
