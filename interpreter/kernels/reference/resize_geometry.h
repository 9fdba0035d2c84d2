// Geometry of a 2-D NHWC resize, shared by the bilinear and nearest-neighbor kernels: the image sizes and
// the input pixels per output pixel. Plain data and math, no framework types.
#pragma once

#include <cstdint>

namespace edgelite {
namespace reference {

struct ResizeShape {
  int32_t batches, in_h, in_w, channels, out_h, out_w;
};

// Input pixels per output pixel along one axis, in float as .tflite computes it. align_corners maps the
// corner pixels onto each other (only when the output has more than one pixel; otherwise the plain ratio
// is used).
inline float ResizeScale(int32_t in_size, int32_t out_size, bool align_corners) {
  if (align_corners && out_size > 1) return static_cast<float>(in_size - 1) / (out_size - 1);
  return static_cast<float>(in_size) / out_size;
}

}  // namespace reference
}  // namespace edgelite
