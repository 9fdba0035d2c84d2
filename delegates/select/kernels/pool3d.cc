// AvgPool3D and MaxPool3D over NDHWC volumes with SAME/VALID padding. As in TF, padded positions take
// no part: the average divides by the number of in-bounds elements of each window.
#include <limits>

#include "delegates/select/kernels/window3d.h"

namespace edgelite::select {
namespace {

Window3d PoolWindow(const OpContext& c) {
  const TensorView x = c.input(0);
  const int64_t in[3] = {x.dim(1), x.dim(2), x.dim(3)};
  return MakeWindow3d(c, in, SpatialAttr(c, "ksize", 0), SpatialAttr(c, "strides", 0), {1, 1, 1});
}

void Check(OpContext& c) {
  const TensorView x = c.input(0);
  if (x.rank() != 5) c.Fail("input must be 5-D NDHWC, has rank ", x.rank());
  Dispatch(FloatTypes{}, c, x.type(), "input", [](auto) {});
  c.ExpectOutputType(0, x.type());
  CheckNdhwc(c);
  PoolWindow(c);
}

void PoolShape(OpContext& c) {
  const TensorView x = c.input(0);
  const Window3d w = PoolWindow(c);
  c.ResizeOutput(0, {x.dim(0), static_cast<int32_t>(w.out[0]), static_cast<int32_t>(w.out[1]),
                     static_cast<int32_t>(w.out[2]), x.dim(4)});
}

void Eval(OpContext& c) {
  const TensorView x = c.input(0), y = c.output(0);
  const Window3d w = PoolWindow(c);
  const bool average = c.op() == "AvgPool3D";
  const int64_t batch = x.dim(0), in[3] = {x.dim(1), x.dim(2), x.dim(3)}, depth = x.dim(4);
  Dispatch(FloatTypes{}, c, x.type(), "input", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* src = x.data<T>();
    T* out = y.data<T>();
    std::vector<T> acc(depth);
    for (int64_t b = 0; b < batch; ++b) {
      for (int64_t od = 0; od < w.out[0]; ++od) {
        for (int64_t oh = 0; oh < w.out[1]; ++oh) {
          for (int64_t ow = 0; ow < w.out[2]; ++ow) {
            const int64_t start[3] = {od * w.stride[0] - w.pad[0], oh * w.stride[1] - w.pad[1],
                                      ow * w.stride[2] - w.pad[2]};
            int64_t lo[3], hi[3];
            for (int i = 0; i < 3; ++i) {
              lo[i] = std::max<int64_t>(start[i], 0);
              hi[i] = std::min(start[i] + w.size[i], in[i]);
            }
            std::fill(acc.begin(), acc.end(), average ? T(0) : -std::numeric_limits<T>::infinity());
            int64_t count = 0;
            for (int64_t d = lo[0]; d < hi[0]; ++d) {
              for (int64_t h = lo[1]; h < hi[1]; ++h) {
                for (int64_t x0 = lo[2]; x0 < hi[2]; ++x0) {
                  const T* px = src + (((b * in[0] + d) * in[1] + h) * in[2] + x0) * depth;
                  for (int64_t ch = 0; ch < depth; ++ch) acc[ch] = average ? acc[ch] + px[ch] : std::max(acc[ch], px[ch]);
                  ++count;
                }
              }
            }
            for (int64_t ch = 0; ch < depth; ++ch) *out++ = average ? acc[ch] / static_cast<T>(count) : acc[ch];
          }
        }
      }
    }
  });
}

}  // namespace

const std::vector<KernelDef>& Pool3dKernels() {
  static const std::vector<KernelDef> kernels = {
      KernelDef{"AvgPool3D", 1, 1, 1, Check, PoolShape, Eval},
      KernelDef{"MaxPool3D", 1, 1, 1, Check, PoolShape, Eval},
  };
  return kernels;
}

}  // namespace edgelite::select
