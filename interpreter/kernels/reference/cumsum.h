// CUMSUM along the middle axis of an [outer, n, inner] view: inclusive or exclusive (each position leaves out
// its own value), forward or reverse. Sums run in axis order one position at a time, as TensorFlow's scan adds
// them (so float results match bit for bit); integers wrap. Plain math, no framework types.
#pragma once

#include <cstdint>
#include <type_traits>

namespace edgelite {
namespace reference {

template <typename T>
inline T WrappingSum(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
  } else {
    return a + b;
  }
}

// Slabs [outer_begin, outer_end) of in -> out.
template <typename T>
inline void CumSum(const T* in, int64_t outer_begin, int64_t outer_end, int64_t n, int64_t inner, bool exclusive,
                   bool reverse, T* out) {
  for (int64_t o = outer_begin; o < outer_end; ++o) {
    const T* x = in + o * n * inner;
    T* y = out + o * n * inner;
    for (int64_t step = 0; step < n; ++step) {
      // Position k takes the previous position's sum plus, inclusive, its own value or, exclusive, the
      // previous position's value.
      const int64_t k = reverse ? n - 1 - step : step;
      const int64_t prev = reverse ? k + 1 : k - 1;
      T* row = y + k * inner;
      if (step == 0) {
        // 0 + x, as the scan's first step (a -0.0 becomes 0.0).
        for (int64_t i = 0; i < inner; ++i) row[i] = exclusive ? T(0) : WrappingSum(T(0), x[k * inner + i]);
      } else {
        const T* prev_sum = y + prev * inner;
        const T* add = x + (exclusive ? prev : k) * inner;
        for (int64_t i = 0; i < inner; ++i) row[i] = WrappingSum(prev_sum[i], add[i]);
      }
    }
  }
}

}  // namespace reference
}  // namespace edgelite
