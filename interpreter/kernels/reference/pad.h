// Padding of an N-D tensor, constant (PAD/PADV2) or mirrored (MIRROR_PAD): plain math, no framework types.
// The innermost axis is copied as one contiguous run; each padded region is one contiguous fill, or for
// mirror padding one copy per padded slice from the already written interior.
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
  // Elements per index of the last axis as the caller gave it: the product of the unpadded trailing axes
  // folded into it. Mirror padding reflects whole such units, never the elements inside one.
  int64_t last_axis_unit = 1;
};

// Fills `l` for `in_dims` padded by `before`/`after` (reusing its vectors' capacity). Trailing axes without
// padding are folded into the axis before them, so e.g. an NHWC spatial pad copies whole W*C rows.
inline void MakePadLayout(const std::vector<int32_t>& in_dims, const std::vector<int32_t>& before,
                          const std::vector<int32_t>& after, PadLayout* l) {
  l->in_dims.assign(in_dims.begin(), in_dims.end());
  l->before.assign(before.begin(), before.end());
  l->after.assign(after.begin(), after.end());
  l->last_axis_unit = 1;
  while (l->in_dims.size() > 1 && l->before.back() == 0 && l->after.back() == 0) {
    const int64_t inner = l->in_dims.back();
    l->in_dims.pop_back();
    l->before.pop_back();
    l->after.pop_back();
    l->in_dims.back() *= inner;
    l->before.back() *= inner;
    l->after.back() *= inner;
    l->last_axis_unit = inner;  // `inner` already holds the axes folded before it
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

// Border policies: fill the padding before and after `axis` within one output block of that axis, whose
// interior (and everything inside it) is already written.
template <typename T>
struct ConstantBorders {
  T value;
  void operator()(const PadLayout& l, size_t axis, T* block) const {
    const int64_t stride = l.out_strides[axis];
    std::fill(block, block + l.before[axis] * stride, value);
    const int64_t tail = (l.before[axis] + l.in_dims[axis]) * stride;
    std::fill(block + tail, block + tail + l.after[axis] * stride, value);
  }
};

// REFLECT (offset 1: the edge slice is not repeated) or SYMMETRIC (offset 0: it is). Needs padding below
// the axis size for REFLECT and at most the axis size for SYMMETRIC (checked by the caller).
struct MirrorBorders {
  int64_t offset;
  template <typename T>
  void operator()(const PadLayout& l, size_t axis, T* block) const {
    const bool last = axis + 1 == l.in_dims.size();
    const int64_t scale = last ? l.last_axis_unit : 1;  // folded elements per mirrored slice
    const int64_t unit = l.out_strides[axis] * scale;   // elements per mirrored slice
    if (unit == 0) return;
    const int64_t before = l.before[axis] / scale, n = l.in_dims[axis] / scale, after = l.after[axis] / scale;
    const size_t bytes = static_cast<size_t>(unit) * sizeof(T);
    // Output slice before + i holds input slice i.
    for (int64_t j = 0; j < before; ++j) {
      std::memcpy(block + j * unit, block + (2 * before - 1 - j + offset) * unit, bytes);
    }
    for (int64_t k = 0; k < after; ++k) {
      std::memcpy(block + (before + n + k) * unit, block + (before + n - 1 - offset - k) * unit, bytes);
    }
  }
};

// Pads input elements [k_begin, k_end) of `axis` (and everything inside them). `in` and `out` point at the
// start of the enclosing block of that axis; the padding before/after this axis is written by the caller
// (borders(l, axis, out) once the whole axis is done) so that ranges of one axis can run on different
// threads.
template <typename T, typename Borders>
void PadAxisRange(const PadLayout& l, size_t axis, int64_t k_begin, int64_t k_end, const T* in, T* out,
                  const Borders& borders) {
  const size_t rank = l.in_dims.size();
  if (axis + 1 == rank) {
    std::memcpy(out + l.before[axis] + k_begin, in + k_begin, (k_end - k_begin) * sizeof(T));
    return;
  }
  const size_t next = axis + 1;
  for (int64_t k = k_begin; k < k_end; ++k) {
    T* out_k = out + (l.before[axis] + k) * l.out_strides[axis];
    PadAxisRange(l, next, 0, l.in_dims[next], in + k * l.in_strides[axis], out_k, borders);
    borders(l, next, out_k);
  }
}

// The whole tensor, single-threaded. A rank-0 input is copied as is.
template <typename T, typename Borders>
void Pad(const PadLayout& l, const T* in, T* out, const Borders& borders) {
  if (l.in_dims.empty()) {
    out[0] = in[0];
    return;
  }
  PadAxisRange(l, 0, 0, l.in_dims[0], in, out, borders);
  borders(l, 0, out);
}

}  // namespace reference
}  // namespace edgelite
