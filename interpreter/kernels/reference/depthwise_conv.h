// Reference DEPTHWISE_CONV_2D over NHWC, filter [1, filter_h, filter_w, out_c] with
// out_c = in_c * depth_multiplier: output channel ic * multiplier + m reads input channel ic.
#pragma once

#include <cstdint>

#include "interpreter/kernels/reference/fused_activation.h"
#include "interpreter/kernels/reference/window_geometry.h"

namespace edgelite {
namespace reference {

// bias may be null.
inline void DepthwiseConv2D(const WindowGeometry& g, const float* input, const float* filter, const float* bias,
                            float* output, float lo, float hi) {
  const int multiplier = g.out_c / g.in_c;
  for (int b = 0; b < g.batch; ++b) {
    for (int oy = 0; oy < g.out_h; ++oy) {
      for (int ox = 0; ox < g.out_w; ++ox) {
        for (int ic = 0; ic < g.in_c; ++ic) {
          for (int m = 0; m < multiplier; ++m) {
            const int oc = ic * multiplier + m;
            float total = 0.f;
            for (int ky = 0; ky < g.filter_h; ++ky) {
              const int iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
              if (iy < 0 || iy >= g.in_h) continue;
              for (int kx = 0; kx < g.filter_w; ++kx) {
                const int ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
                if (ix < 0 || ix >= g.in_w) continue;
                total += input[((static_cast<int64_t>(b) * g.in_h + iy) * g.in_w + ix) * g.in_c + ic] *
                         filter[(static_cast<int64_t>(ky) * g.filter_w + kx) * g.out_c + oc];
              }
            }
            if (bias) total += bias[oc];
            output[((static_cast<int64_t>(b) * g.out_h + oy) * g.out_w + ox) * g.out_c + oc] =
                ClampToRange(total, lo, hi);
          }
        }
      }
    }
  }
}

}  // namespace reference
}  // namespace edgelite
