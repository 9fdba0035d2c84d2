// TOPK_V2's order: the k largest values of a row, largest first; equal values in index order, NaNs after every
// number (as .tflite orders them). Plain math, no framework types.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>

namespace edgelite {
namespace reference {

// Whether element a of `row` ranks before element b: a strict total order, so the result is unique.
template <typename T>
inline bool TopKBefore(const T* row, int32_t a, int32_t b) {
  if constexpr (std::is_floating_point_v<T>) {
    const bool a_nan = std::isnan(row[a]), b_nan = std::isnan(row[b]);
    if (a_nan || b_nan) return a_nan == b_nan ? a < b : b_nan;
  }
  if (row[a] != row[b]) return row[a] > row[b];
  return a < b;
}

// The top k (1 <= k <= n) of row[0..n): values and their indices. `order` is scratch of n entries.
template <typename T, typename Index>
inline void TopKRow(const T* row, int32_t n, int32_t k, int32_t* order, T* values, Index* indices) {
  for (int32_t i = 0; i < n; ++i) order[i] = i;
  std::partial_sort(order, order + k, order + n, [row](int32_t a, int32_t b) { return TopKBefore(row, a, b); });
  for (int32_t i = 0; i < k; ++i) {
    values[i] = row[order[i]];
    indices[i] = static_cast<Index>(order[i]);
  }
}

}  // namespace reference
}  // namespace edgelite
