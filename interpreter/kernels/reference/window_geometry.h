// Geometry of a 2-D windowed op over NHWC tensors (convolution, depthwise convolution, pooling) once
// padding has been resolved to explicit offsets. Plain data, shared by reference and optimized kernels.
#pragma once

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

}  // namespace reference
}  // namespace edgelite
