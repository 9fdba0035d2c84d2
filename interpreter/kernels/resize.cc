// RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR: NHWC image resized to the [new_height, new_width] of input 1
// (int32), with align_corners / half_pixel_centers as in .tflite. Bilinear runs on float32; nearest neighbor
// only copies elements, so it runs on every movable dtype. A size known only at run time makes the output
// dynamic.
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/reference/resize_bilinear.h"
#include "interpreter/kernels/reference/resize_nearest_neighbor.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

struct ResizeData {
  bool nearest = false;  // RESIZE_NEAREST_NEIGHBOR
  bool align_corners = false;
  bool half_pixel_centers = false;
};

// Both option tables carry the same two flags.
template <typename Options>
void ReadFlags(const Options* o, ResizeData* data) {
  if (!o) return;
  data->align_corners = o->align_corners();
  data->half_pixel_centers = o->half_pixel_centers();
}

Status InitBilinear(KernelContext& ctx, Node& node) {
  auto* data = new ResizeData();
  node.user_data = data;
  ReadFlags(node.op ? node.op->builtin_options_as_ResizeBilinearOptions() : nullptr, data);
  if (data->align_corners && data->half_pixel_centers) {
    return ctx.Error(node, "align_corners and half_pixel_centers cannot both be true");
  }
  return Status::Ok();
}

// Unlike bilinear, .tflite's nearest-neighbor kernel runs with both flags set; so do we.
Status InitNearest(KernelContext& ctx, Node& node) {
  auto* data = new ResizeData();
  node.user_data = data;
  data->nearest = true;
  ReadFlags(node.op ? node.op->builtin_options_as_ResizeNearestNeighborOptions() : nullptr, data);
  return Status::Ok();
}

Status ResizeOutput(KernelContext& ctx, const Node& node, const Tensor& in, const Tensor& size, Tensor& out) {
  const int64_t h = IntValueAt(size, 0), w = IntValueAt(size, 1);
  if (h < 1 || w < 1 || h > std::numeric_limits<int32_t>::max() || w > std::numeric_limits<int32_t>::max()) {
    return ctx.Error(node, StrCat("output size must be positive, got [", h, ", ", w, "]"));
  }
  return ctx.ResizeTensor(out, Dims{in.dim(0), static_cast<int32_t>(h), static_cast<int32_t>(w), in.dim(3)});
}

Status Prepare(KernelContext& ctx, Node& node) {
  const auto& data = *static_cast<ResizeData*>(node.user_data);
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 2, 2));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor *in, *size, *out;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &in));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 1, &size));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &out));
  EL_RETURN_IF_ERROR(data.nearest ? CheckMovableType(ctx, node, *in, "input")
                                  : CheckType(ctx, node, *in, DataType::kFloat32, "input"));
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *out, in->type, "output"));
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *size, DataType::kInt32, "size"));
  if (in->rank() != 4) {
    return ctx.Error(node, StrCat("input must be 4-D (NHWC), got shape ", DimsToString(in->dims)));
  }
  if ((in->dim(1) == 0 || in->dim(2) == 0) && in->dim(0) > 0 && in->dim(3) > 0) {
    return ctx.Error(node, StrCat("cannot resize an image with no pixels (input shape ", DimsToString(in->dims), ")"));
  }
  if (size->dims != Dims{2}) {
    return ctx.Error(node, StrCat("size must have shape [2] (new_height, new_width), got ",
                                  DimsToString(size->dims)));
  }
  if (!HasValuesAtPrepare(*size)) {
    ctx.MarkDynamic(*out);
    return Status::Ok();
  }
  return ResizeOutput(ctx, node, *in, *size, *out);
}

Status Eval(KernelContext& ctx, Node& node) {
  const auto& data = *static_cast<ResizeData*>(node.user_data);
  const Tensor& in = *ctx.input(node, 0);
  Tensor& out = *ctx.output(node, 0);
  if (out.is_dynamic) EL_RETURN_IF_ERROR(ResizeOutput(ctx, node, in, *ctx.input(node, 1), out));
  if (out.num_elements() == 0) return Status::Ok();
  const reference::ResizeShape s{in.dim(0), in.dim(1), in.dim(2), in.dim(3), out.dim(1), out.dim(2)};
  const int64_t rows = static_cast<int64_t>(s.batches) * s.out_h;
  const int64_t min_rows = std::max<int64_t>(1, 8192 / (static_cast<int64_t>(s.out_w) * s.channels));
  if (data.nearest) {
    const bool ran = DispatchByElementWidth(in.type, [&](auto zero) {
      using T = decltype(zero);
      const T* src = in.data_as<T>();
      T* dst = out.data_as<T>();
      ctx.thread_pool().ParallelFor(rows, min_rows, [&](int64_t b, int64_t e) {
        reference::ResizeNearestNeighborRows(s, data.align_corners, data.half_pixel_centers, src, dst, b, e);
      });
    });
    if (!ran) return ctx.Error(node, "unsupported type", StatusCode::kUnsupported);
    return Status::Ok();
  }
  const float* src = in.data_as<float>();
  float* dst = out.data_as<float>();
  ctx.thread_pool().ParallelFor(rows, min_rows, [&](int64_t b, int64_t e) {
    reference::ResizeBilinearRows(s, data.align_corners, data.half_pixel_centers, src, dst, b, e);
  });
  return Status::Ok();
}

}  // namespace

const KernelRegistration* Register_RESIZE_BILINEAR() {
  static const KernelRegistration reg = {InitBilinear, DeleteNodeData<ResizeData>, Prepare, Eval};
  return &reg;
}

const KernelRegistration* Register_RESIZE_NEAREST_NEIGHBOR() {
  static const KernelRegistration reg = {InitNearest, DeleteNodeData<ResizeData>, Prepare, Eval};
  return &reg;
}

}  // namespace edgelite
