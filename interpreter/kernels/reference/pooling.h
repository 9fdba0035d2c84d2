// Reference AVERAGE_POOL_2D and MAX_POOL_2D over NHWC (out_c == in_c). Windows are clipped to the
// input: padded positions never count, so a SAME average divides by the number of real elements.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

#include "interpreter/kernels/reference/fused_activation.h"
#include "interpreter/kernels/reference/window_geometry.h"

namespace edgelite {
namespace reference {

// Calls fn(batch, output pixel index, y0, y1, x0, x1) for every output pixel, with its window clipped
// to the input rows [y0, y1) and columns [x0, x1).
template <typename Fn>
void ForEachPoolWindow(const WindowGeometry& g, Fn&& fn) {
  for (int b = 0; b < g.batch; ++b) {
    for (int oy = 0; oy < g.out_h; ++oy) {
      const int iy0 = oy * g.stride_h - g.pad_top;
      const int y0 = std::max(iy0, 0), y1 = std::min(iy0 + g.filter_h, g.in_h);
      for (int ox = 0; ox < g.out_w; ++ox) {
        const int ix0 = ox * g.stride_w - g.pad_left;
        const int x0 = std::max(ix0, 0), x1 = std::min(ix0 + g.filter_w, g.in_w);
        const int64_t out_pixel = (static_cast<int64_t>(b) * g.out_h + oy) * g.out_w + ox;
        fn(b, out_pixel, y0, y1, x0, x1);
      }
    }
  }
}

inline void AveragePool2D(const WindowGeometry& g, const float* input, float* output, float lo, float hi) {
  ForEachPoolWindow(g, [&](int b, int64_t out_pixel, int y0, int y1, int x0, int x1) {
    for (int c = 0; c < g.in_c; ++c) {
      float total = 0.f;
      int count = 0;
      for (int y = y0; y < y1; ++y) {
        for (int x = x0; x < x1; ++x) {
          total += input[((static_cast<int64_t>(b) * g.in_h + y) * g.in_w + x) * g.in_c + c];
          ++count;
        }
      }
      output[out_pixel * g.in_c + c] = ClampToRange(total / count, lo, hi);
    }
  });
}

// L2_POOL_2D: the root of the mean square over the real elements of each window.
inline void L2Pool2D(const WindowGeometry& g, const float* input, float* output, float lo, float hi) {
  ForEachPoolWindow(g, [&](int b, int64_t out_pixel, int y0, int y1, int x0, int x1) {
    for (int c = 0; c < g.in_c; ++c) {
      float squares = 0.f;
      for (int y = y0; y < y1; ++y) {
        for (int x = x0; x < x1; ++x) {
          const float v = input[((static_cast<int64_t>(b) * g.in_h + y) * g.in_w + x) * g.in_c + c];
          squares += v * v;
        }
      }
      output[out_pixel * g.in_c + c] = ClampToRange(std::sqrt(squares / ((y1 - y0) * (x1 - x0))), lo, hi);
    }
  });
}

inline void MaxPool2D(const WindowGeometry& g, const float* input, float* output, float lo, float hi) {
  ForEachPoolWindow(g, [&](int b, int64_t out_pixel, int y0, int y1, int x0, int x1) {
    for (int c = 0; c < g.in_c; ++c) {
      float best = std::numeric_limits<float>::lowest();
      for (int y = y0; y < y1; ++y) {
        for (int x = x0; x < x1; ++x) {
          best = std::max(best, input[((static_cast<int64_t>(b) * g.in_h + y) * g.in_w + x) * g.in_c + c]);
        }
      }
      output[out_pixel * g.in_c + c] = ClampToRange(best, lo, hi);
    }
  });
}

}  // namespace reference
}  // namespace edgelite
