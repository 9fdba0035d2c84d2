// Shape helpers the kernel families share: broadcasting, axis normalisation, strides.
#pragma once

#include <cstdint>
#include <vector>

#include "delegates/select/flex/kernel.h"

namespace edgelite::select {

inline int64_t NumElements(const Shape& shape) {
  int64_t n = 1;
  for (int32_t d : shape) n *= d;
  return n;
}

// Row-major strides in elements.
inline std::vector<int64_t> Strides(const Shape& shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (int i = static_cast<int>(shape.size()) - 2; i >= 0; --i) strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

// Axis in [-rank, rank) -> [0, rank); an error naming the op otherwise.
inline int NormalizeAxis(const OpContext& c, int64_t axis, int rank, const char* what) {
  if (axis < -rank || axis >= (rank == 0 ? 1 : rank)) c.Fail(what, " ", axis, " is out of range for rank ", rank);
  return static_cast<int>(axis < 0 ? axis + rank : axis);
}

// NumPy broadcasting of two shapes; an error naming both when they do not broadcast.
Shape BroadcastShapes(const OpContext& c, const Shape& a, const Shape& b);

// Strides of `in` seen from a broadcast shape `out` (aligned right; 0 along broadcast dimensions).
std::vector<int64_t> BroadcastStrides(const Shape& in, const Shape& out);

// Calls f(out_index, a_index, b_index) for every element of `out`, walking both inputs' broadcast strides.
template <typename F>
void ForEachBroadcast2(const Shape& out, const std::vector<int64_t>& sa, const std::vector<int64_t>& sb, F f) {
  const int rank = static_cast<int>(out.size());
  const int64_t total = NumElements(out);
  if (total == 0) return;
  std::vector<int32_t> counter(rank, 0);
  int64_t ia = 0, ib = 0;
  for (int64_t i = 0; i < total; ++i) {
    f(i, ia, ib);
    for (int d = rank - 1; d >= 0; --d) {
      ia += sa[d];
      ib += sb[d];
      if (++counter[d] < out[d]) break;
      ia -= sa[d] * out[d];
      ib -= sb[d] * out[d];
      counter[d] = 0;
    }
  }
}

}  // namespace edgelite::select
