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

// Rows [row_begin, row_end) of a [rows, depth] row-major matrix; depth >= 1. One libm log per row.
inline void LogSoftmaxRowsF32(const float* in, float* out, int64_t row_begin, int64_t row_end, int64_t depth) {
  for (int64_t r = row_begin; r < row_end; ++r) {
    const float* x = in + r * depth;
    float* y = out + r * depth;
    const float max = MaxRow(x, depth);
    float lanes[kSumLanes] = {};
    int64_t c = 0;
    for (; c + kSumLanes <= depth; c += kSumLanes)
      for (int j = 0; j < kSumLanes; ++j) lanes[j] += ExpF(x[c + j] - max);
    for (int j = 0; c < depth; ++c, ++j) lanes[j] += ExpF(x[c] - max);
    float sum = 0.f;
    for (int j = 0; j < kSumLanes; ++j) sum += lanes[j];
    const float log_sum = std::log(sum);
    for (int64_t k = 0; k < depth; ++k) y[k] = x[k] - max - log_sum;
  }
}

}  // namespace optimized
}  // namespace edgelite
