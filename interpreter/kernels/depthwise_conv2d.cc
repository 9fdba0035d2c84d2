// DEPTHWISE_CONV_2D (float32): filter [1, h, w, out_c] with out_c = in_c * multiplier (the multiplier
// comes from the shapes; new files may store 0 in the option), bias, padding, strides, dilation,
// fused activation. Multiplier 1 runs the channel-vectorized kernel (optimized/depthwise_f32); other
// multipliers, and filters over kMaxDepthwiseTaps taps, run the reference (reference/depthwise_conv.h).
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/optimized/depthwise_f32.h"
#include "interpreter/kernels/packed_weights.h"
#include "interpreter/kernels/reference/depthwise_conv.h"
#include "interpreter/kernels/conv_util.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

struct DepthwiseData {
  WindowOptions options;
  // Set in prepare.
  reference::WindowGeometry geometry;
  bool use_reference = false;
  PackedWeights weights;  // bias, per-tap weights and a zero row, channels padded to whole vectors
};

Status Init(KernelContext& ctx, Node& node) {
  auto* data = new DepthwiseData();
  node.user_data = data;
  return ParseConvOptions(ctx, node, node.op ? node.op->builtin_options_as_DepthwiseConv2DOptions() : nullptr,
                          "DepthwiseConv2DOptions", &data->options);
}

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

  const int taps = g.filter_h * g.filter_w;
  d->use_reference = ForceReferenceKernels() || out_c != g.in_c || taps > optimized::kMaxDepthwiseTaps;
  if (d->use_reference) return Status::Ok();
  float* pack_now = nullptr;
  EL_RETURN_IF_ERROR(d->weights.Prepare(ctx, node, optimized::PackedDepthwiseWeightsSize(out_c, taps),
                                        {filter, t.bias}, 0, &pack_now));
  if (pack_now) {
    optimized::PackDepthwiseWeights(filter->data_as<float>(), t.bias ? t.bias->data_as<float>() : nullptr, out_c, taps,
                                    pack_now);
  }
  return Status::Ok();
}

Status Eval(KernelContext& ctx, Node& node) {
  auto* d = static_cast<DepthwiseData*>(node.user_data);
  const Tensor& input = *ctx.input(node, 0);
  const Tensor& filter = *ctx.input(node, 1);
  const Tensor* bias = ctx.input(node, 2);
  Tensor& output = *ctx.output(node, 0);
  const float* bias_data = bias ? bias->data_as<float>() : nullptr;
  const reference::WindowGeometry& g = d->geometry;
  const ActivationRange& r = d->options.range;
  if (d->use_reference) {
    reference::DepthwiseConv2D(g, input.data_as<float>(), filter.data_as<float>(), bias_data,
                               output.data_as<float>(), r.min, r.max);
    return Status::Ok();
  }
  float* packed = d->weights.data(ctx);
  if (d->weights.pack_at_eval()) {
    optimized::PackDepthwiseWeights(filter.data_as<float>(), bias_data, g.out_c, g.filter_h * g.filter_w, packed);
  }
  optimized::DepthwiseConvF32(g, input.data_as<float>(), packed, output.data_as<float>(), r.min, r.max,
                              ctx.thread_pool());
  return Status::Ok();
}

}  // namespace

const KernelRegistration* Register_DEPTHWISE_CONV_2D() {
  static const KernelRegistration reg{Init, DeleteNodeData<DepthwiseData>, Prepare, Eval};
  return &reg;
}

}  // namespace edgelite
