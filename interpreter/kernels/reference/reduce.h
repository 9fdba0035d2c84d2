// Sum-reductions (SUM, MEAN) over a set of axes, as .tflite's reference kernels compute them. Plain math,
// no framework types.
#pragma once

#include <cstdint>
#include <vector>

namespace edgelite {
namespace reference {

// Sums a row-major tensor of shape `dims` over the axes flagged in `reduced`. Outputs are in row-major
// order over the kept axes (keep_dims changes the output's shape, never its layout). Each output adds its
// inputs in increasing input order in an `Acc`, as .tflite's reference does, and stores finish(acc):
// a cast for SUM, a division by the count for MEAN.
template <typename T, typename Acc, typename Finish>
void ReduceSum(const T* in, const std::vector<int32_t>& dims, const std::vector<bool>& reduced, T* out,
               Finish finish) {
  const int rank = static_cast<int>(dims.size());
  std::vector<int64_t> stride(rank, 1);
  for (int a = rank - 2; a >= 0; --a) stride[a] = stride[a + 1] * dims[a + 1];
  std::vector<int32_t> kept_size, red_size;
  std::vector<int64_t> kept_stride, red_stride;
  int64_t num_out = 1, num_red = 1;
  for (int a = 0; a < rank; ++a) {
    if (reduced[a]) {
      red_size.push_back(dims[a]);
      red_stride.push_back(stride[a]);
      num_red *= dims[a];
    } else {
      kept_size.push_back(dims[a]);
      kept_stride.push_back(stride[a]);
      num_out *= dims[a];
    }
  }
  // Input offset of the multi-index `linear` (row-major over `size`) with the given strides.
  auto offset = [](int64_t linear, const std::vector<int32_t>& size, const std::vector<int64_t>& strides) {
    int64_t off = 0;
    for (int i = static_cast<int>(size.size()) - 1; i >= 0; --i) {
      off += (linear % size[i]) * strides[i];
      linear /= size[i];
    }
    return off;
  };
  for (int64_t o = 0; o < num_out; ++o) {
    const int64_t base = offset(o, kept_size, kept_stride);
    Acc acc = Acc(0);
    for (int64_t r = 0; r < num_red; ++r) acc += static_cast<Acc>(in[base + offset(r, red_size, red_stride)]);
    out[o] = finish(acc);
  }
}

}  // namespace reference
}  // namespace edgelite
