// Bilinear resize of NHWC float (and uint8) images with the .tflite/TensorFlow sampling rules: plain math, no
// framework types.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>

#include "interpreter/kernels/reference/resize_geometry.h"

namespace edgelite {
namespace reference {

struct BilinearTap {
  float pos;      // sampling position in input pixels; may be below 0 with half_pixel_centers
  int32_t lower;  // floor(pos) clamped to >= 0
  int32_t upper;  // ceil(pos) clamped to <= in_size - 1
};

// Where output index `i` samples the input. half_pixel_centers samples at pixel centers
// ((i + 0.5) * scale - 0.5). Only the neighbours are clamped, not `pos` itself: near the border both
// neighbours are the same pixel, so the weights still sum to one.
inline BilinearTap ResizeBilinearTap(int32_t i, float scale, bool half_pixel_centers, int32_t in_size) {
  BilinearTap t;
  t.pos = half_pixel_centers ? (static_cast<float>(i) + 0.5f) * scale - 0.5f : static_cast<float>(i) * scale;
  t.lower = std::max(static_cast<int32_t>(std::floor(t.pos)), 0);
  t.upper = std::min(static_cast<int32_t>(std::ceil(t.pos)), in_size - 1);
  return t;
}

// Output rows [row_begin, row_end) of the batches * out_h rows; the same products in the same order as
// the .tflite reference kernel. T is float, or uint8 (LiteRT's uint8 kernel is this float formula with
// 0.5 added before the truncating conversion).
template <typename T>
inline void ResizeBilinearRows(const ResizeShape& s, bool align_corners, bool half_pixel_centers,
                               const T* in, T* out, int64_t row_begin, int64_t row_end) {
  const float scale_y = ResizeScale(s.in_h, s.out_h, align_corners);
  const float scale_x = ResizeScale(s.in_w, s.out_w, align_corners);
  const int64_t C = s.channels;
  for (int64_t row = row_begin; row < row_end; ++row) {
    const int64_t b = row / s.out_h;
    const int32_t y = static_cast<int32_t>(row % s.out_h);
    const BilinearTap ty = ResizeBilinearTap(y, scale_y, half_pixel_centers, s.in_h);
    const float dy = ty.pos - ty.lower;
    const T* row0 = in + (b * s.in_h + ty.lower) * s.in_w * C;
    const T* row1 = in + (b * s.in_h + ty.upper) * s.in_w * C;
    T* o = out + row * s.out_w * C;
    for (int32_t x = 0; x < s.out_w; ++x) {
      const BilinearTap tx = ResizeBilinearTap(x, scale_x, half_pixel_centers, s.in_w);
      const float dx = tx.pos - tx.lower;
      const T* p00 = row0 + tx.lower * C;
      const T* p01 = row0 + tx.upper * C;
      const T* p10 = row1 + tx.lower * C;
      const T* p11 = row1 + tx.upper * C;
      for (int64_t c = 0; c < C; ++c) {
        const float v = static_cast<float>(p00[c]) * (1 - dy) * (1 - dx) + static_cast<float>(p10[c]) * dy * (1 - dx) +
                        static_cast<float>(p01[c]) * (1 - dy) * dx + static_cast<float>(p11[c]) * dy * dx;
        if constexpr (std::is_integral_v<T>) {
          // static_cast<uint8_t>(float) as x86 compiles it: through int32, keeping the low byte.
          o[x * C + c] = static_cast<T>(static_cast<int32_t>(v + 0.5f));
        } else {
          o[x * C + c] = v;
        }
      }
    }
  }
}

}  // namespace reference
}  // namespace edgelite
