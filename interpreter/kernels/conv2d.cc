// CONV_2D (float32): NHWC input, OHWI filter, optional bias, SAME/VALID padding, strides, dilation,
// fused activation, and grouped convolution when the input has a multiple of the filter's channels.
// Runs the packed-GEMM kernel (optimized/conv_f32) with its reference twin (reference/conv.h) on request.
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/optimized/conv_f32.h"
#include "interpreter/kernels/packed_weights.h"
#include "interpreter/kernels/reference/conv.h"
#include "interpreter/kernels/conv_util.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

struct ConvData : VariantChoice<ConvData> {
  WindowOptions options;
  // Set in prepare.
  reference::WindowGeometry geometry;
  int filter_in_c = 0;
  const optimized::ConvF32Kernels* kernels = nullptr;  // the chosen ISA's
  optimized::ConvGemmLayout layout;
  PackedWeights weights;  // filter and bias packed per group for the GEMM
  int im2col_scratch = -1;
};

Status Init(KernelContext& ctx, Node& node) {
  auto* data = new ConvData();
  node.user_data = data;
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

constexpr TypeSignature kF32Types{{kF32, kF32, kF32}, {kF32}};

const KernelVariant<ConvData> kVariants[] = {
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
