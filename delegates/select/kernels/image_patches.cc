// ExtractImagePatches: NHWC patches with strides, dilation (`rates`) and SAME/VALID padding (zeros
// outside the image), each patch flattened in (row, column, channel) order as TF does.
#include <cstring>

#include "delegates/select/kernels/common.h"

namespace edgelite::select {
namespace {

struct PatchGeometry {
  int64_t kr, kc, sr, sc, rr, rc, out_rows, out_cols, pad_top, pad_left;
};

int64_t Window(const OpContext& c, const char* attr, int i) {
  const std::vector<int64_t> v = c.AttrInts(attr);
  if (v.size() != 4 || v[0] != 1 || v[3] != 1) c.Unsupported(attr, "expected [1, rows, cols, 1]");
  if (v[i] < 1) c.Unsupported(attr, "entries must be positive");
  return v[i];
}

PatchGeometry Geometry(const OpContext& c) {
  const TensorView x = c.input(0);
  PatchGeometry g;
  g.kr = Window(c, "ksizes", 1), g.kc = Window(c, "ksizes", 2);
  g.sr = Window(c, "strides", 1), g.sc = Window(c, "strides", 2);
  g.rr = Window(c, "rates", 1), g.rc = Window(c, "rates", 2);
  const std::string padding = c.AttrString("padding");
  const int64_t er = g.kr + (g.kr - 1) * (g.rr - 1), ec = g.kc + (g.kc - 1) * (g.rc - 1);
  const int64_t rows = x.dim(1), cols = x.dim(2);
  if (padding == "VALID") {
    g.out_rows = rows >= er ? (rows - er) / g.sr + 1 : 0;
    g.out_cols = cols >= ec ? (cols - ec) / g.sc + 1 : 0;
    g.pad_top = g.pad_left = 0;
  } else if (padding == "SAME") {
    g.out_rows = (rows + g.sr - 1) / g.sr;
    g.out_cols = (cols + g.sc - 1) / g.sc;
    g.pad_top = std::max<int64_t>((g.out_rows - 1) * g.sr + er - rows, 0) / 2;
    g.pad_left = std::max<int64_t>((g.out_cols - 1) * g.sc + ec - cols, 0) / 2;
  } else {
    c.Unsupported("padding", "expected SAME or VALID");
  }
  return g;
}

void Check(OpContext& c) {
  const TensorView x = c.input(0);
  if (x.rank() != 4) c.Fail("images must be 4-D NHWC, has rank ", x.rank());
  Dispatch(RealTypes{}, c, x.type(), "images", [](auto) {});
  c.ExpectOutputType(0, x.type());
  Geometry(c);
}

void Shape4(OpContext& c) {
  const TensorView x = c.input(0);
  const PatchGeometry g = Geometry(c);
  c.ResizeOutput(0, {x.dim(0), static_cast<int32_t>(g.out_rows), static_cast<int32_t>(g.out_cols),
                     static_cast<int32_t>(g.kr * g.kc * x.dim(3))});
}

void Eval(OpContext& c) {
  const TensorView x = c.input(0), y = c.output(0);
  const PatchGeometry g = Geometry(c);
  const int64_t n = x.dim(0), rows = x.dim(1), cols = x.dim(2), depth = x.dim(3);
  const size_t elem = LiteTypeSize(x.type()), pixel = depth * elem;
  const auto* in = static_cast<const uint8_t*>(x.info.data);
  auto* out = static_cast<uint8_t*>(y.info.data);
  for (int64_t b = 0; b < n; ++b) {
    for (int64_t orow = 0; orow < g.out_rows; ++orow) {
      for (int64_t ocol = 0; ocol < g.out_cols; ++ocol) {
        for (int64_t i = 0; i < g.kr; ++i) {
          for (int64_t j = 0; j < g.kc; ++j) {
            const int64_t r = orow * g.sr - g.pad_top + i * g.rr;
            const int64_t col = ocol * g.sc - g.pad_left + j * g.rc;
            if (r >= 0 && r < rows && col >= 0 && col < cols) {
              std::memcpy(out, in + ((b * rows + r) * cols + col) * pixel, pixel);
            } else {
              std::memset(out, 0, pixel);
            }
            out += pixel;
          }
        }
      }
    }
  }
}

}  // namespace

const std::vector<KernelDef>& ImageKernels() {
  static const std::vector<KernelDef> kernels = {KernelDef{"ExtractImagePatches", 1, 1, 1, Check, Shape4, Eval}};
  return kernels;
}

}  // namespace edgelite::select
