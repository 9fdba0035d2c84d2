// Strided slice: resolving the begin/end/strides spec with its masks into per-axis ranges (the copy
// itself is in the kernel). Plain math, no framework types. The range rules are those of the .tflite
// kernel (clamp, then masks; `offset` makes end relative to begin); the spec expansion (ellipsis, new
// axes) is TensorFlow's.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>

namespace edgelite {
namespace reference {

constexpr int kMaxStridedSliceRank = 8;   // input axes, and output axes before shrinking
constexpr int kMaxStridedSliceSpec = 32;  // entries of begin/end/strides (masks are 32-bit)

struct StridedSliceSpec {
  int count = 0;  // entries in begin, end and strides
  int64_t begin[kMaxStridedSliceSpec], end[kMaxStridedSliceSpec], strides[kMaxStridedSliceSpec];
  int32_t begin_mask = 0, end_mask = 0, ellipsis_mask = 0, new_axis_mask = 0, shrink_axis_mask = 0;
  bool offset = false;  // end[i] counts from the resolved begin: end = begin + end[i]
};

// One input axis as the slice reads it: input indices start, start + stride, ... (count of them).
struct SliceAxis {
  int64_t size = 0;  // input dimension
  int64_t start = 0, stride = 1, count = 0;
};

struct StridedSlicePlan {
  int rank = 0;  // input rank; axes[a] is input axis a
  SliceAxis axes[kMaxStridedSliceRank];
  int out_rank = 0;
  int32_t out_dims[kMaxStridedSliceRank];  // after new axes are inserted and shrunk axes removed
};

// Start of the range along one axis: a negative begin counts from the end; the result is clamped to
// [0, size] going forward and [-1, size - 1] going backward; begin_mask then takes the first element in
// the direction of travel.
inline int64_t SliceStart(int64_t begin, int64_t stride, int64_t size, bool masked) {
  if (masked) return stride > 0 ? 0 : size - 1;
  if (begin < 0) begin += size;
  return stride > 0 ? std::min(std::max(begin, int64_t{0}), size)
                    : std::min(std::max(begin, int64_t{-1}), size - 1);
}

// End (exclusive) of the range, with the same rules. With `offset` the end is start + end, an absolute
// index that is clamped but not counted from the back (LiteRT does the same; -1 then means "through
// element 0" going backward).
inline int64_t SliceEnd(int64_t end, int64_t start, int64_t stride, int64_t size, bool masked, bool offset) {
  if (masked) return stride > 0 ? size : -1;
  if (offset) {
    // Bounded first so that int64 extremes cannot overflow; anything past +-2*size clamps the same.
    end = std::min(std::max(end, -2 * size - 2), 2 * size + 2) + start;
  } else if (end < 0) {
    end += size;
  }
  return stride > 0 ? std::min(std::max(end, int64_t{0}), size) : std::min(std::max(end, int64_t{-1}), size - 1);
}

inline int PopCount(uint32_t v) {
  int n = 0;
  for (; v; v &= v - 1) ++n;
  return n;
}

// Resolves `spec` against an input of `rank` dims. Returns false and sets `error` for specs that
// TensorFlow rejects (several ellipses, more indexed axes than the input has, zero stride, a shrunk
// index out of range or with a negative stride) instead of reading out of bounds.
inline bool ResolveStridedSlice(int rank, const int32_t* dims, const StridedSliceSpec& spec,
                                StridedSlicePlan* plan, std::string* error) {
  const int n = spec.count;
  if (n < 0 || n > kMaxStridedSliceSpec) {
    *error = "begin/end/strides have " + std::to_string(n) + " entries (at most 32)";
    return false;
  }
  if (rank > kMaxStridedSliceRank) {
    *error = "input rank " + std::to_string(rank) + " is not supported (at most 8)";
    return false;
  }
  // Mask bits past the spec have no index to refer to; TensorFlow ignores them.
  const uint32_t valid = n >= 32 ? 0xffffffffu : (1u << n) - 1;
  const uint32_t ellipsis = static_cast<uint32_t>(spec.ellipsis_mask) & valid;
  const uint32_t new_axis = static_cast<uint32_t>(spec.new_axis_mask) & valid & ~ellipsis;
  const uint32_t shrink = static_cast<uint32_t>(spec.shrink_axis_mask) & valid & ~new_axis & ~ellipsis;
  if (PopCount(ellipsis) > 1) {
    *error = "ellipsis_mask has more than one bit set";
    return false;
  }
  const int indexed = n - PopCount(ellipsis) - PopCount(new_axis);  // spec entries that consume an input axis
  if (indexed > rank) {
    *error = "the slice indexes " + std::to_string(indexed) + " axes but the input has rank " + std::to_string(rank);
    return false;
  }
  if (rank + PopCount(new_axis) > kMaxStridedSliceRank) {
    *error = "the output would have more than 8 dimensions before shrinking";
    return false;
  }
  plan->rank = rank;
  plan->out_rank = 0;
  int axis = 0;  // next input axis
  auto full_axis = [&](int a) {
    plan->axes[a] = SliceAxis{dims[a], 0, 1, dims[a]};
    plan->out_dims[plan->out_rank++] = dims[a];
  };
  for (int i = 0; i < n; ++i) {
    const uint32_t bit = 1u << i;
    if (ellipsis & bit) {
      // The ellipsis stands for every input axis that the entries after it do not index.
      const int after = n - i - 1 - PopCount(new_axis & ~((bit << 1) - 1));
      for (const int stop = rank - after; axis < stop; ++axis) full_axis(axis);
      continue;
    }
    if (new_axis & bit) {
      plan->out_dims[plan->out_rank++] = 1;
      continue;
    }
    const int64_t size = dims[axis];
    const int64_t stride = spec.strides[i];
    if (stride == 0) {
      *error = "strides[" + std::to_string(i) + "] is 0";
      return false;
    }
    SliceAxis& s = plan->axes[axis];
    s.size = size;
    s.stride = stride;
    s.start = SliceStart(spec.begin[i], stride, size, spec.begin_mask & bit);
    if (shrink & bit) {
      if (stride < 0) {
        *error = "shrink_axis_mask indexes axis " + std::to_string(axis) + " with negative stride";
        return false;
      }
      // TensorFlow refuses an index outside the axis (.tflite would clamp it and read garbage).
      int64_t index = spec.begin[i] < 0 ? spec.begin[i] + size : spec.begin[i];
      if (spec.begin_mask & bit) index = s.start;
      if (index < 0 || index >= size) {
        *error = "index " + std::to_string(spec.begin[i]) + " is out of range for axis " + std::to_string(axis) +
                 " of size " + std::to_string(size);
        return false;
      }
      s.count = 1;
    } else {
      const int64_t end = SliceEnd(spec.end[i], s.start, stride, size, spec.end_mask & bit, spec.offset);
      // Elements start, start + stride, ... strictly before end (after it, going backward).
      const int64_t span = stride > 0 ? end - s.start : s.start - end;
      const int64_t step = stride > 0 ? stride : -stride;
      s.count = span > 0 ? (span + step - 1) / step : 0;
      plan->out_dims[plan->out_rank++] = static_cast<int32_t>(s.count);
    }
    ++axis;
  }
  while (axis < rank) full_axis(axis++);  // axes past the spec are taken whole
  return true;
}

}  // namespace reference
}  // namespace edgelite
