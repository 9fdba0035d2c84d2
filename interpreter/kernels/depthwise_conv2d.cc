// DEPTHWISE_CONV_2D (float32): filter [1, h, w, out_c] with out_c = in_c * multiplier (the multiplier
// comes from the shapes; new files may store 0 in the option), bias, padding, strides, dilation,
// fused activation. Multiplier 1 runs the channel-vectorized kernel (optimized/depthwise_f32); other
// multipliers, and filters over kMaxDepthwiseTaps taps, run the reference (reference/depthwise_conv.h).
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/optimized/depthwise_f32.h"
#include "interpreter/kernels/packed_weights.h"
#include "interpreter/kernels/reference/depthwise_conv.h"
#include "interpreter/kernels/window_util.h"
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
  const auto* o = node.op ? node.op->builtin_options_as_DepthwiseConv2DOptions() : nullptr;
  EL_KERNEL_CHECK(ctx, node, o, "DepthwiseConv2DOptions are missing");
  data->options.stride_h = o->stride_h();
  data->options.stride_w = o->stride_w();
  data->options.dilation_h = o->dilation_h_factor();
  data->options.dilation_w = o->dilation_w_factor();
  return ParseWindowOptions(ctx, node, o->padding(), o->fused_activation_function(), &data->options);
}

void Free(void* p) { delete static_cast<DepthwiseData*>(p); }

Status Prepare(KernelContext& ctx, Node& node) {
  auto* d = static_cast<DepthwiseData*>(node.user_data);
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 2, 3));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor *input, *filter, *output;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &input));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 1, &filter));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &output));
  const Tensor* bias = ctx.input(node, 2);
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *input, DataType::kFloat32, "input"));
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *filter, DataType::kFloat32, "filter"));
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *output, DataType::kFloat32, "output"));
  EL_KERNEL_CHECK(ctx, node, !filter->sparsity, "sparse filter '", filter->name, "' is not supported");
  EL_KERNEL_CHECK(ctx, node, filter->rank() == 4 && filter->dim(0) == 1, "filter '", filter->name,
                  "' must be [1, height, width, out_channels], got shape ", DimsToString(filter->dims));
  const int out_c = filter->dim(3);
  reference::WindowGeometry& g = d->geometry;
  EL_RETURN_IF_ERROR(ComputeWindowGeometry(ctx, node, *input, filter->dim(1), filter->dim(2), out_c, d->options, &g));
  EL_KERNEL_CHECK(ctx, node, g.in_c > 0 && out_c > 0 && out_c % g.in_c == 0, "filter has ", out_c,
                  " output channels, which is not a multiple of the input's ", g.in_c, " channels");
  if (bias) {
    EL_RETURN_IF_ERROR(CheckType(ctx, node, *bias, DataType::kFloat32, "bias"));
    EL_KERNEL_CHECK(ctx, node, bias->num_elements() == out_c, "bias '", bias->name, "' has shape ",
                    DimsToString(bias->dims), ", expected ", out_c, " elements (one per output channel)");
  }
  EL_RETURN_IF_ERROR(ctx.ResizeTensor(*output, WindowOutputDims(g)));

  const int taps = g.filter_h * g.filter_w;
  d->use_reference = ForceReferenceKernels() || out_c != g.in_c || taps > optimized::kMaxDepthwiseTaps;
  if (d->use_reference) return Status::Ok();
  float* pack_now = nullptr;
  EL_RETURN_IF_ERROR(
      d->weights.Prepare(ctx, node, optimized::PackedDepthwiseWeightsSize(out_c, taps), {filter, bias}, &pack_now));
  if (pack_now) {
    optimized::PackDepthwiseWeights(filter->data_as<float>(), bias ? bias->data_as<float>() : nullptr, out_c, taps,
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
  static const KernelRegistration reg = [] {
    KernelRegistration r;
    r.init = Init;
    r.free = Free;
    r.prepare = Prepare;
    r.eval = Eval;
    return r;
  }();
  return &reg;
}

}  // namespace edgelite
