// The loops of the reference window kernels (CONV_2D, DEPTHWISE_CONV_2D, float and integer): every output
// position, and the filter taps of one position that fall inside the image (padding positions are skipped, as
// LiteRT's reference kernels skip them, so they contribute nothing whatever a quantized input's zero point).
#pragma once

#include <cstdint>

#include "interpreter/kernels/quantization_util.h"
#include "interpreter/kernels/reference/window_geometry.h"

namespace edgelite {
namespace reference {

// fn(b, oy, ox, pixel) for every output position; pixel is its index in [batch, out_h, out_w].
template <typename Fn>
EL_ALWAYS_INLINE void ForEachOutputPixel(const WindowGeometry& g, Fn&& fn) {
  int64_t pixel = 0;
  for (int b = 0; b < g.batch; ++b) {
    for (int oy = 0; oy < g.out_h; ++oy) {
      for (int ox = 0; ox < g.out_w; ++ox) fn(b, oy, ox, pixel++);
    }
  }
}

// tap(in_pixel, tap_index) for the taps of output position (b, oy, ox) inside the image: in_pixel indexes
// [batch, in_h, in_w], tap_index [filter_h, filter_w].
template <typename Fn>
EL_ALWAYS_INLINE void ForEachTapInImage(const WindowGeometry& g, int b, int oy, int ox, Fn&& tap) {
  for (int ky = 0; ky < g.filter_h; ++ky) {
    const int iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
    if (iy < 0 || iy >= g.in_h) continue;
    for (int kx = 0; kx < g.filter_w; ++kx) {
      const int ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
      if (ix < 0 || ix >= g.in_w) continue;
      tap((static_cast<int64_t>(b) * g.in_h + iy) * g.in_w + ix, ky * g.filter_w + kx);
    }
  }
}

// CONV_2D (filter OHWI, grouped when in_c is a multiple of filter_in_c): the accumulation of one output (image b
// at (oy, ox), channel oc), acc = step(acc, w, x) over the in-image taps and the group's input channels in order.
template <typename Acc, typename In, typename Filter, typename Step>
EL_ALWAYS_INLINE Acc AccumulateConv(const WindowGeometry& g, int filter_in_c, int b, int oy, int ox, int oc,
                                    const In* input, const Filter* filter, Step&& step) {
  const int group = oc / (g.out_c / (g.in_c / filter_in_c));
  const Filter* f = filter + static_cast<int64_t>(oc) * g.filter_h * g.filter_w * filter_in_c;
  Acc acc = 0;
  ForEachTapInImage(g, b, oy, ox, [&](int64_t in_pixel, int tap) {
    const In* in = input + in_pixel * g.in_c + group * filter_in_c;
    const Filter* w = f + static_cast<int64_t>(tap) * filter_in_c;
    for (int ic = 0; ic < filter_in_c; ++ic) acc = step(acc, w[ic], in[ic]);
  });
  return acc;
}

// DEPTHWISE_CONV_2D (filter [1, h, w, out_c]): the accumulation of one output (image b at (oy, ox), channel oc,
// which reads input channel oc / multiplier), acc = step(acc, w, x) over the in-image taps in order.
template <typename Acc, typename In, typename Filter, typename Step>
EL_ALWAYS_INLINE Acc AccumulateDepthwise(const WindowGeometry& g, int b, int oy, int ox, int oc, const In* input,
                                         const Filter* filter, Step&& step) {
  const int ic = oc / (g.out_c / g.in_c);
  Acc acc = 0;
  ForEachTapInImage(g, b, oy, ox, [&](int64_t in_pixel, int tap) {
    acc = step(acc, filter[static_cast<int64_t>(tap) * g.out_c + oc], input[in_pixel * g.in_c + ic]);
  });
  return acc;
}

}  // namespace reference
}  // namespace edgelite
