// The .tflite sparse tensor format, expanded to a dense array. A sparse tensor stores only the values
// its index structure reaches: the dense shape, optionally cut into blocks (block_map), is walked as
// "levels" in traversal order; a DENSE level visits every index, a SPARSE_CSR level only the indices
// listed for its parent position (array_segments[p] .. array_segments[p + 1] into array_indices).
// Values are stored in the order the walk reaches them. Plain math, no framework types.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

namespace edgelite {
namespace reference {

// A read-only view of an index array stored as int32, uint16 or uint8 (the model's own memory).
struct IndexView {
  const uint8_t* data = nullptr;
  int64_t size = 0;
  int width = 4;  // bytes per entry: 4 (int32), 2 (uint16) or 1 (uint8)

  int64_t operator[](int64_t i) const {
    switch (width) {
      case 1: return data[i];
      case 2: {
        uint16_t v;
        std::memcpy(&v, data + 2 * i, 2);
        return v;
      }
      default: {
        int32_t v;
        std::memcpy(&v, data + 4 * i, 4);
        return v;
      }
    }
  }
};

// One level of the walk, in traversal order.
struct SparseLevel {
  bool sparse = false;      // SPARSE_CSR; else DENSE
  int64_t size = 0;         // number of indices along this level
  int64_t dest_stride = 0;  // dense elements one index step of this level moves by
  IndexView segments, indices;  // SPARSE_CSR only
};

struct SparseFormat {
  std::vector<SparseLevel> levels;
  int64_t num_values = 0;  // values the walk reaches (checked against the stored count)
};

namespace internal {
template <typename T>
void DensifyLevel(const SparseFormat& f, size_t level, int64_t position, int64_t dest, const T* values,
                  int64_t* next_value, T* dense) {
  if (level == f.levels.size()) {
    dense[dest] = values[(*next_value)++];
    return;
  }
  const SparseLevel& l = f.levels[level];
  if (!l.sparse) {
    for (int64_t i = 0; i < l.size; ++i)
      DensifyLevel(f, level + 1, position * l.size + i, dest + i * l.dest_stride, values, next_value, dense);
  } else {
    const int64_t end = l.segments[position + 1];
    for (int64_t k = l.segments[position]; k < end; ++k)
      DensifyLevel(f, level + 1, k, dest + l.indices[k] * l.dest_stride, values, next_value, dense);
  }
}
}  // namespace internal

// Writes the stored values to their places in `dense`, which the caller has zero-filled. The format must
// have been checked: segments non-decreasing and in range, indices below their level's size.
template <typename T>
void Densify(const SparseFormat& f, const T* values, T* dense) {
  int64_t next_value = 0;
  internal::DensifyLevel(f, 0, 0, 0, values, &next_value, dense);
}

}  // namespace reference
}  // namespace edgelite
