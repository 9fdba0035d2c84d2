// GATHER_ND and SCATTER_ND: index tuples of the last indices axis address slices of a tensor's leading
// dimensions. Plain math, no framework types; out-of-range tuples are reported, never read or written.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>

namespace edgelite {
namespace reference {

// The slices an index tensor addresses in a tensor of shape `dims`: each tuple of `nd` coordinates picks the
// block of dims[nd..] at offset sum(coord[j] * strides[j]) (in elements).
constexpr int kMaxNdCoordinates = 16;
struct NdSlices {
  int64_t count = 0;       // index tuples (elements of the indices tensor without its last axis)
  int64_t slice_size = 0;  // elements per slice
  int nd = 0;              // coordinates per tuple
  int64_t dims[kMaxNdCoordinates] = {};     // the leading nd dimensions addressed
  int64_t strides[kMaxNdCoordinates] = {};  // per coordinate, in elements
};

// The slices of `count` tuples of nd (<= kMaxNdCoordinates) coordinates into a tensor of shape dims[0..rank).
inline NdSlices PlanNdSlices(const int32_t* dims, int rank, int nd, int64_t count) {
  NdSlices s;
  s.count = count;
  s.nd = nd;
  s.slice_size = 1;
  for (int j = nd; j < rank; ++j) s.slice_size *= dims[j];
  for (int j = nd - 1; j >= 0; --j) {
    s.dims[j] = dims[j];
    s.strides[j] = j == nd - 1 ? s.slice_size : s.strides[j + 1] * dims[j + 1];
  }
  return s;
}

// The element offset of tuple `t`, or -1 when one of its coordinates is out of range.
template <typename Index>
inline int64_t NdSliceOffset(const NdSlices& s, const Index* indices, int64_t t) {
  const Index* coords = indices + t * s.nd;
  int64_t offset = 0;
  for (int j = 0; j < s.nd; ++j) {
    const int64_t c = coords[j];
    if (c < 0 || c >= s.dims[j]) return -1;
    offset += c * s.strides[j];
  }
  return offset;
}

// "[1, 7]": tuple t of the indices, for messages.
template <typename Index>
std::string NdTupleToString(const Index* indices, int64_t t, int nd) {
  std::string s = "[";
  for (int j = 0; j < nd; ++j) s += (j ? ", " : "") + std::to_string(static_cast<int64_t>(indices[t * nd + j]));
  return s + "]";
}

// out[t] = params slice of tuple t, moving `element_bytes`-byte elements. Returns the first tuple out of range
// (the output is then incomplete), or -1.
template <typename Index>
inline int64_t GatherNd(const NdSlices& s, const void* params, const Index* indices, int64_t element_bytes,
                        void* out) {
  const size_t slice_bytes = static_cast<size_t>(s.slice_size * element_bytes);
  for (int64_t t = 0; t < s.count; ++t) {
    const int64_t offset = NdSliceOffset(s, indices, t);
    if (offset < 0) return t;
    if (slice_bytes == 0) continue;  // empty slices: params may have no data at all
    std::memcpy(static_cast<uint8_t*>(out) + t * slice_bytes,
                static_cast<const uint8_t*>(params) + offset * element_bytes, slice_bytes);
  }
  return -1;
}

// Adds the updates of tuple t into `out` (zeroed first, output_size elements); updates that meet add up,
// wrapping for integers and as OR for bool. Returns the first tuple out of range, or -1.
template <typename T, typename Index>
inline int64_t ScatterNd(const NdSlices& s, const Index* indices, const T* updates, int64_t output_size, T* out) {
  for (int64_t i = 0; i < output_size; ++i) out[i] = T(0);
  for (int64_t t = 0; t < s.count; ++t) {
    const int64_t offset = NdSliceOffset(s, indices, t);
    if (offset < 0) return t;
    T* dst = out + offset;
    const T* src = updates + t * s.slice_size;
    for (int64_t i = 0; i < s.slice_size; ++i) {
      if constexpr (std::is_same_v<T, bool>) {
        dst[i] = dst[i] || src[i];
      } else if constexpr (std::is_integral_v<T>) {
        using U = std::make_unsigned_t<T>;
        dst[i] = static_cast<T>(static_cast<U>(static_cast<U>(dst[i]) + static_cast<U>(src[i])));
      } else {
        dst[i] += src[i];
      }
    }
  }
  return -1;
}

}  // namespace reference
}  // namespace edgelite
