// REVERSE_V2 and REVERSE_SEQUENCE moving bytes (elements of any fixed size). Plain math, no framework types.
#pragma once

#include <cstdint>
#include <cstring>

namespace edgelite {
namespace reference {

// Copies the block of axes axis.. from `in` to `out` with the axes in `reversed` flipped; the axes from
// `contiguous_from` on are not flipped, so their block (`stride[contiguous_from]` bytes) moves in one copy.
// stride[a]: bytes of one block of axes a + 1.. (rank entries).
inline void ReverseAxis(const int32_t* dims, const uint8_t* reversed, const int64_t* stride, int contiguous_from,
                        const uint8_t* in, uint8_t* out, int axis) {
  if (axis == contiguous_from) {
    std::memcpy(out, in, static_cast<size_t>(axis == 0 ? 0 : stride[axis - 1]));
    return;
  }
  const int32_t n = dims[axis];
  for (int32_t i = 0; i < n; ++i) {
    const int32_t j = reversed[axis] ? n - 1 - i : i;
    ReverseAxis(dims, reversed, stride, contiguous_from, in + i * stride[axis], out + j * stride[axis], axis + 1);
  }
}

// `stride` is scratch of rank entries. A scalar, or no reversed axis, is one copy of total_bytes.
inline void Reverse(const int32_t* dims, int rank, const uint8_t* reversed, int64_t element_bytes, int64_t* stride,
                    const void* in, void* out, int64_t total_bytes) {
  int contiguous_from = rank;
  while (contiguous_from > 0 && !reversed[contiguous_from - 1]) --contiguous_from;
  if (contiguous_from == 0) {
    std::memcpy(out, in, static_cast<size_t>(total_bytes));
    return;
  }
  int64_t bytes = element_bytes;
  for (int a = rank - 1; a >= 0; --a) {
    stride[a] = bytes;
    bytes *= dims[a];
  }
  // The block the recursion copies at contiguous_from is stride[contiguous_from - 1] bytes.
  ReverseAxis(dims, reversed, stride, contiguous_from, static_cast<const uint8_t*>(in), static_cast<uint8_t*>(out),
              0);
}

// REVERSE_SEQUENCE over the view [outer, dims[first], middle, dims[second], inner] (first < second are the
// batch and sequence axes in either order): for batch row b, the first lengths[b] steps along the sequence
// axis reversed, the rest copied. `inner_bytes` is one innermost block.
template <typename Length>
void ReverseSequence(int64_t outer, int32_t first, int64_t middle, int32_t second, int64_t inner_bytes,
                     bool batch_is_first, const Length* lengths, const void* in, void* out) {
  const auto* src = static_cast<const uint8_t*>(in);
  auto* dst = static_cast<uint8_t*>(out);
  for (int64_t o = 0; o < outer; ++o) {
    for (int32_t i = 0; i < first; ++i) {
      for (int64_t m = 0; m < middle; ++m) {
        for (int32_t j = 0; j < second; ++j) {
          const int64_t length = batch_is_first ? lengths[i] : lengths[j];
          const int32_t seq = batch_is_first ? j : i;
          const int32_t to = seq < length ? static_cast<int32_t>(length - 1 - seq) : seq;
          const int32_t ti = batch_is_first ? i : to, tj = batch_is_first ? to : j;
          const int64_t from_offset = (((o * first + i) * middle + m) * second + j) * inner_bytes;
          const int64_t to_offset = (((o * first + ti) * middle + m) * second + tj) * inner_bytes;
          std::memcpy(dst + to_offset, src + from_offset, static_cast<size_t>(inner_bytes));
        }
      }
    }
  }
}

}  // namespace reference
}  // namespace edgelite
