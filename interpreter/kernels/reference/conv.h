// Reference CONV_2D over NHWC, filter OHWI [out_c, filter_h, filter_w, filter_in_c]. Grouped when
// in_c is a multiple of filter_in_c: groups = in_c / filter_in_c, each owning out_c / groups filters.
#pragma once

#include <cstdint>

#include "interpreter/kernels/reference/fused_activation.h"
#include "interpreter/kernels/reference/window_loops.h"

namespace edgelite {
namespace reference {

// bias may be null.
inline void Conv2D(const WindowGeometry& g, int filter_in_c, const float* input, const float* filter,
                   const float* bias, float* output, float lo, float hi) {
  ForEachOutputPixel(g, [&](int b, int oy, int ox, int64_t pixel) {
    for (int oc = 0; oc < g.out_c; ++oc) {
      float total = AccumulateConv<float>(g, filter_in_c, b, oy, ox, oc, input, filter,
                                          [](float acc, float w, float x) { return acc + x * w; });
      if (bias) total += bias[oc];
      output[pixel * g.out_c + oc] = ClampToRange(total, lo, hi);
    }
  });
}

}  // namespace reference
}  // namespace edgelite
