// Nearest-neighbor resize of NHWC images with the .tflite sampling rules: plain math, no framework types.
// Elements are only copied, so one routine per element width serves every dtype.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "interpreter/kernels/reference/resize_geometry.h"

namespace edgelite {
namespace reference {

// The input index that output index `i` reads, in float as the .tflite reference kernel computes it:
// position (i + 0.5 with half_pixel_centers, else i) * scale, then rounded half away from zero with
// align_corners and floored otherwise (so half_pixel_centers alone picks the pixel whose center is
// nearest, ties going to the right), clamped to the image. Both flags at once are accepted, as there.
inline int32_t NearestNeighborIndex(int32_t i, float scale, bool align_corners, bool half_pixel_centers,
                                    int32_t in_size) {
  const float pos = (static_cast<float>(i) + (half_pixel_centers ? 0.5f : 0.0f)) * scale;
  const int32_t index = static_cast<int32_t>(align_corners ? std::round(pos) : std::floor(pos));
  return std::max(std::min(index, in_size - 1), 0);
}

// Output rows [row_begin, row_end) of the batches * out_h rows.
template <typename T>
void ResizeNearestNeighborRows(const ResizeShape& s, bool align_corners, bool half_pixel_centers, const T* in,
                               T* out, int64_t row_begin, int64_t row_end) {
  const float scale_y = ResizeScale(s.in_h, s.out_h, align_corners);
  const float scale_x = ResizeScale(s.in_w, s.out_w, align_corners);
  const int64_t C = s.channels;
  for (int64_t row = row_begin; row < row_end; ++row) {
    const int64_t b = row / s.out_h;
    const int32_t y = static_cast<int32_t>(row % s.out_h);
    const int32_t in_y = NearestNeighborIndex(y, scale_y, align_corners, half_pixel_centers, s.in_h);
    const T* src_row = in + (b * s.in_h + in_y) * s.in_w * C;
    T* o = out + row * s.out_w * C;
    for (int32_t x = 0; x < s.out_w; ++x, o += C) {
      const T* p = src_row + NearestNeighborIndex(x, scale_x, align_corners, half_pixel_centers, s.in_w) * C;
      std::copy(p, p + C, o);
    }
  }
}

}  // namespace reference
}  // namespace edgelite
