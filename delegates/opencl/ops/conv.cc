// CONV_2D and DEPTHWISE_CONV_2D on the device: float32 NHWC activations, constant float32/float16 filters
// and biases repacked once into blocks of 4 output channels. CONV_2D runs kernels/conv2d.cl (any window,
// strides, dilations, groups), or kernels/fully_connected.cl when it is a 1x1 stride-1 ungrouped product
// over pixels; DEPTHWISE_CONV_2D runs kernels/depthwise_conv2d.cl.
#include <string>
#include <vector>

#include "delegates/opencl/cl_op.h"
#include "delegates/opencl/ops/filter_util.h"
#include "schema/edgelite_generated.h"

namespace edgelite {
namespace opencl {
namespace {

using namespace filter_util;  // NOLINT: this file's vocabulary

// The resolved geometry of one windowed filter node.
struct ConvGeometry {
  int batch = 0, in_h = 0, in_w = 0, in_c = 0;
  int out_h = 0, out_w = 0, out_c = 0;
  int filter_h = 0, filter_w = 0;
  int stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int pad_top = 0, pad_left = 0;
  int activation = 0;
};

// Checks shared by both operators: tensor types and ranks, options, activation. Both filters are rank 4
// with KH, KW at axes 1 and 2 ([OC, KH, KW, IC] and [1, KH, KW, OC]).
template <typename Options>
bool SupportsWindowFilter(const OpDesc& op, const Options* options, const char* options_name, std::string* why) {
  if (!options) return Fail(why, std::string(options_name) + " are missing");
  if (op.inputs.size() < 2 || op.inputs.size() > 3 || op.outputs.size() != 1) {
    return Fail(why, "expects input, filter, optional bias and one output");
  }
  if (!IsFloatActivation(op.inputs[0], "input", why) || !IsFloatConstant(op.inputs[1], "filter", true, why) ||
      (op.inputs.size() == 3 && !IsFloatConstant(op.inputs[2], "bias", false, why)) ||
      !IsFloatActivation(op.outputs[0], "output", why)) {
    return false;
  }
  if (op.inputs[0].dims.size() != 4) return Fail(why, "input has rank " + std::to_string(op.inputs[0].dims.size()) + ", not 4");
  if (op.inputs[1].dims.size() != 4) return Fail(why, "filter has rank " + std::to_string(op.inputs[1].dims.size()) + ", not 4");
  if (options->padding() != schema::Padding_SAME && options->padding() != schema::Padding_VALID) {
    return Fail(why, "unknown padding " + std::to_string(static_cast<int>(options->padding())));
  }
  if (options->stride_h() < 1 || options->stride_w() < 1 || options->dilation_h_factor() < 1 ||
      options->dilation_w_factor() < 1) {
    return Fail(why, "strides and dilations must be positive");
  }
  return IsSupportedActivation(options->fused_activation_function(), why);
}

// Geometry from the prepared shapes (the core's CPU prepare sized the output) and the options; padding as
// TFLite computes it. Fails when the output is not the [N, OH, OW, out_c] the window gives.
template <typename Options>
bool ResolveGeometry(const OpDesc& op, const Options* o, int out_c, ConvGeometry* g, std::string* error) {
  const auto& in = op.inputs[0].dims;
  const auto& filter = op.inputs[1].dims;
  const auto& out = op.outputs[0].dims;
  g->batch = in[0], g->in_h = in[1], g->in_w = in[2], g->in_c = in[3];
  g->filter_h = filter[1], g->filter_w = filter[2];
  g->stride_h = o->stride_h(), g->stride_w = o->stride_w();
  g->dilation_h = o->dilation_h_factor(), g->dilation_w = o->dilation_w_factor();
  g->activation = o->fused_activation_function();
  const bool same = o->padding() == schema::Padding_SAME;
  const int expect_h = WindowOutputSize(same, g->in_h, g->filter_h, g->stride_h, g->dilation_h);
  const int expect_w = WindowOutputSize(same, g->in_w, g->filter_w, g->stride_w, g->dilation_w);
  if (out.size() != 4 || out[0] != g->batch || out[1] != expect_h || out[2] != expect_w || out[3] != out_c) {
    return Fail(error, "output shape " + DimsText(out) + " is not the window's [" + std::to_string(g->batch) + ", " +
                           std::to_string(expect_h) + ", " + std::to_string(expect_w) + ", " + std::to_string(out_c) + "]");
  }
  g->out_h = expect_h, g->out_w = expect_w, g->out_c = out_c;
  g->pad_top = PaddingBefore(g->stride_h, g->dilation_h, g->in_h, g->filter_h, g->out_h);
  g->pad_left = PaddingBefore(g->stride_w, g->dilation_w, g->in_w, g->filter_w, g->out_w);
  return true;
}

// Defines every windowed kernel reads, and the (blocks, column groups, rows) launch size.
void DefineWindow(const ConvGeometry& g, int blocks, Launch* l) {
  const int columns = g.out_w >= 4 ? 4 : g.out_w;
  const std::pair<const char*, int> values[] = {
      {"BATCH", g.batch},     {"IH", g.in_h},         {"IW", g.in_w},          {"IC", g.in_c},
      {"OH", g.out_h},        {"OW", g.out_w},        {"OC", g.out_c},         {"KH", g.filter_h},
      {"KW", g.filter_w},     {"SH", g.stride_h},     {"SW", g.stride_w},      {"DH", g.dilation_h},
      {"DW", g.dilation_w},   {"PT", g.pad_top},      {"PL", g.pad_left},      {"ACT", g.activation},
      {"WB", columns},        {"NUM_BLOCKS", blocks}};
  for (const auto& v : values) Define(l, v.first, v.second);
  l->work_dim = 3;
  l->global = {{static_cast<size_t>(blocks), DivUp(g.out_w, columns), static_cast<size_t>(g.batch) * g.out_h}};
}

bool SupportsConv2D(const OpDesc& op, std::string* why) {
  const auto* o = op.op ? op.op->builtin_options_as_Conv2DOptions() : nullptr;
  if (!SupportsWindowFilter(op, o, "Conv2DOptions", why)) return false;
  const int in_c = op.inputs[0].dims[3], out_c = op.inputs[1].dims[0], filter_c = op.inputs[1].dims[3];
  if (filter_c < 1 || in_c % filter_c != 0) {
    return Fail(why, "input has " + std::to_string(in_c) + " channels, not a multiple of the filter's " +
                         std::to_string(filter_c));
  }
  if (out_c < 1 || out_c % (in_c / filter_c) != 0) {
    return Fail(why, std::to_string(out_c) + " filters cannot be split into " + std::to_string(in_c / filter_c) + " groups");
  }
  return true;
}

bool BuildConv2D(const OpDesc& op, std::vector<Launch>* launches, std::string* error) {
  const auto* o = op.op->builtin_options_as_Conv2DOptions();
  const auto& fd = op.inputs[1].dims;
  const int out_c = fd[0], filter_c = fd[3];
  ConvGeometry g;
  if (!ResolveGeometry(op, o, out_c, &g, error)) return false;
  if (op.outputs[0].num_elements() == 0) return true;
  const int groups = g.in_c / filter_c;
  std::vector<float> filter, bias;
  if (!ReadFloats(op.inputs[1], &filter, error) || !ReadBias(op, out_c, &bias, error)) return false;
  const int inner = g.filter_h * g.filter_w * filter_c;
  const std::vector<float> packed = PackFilterBlocks(filter, out_c, inner, groups);
  const std::vector<float> packed_bias = PackBiasBlocks(bias, out_c, groups);
  const int input = op.inputs[0].index, output = op.outputs[0].index;
  if (g.filter_h == 1 && g.filter_w == 1 && g.stride_h == 1 && g.stride_w == 1 && groups == 1) {
    // Every output pixel is its input pixel times the filter: one product over N * H * W rows.
    launches->push_back(GemmLaunch(input, output, static_cast<int64_t>(g.batch) * g.out_h * g.out_w, g.in_c, out_c,
                                   g.activation, packed, packed_bias));
    return true;
  }
  Launch l;
  l.file = "conv2d.cl";
  const int per_group = out_c / groups, blocks_per_group = static_cast<int>(DivUp(per_group, 4));
  DefineWindow(g, groups * blocks_per_group, &l);
  Define(&l, "FIC", filter_c);
  Define(&l, "OCG", per_group);
  Define(&l, "BPG", blocks_per_group);
  Define(&l, "FIC_VEC4", filter_c % 4 == 0);
  l.args = {KernelArg::Tensor(input), KernelArg::Floats(packed.data(), packed.size()),
            KernelArg::Floats(packed_bias.data(), packed_bias.size()), KernelArg::Tensor(output)};
  launches->push_back(std::move(l));
  return true;
}

bool SupportsDepthwiseConv2D(const OpDesc& op, std::string* why) {
  const auto* o = op.op ? op.op->builtin_options_as_DepthwiseConv2DOptions() : nullptr;
  if (!SupportsWindowFilter(op, o, "DepthwiseConv2DOptions", why)) return false;
  const int in_c = op.inputs[0].dims[3], out_c = op.inputs[1].dims[3];
  if (op.inputs[1].dims[0] != 1) return Fail(why, "filter shape " + DimsText(op.inputs[1].dims) + " is not [1, KH, KW, OC]");
  if (in_c < 1 || out_c < in_c || out_c % in_c != 0) {
    return Fail(why, std::to_string(out_c) + " output channels are not a multiple of the input's " + std::to_string(in_c));
  }
  return true;
}

bool BuildDepthwiseConv2D(const OpDesc& op, std::vector<Launch>* launches, std::string* error) {
  const auto* o = op.op->builtin_options_as_DepthwiseConv2DOptions();
  const int out_c = op.inputs[1].dims[3];
  ConvGeometry g;
  if (!ResolveGeometry(op, o, out_c, &g, error)) return false;
  if (op.outputs[0].num_elements() == 0) return true;
  std::vector<float> filter, bias;
  if (!ReadFloats(op.inputs[1], &filter, error) || !ReadBias(op, out_c, &bias, error)) return false;
  // [KH * KW][OC] -> [block][KH * KW][4]
  const int taps = g.filter_h * g.filter_w, blocks = static_cast<int>(DivUp(out_c, 4));
  std::vector<float> packed(static_cast<size_t>(blocks) * taps * 4, 0.f);
  for (int t = 0; t < taps; ++t) {
    for (int c = 0; c < out_c; ++c) packed[(static_cast<size_t>(c / 4) * taps + t) * 4 + c % 4] = filter[t * out_c + c];
  }
  const std::vector<float> packed_bias = PackBiasBlocks(bias, out_c, 1);
  const int multiplier = out_c / g.in_c;
  Launch l;
  l.file = "depthwise_conv2d.cl";
  DefineWindow(g, blocks, &l);
  Define(&l, "MULT", multiplier);
  Define(&l, "DW_VEC4", multiplier == 1 && out_c % 4 == 0);
  l.args = {KernelArg::Tensor(op.inputs[0].index), KernelArg::Floats(packed.data(), packed.size()),
            KernelArg::Floats(packed_bias.data(), packed_bias.size()), KernelArg::Tensor(op.outputs[0].index)};
  launches->push_back(std::move(l));
  return true;
}

}  // namespace

void AddConvBuilders(std::vector<OpBuilder>* all) {
  all->push_back({schema::BuiltinOperator_CONV_2D, SupportsConv2D, BuildConv2D});
  all->push_back({schema::BuiltinOperator_DEPTHWISE_CONV_2D, SupportsDepthwiseConv2D, BuildDepthwiseConv2D});
}

}  // namespace opencl
}  // namespace edgelite
