// Options and geometry of the 2-D windowed operators, checked once for all of them.
#include "interpreter/kernels/window_util.h"

namespace edgelite {

Status ParseWindowOptions(KernelContext& ctx, const Node& node, schema::Padding padding,
                          schema::ActivationFunctionType activation, WindowOptions* out) {
  EL_RETURN_IF_ERROR(GetPaddingKind(ctx, node, padding, &out->padding));
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
  EL_KERNEL_CHECK(ctx, node, g->out_h >= 0 && g->out_w >= 0, "input ", g->in_h, "x", g->in_w,
                  " is smaller than the dilated ", filter_h, "x", filter_w, " window (dilation ", o.dilation_h, ", ",
                  o.dilation_w, ") with VALID padding");
  g->pad_top = ComputePaddingBefore(o.stride_h, o.dilation_h, g->in_h, filter_h, g->out_h);
  g->pad_left = ComputePaddingBefore(o.stride_w, o.dilation_w, g->in_w, filter_w, g->out_w);
  return Status::Ok();
}

}  // namespace edgelite
