// Transpose of an N-D tensor by a permutation: plain math, no framework types. Output axis k is input
// axis perm[k]; one output element at a time, in output order.
#pragma once

#include <cstdint>

namespace edgelite {
namespace reference {

constexpr int kMaxTransposeRank = 8;

// `rank` <= kMaxTransposeRank; `perm` is a permutation of [0, rank).
template <typename T>
void Transpose(int rank, const int64_t* in_dims, const int* perm, const T* in, T* out) {
  int64_t in_strides[kMaxTransposeRank];
  int64_t stride = 1;
  for (int a = rank - 1; a >= 0; --a) {
    in_strides[a] = stride;
    stride *= in_dims[a];
  }
  const int64_t total = stride;
  if (total == 0) return;
  int64_t out_dims[kMaxTransposeRank], step[kMaxTransposeRank], idx[kMaxTransposeRank] = {};
  for (int k = 0; k < rank; ++k) {
    out_dims[k] = in_dims[perm[k]];
    step[k] = in_strides[perm[k]];
  }
  int64_t src = 0;
  for (int64_t o = 0; o < total; ++o) {
    out[o] = in[src];
    for (int k = rank - 1; k >= 0; --k) {  // odometer over output axes, innermost first
      src += step[k];
      if (++idx[k] < out_dims[k]) break;
      src -= step[k] * out_dims[k];
      idx[k] = 0;
    }
  }
}

}  // namespace reference
}  // namespace edgelite
