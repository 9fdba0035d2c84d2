// Fast twins of reference/softmax.h: the same passes per row (max, exp and sum, scale or subtract),
// each a vector loop: lane-parallel max and sum, and the branch-free ExpF.
#pragma once

#include <cmath>
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

// Rows [row_begin, row_end) of a [rows, depth] row-major matrix; depth >= 1; `in` and `out` do not
// overlap. The exps go through `out` to be summed; one libm log per row.
inline void LogSoftmaxRowsF32(const float* in, float* out, int64_t row_begin, int64_t row_end, int64_t depth) {
  for (int64_t r = row_begin; r < row_end; ++r) {
    const float* x = in + r * depth;
    float* y = out + r * depth;
    const float max = MaxRow(x, depth);
    for (int64_t c = 0; c < depth; ++c) y[c] = ExpF(x[c] - max);
    const float log_sum = std::log(SumRow<float>(y, depth));
    for (int64_t c = 0; c < depth; ++c) y[c] = x[c] - max - log_sum;
  }
}

}  // namespace optimized
}  // namespace edgelite
