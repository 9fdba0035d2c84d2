// Reductions (SUM, MEAN, REDUCE_PROD, REDUCE_MAX, REDUCE_MIN) over a set of axes, as .tflite's kernels
// compute them: one in-order fold per output. Plain math, no framework types.
#pragma once

#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

namespace edgelite {
namespace reference {

// The folds of the reducing operators: the value a fold starts from and how it takes the next input.
// MAX and MIN keep the accumulator only when it compares strictly greater (less): a NaN input then
// survives only until the next input, and among equal values (+0 and -0) the last one wins. That is
// what .tflite's builtin kernels give, NaNs included.
// SUM starts from -0 for floats, the exact identity (-0 + x is x for every x, -0 included), which is
// the same as starting from the first input: a sum of -0s is -0, as .tflite's builtin kernel gives.
template <typename Acc>
struct SumFold {
  static constexpr bool kSelects = false;  // true for folds whose result is one of the inputs
  static Acc Identity() {
    if constexpr (std::is_floating_point_v<Acc>) return -Acc(0);
    return Acc(0);
  }
  static Acc Combine(Acc acc, Acc x) { return acc + x; }
};
template <typename Acc>
struct ProdFold {
  static constexpr bool kSelects = false;
  static Acc Identity() { return Acc(1); }
  static Acc Combine(Acc acc, Acc x) { return acc * x; }
};
// Starting from -inf (lowest for integers) is the same as starting from the first input.
template <typename T>
struct MaxFold {
  static constexpr bool kSelects = true;
  static T Identity() {
    if constexpr (std::is_floating_point_v<T>) return -std::numeric_limits<T>::infinity();
    return std::numeric_limits<T>::lowest();
  }
  static T Combine(T acc, T x) { return acc > x ? acc : x; }
};
template <typename T>
struct MinFold {
  static constexpr bool kSelects = true;
  static T Identity() {
    if constexpr (std::is_floating_point_v<T>) return std::numeric_limits<T>::infinity();
    return std::numeric_limits<T>::max();
  }
  static T Combine(T acc, T x) { return acc < x ? acc : x; }
};

// The accumulator types of the folds per input type: SUM and REDUCE_PROD accumulate in the input type,
// wrapping like .tflite for integers (done in unsigned arithmetic, where wrapping is defined); MEAN
// accumulates integers in int64 and divides with truncation.
template <typename T>
struct ReduceAccumulators {
  using Wrapping = T;
  using Mean = T;
};
template <>
struct ReduceAccumulators<int32_t> {
  using Wrapping = uint32_t;
  using Mean = int64_t;
};
template <>
struct ReduceAccumulators<int64_t> {
  using Wrapping = uint64_t;
  using Mean = int64_t;
};

// Where a reduction's inputs are: the kept and the reduced axes with their input strides, made once in
// prepare so that the fold below allocates nothing.
struct ReduceLayout {
  std::vector<int32_t> kept_size, red_size;
  std::vector<int64_t> kept_stride, red_stride;
  int64_t num_out = 1, num_red = 1;
};

// The layout of a row-major tensor of shape `dims` reduced over the axes flagged in `reduced`.
inline ReduceLayout MakeReduceLayout(const std::vector<int32_t>& dims, const std::vector<bool>& reduced) {
  const int rank = static_cast<int>(dims.size());
  std::vector<int64_t> stride(rank, 1);
  for (int a = rank - 2; a >= 0; --a) stride[a] = stride[a + 1] * dims[a + 1];
  ReduceLayout layout;
  for (int a = 0; a < rank; ++a) {
    if (reduced[a]) {
      layout.red_size.push_back(dims[a]);
      layout.red_stride.push_back(stride[a]);
      layout.num_red *= dims[a];
    } else {
      layout.kept_size.push_back(dims[a]);
      layout.kept_stride.push_back(stride[a]);
      layout.num_out *= dims[a];
    }
  }
  return layout;
}

// Input offset of the multi-index `linear` (row-major over `size`) with the given strides.
inline int64_t ReduceOffset(int64_t linear, const std::vector<int32_t>& size, const std::vector<int64_t>& strides) {
  int64_t off = 0;
  for (int i = static_cast<int>(size.size()) - 1; i >= 0; --i) {
    off += (linear % size[i]) * strides[i];
    linear /= size[i];
  }
  return off;
}

// Reduces a row-major tensor laid out by `layout`. Outputs are in row-major order over the kept axes
// (keep_dims changes the output's shape, never its layout). Each output folds its inputs in increasing
// input order in an accumulator of type Fold's `Acc`, starting from Fold::Identity(), and stores
// finish(acc): a cast for most, a division by the count for MEAN, a requantization for quantized sums.
template <typename Fold, typename T, typename Out, typename Finish>
void Reduce(const T* in, const ReduceLayout& layout, Out* out, Finish finish) {
  using Acc = decltype(Fold::Identity());
  for (int64_t o = 0; o < layout.num_out; ++o) {
    const int64_t base = ReduceOffset(o, layout.kept_size, layout.kept_stride);
    Acc acc = Fold::Identity();
    for (int64_t r = 0; r < layout.num_red; ++r) {
      acc = Fold::Combine(acc, static_cast<Acc>(in[base + ReduceOffset(r, layout.red_size, layout.red_stride)]));
    }
    out[o] = finish(acc);
  }
}

}  // namespace reference
}  // namespace edgelite
