// Reference CONV_2D over NHWC, filter OHWI [out_c, filter_h, filter_w, filter_in_c]. Grouped when
// in_c is a multiple of filter_in_c: groups = in_c / filter_in_c, each owning out_c / groups filters.
#pragma once

#include <cstdint>

#include "interpreter/kernels/reference/fused_activation.h"
#include "interpreter/kernels/reference/window_geometry.h"

namespace edgelite {
namespace reference {

// bias may be null.
inline void Conv2D(const WindowGeometry& g, int filter_in_c, const float* input, const float* filter,
                   const float* bias, float* output, float lo, float hi) {
  const int groups = g.in_c / filter_in_c;
  const int filters_per_group = g.out_c / groups;
  for (int b = 0; b < g.batch; ++b) {
    for (int oy = 0; oy < g.out_h; ++oy) {
      for (int ox = 0; ox < g.out_w; ++ox) {
        for (int oc = 0; oc < g.out_c; ++oc) {
          const int group = oc / filters_per_group;
          float total = 0.f;
          for (int ky = 0; ky < g.filter_h; ++ky) {
            const int iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
            if (iy < 0 || iy >= g.in_h) continue;
            for (int kx = 0; kx < g.filter_w; ++kx) {
              const int ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
              if (ix < 0 || ix >= g.in_w) continue;
              const float* in = input + ((static_cast<int64_t>(b) * g.in_h + iy) * g.in_w + ix) * g.in_c +
                                group * filter_in_c;
              const float* f = filter + ((static_cast<int64_t>(oc) * g.filter_h + ky) * g.filter_w + kx) * filter_in_c;
              for (int ic = 0; ic < filter_in_c; ++ic) total += in[ic] * f[ic];
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

}  // namespace reference
}  // namespace edgelite
