// Constant padding of an N-D tensor: plain math, no framework types. The innermost axis is copied as one
// contiguous run, and each padded region is one contiguous fill.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace edgelite {
namespace reference {

struct PadLayout {
  std::vector<int64_t> in_dims, before, after;  // per axis
  std::vector<int64_t> in_strides, out_strides;  // elements per step of each axis
};

// Fills `l` for `in_dims` padded by `before`/`after` (reusing its vectors' capacity). Trailing axes without
// padding are folded into the axis before them, so e.g. an NHWC spatial pad copies whole W*C rows.
inline void MakePadLayout(const std::vector<int32_t>& in_dims, const std::vector<int32_t>& before,
                          const std::vector<int32_t>& after, PadLayout* l) {
  l->in_dims.assign(in_dims.begin(), in_dims.end());
  l->before.assign(before.begin(), before.end());
  l->after.assign(after.begin(), after.end());
  while (l->in_dims.size() > 1 && l->before.back() == 0 && l->after.back() == 0) {
    const int64_t inner = l->in_dims.back();
    l->in_dims.pop_back();
    l->before.pop_back();
    l->after.pop_back();
    l->in_dims.back() *= inner;
    l->before.back() *= inner;
    l->after.back() *= inner;
  }
  // Leading size-1 axes without padding only nest the rest: drop them, so the outermost axis that is
  // split over threads is one with work in it.
  size_t lead = 0;
  while (lead + 1 < l->in_dims.size() && l->in_dims[lead] == 1 && l->before[lead] == 0 && l->after[lead] == 0) ++lead;
  l->in_dims.erase(l->in_dims.begin(), l->in_dims.begin() + lead);
  l->before.erase(l->before.begin(), l->before.begin() + lead);
  l->after.erase(l->after.begin(), l->after.begin() + lead);
  const size_t rank = l->in_dims.size();
  l->in_strides.assign(rank, 1);
  l->out_strides.assign(rank, 1);
  for (size_t a = rank; a-- > 1;) {
    l->in_strides[a - 1] = l->in_strides[a] * l->in_dims[a];
    l->out_strides[a - 1] =
        l->out_strides[a] * (l->before[a] + l->in_dims[a] + l->after[a]);
  }
}

// Pads input elements [k_begin, k_end) of `axis` (and everything inside them). `in` and `out` point at the
// start of the enclosing block of that axis; the padding before/after this axis is written by the caller
// (see PadAxisBorders) so that ranges of one axis can run on different threads.
template <typename T>
void PadAxisRange(const PadLayout& l, size_t axis, int64_t k_begin, int64_t k_end, const T* in, T* out,
                  T value) {
  const size_t rank = l.in_dims.size();
  if (axis + 1 == rank) {
    std::memcpy(out + l.before[axis] + k_begin, in + k_begin, (k_end - k_begin) * sizeof(T));
    return;
  }
  for (int64_t k = k_begin; k < k_end; ++k) {
    const T* in_k = in + k * l.in_strides[axis];
    T* out_k = out + (l.before[axis] + k) * l.out_strides[axis];
    const size_t next = axis + 1;
    std::fill(out_k, out_k + l.before[next] * l.out_strides[next], value);
    PadAxisRange(l, next, 0, l.in_dims[next], in_k, out_k, value);
    const int64_t tail = (l.before[next] + l.in_dims[next]) * l.out_strides[next];
    std::fill(out_k + tail, out_k + tail + l.after[next] * l.out_strides[next], value);
  }
}

// Writes the padding before and after `axis` within one block of it.
template <typename T>
void PadAxisBorders(const PadLayout& l, size_t axis, T* out, T value) {
  const int64_t stride = l.out_strides[axis];
  std::fill(out, out + l.before[axis] * stride, value);
  const int64_t tail = (l.before[axis] + l.in_dims[axis]) * stride;
  std::fill(out + tail, out + tail + l.after[axis] * stride, value);
}

// The whole tensor, single-threaded. A rank-0 input is copied as is.
template <typename T>
void Pad(const PadLayout& l, const T* in, T* out, T value) {
  if (l.in_dims.empty()) {
    out[0] = in[0];
    return;
  }
  PadAxisBorders(l, 0, out, value);
  PadAxisRange(l, 0, 0, l.in_dims[0], in, out, value);
}

}  // namespace reference
}  // namespace edgelite
