// Geometry of a 2-D windowed op over NHWC tensors (convolution, depthwise convolution, pooling) once
// padding has been resolved to explicit offsets. Plain data, shared by reference and optimized kernels.
#pragma once

#include "interpreter/kernels/always_inline.h"

namespace edgelite {
namespace reference {

struct WindowGeometry {
  int batch = 1;
  int in_h = 0, in_w = 0, in_c = 0;
  int out_h = 0, out_w = 0, out_c = 0;
  int filter_h = 1, filter_w = 1;
  int stride_h = 1, stride_w = 1;
  int dilation_h = 1, dilation_w = 1;
  int pad_top = 0, pad_left = 0;  // padding before the first row / column; the odd pixel of SAME goes after
};

// The output columns [*lo, *hi) whose windows lie inside the input horizontally (every tap of the row in
// range), where kernels step tap pointers instead of checking bounds.
EL_ALWAYS_INLINE void InteriorColumns(const WindowGeometry& g, int* lo, int* hi) {
  const int span = (g.filter_w - 1) * g.dilation_w;
  const int first = (g.pad_left + g.stride_w - 1) / g.stride_w;
  *lo = first < g.out_w ? first : g.out_w;
  const int last = g.in_w - 1 - span + g.pad_left;  // interior while ox * stride_w <= last
  const int end = last < 0 ? *lo : last / g.stride_w + 1;
  *hi = end < *lo ? *lo : (end < g.out_w ? end : g.out_w);
}

}  // namespace reference
}  // namespace edgelite
