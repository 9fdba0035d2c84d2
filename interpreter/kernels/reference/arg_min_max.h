// ARG_MAX / ARG_MIN along one axis of an [outer, axis, inner] view: the first index of the largest (smallest)
// value. NaNs never win: a number replaces a NaN, a NaN replaces nothing, and a slice of NaNs only gives 0
// (TensorFlow's rule, which LiteRT's kernels follow). Plain math, no framework types.
#pragma once

#include <cmath>
#include <cstdint>
#include <type_traits>

namespace edgelite {
namespace reference {

// Whether `candidate` replaces the best value so far.
template <bool kMax, typename T>
inline bool ArgBetter(T candidate, T best) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(candidate)) return false;
    if (std::isnan(best)) return true;
  }
  return kMax ? candidate > best : candidate < best;
}

// out[o * inner + i] for o in [outer_begin, outer_end), every i.
template <bool kMax, typename T, typename Index>
inline void ArgMinMax(const T* in, int64_t outer_begin, int64_t outer_end, int64_t axis_size, int64_t inner,
                      Index* out) {
  for (int64_t o = outer_begin; o < outer_end; ++o) {
    const T* slab = in + o * axis_size * inner;
    for (int64_t i = 0; i < inner; ++i) {
      T best = slab[i];
      int64_t best_index = 0;
      for (int64_t a = 1; a < axis_size; ++a) {
        const T v = slab[a * inner + i];
        if (ArgBetter<kMax>(v, best)) {
          best = v;
          best_index = a;
        }
      }
      out[o * inner + i] = static_cast<Index>(best_index);
    }
  }
}

}  // namespace reference
}  // namespace edgelite
