// Options, geometry and tensor checks of the convolution-like operators, written once for all of them.
#include "interpreter/kernels/conv_util.h"

namespace edgelite {

Status ParseWindowOptions(KernelContext& ctx, const Node& node, schema::Padding padding,
                          schema::ActivationFunctionType activation, WindowOptions* out) {
  EL_RETURN_IF_ERROR(GetPaddingKind(ctx, node, padding, &out->padding));
  out->activation = activation;
  return GetActivationRange(ctx, node, activation, &out->range);
}

Status ComputeWindowGeometry(KernelContext& ctx, const Node& node, const Tensor& input, int filter_h,
                             int filter_w, int out_c, const WindowOptions& o, reference::WindowGeometry* g) {
  EL_KERNEL_CHECK(ctx, node, input.rank() == 4, "input '", input.name, "' must be 4-D (NHWC), got shape ",
                  DimsToString(input.dims));
  EL_KERNEL_CHECK(ctx, node, filter_h > 0 && filter_w > 0, "filter size ", filter_h, "x", filter_w,
                  " must be positive");
  EL_KERNEL_CHECK(ctx, node, o.stride_h > 0 && o.stride_w > 0, "strides (", o.stride_h, ", ", o.stride_w,
                  ") must be positive");
  EL_KERNEL_CHECK(ctx, node, o.dilation_h > 0 && o.dilation_w > 0, "dilation factors (", o.dilation_h, ", ",
                  o.dilation_w, ") must be positive");
  // Bounds that keep the window arithmetic in int range for any (possibly corrupt) model.
  constexpr int64_t kMaxWindow = 1 << 24;
  EL_KERNEL_CHECK(ctx, node,
                  o.stride_h <= kMaxWindow && o.stride_w <= kMaxWindow &&
                      (filter_h - 1) * static_cast<int64_t>(o.dilation_h) < kMaxWindow &&
                      (filter_w - 1) * static_cast<int64_t>(o.dilation_w) < kMaxWindow,
                  "window (filter ", filter_h, "x", filter_w, ", strides ", o.stride_h, ", ", o.stride_w,
                  ", dilation ", o.dilation_h, ", ", o.dilation_w, ") is implausibly large");
  g->batch = input.dim(0);
  g->in_h = input.dim(1);
  g->in_w = input.dim(2);
  g->in_c = input.dim(3);
  g->out_c = out_c;
  g->filter_h = filter_h;
  g->filter_w = filter_w;
  g->stride_h = o.stride_h;
  g->stride_w = o.stride_w;
  g->dilation_h = o.dilation_h;
  g->dilation_w = o.dilation_w;
  g->out_h = ComputeOutputSize(o.padding, g->in_h, filter_h, o.stride_h, o.dilation_h);
  g->out_w = ComputeOutputSize(o.padding, g->in_w, filter_w, o.stride_w, o.dilation_w);
  // .tflite sizes a VALID window that just misses to 0 (an empty output) and fails below that.
  EL_KERNEL_CHECK(ctx, node, g->out_h >= 0 && g->out_w >= 0, "input ", g->in_h, "x", g->in_w,
                  " is smaller than the dilated ", filter_h, "x", filter_w, " window (dilation ", o.dilation_h, ", ",
                  o.dilation_w, ") with VALID padding");
  g->pad_top = ComputePaddingBefore(o.stride_h, o.dilation_h, g->in_h, filter_h, g->out_h);
  g->pad_left = ComputePaddingBefore(o.stride_w, o.dilation_w, g->in_w, filter_w, g->out_w);
  const Node::FusedPad& pad = node.fused_pad;
  if (pad.input >= 0) {  // the fusion checked that the PAD's input is this input less those rows and columns
    g->in_h -= pad.top + pad.bottom;
    g->in_w -= pad.left + pad.right;
    g->pad_top += pad.top;
    g->pad_left += pad.left;
  }
  return Status::Ok();
}

Status GetFilterOpTensors(KernelContext& ctx, const Node& node, const char* filter_name, int filter_rank,
                          FilterOpTensors* out) {
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 2, 3));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &out->input));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 1, &out->filter));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &out->output));
  out->bias = ctx.input(node, 2);
  const Tensor& filter = *out->filter;
  EL_KERNEL_CHECK(ctx, node, !filter.sparsity, "sparse ", filter_name, " '", filter.name,
                  "' is not supported (densify it first)");
  EL_KERNEL_CHECK(ctx, node, filter.rank() == filter_rank, filter_name, " '", filter.name, "' must be ", filter_rank,
                  "-D, got shape ", DimsToString(filter.dims));
  return Status::Ok();
}

Status CheckBiasSize(KernelContext& ctx, const Node& node, const Tensor* bias, int channels) {
  if (!bias) return Status::Ok();
  EL_KERNEL_CHECK(ctx, node, bias->num_elements() == channels, "bias '", bias->name, "' has shape ",
                  DimsToString(bias->dims), ", expected ", channels, " elements (one per output channel)");
  return Status::Ok();
}

}  // namespace edgelite
