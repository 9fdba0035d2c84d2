// Broadcast index arithmetic shared by element-wise reference kernels: for an output of rank R, the
// strides to step each input with (0 along broadcast dimensions). Plain math, no framework types.
#pragma once

#include <cstdint>
#include <vector>

namespace edgelite {
namespace reference {

// Strides (in elements) of `in_dims` seen through a broadcast to `out_dims`; in_dims is right-aligned.
inline std::vector<int64_t> BroadcastStrides(const std::vector<int32_t>& in_dims,
                                             const std::vector<int32_t>& out_dims) {
  const size_t rank = out_dims.size();
  std::vector<int64_t> strides(rank, 0);
  int64_t stride = 1;
  for (size_t i = 0; i < in_dims.size(); ++i) {
    const size_t in_axis = in_dims.size() - 1 - i;
    const size_t out_axis = rank - 1 - i;
    strides[out_axis] = in_dims[in_axis] == 1 ? 0 : stride;
    stride *= in_dims[in_axis];
  }
  return strides;
}

// When `b` broadcasts to `out_dims` along leading axes only (b's shape without its leading 1s is a suffix
// of out_dims), the element count of that suffix: the output is then out/inner blocks, each lined up
// with all of b. 0 when b broadcasts any other way.
inline int64_t TrailingBroadcastSize(const std::vector<int32_t>& out_dims, const std::vector<int32_t>& b_dims) {
  size_t lead = 0;
  while (lead < b_dims.size() && b_dims[lead] == 1) ++lead;
  const size_t core = b_dims.size() - lead;
  if (core > out_dims.size()) return 0;
  int64_t inner = 1;
  for (size_t i = 0; i < core; ++i) {
    if (b_dims[lead + i] != out_dims[out_dims.size() - core + i]) return 0;
    inner *= b_dims[lead + i];
  }
  return inner;
}

// Calls fn(out_index, a_index, b_index) for every output element of a broadcast binary op.
template <typename Fn>
void ForEachBroadcastIndex(const std::vector<int32_t>& a_dims, const std::vector<int32_t>& b_dims,
                           const std::vector<int32_t>& out_dims, Fn&& fn) {
  const size_t rank = out_dims.size();
  const std::vector<int64_t> sa = BroadcastStrides(a_dims, out_dims);
  const std::vector<int64_t> sb = BroadcastStrides(b_dims, out_dims);
  int64_t total = 1;
  for (int32_t d : out_dims) total *= d;
  std::vector<int32_t> idx(rank, 0);
  int64_t ia = 0, ib = 0;
  for (int64_t o = 0; o < total; ++o) {
    fn(o, ia, ib);
    for (size_t ax = rank; ax-- > 0;) {  // odometer increment, innermost axis first
      ia += sa[ax];
      ib += sb[ax];
      if (++idx[ax] < out_dims[ax]) break;
      ia -= sa[ax] * out_dims[ax];
      ib -= sb[ax] * out_dims[ax];
      idx[ax] = 0;
    }
  }
}

}  // namespace reference
}  // namespace edgelite
