// Fast twin of reference/l2_normalization.h: the sum of squares in lane-parallel partial sums (a vector
// loop; it rounds differently from the in-order sum), the same per-element division.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "interpreter/kernels/optimized/reduce.h"
#include "interpreter/kernels/reference/l2_normalization.h"

namespace edgelite {
namespace optimized {

// Rows [row_begin, row_end) of a [rows, depth] row-major matrix; outputs clamped to [lo, hi].
inline void L2NormalizeRowsF32(const float* in, float* out, int64_t row_begin, int64_t row_end, int64_t depth,
                               float lo, float hi) {
  for (int64_t r = row_begin; r < row_end; ++r) {
    const float* x = in + r * depth;
    float* y = out + r * depth;
    float lanes[kSumLanes] = {};
    int64_t c = 0;
    for (; c + kSumLanes <= depth; c += kSumLanes)
      for (int j = 0; j < kSumLanes; ++j) lanes[j] += x[c + j] * x[c + j];
    for (int j = 0; c < depth; ++c, ++j) lanes[j] += x[c] * x[c];
    float sum_sq = 0.f;
    for (int j = 0; j < kSumLanes; ++j) sum_sq += lanes[j];
    const float norm = std::max(std::sqrt(sum_sq), reference::kL2NormEpsilon);
    for (int64_t k = 0; k < depth; ++k) y[k] = std::min(std::max(x[k] / norm, lo), hi);
  }
}

}  // namespace optimized
}  // namespace edgelite
