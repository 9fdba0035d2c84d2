// Reference DEPTHWISE_CONV_2D over NHWC, filter [1, filter_h, filter_w, out_c] with
// out_c = in_c * depth_multiplier: output channel ic * multiplier + m reads input channel ic.
#pragma once

#include <cstdint>

#include "interpreter/kernels/reference/fused_activation.h"
#include "interpreter/kernels/reference/window_loops.h"

namespace edgelite {
namespace reference {

// bias may be null.
inline void DepthwiseConv2D(const WindowGeometry& g, const float* input, const float* filter, const float* bias,
                            float* output, float lo, float hi) {
  ForEachOutputPixel(g, [&](int b, int oy, int ox, int64_t pixel) {
    for (int oc = 0; oc < g.out_c; ++oc) {
      float total = AccumulateDepthwise<float>(g, b, oy, ox, oc, input, filter,
                                               [](float acc, float w, float x) { return acc + x * w; });
      if (bias) total += bias[oc];
      output[pixel * g.out_c + oc] = ClampToRange(total, lo, hi);
    }
  });
}

}  // namespace reference
}  // namespace edgelite
