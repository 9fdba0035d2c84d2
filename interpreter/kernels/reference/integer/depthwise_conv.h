// Integer and dynamic-range DEPTHWISE_CONV_2D over NHWC, filter [1, filter_h, filter_w, out_c] with
// out_c = in_c * multiplier (output channel c reads input channel c / multiplier), as LiteRT's reference
// kernels compute them (docs/integer_kernels.md, DEPTHWISE_CONV_2D and "Dynamic range").
#pragma once

#include <cstdint>

#include "interpreter/kernels/reference/fused_activation.h"
#include "interpreter/kernels/reference/integer/requantize.h"
#include "interpreter/kernels/reference/window_loops.h"

namespace edgelite {
namespace reference {
namespace integer {

// int8 / uint8 / int16x8: as CONV_2D (requantize.h), per output channel. bias may be null.
template <typename Acc, typename In, typename Filter, typename Bias, typename Out>
void QuantizedDepthwiseConv2D(const WindowGeometry& g, const FilterQuantization& q, const In* input,
                              const Filter* filter, const Bias* bias, Out* output) {
  ForEachOutputPixel(g, [&](int b, int oy, int ox, int64_t pixel) {
    for (int oc = 0; oc < g.out_c; ++oc) {
      Acc acc = AccumulateDepthwise<Acc>(g, b, oy, ox, oc, input, filter,
                                         [&](Acc a, int32_t w, int32_t x) { return MultiplyAccumulate(a, w, x, q); });
      if (bias) acc = WrappingAdd(acc, static_cast<Acc>(bias[oc]));
      output[pixel * g.out_c + oc] = RequantizeChannel<Out>(acc, oc, q);
    }
  });
}

// Dynamic range (DepthwiseConvHybridPerChannel): each image quantized asymmetrically as one row,
// acc = sum w * (q - zp), out = float(acc) * float32(s_w[c] * row_scale) + bias (the scales multiplied first,
// unlike CONV_2D). bias may be null.
inline void HybridDepthwiseConv2D(const WindowGeometry& g, const int8_t* quantized, const float* row_scale,
                                  const int32_t* zero_point, const int8_t* filter, const float* filter_scale,
                                  const float* bias, float* output, float lo, float hi) {
  ForEachOutputPixel(g, [&](int b, int oy, int ox, int64_t pixel) {
    const int32_t zp = zero_point[b];
    for (int oc = 0; oc < g.out_c; ++oc) {
      const int32_t acc = AccumulateDepthwise<int32_t>(g, b, oy, ox, oc, quantized, filter,
                                                       [&](int32_t a, int32_t w, int32_t x) {
                                                         return WrappingAdd(a, w * (x - zp));
                                                       });
      float v = static_cast<float>(acc) * (filter_scale[oc] * row_scale[b]);
      if (bias) v += bias[oc];
      output[pixel * g.out_c + oc] = ClampToRange(v, lo, hi);
    }
  });
}

}  // namespace integer
}  // namespace reference
}  // namespace edgelite
