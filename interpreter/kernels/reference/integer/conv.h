// Integer and dynamic-range CONV_2D over NHWC, filter OHWI [out_c, filter_h, filter_w, filter_in_c], grouped
// when in_c is a multiple of filter_in_c, as LiteRT's reference kernels compute them (docs/integer_kernels.md,
// CONV_2D and "Dynamic range"). Padding positions are skipped, so they contribute nothing.
#pragma once

#include <cstdint>

#include "interpreter/kernels/reference/fused_activation.h"
#include "interpreter/kernels/reference/integer/requantize.h"
#include "interpreter/kernels/reference/window_loops.h"

namespace edgelite {
namespace reference {
namespace integer {

// int8 / uint8 / int16x8: acc = sum (w + filter_offset) * (x + input_offset) + bias in Acc (int32, or int64
// for int16 with an int64 bias), then the channel's multiplier, + z_y, clamp. bias may be null.
template <typename Acc, typename In, typename Filter, typename Bias, typename Out>
void QuantizedConv2D(const WindowGeometry& g, int filter_in_c, const FilterQuantization& q, const In* input,
                     const Filter* filter, const Bias* bias, Out* output) {
  ForEachOutputPixel(g, [&](int b, int oy, int ox, int64_t pixel) {
    for (int oc = 0; oc < g.out_c; ++oc) {
      Acc acc = AccumulateConv<Acc>(g, filter_in_c, b, oy, ox, oc, input, filter,
                                    [&](Acc a, int32_t w, int32_t x) { return MultiplyAccumulate(a, w, x, q); });
      if (bias) acc = WrappingAdd(acc, static_cast<Acc>(bias[oc]));
      output[pixel * g.out_c + oc] = RequantizeChannel<Out>(acc, oc, q);
    }
  });
}

// Dynamic range: `quantized` is the input with each image quantized as one row (row_scale[b], zero_point[b]),
// the filter int8 with scales filter_scale[c] (a per-tensor scale repeated). bias may be null.
//
// LiteRT's two paths (conv.cc): with one distinct filter scale and no groups, EvalHybrid quantizes
// symmetrically (zero points 0) and computes out = float(acc) * float32(row_scale * s_w) + bias. With distinct
// per-channel scales, or groups, EvalHybridPerChannel quantizes asymmetrically and computes
// out = (float(acc) * s_w[c]) * row_scale + bias, acc = sum w * (q - zp). `per_channel` picks the formula.
inline void HybridConv2D(const WindowGeometry& g, int filter_in_c, bool per_channel, const int8_t* quantized,
                         const float* row_scale, const int32_t* zero_point, const int8_t* filter,
                         const float* filter_scale, const float* bias, float* output, float lo, float hi) {
  ForEachOutputPixel(g, [&](int b, int oy, int ox, int64_t pixel) {
    const int32_t zp = zero_point[b];
    for (int oc = 0; oc < g.out_c; ++oc) {
      const int32_t acc = AccumulateConv<int32_t>(g, filter_in_c, b, oy, ox, oc, quantized, filter,
                                                  [&](int32_t a, int32_t w, int32_t x) {
                                                    return WrappingAdd(a, w * (x - zp));
                                                  });
      float v = per_channel ? static_cast<float>(acc) * filter_scale[oc] * row_scale[b]
                            : static_cast<float>(acc) * (row_scale[b] * filter_scale[0]);
      if (bias) v += bias[oc];
      output[pixel * g.out_c + oc] = ClampToRange(v, lo, hi);
    }
  });
}

}  // namespace integer
}  // namespace reference
}  // namespace edgelite
