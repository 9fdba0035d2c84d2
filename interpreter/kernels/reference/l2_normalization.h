// L2 normalization along the last, contiguous axis, as .tflite defines it:
//   out[c] = x[c] / max(sqrt(sum_k x[k]^2), 1e-6),
// the sum of squares taken in float in input order (so it overflows to inf as .tflite's does), the
// division done per element. Plain math, no framework types.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "interpreter/kernels/reference/fused_activation.h"

namespace edgelite {
namespace reference {

// The floor on the norm: rows whose norm is below it are divided by it instead (all-zero rows give 0).
constexpr float kL2NormEpsilon = 1e-6f;

// Rows [row_begin, row_end) of a [rows, depth] row-major matrix; outputs clamped to [lo, hi] (the fused
// activation).
inline void L2NormalizeRows(const float* in, float* out, int64_t row_begin, int64_t row_end, int64_t depth,
                            float lo, float hi) {
  for (int64_t r = row_begin; r < row_end; ++r) {
    const float* x = in + r * depth;
    float* y = out + r * depth;
    float sum_sq = 0.f;
    for (int64_t c = 0; c < depth; ++c) sum_sq += x[c] * x[c];
    const float norm = std::max(std::sqrt(sum_sq), kL2NormEpsilon);
    for (int64_t c = 0; c < depth; ++c) y[c] = ClampToRange(x[c] / norm, lo, hi);
  }
}

}  // namespace reference
}  // namespace edgelite
