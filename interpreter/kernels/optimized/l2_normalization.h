// Fast twin of reference/l2_normalization.h: the sum of squares in lane-parallel partial sums (a vector
// loop; it rounds differently from the in-order sum), the same per-element division. `in` and `out` do
// not overlap.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "interpreter/kernels/optimized/reduce.h"
#include "interpreter/kernels/reference/l2_normalization.h"

namespace edgelite {
namespace optimized {

// Rows [row_begin, row_end) of a [rows, depth] row-major matrix; outputs clamped to [lo, hi]. The
// squares go through `out` to be summed.
inline void L2NormalizeRowsF32(const float* in, float* out, int64_t row_begin, int64_t row_end, int64_t depth,
                               float lo, float hi) {
  for (int64_t r = row_begin; r < row_end; ++r) {
    const float* x = in + r * depth;
    float* y = out + r * depth;
    for (int64_t c = 0; c < depth; ++c) y[c] = x[c] * x[c];
    const float norm = std::max(std::sqrt(SumRow<float>(y, depth)), reference::kL2NormEpsilon);
    for (int64_t c = 0; c < depth; ++c) y[c] = reference::ClampToRange(x[c] / norm, lo, hi);
  }
}

}  // namespace optimized
}  // namespace edgelite
