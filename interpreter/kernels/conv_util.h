// Shared prepare logic of the convolution-like operators: the options and checked geometry of 2-D
// windowed ops (CONV_2D, DEPTHWISE_CONV_2D, AVERAGE_POOL_2D, MAX_POOL_2D), and the input/filter/bias/
// output checks of filter ops (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED).
#pragma once

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/reference/window_geometry.h"

namespace edgelite {

struct WindowOptions {
  PaddingKind padding = PaddingKind::kValid;
  int stride_h = 1, stride_w = 1;
  int dilation_h = 1, dilation_w = 1;
  ActivationRange range;
  // The fused activation itself, for quantized outputs (QuantizedActivationRange).
  schema::ActivationFunctionType activation = schema::ActivationFunctionType_NONE;
};

// Reads padding and fused activation into `out` (strides and dilations are set by the caller).
Status ParseWindowOptions(KernelContext& ctx, const Node& node, schema::Padding padding,
                          schema::ActivationFunctionType activation, WindowOptions* out);

// Conv2DOptions and DepthwiseConv2DOptions name their shared fields alike. `options` may be null
// (an operator without its options table), which fails naming `table`.
template <typename ConvOptions>
Status ParseConvOptions(KernelContext& ctx, const Node& node, const ConvOptions* options, const char* table,
                        WindowOptions* out) {
  EL_KERNEL_CHECK(ctx, node, options, table, " are missing");
  out->stride_h = options->stride_h();
  out->stride_w = options->stride_w();
  out->dilation_h = options->dilation_h_factor();
  out->dilation_w = options->dilation_w_factor();
  return ParseWindowOptions(ctx, node, options->padding(), options->fused_activation_function(), out);
}

// Geometry of a window of filter_h x filter_w over the NHWC `input`, producing out_c channels. Fails
// for non-4-D inputs, non-positive filter sizes, strides or dilations, and windows larger than a VALID
// input. With a PAD fused into the node (Node::fused_pad) the geometry is over the PAD's input, its rows and
// columns added to the padding before; the output is the same size.
Status ComputeWindowGeometry(KernelContext& ctx, const Node& node, const Tensor& input, int filter_h,
                             int filter_w, int out_c, const WindowOptions& options,
                             reference::WindowGeometry* g);

// The tensor a windowed op's kernels read: the input of the PAD fused into it (Node::fused_pad), else input 0.
inline const Tensor& WindowInput(KernelContext& ctx, const Node& node) {
  return *(node.fused_pad.input >= 0 ? ctx.tensor(node.fused_pad.input) : ctx.input(node, 0));
}

// [batch, out_h, out_w, out_c]
inline Dims WindowOutputDims(const reference::WindowGeometry& g) { return {g.batch, g.out_h, g.out_w, g.out_c}; }

// The tensors of a filter op: inputs (input, filter, optional bias), one output.
struct FilterOpTensors {
  Tensor* input = nullptr;
  Tensor* filter = nullptr;
  const Tensor* bias = nullptr;  // null when omitted
  Tensor* output = nullptr;
};

// Checks the counts and that the filter (named `filter_name` in messages) is dense and of rank
// `filter_rank`. Dtypes are the variant table's to check.
Status GetFilterOpTensors(KernelContext& ctx, const Node& node, const char* filter_name, int filter_rank,
                          FilterOpTensors* out);

// Checks that the bias, when present, has one element per output channel.
Status CheckBiasSize(KernelContext& ctx, const Node& node, const Tensor* bias, int channels);

}  // namespace edgelite
