// Conv3D and Conv3DBackpropInputV2 (the transposed convolution tf.nn.conv3d_transpose writes) over NDHWC
// volumes, filters [kd, kh, kw, in_channels / groups, out_channels], strides, dilations and SAME/VALID
// padding, accumulating in the element type as TF's CPU kernels do. A filter with fewer input channels
// than the input is a grouped convolution (out_channels divisible by the group count).
#include "delegates/select/kernels/window3d.h"

namespace edgelite::select {
namespace {

bool IsBackprop(const OpContext& c) { return c.op() == "Conv3DBackpropInputV2"; }

// The convolution's input (x) shape: input 0 of Conv3D, the input_sizes values of the backprop.
Shape ConvInputShape(const OpContext& c) {
  if (!IsBackprop(c)) return c.input(0).shape();
  const std::vector<int64_t> sizes = c.InputInts(0);
  if (sizes.size() != 5) c.Fail("input_sizes must have 5 values, has ", sizes.size());
  for (int64_t s : sizes) {
    if (s < 0 || s > (1 << 30)) c.Fail("input_sizes value ", s, " is out of range");
  }
  return Shape(sizes.begin(), sizes.end());
}

struct ConvGeometry {
  Shape x, filter, y;  // conv input, filter, conv output
  Window3d w;
  int64_t groups;
};

ConvGeometry Geometry(const OpContext& c) {
  ConvGeometry g;
  g.x = ConvInputShape(c);
  g.filter = c.input(1).shape();
  if (g.filter.size() != 5) c.Fail("filter must be 5-D [depth, rows, cols, in_channels, out_channels]");
  if (g.filter[3] <= 0 || g.x[4] % g.filter[3] != 0) {
    c.Fail("input channels ", g.x[4], " are not a multiple of the filter's ", g.filter[3]);
  }
  g.groups = g.x[4] / g.filter[3];
  if (g.filter[4] % g.groups != 0) c.Fail("out channels ", g.filter[4], " are not divisible by ", g.groups, " groups");
  const int64_t in[3] = {g.x[1], g.x[2], g.x[3]};
  g.w = MakeWindow3d(c, in, {g.filter[0], g.filter[1], g.filter[2]}, SpatialAttr(c, "strides", 0),
                     SpatialAttr(c, "dilations", 1));
  g.y = {g.x[0], static_cast<int32_t>(g.w.out[0]), static_cast<int32_t>(g.w.out[1]),
         static_cast<int32_t>(g.w.out[2]), g.filter[4]};
  return g;
}

void Check(OpContext& c) {
  CheckNdhwc(c);
  const int data = IsBackprop(c) ? 2 : 0;
  const TensorView x = c.input(data), filter = c.input(1);
  if (x.rank() != 5) c.Fail(IsBackprop(c) ? "out_backprop" : "input", " must be 5-D NDHWC, has rank ", x.rank());
  Dispatch(FloatTypes{}, c, x.type(), "input", [](auto) {});
  c.ExpectSameType(x, filter, "input", "filter");
  c.ExpectOutputType(0, x.type());
  if (IsBackprop(c)) {
    Dispatch(IndexTypes{}, c, c.input(0).type(), "input_sizes", [](auto) {});
  } else {
    Geometry(c);
  }
}

void ConvShape(OpContext& c) {
  const ConvGeometry g = Geometry(c);
  if (!IsBackprop(c)) return c.ResizeOutput(0, g.y);
  if (c.input(2).shape() != g.y) c.Fail("out_backprop's shape does not match the convolution of input_sizes");
  c.ResizeOutput(0, g.x);
}

// Calls f(x_offset, y_offset, filter_offset) for every (output position, tap) pair inside the input,
// offsets pointing at channel 0 of the pixel / filter tap.
template <typename F>
void ForEachTap(const ConvGeometry& g, F f) {
  const Window3d& w = g.w;
  const int64_t ci = g.x[4], co = g.filter[4];
  for (int64_t b = 0; b < g.x[0]; ++b)
    for (int64_t od = 0; od < w.out[0]; ++od)
      for (int64_t oh = 0; oh < w.out[1]; ++oh)
        for (int64_t ow = 0; ow < w.out[2]; ++ow) {
          const int64_t yo = (((b * w.out[0] + od) * w.out[1] + oh) * w.out[2] + ow) * co;
          for (int64_t kd = 0; kd < w.size[0]; ++kd) {
            const int64_t d = od * w.stride[0] - w.pad[0] + kd * w.dilation[0];
            if (d < 0 || d >= g.x[1]) continue;
            for (int64_t kh = 0; kh < w.size[1]; ++kh) {
              const int64_t h = oh * w.stride[1] - w.pad[1] + kh * w.dilation[1];
              if (h < 0 || h >= g.x[2]) continue;
              for (int64_t kw = 0; kw < w.size[2]; ++kw) {
                const int64_t x = ow * w.stride[2] - w.pad[2] + kw * w.dilation[2];
                if (x < 0 || x >= g.x[3]) continue;
                const int64_t xo = (((b * g.x[1] + d) * g.x[2] + h) * g.x[3] + x) * ci;
                const int64_t fo = ((kd * w.size[1] + kh) * w.size[2] + kw) * g.filter[3] * co;
                f(xo, yo, fo);
              }
            }
          }
        }
}

void Eval(OpContext& c) {
  const ConvGeometry g = Geometry(c);
  const bool backprop = IsBackprop(c);
  const TensorView filter = c.input(1), out = c.output(0);
  const int64_t fin = g.filter[3], co = g.filter[4], per_group = co / g.groups;
  Dispatch(FloatTypes{}, c, filter.type(), "filter", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* w = filter.data<T>();
    T* dst = out.data<T>();
    std::fill(dst, dst + out.num_elements(), T(0));
    if (!backprop) {
      const T* x = c.input(0).data<T>();
      ForEachTap(g, [&](int64_t xo, int64_t yo, int64_t fo) {
        for (int64_t o = 0; o < co; ++o) {
          const int64_t first = (o / per_group) * fin;
          T sum = 0;
          for (int64_t i = 0; i < fin; ++i) sum += x[xo + first + i] * w[fo + i * co + o];
          dst[yo + o] += sum;
        }
      });
    } else {
      // The input gradient: every output position scatters dy through the filter taps it read.
      const T* dy = c.input(2).data<T>();
      ForEachTap(g, [&](int64_t xo, int64_t yo, int64_t fo) {
        for (int64_t o = 0; o < co; ++o) {
          const int64_t first = (o / per_group) * fin;
          const T grad = dy[yo + o];
          for (int64_t i = 0; i < fin; ++i) dst[xo + first + i] += grad * w[fo + i * co + o];
        }
      });
    }
  });
}

}  // namespace

const std::vector<KernelDef>& Conv3dKernels() {
  static const std::vector<KernelDef> kernels = {
      KernelDef{"Conv3D", 2, 2, 1, Check, ConvShape, Eval},
      KernelDef{"Conv3DBackpropInputV2", 3, 3, 1, Check, ConvShape, Eval, 1u << 0},
  };
  return kernels;
}

}  // namespace edgelite::select
