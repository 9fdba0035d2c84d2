// The quantization of an int8 filter operator (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED), read and
// checked at prepare: zero points, the activation range, and per output channel the requantization in both
// forms the reference uses (docs/integer_kernels.md: QuantizeMultiplier(double(s_x) * double(s_w[c]) /
// double(s_y)) for convolutions, the double scale itself for FULLY_CONNECTED).
#pragma once

#include <vector>

#include "interpreter/kernel_api.h"

namespace edgelite {

struct Int8FilterQuantization {
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0;
  int32_t out_min = -128, out_max = 127;  // the fused activation's range, zero point included
  std::vector<int32_t> multiplier;        // per output channel
  std::vector<int32_t> shift;
  std::vector<double> scale;              // s_x * s_w[c] / s_y, in double
};

// `filter` is quantized along `axis` (per tensor or one scale per output channel, symmetric), `channels`
// output channels; `activation` is the schema's fused activation.
Status GetInt8FilterQuantization(KernelContext& ctx, const Node& node, const Tensor& input, const Tensor& filter,
                                 const Tensor& output, int axis, int channels, int activation,
                                 Int8FilterQuantization* out);

}  // namespace edgelite
