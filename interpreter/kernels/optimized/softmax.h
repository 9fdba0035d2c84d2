// Fast twin of reference/softmax.h: the same three passes per row (max, exp and sum, scale), each a
// vector loop: lane-parallel max and sum, and the branch-free ExpF.
#pragma once

#include <cstdint>

#include "interpreter/kernels/optimized/reduce.h"
#include "interpreter/kernels/optimized/transcendental_f32.h"

namespace edgelite {
namespace optimized {

// Rows [row_begin, row_end) of a [rows, depth] row-major matrix; depth >= 1.
inline void SoftmaxRowsF32(const float* in, float* out, int64_t row_begin, int64_t row_end, int64_t depth,
                           float beta) {
  for (int64_t r = row_begin; r < row_end; ++r) {
    const float* x = in + r * depth;
    float* y = out + r * depth;
    const float max = MaxRow(x, depth);
    for (int64_t c = 0; c < depth; ++c) y[c] = ExpF((x[c] - max) * beta);
    const float scale = 1.f / SumRow<float>(y, depth);
    for (int64_t c = 0; c < depth; ++c) y[c] *= scale;
  }
}

}  // namespace optimized
}  // namespace edgelite
