// CONV_2D (float32): NHWC input, OHWI filter, optional bias, SAME/VALID padding, strides, dilation,
// fused activation, and grouped convolution when the input has a multiple of the filter's channels.
// Runs the packed-GEMM kernel (optimized/conv_f32) with its reference twin (reference/conv.h) on request.
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/optimized/conv_f32.h"
#include "interpreter/kernels/packed_weights.h"
#include "interpreter/kernels/reference/conv.h"
#include "interpreter/kernels/window_util.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

struct ConvData {
  WindowOptions options;
  // Set in prepare.
  reference::WindowGeometry geometry;
  int filter_in_c = 0;
  bool use_reference = false;
  optimized::ConvGemmLayout layout;
  PackedWeights weights;  // filter and bias packed per group for the GEMM
  int im2col_scratch = -1;
};

Status Init(KernelContext& ctx, Node& node) {
  auto* data = new ConvData();
  node.user_data = data;
  const auto* o = node.op ? node.op->builtin_options_as_Conv2DOptions() : nullptr;
  EL_KERNEL_CHECK(ctx, node, o, "Conv2DOptions are missing");
  data->options.stride_h = o->stride_h();
  data->options.stride_w = o->stride_w();
  data->options.dilation_h = o->dilation_h_factor();
  data->options.dilation_w = o->dilation_w_factor();
  return ParseWindowOptions(ctx, node, o->padding(), o->fused_activation_function(), &data->options);
}

void Free(void* p) { delete static_cast<ConvData*>(p); }

Status Prepare(KernelContext& ctx, Node& node) {
  auto* d = static_cast<ConvData*>(node.user_data);
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
  EL_KERNEL_CHECK(ctx, node, filter->rank() == 4, "filter '", filter->name,
                  "' must be 4-D [out_channels, height, width, in_channels], got shape ", DimsToString(filter->dims));
  const int out_c = filter->dim(0), filter_in_c = filter->dim(3);
  EL_KERNEL_CHECK(ctx, node, out_c > 0 && filter_in_c > 0, "filter shape ", DimsToString(filter->dims),
                  " has an empty dimension");
  reference::WindowGeometry& g = d->geometry;
  EL_RETURN_IF_ERROR(ComputeWindowGeometry(ctx, node, *input, filter->dim(1), filter->dim(2), out_c, d->options, &g));
  const int in_c = g.in_c;
  EL_KERNEL_CHECK(ctx, node, in_c > 0 && in_c % filter_in_c == 0, "input has ", in_c,
                  " channels, which is not a multiple of the filter's ", filter_in_c, " input channels");
  const int groups = in_c / filter_in_c;
  EL_KERNEL_CHECK(ctx, node, out_c % groups == 0, "grouped convolution: ", out_c, " filters cannot be split into ",
                  groups, " groups (input channels ", in_c, " / filter input channels ", filter_in_c, ")");
  if (bias) {
    EL_RETURN_IF_ERROR(CheckType(ctx, node, *bias, DataType::kFloat32, "bias"));
    EL_KERNEL_CHECK(ctx, node, bias->num_elements() == out_c, "bias '", bias->name, "' has shape ",
                    DimsToString(bias->dims), ", expected ", out_c, " elements (one per filter)");
  }
  d->filter_in_c = filter_in_c;
  EL_RETURN_IF_ERROR(ctx.ResizeTensor(*output, WindowOutputDims(g)));

  d->use_reference = ForceReferenceKernels();
  if (d->use_reference) return Status::Ok();
  d->layout = optimized::PlanConvGemm(g, filter_in_c, ctx.thread_pool().num_threads());
  EL_RETURN_IF_ERROR(RequestScratch(ctx, node, DataType::kFloat32, static_cast<int64_t>(d->layout.scratch_floats),
                                    &d->im2col_scratch));
  float* pack_now = nullptr;
  EL_RETURN_IF_ERROR(d->weights.Prepare(ctx, node, d->layout.packed_floats, {filter, bias}, &pack_now));
  if (pack_now) {
    optimized::PackConvWeights(d->layout, filter->data_as<float>(), bias ? bias->data_as<float>() : nullptr,
                               pack_now);
  }
  return Status::Ok();
}

Status Eval(KernelContext& ctx, Node& node) {
  auto* d = static_cast<ConvData*>(node.user_data);
  const Tensor& input = *ctx.input(node, 0);
  const Tensor& filter = *ctx.input(node, 1);
  const Tensor* bias = ctx.input(node, 2);
  Tensor& output = *ctx.output(node, 0);
  const float* bias_data = bias ? bias->data_as<float>() : nullptr;
  const ActivationRange& r = d->options.range;
  if (d->use_reference) {
    reference::Conv2D(d->geometry, d->filter_in_c, input.data_as<float>(), filter.data_as<float>(), bias_data,
                      output.data_as<float>(), r.min, r.max);
    return Status::Ok();
  }
  float* packed = d->weights.data(ctx);
  if (d->weights.pack_at_eval()) optimized::PackConvWeights(d->layout, filter.data_as<float>(), bias_data, packed);
  float* scratch = d->layout.scratch_floats ? ctx.tensor(d->im2col_scratch)->data_as<float>() : nullptr;
  optimized::ConvF32(d->geometry, d->layout, input.data_as<float>(), packed, output.data_as<float>(), scratch, r.min,
                     r.max, ctx.thread_pool());
  return Status::Ok();
}

}  // namespace

const KernelRegistration* Register_CONV_2D() {
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
