// Image resampling ops with TF's arithmetic, all computing in float32 and writing float32:
// - ResizeBicubic: TF samples its cubic kernel from a 1025-entry table. With half_pixel_centers it uses
//   Keys' kernel (a = -0.5) at (x + 0.5) * scale - 0.5, gives taps outside the image weight 0 and
//   renormalises the rest; otherwise (the legacy mode) a = -0.75 at x * scale with taps clamped to the
//   edge. Each output interpolates the 4 rows of every column tap first, then the 4 columns.
// - CropAndResize: boxes [y1, x1, y2, x2] in normalised coordinates, sampled bilinearly or at the nearest
//   pixel; samples outside the image take extrapolation_value.
#include <algorithm>
#include <cmath>
#include <limits>

#include "delegates/select/kernels/common.h"

namespace edgelite::select {
namespace {

using ImageTypes = TypeList<float, double, int8_t, uint8_t, int16_t, uint16_t, int32_t, int64_t>;

constexpr int kTableSize = 1024;

struct CubicTable {
  float w[(kTableSize + 1) * 2];
  explicit CubicTable(double a) {
    for (int i = 0; i <= kTableSize; ++i) {
      float x = static_cast<float>(i * 1.0 / kTableSize);
      w[i * 2] = static_cast<float>(((a + 2) * x - (a + 3)) * x * x + 1);  // |d| in [0, 1]
      x += 1.0f;
      w[i * 2 + 1] = static_cast<float>(((a * x - 5 * a) * x + 8 * a) * x - 4 * a);  // |d| in [1, 2]
    }
  }
};

const CubicTable& Table(bool keys) {
  static const CubicTable keys_table(-0.5), legacy_table(-0.75);
  return keys ? keys_table : legacy_table;
}

struct Taps {
  int64_t index[4];
  float weight[4];
};

float ResizeScale(int64_t in, int64_t out, bool align_corners) {
  return align_corners && out > 1 ? (in - 1) / static_cast<float>(out - 1) : in / static_cast<float>(out);
}

Taps CubicTaps(float scale, int64_t out, int64_t limit, bool half_pixel) {
  const float pos = half_pixel ? (static_cast<float>(out) + 0.5f) * scale - 0.5f : static_cast<float>(out) * scale;
  const int64_t base = static_cast<int64_t>(std::floor(pos));
  const float delta = pos - static_cast<float>(base);
  const int64_t offset = lrintf(delta * kTableSize);
  const float* t = Table(half_pixel).w;
  const float raw[4] = {t[offset * 2 + 1], t[offset * 2], t[(kTableSize - offset) * 2],
                        t[(kTableSize - offset) * 2 + 1]};
  Taps taps;
  float sum = 0;
  for (int k = 0; k < 4; ++k) {
    const int64_t want = base - 1 + k;
    taps.index[k] = std::min(limit - 1, std::max<int64_t>(0, want));
    taps.weight[k] = half_pixel && taps.index[k] != want ? 0.0f : raw[k];
    sum += taps.weight[k];
  }
  if (half_pixel && std::abs(sum) >= 1000.0f * std::numeric_limits<float>::min()) {
    const float inv = 1.0f / sum;
    for (float& w : taps.weight) w *= inv;
  }
  return taps;
}

void BicubicCheck(OpContext& c) {
  const TensorView x = c.input(0), size = c.input(1);
  if (x.rank() != 4) c.Fail("images must be 4-D NHWC, has rank ", x.rank());
  Dispatch(ImageTypes{}, c, x.type(), "images", [](auto) {});
  if (size.type() != kLiteInt32 || size.num_elements() != 2) c.Fail("size must be 2 int32 values");
  c.ExpectOutputType(0, kLiteFloat32);
  if (c.AttrBool("half_pixel_centers", false) && c.AttrBool("align_corners", false)) {
    c.Unsupported("align_corners", "half_pixel_centers requires align_corners = false (as in TF)");
  }
}

void BicubicShape(OpContext& c) {
  const TensorView x = c.input(0);
  const std::vector<int64_t> size = c.InputInts(1);
  if (size[0] <= 0 || size[1] <= 0) c.Fail("output size [", size[0], ", ", size[1], "] must be positive");
  if (x.dim(1) <= 0 || x.dim(2) <= 0) c.Fail("input image must have positive height and width");
  c.ResizeOutput(0, {x.dim(0), static_cast<int32_t>(size[0]), static_cast<int32_t>(size[1]), x.dim(3)});
}

void BicubicEval(OpContext& c) {
  const TensorView x = c.input(0), y = c.output(0);
  const bool align = c.AttrBool("align_corners", false), half = c.AttrBool("half_pixel_centers", false);
  const int64_t batch = x.dim(0), in_h = x.dim(1), in_w = x.dim(2), depth = x.dim(3);
  const int64_t out_h = y.dim(1), out_w = y.dim(2);
  const float sy = ResizeScale(in_h, out_h, align), sx = ResizeScale(in_w, out_w, align);
  std::vector<Taps> cols(out_w);
  for (int64_t ox = 0; ox < out_w; ++ox) cols[ox] = CubicTaps(sx, ox, in_w, half);
  float* out = y.data<float>();
  Dispatch(ImageTypes{}, c, x.type(), "images", [&](auto tag) {
    using T = typename decltype(tag)::type;
    for (int64_t b = 0; b < batch; ++b) {
      const T* image = x.data<T>() + b * in_h * in_w * depth;
      for (int64_t oy = 0; oy < out_h; ++oy) {
        const Taps rows = CubicTaps(sy, oy, in_h, half);
        for (int64_t ox = 0; ox < out_w; ++ox) {
          const Taps& cx = cols[ox];
          for (int64_t ch = 0; ch < depth; ++ch) {
            float column[4];
            for (int k = 0; k < 4; ++k) {
              float v = 0;
              for (int r = 0; r < 4; ++r) {
                v += static_cast<float>(image[(rows.index[r] * in_w + cx.index[k]) * depth + ch]) * rows.weight[r];
              }
              column[k] = v;
            }
            float v = 0;
            for (int k = 0; k < 4; ++k) v += column[k] * cx.weight[k];
            *out++ = v;
          }
        }
      }
    }
  });
}

void CropCheck(OpContext& c) {
  const TensorView image = c.input(0), boxes = c.input(1), index = c.input(2), size = c.input(3);
  if (image.rank() != 4) c.Fail("image must be 4-D NHWC, has rank ", image.rank());
  Dispatch(ImageTypes{}, c, image.type(), "image", [](auto) {});
  if (boxes.type() != kLiteFloat32 || boxes.rank() != 2 || boxes.dim(1) != 4) {
    c.Fail("boxes must be float32 [num_boxes, 4]");
  }
  if (index.type() != kLiteInt32 || index.rank() != 1 || index.dim(0) != boxes.dim(0)) {
    c.Fail("box_ind must be int32 [num_boxes] with num_boxes = ", boxes.dim(0));
  }
  if (size.type() != kLiteInt32 || size.num_elements() != 2) c.Fail("crop_size must be 2 int32 values");
  const std::string method = c.AttrString("method", "bilinear");
  if (method != "bilinear" && method != "nearest") c.Unsupported("method", "expected 'bilinear' or 'nearest'");
  c.ExpectOutputType(0, kLiteFloat32);
}

void CropShape(OpContext& c) {
  const std::vector<int64_t> size = c.InputInts(3);
  if (size[0] <= 0 || size[1] <= 0) c.Fail("crop_size [", size[0], ", ", size[1], "] must be positive");
  c.ResizeOutput(0, {c.input(1).dim(0), static_cast<int32_t>(size[0]), static_cast<int32_t>(size[1]),
                     c.input(0).dim(3)});
}

void CropEval(OpContext& c) {
  const TensorView image = c.input(0), boxes = c.input(1), index = c.input(2), y = c.output(0);
  const bool nearest = c.AttrString("method", "bilinear") == "nearest";
  const float extrapolation = c.AttrFloat("extrapolation_value", 0.0f);
  const int64_t batch = image.dim(0), h = image.dim(1), w = image.dim(2), depth = image.dim(3);
  const int64_t n = boxes.dim(0), ch = y.dim(1), cw = y.dim(2);
  for (int64_t b = 0; b < n; ++b) {
    const int32_t k = index.data<int32_t>()[b];
    if (k < 0 || k >= batch) c.Fail("box_ind[", b, "] = ", k, " is outside [0, ", batch, ")");
  }
  float* out = y.data<float>();
  Dispatch(ImageTypes{}, c, image.type(), "image", [&](auto tag) {
    using T = typename decltype(tag)::type;
    for (int64_t b = 0; b < n; ++b) {
      const float* box = boxes.data<float>() + b * 4;
      const float y1 = box[0], x1 = box[1], y2 = box[2], x2 = box[3];
      const T* img = image.data<T>() + index.data<int32_t>()[b] * h * w * depth;
      const float hs = ch > 1 ? (y2 - y1) * (h - 1) / (ch - 1) : 0;
      const float ws = cw > 1 ? (x2 - x1) * (w - 1) / (cw - 1) : 0;
      auto at = [&](int64_t r, int64_t col, int64_t d) { return static_cast<float>(img[(r * w + col) * depth + d]); };
      for (int64_t oy = 0; oy < ch; ++oy) {
        const float in_y = ch > 1 ? y1 * (h - 1) + oy * hs : static_cast<float>(0.5 * (y1 + y2) * (h - 1));
        float* row = out + ((b * ch + oy) * cw) * depth;
        if (in_y < 0 || in_y > h - 1) {
          std::fill(row, row + cw * depth, extrapolation);
          continue;
        }
        for (int64_t ox = 0; ox < cw; ++ox) {
          const float in_x = cw > 1 ? x1 * (w - 1) + ox * ws : static_cast<float>(0.5 * (x1 + x2) * (w - 1));
          float* px = row + ox * depth;
          if (in_x < 0 || in_x > w - 1) {
            std::fill(px, px + depth, extrapolation);
            continue;
          }
          if (nearest) {
            const int64_t r = std::lround(in_y), col = std::lround(in_x);
            for (int64_t d = 0; d < depth; ++d) px[d] = at(r, col, d);
            continue;
          }
          const int64_t top = static_cast<int64_t>(std::floor(in_y)), bottom = static_cast<int64_t>(std::ceil(in_y));
          const int64_t left = static_cast<int64_t>(std::floor(in_x)), right = static_cast<int64_t>(std::ceil(in_x));
          const float dy = in_y - top, dx = in_x - left;
          for (int64_t d = 0; d < depth; ++d) {
            const float tl = at(top, left, d), tr = at(top, right, d);
            const float bl = at(bottom, left, d), br = at(bottom, right, d);
            const float upper = tl + (tr - tl) * dx, lower = bl + (br - bl) * dx;
            px[d] = upper + (lower - upper) * dy;
          }
        }
      }
    }
  });
}

}  // namespace

const std::vector<KernelDef>& ResizeKernels() {
  static const std::vector<KernelDef> kernels = {
      KernelDef{"ResizeBicubic", 2, 2, 1, BicubicCheck, BicubicShape, BicubicEval, 1u << 1},
      KernelDef{"CropAndResize", 4, 4, 1, CropCheck, CropShape, CropEval, 1u << 3},
  };
  return kernels;
}

}  // namespace edgelite::select
