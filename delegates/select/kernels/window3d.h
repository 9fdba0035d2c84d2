// Window geometry shared by the 3-D convolution and pooling kernels (NDHWC): per spatial axis the
// window size, stride, dilation, output size and leading padding, with TF's SAME/VALID rules (SAME puts
// the odd padding element at the end).
#pragma once

#include <algorithm>
#include <string>

#include "delegates/select/kernels/common.h"

namespace edgelite::select {

struct Window3d {
  int64_t size[3], stride[3], dilation[3], out[3], pad[3];
};

// A 5-entry attribute [1, d, h, w, 1] (ksize, strides, dilations); `fallback` when absent.
inline std::vector<int64_t> SpatialAttr(const OpContext& c, const char* attr, int64_t fallback) {
  const std::vector<int64_t> v = c.AttrInts(attr, std::vector<int64_t>(5, fallback));
  if (v.size() != 5 || v[0] != 1 || v[4] != 1) c.Unsupported(attr, "expected [1, depth, rows, cols, 1]");
  for (int64_t x : v) {
    if (x < 1) c.Unsupported(attr, "entries must be positive");
  }
  return {v[1], v[2], v[3]};
}

inline void CheckNdhwc(const OpContext& c) {
  if (c.AttrString("data_format", "NDHWC") != "NDHWC") c.Unsupported("data_format", "only NDHWC is implemented");
}

// in[3]: the input's spatial sizes; size[3]: the window.
inline Window3d MakeWindow3d(const OpContext& c, const int64_t* in, const std::vector<int64_t>& size,
                             const std::vector<int64_t>& stride, const std::vector<int64_t>& dilation) {
  const std::string padding = c.AttrString("padding");
  if (padding != "SAME" && padding != "VALID") c.Unsupported("padding", "expected SAME or VALID");
  Window3d w;
  for (int i = 0; i < 3; ++i) {
    w.size[i] = size[i], w.stride[i] = stride[i], w.dilation[i] = dilation[i];
    const int64_t extent = (size[i] - 1) * dilation[i] + 1;
    if (padding == "VALID") {
      w.out[i] = in[i] >= extent ? (in[i] - extent) / stride[i] + 1 : 0;
      w.pad[i] = 0;
    } else {
      w.out[i] = (in[i] + stride[i] - 1) / stride[i];
      w.pad[i] = std::max<int64_t>((w.out[i] - 1) * stride[i] + extent - in[i], 0) / 2;
    }
  }
  return w;
}

}  // namespace edgelite::select
