// RESIZE_BILINEAR on int8 and int16 as LiteRT's reference computes it (docs/integer_kernels.md): positions
// and weights in Q10 fixed point, the four weighted raw values summed in Q20 (int64) and rounded half away
// from zero. No float arithmetic. Plain math, no framework types.
#pragma once

#include <algorithm>
#include <cstdint>

#include "interpreter/kernels/reference/resize_geometry.h"

namespace edgelite {
namespace reference {
namespace integer {

// Input pixels per output pixel in Q10, rounded: (2^10 in + out / 2) / out, or with align_corners
// (2^10 (in - 1) + (out - 1) / 2) / (out - 1).
inline int32_t ResizeScaleQ10(int32_t in_size, int32_t out_size, bool align_corners) {
  if (align_corners && out_size > 1) return ((1 << 10) * (in_size - 1) + (out_size - 1) / 2) / (out_size - 1);
  return ((1 << 10) * in_size + out_size / 2) / out_size;
}

struct BilinearTapQ10 {
  int32_t pos;           // Q10 position; below 0 near the top/left edge with half_pixel_centers
  int32_t lower, upper;  // the neighbours: pos / 2^10 clamped to >= 0, ceil clamped to <= in_size - 1
};

inline BilinearTapQ10 ResizeBilinearTapQ10(int32_t i, int32_t scale_q10, bool half_pixel_centers, int32_t in_size) {
  BilinearTapQ10 t;
  t.pos = half_pixel_centers ? i * scale_q10 + scale_q10 / 2 - (1 << 9) : i * scale_q10;
  t.lower = std::max(t.pos / (1 << 10), int32_t{0});  // C division, as there
  t.upper = std::min((t.pos + (1 << 10) - 1) / (1 << 10), in_size - 1);
  return t;
}

template <typename T>
void ResizeBilinearIntegerRows(const ResizeShape& s, bool align_corners, bool half_pixel_centers, const T* in, T* out,
                               int64_t row_begin, int64_t row_end) {
  const int32_t scale_y = ResizeScaleQ10(s.in_h, s.out_h, align_corners);
  const int32_t scale_x = ResizeScaleQ10(s.in_w, s.out_w, align_corners);
  const int64_t C = s.channels;
  constexpr int64_t kOne = 1 << 10;
  for (int64_t row = row_begin; row < row_end; ++row) {
    const int64_t b = row / s.out_h;
    const BilinearTapQ10 ty =
        ResizeBilinearTapQ10(static_cast<int32_t>(row % s.out_h), scale_y, half_pixel_centers, s.in_h);
    const int64_t fy = ty.pos - kOne * ty.lower;  // the weight of the lower row is 2^10 - fy
    const T* row0 = in + (b * s.in_h + ty.lower) * s.in_w * C;
    const T* row1 = in + (b * s.in_h + ty.upper) * s.in_w * C;
    T* o = out + row * s.out_w * C;
    for (int32_t x = 0; x < s.out_w; ++x) {
      const BilinearTapQ10 tx = ResizeBilinearTapQ10(x, scale_x, half_pixel_centers, s.in_w);
      const int64_t fx = tx.pos - kOne * tx.lower;
      const T* p00 = row0 + tx.lower * C;
      const T* p01 = row0 + tx.upper * C;
      const T* p10 = row1 + tx.lower * C;
      const T* p11 = row1 + tx.upper * C;
      for (int64_t c = 0; c < C; ++c) {
        const int64_t sum = p00[c] * (kOne - fy) * (kOne - fx) + p10[c] * fy * (kOne - fx) +
                            p01[c] * (kOne - fy) * fx + p11[c] * fy * fx;
        const int64_t round = sum > 0 ? (1 << 19) : -(1 << 19);
        o[x * C + c] = static_cast<T>((sum + round) / (1 << 20));
      }
    }
  }
}

}  // namespace integer
}  // namespace reference
}  // namespace edgelite
