// TILE's copy: the input repeated multiples[i] times along each axis i, moving bytes (elements of any fixed
// size). Plain math, no framework types.
#pragma once

#include <cstdint>
#include <cstring>

namespace edgelite {
namespace reference {

struct TileShape {
  const int32_t* dims = nullptr;       // input shape
  const int64_t* multiples = nullptr;  // one per axis
  const int64_t* block_bytes = nullptr;  // block_bytes[a]: bytes of one input block of axes a.. (rank + 1 entries)
  int rank = 0;
  int untiled_from = 0;  // the axes from here on all have multiple 1: their blocks copy as they are
};

// Writes the input block `in` of axes axis.. tiled into `out`; returns the bytes written. Each axis tiles its
// sub-blocks into place once, then repeats the finished block with memcpy, so each output byte is written once.
inline int64_t TileAxis(const TileShape& s, const uint8_t* in, uint8_t* out, int axis) {
  int64_t written = 0;
  if (axis >= s.untiled_from) {
    written = s.block_bytes[axis];
    std::memcpy(out, in, static_cast<size_t>(written));
    return written;
  }
  const int64_t sub = s.block_bytes[axis + 1];
  for (int32_t i = 0; i < s.dims[axis]; ++i) written += TileAxis(s, in + i * sub, out + written, axis + 1);
  for (int64_t m = 1; m < s.multiples[axis]; ++m) std::memcpy(out + m * written, out, static_cast<size_t>(written));
  return written * s.multiples[axis];
}

// Fills s.block_bytes (scratch of rank + 1 entries) and s.untiled_from, then tiles `in` into `out`. A scalar
// (rank 0) is copied once.
inline void Tile(const int32_t* dims, const int64_t* multiples, int rank, int64_t element_bytes, int64_t* block_bytes,
                 const void* in, void* out) {
  block_bytes[rank] = element_bytes;
  int untiled_from = rank;
  for (int a = rank - 1; a >= 0; --a) {
    block_bytes[a] = block_bytes[a + 1] * dims[a];
    if (multiples[a] == 1 && untiled_from == a + 1) untiled_from = a;
  }
  const TileShape s{dims, multiples, block_bytes, rank, untiled_from};
  TileAxis(s, static_cast<const uint8_t*>(in), static_cast<uint8_t*>(out), 0);
}

}  // namespace reference
}  // namespace edgelite
