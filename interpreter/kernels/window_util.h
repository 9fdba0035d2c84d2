// Shared prepare logic of the 2-D windowed operators (CONV_2D, DEPTHWISE_CONV_2D, AVERAGE_POOL_2D,
// MAX_POOL_2D): options common to all of them, and the checked geometry of one node.
#pragma once

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/reference/window_geometry.h"

namespace edgelite {

struct WindowOptions {
  PaddingKind padding = PaddingKind::kValid;
  int stride_h = 1, stride_w = 1;
  int dilation_h = 1, dilation_w = 1;
  ActivationRange range;
};

// Reads padding and fused activation into `out` (strides and dilations are set by the caller).
Status ParseWindowOptions(KernelContext& ctx, const Node& node, schema::Padding padding,
                          schema::ActivationFunctionType activation, WindowOptions* out);

// Geometry of a window of filter_h x filter_w over the NHWC `input`, producing out_c channels. Fails
// for non-4-D inputs, non-positive filter sizes, strides or dilations, and windows larger than a VALID
// input.
Status ComputeWindowGeometry(KernelContext& ctx, const Node& node, const Tensor& input, int filter_h,
                             int filter_w, int out_c, const WindowOptions& options,
                             reference::WindowGeometry* g);

// [batch, out_h, out_w, out_c]
inline Dims WindowOutputDims(const reference::WindowGeometry& g) { return {g.batch, g.out_h, g.out_w, g.out_c}; }

}  // namespace edgelite
