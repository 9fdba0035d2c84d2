// RESIZE_BILINEAR (float32) and RESIZE_NEAREST_NEIGHBOR (float32, int32) of NHWC images to a constant size.
// The sampling positions of each output row and column are computed here with the CPU kernel's own
// geometry (reference/resize_*.h: align_corners, half_pixel_centers, .tflite's rounding) and uploaded as
// small tables, so the device picks exactly the pixels the CPU picks.
#include <string>
#include <vector>

#include "delegates/opencl/cl_op.h"
#include "delegates/opencl/ops/copy_plan.h"
#include "interpreter/kernels/reference/resize_bilinear.h"
#include "interpreter/kernels/reference/resize_nearest_neighbor.h"
#include "schema/edgelite_generated.h"

namespace edgelite {
namespace opencl {
namespace {

bool Nearest(const OpDesc& op) { return op.node->builtin_code == schema::BuiltinOperator_RESIZE_NEAREST_NEIGHBOR; }

void ResizeFlags(const OpDesc& op, bool* align_corners, bool* half_pixel_centers) {
  *align_corners = *half_pixel_centers = false;
  if (!op.op) return;
  if (Nearest(op)) {
    if (const auto* o = op.op->builtin_options_as_ResizeNearestNeighborOptions()) {
      *align_corners = o->align_corners();
      *half_pixel_centers = o->half_pixel_centers();
    }
  } else if (const auto* o = op.op->builtin_options_as_ResizeBilinearOptions()) {
    *align_corners = o->align_corners();
    *half_pixel_centers = o->half_pixel_centers();
  }
}

bool SupportsResize(const OpDesc& op, std::string* why) {
  if (op.inputs.size() != 2 || op.outputs.size() != 1) {
    *why = "expects an image and a size input";
    return false;
  }
  const TensorDesc& in = op.inputs[0];
  const bool type_ok = Nearest(op) ? IsMovableType(in.type) : in.type == kTypeFloat32;
  if (!type_ok || op.outputs[0].type != in.type) {
    *why = Nearest(op) ? "only float32 and int32 images run on the device" : "only float32 runs on the device";
    return false;
  }
  if (in.dims.size() != 4) {
    *why = "input must be 4-D (NHWC)";
    return false;
  }
  if (!RequireConstantInts(op.inputs[1], "size", why)) return false;
  bool align_corners, half_pixel_centers;
  ResizeFlags(op, &align_corners, &half_pixel_centers);
  if (!Nearest(op) && align_corners && half_pixel_centers) {
    *why = "align_corners and half_pixel_centers cannot both be true";
    return false;
  }
  return true;
}

bool BuildResize(const OpDesc& op, std::vector<Launch>* launches, std::string* error) {
  const TensorDesc& in = op.inputs[0];
  const TensorDesc& out = op.outputs[0];
  if (in.dims.size() != 4 || out.dims.size() != 4) {
    *error = "input and output must be 4-D (NHWC)";
    return false;
  }
  if (out.num_elements() == 0) return true;
  if (!FitsIndex(in.num_elements()) || !FitsIndex(out.num_elements())) {
    *error = "more than 2^31 elements";
    return false;
  }
  bool align_corners, half_pixel_centers;
  ResizeFlags(op, &align_corners, &half_pixel_centers);
  const int32_t in_h = in.dims[1], in_w = in.dims[2], out_h = out.dims[1], out_w = out.dims[2], c = out.dims[3];
  const float scale_y = reference::ResizeScale(in_h, out_h, align_corners);
  const float scale_x = reference::ResizeScale(in_w, out_w, align_corners);
  Launch l;
  l.defines = {{"IN_H", std::to_string(in_h)}, {"IN_W", std::to_string(in_w)}, {"OUT_H", std::to_string(out_h)},
               {"OUT_W", std::to_string(out_w)}, {"C", std::to_string(c)}};
  if (Nearest(op)) {
    // [in_y per output row, in_x per output column]
    std::vector<int32_t> src(out_h + out_w);
    for (int32_t y = 0; y < out_h; ++y) {
      src[y] = reference::NearestNeighborIndex(y, scale_y, align_corners, half_pixel_centers, in_h);
    }
    for (int32_t x = 0; x < out_w; ++x) {
      src[out_h + x] = reference::NearestNeighborIndex(x, scale_x, align_corners, half_pixel_centers, in_w);
    }
    l.file = "resize_nearest.cl";
    AddElementDefine(in.type, &l);
    l.args = {KernelArg::Tensor(in.index), KernelArg::Ints(src.data(), src.size()), KernelArg::Tensor(out.index)};
  } else {
    // taps: [y_lower, y_upper per row, x_lower, x_upper per column]; fractions: [dy per row, dx per column]
    std::vector<int32_t> taps(2 * (out_h + out_w));
    std::vector<float> fractions(out_h + out_w);
    for (int32_t y = 0; y < out_h; ++y) {
      const reference::BilinearTap t = reference::ResizeBilinearTap(y, scale_y, half_pixel_centers, in_h);
      taps[y] = t.lower;
      taps[out_h + y] = t.upper;
      fractions[y] = t.pos - t.lower;
    }
    for (int32_t x = 0; x < out_w; ++x) {
      const reference::BilinearTap t = reference::ResizeBilinearTap(x, scale_x, half_pixel_centers, in_w);
      taps[2 * out_h + x] = t.lower;
      taps[2 * out_h + out_w + x] = t.upper;
      fractions[out_h + x] = t.pos - t.lower;
    }
    l.file = "resize_bilinear.cl";
    l.args = {KernelArg::Tensor(in.index), KernelArg::Ints(taps.data(), taps.size()),
              KernelArg::Floats(fractions.data(), fractions.size()), KernelArg::Tensor(out.index)};
  }
  l.work_dim = 3;
  l.global = {{static_cast<size_t>(c), static_cast<size_t>(out_w), static_cast<size_t>(out.dims[0]) * out_h}};
  launches->push_back(std::move(l));
  return true;
}

}  // namespace

void AddResizeBuilders(std::vector<OpBuilder>* all) {
  all->push_back({schema::BuiltinOperator_RESIZE_BILINEAR, SupportsResize, BuildResize});
  all->push_back({schema::BuiltinOperator_RESIZE_NEAREST_NEIGHBOR, SupportsResize, BuildResize});
}

}  // namespace opencl
}  // namespace edgelite
