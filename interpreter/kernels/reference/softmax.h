// Softmax over the last axis, as .tflite's reference kernel computes it: per row, subtract the row's
// maximum (so exp never overflows), out = exp(beta * (x - max)) / sum. Plain math, no framework types.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace edgelite {
namespace reference {

// Rows [row_begin, row_end) of a [rows, depth] row-major matrix.
inline void SoftmaxRows(const float* in, float* out, int64_t row_begin, int64_t row_end, int64_t depth,
                        float beta) {
  for (int64_t r = row_begin; r < row_end; ++r) {
    const float* x = in + r * depth;
    float* y = out + r * depth;
    float max = std::numeric_limits<float>::lowest();
    for (int64_t c = 0; c < depth; ++c) max = std::max(max, x[c]);
    float sum = 0.f;
    for (int64_t c = 0; c < depth; ++c) {
      y[c] = std::exp((x[c] - max) * beta);
      sum += y[c];
    }
    for (int64_t c = 0; c < depth; ++c) y[c] /= sum;
  }
}

}  // namespace reference
}  // namespace edgelite
