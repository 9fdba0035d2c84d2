// Integer AVERAGE_POOL_2D and MAX_POOL_2D over NHWC as LiteRT's reference kernels (docs/integer_kernels.md
// "AVERAGE_POOL_2D, MAX_POOL_2D"): raw values inside the image only (the input and output share their
// quantization); the average is (sum +- count / 2) / count in C division, i.e. rounded half away from zero;
// both clamp to the fused activation's range. Plain math, no framework types.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>

#include "interpreter/kernels/reference/pooling.h"

namespace edgelite {
namespace reference {
namespace integer {

// The rounded average of `count` (> 0) values summing to `sum`.
inline int32_t RoundedAverage(int32_t sum, int32_t count) {
  return sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
}

template <typename T>
void AveragePool2D(const WindowGeometry& g, const T* input, T* output, int32_t lo, int32_t hi) {
  ForEachPoolWindow(g, [&](int b, int64_t out_pixel, int y0, int y1, int x0, int x1) {
    for (int c = 0; c < g.in_c; ++c) {
      int32_t sum = 0, count = 0;
      for (int y = y0; y < y1; ++y) {
        for (int x = x0; x < x1; ++x) {
          sum += input[((static_cast<int64_t>(b) * g.in_h + y) * g.in_w + x) * g.in_c + c];
          ++count;
        }
      }
      // A window entirely in the padding has no values; LiteRT fails there, we give the clamped 0.
      const int32_t average = count > 0 ? RoundedAverage(sum, count) : 0;
      output[out_pixel * g.in_c + c] = static_cast<T>(std::min(std::max(average, lo), hi));
    }
  });
}

template <typename T>
void MaxPool2D(const WindowGeometry& g, const T* input, T* output, int32_t lo, int32_t hi) {
  ForEachPoolWindow(g, [&](int b, int64_t out_pixel, int y0, int y1, int x0, int x1) {
    for (int c = 0; c < g.in_c; ++c) {
      int32_t best = std::numeric_limits<T>::lowest();
      for (int y = y0; y < y1; ++y) {
        for (int x = x0; x < x1; ++x) {
          best = std::max<int32_t>(best, input[((static_cast<int64_t>(b) * g.in_h + y) * g.in_w + x) * g.in_c + c]);
        }
      }
      output[out_pixel * g.in_c + c] = static_cast<T>(std::min(std::max(best, lo), hi));
    }
  });
}

}  // namespace integer
}  // namespace reference
}  // namespace edgelite
