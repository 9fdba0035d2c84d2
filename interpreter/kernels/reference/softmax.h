// Softmax and log-softmax over the last axis, as .tflite's reference kernels compute them: per row,
// subtract the row's maximum (so exp never overflows), then softmax = exp(beta * (x - max)) / sum and
// log-softmax = x - max - log(sum of exp(x - max)). Plain math, no framework types.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace edgelite {
namespace reference {

// The largest of a row's values, starting from the lowest float as .tflite does (a NaN never wins).
inline float RowMax(const float* x, int64_t depth) {
  float max = std::numeric_limits<float>::lowest();
  for (int64_t c = 0; c < depth; ++c) max = std::max(max, x[c]);
  return max;
}

// Rows [row_begin, row_end) of a [rows, depth] row-major matrix.
inline void SoftmaxRows(const float* in, float* out, int64_t row_begin, int64_t row_end, int64_t depth,
                        float beta) {
  for (int64_t r = row_begin; r < row_end; ++r) {
    const float* x = in + r * depth;
    float* y = out + r * depth;
    const float max = RowMax(x, depth);
    float sum = 0.f;
    for (int64_t c = 0; c < depth; ++c) {
      y[c] = std::exp((x[c] - max) * beta);
      sum += y[c];
    }
    for (int64_t c = 0; c < depth; ++c) y[c] /= sum;
  }
}

// Rows [row_begin, row_end) of a [rows, depth] row-major matrix. A row holding +inf, or only -inf,
// gives NaNs (inf - inf), as in .tflite.
inline void LogSoftmaxRows(const float* in, float* out, int64_t row_begin, int64_t row_end, int64_t depth) {
  for (int64_t r = row_begin; r < row_end; ++r) {
    const float* x = in + r * depth;
    float* y = out + r * depth;
    const float max = RowMax(x, depth);
    float sum = 0.f;
    for (int64_t c = 0; c < depth; ++c) sum += std::exp(x[c] - max);
    const float log_sum = std::log(sum);
    for (int64_t c = 0; c < depth; ++c) y[c] = x[c] - max - log_sum;
  }
}

}  // namespace reference
}  // namespace edgelite
