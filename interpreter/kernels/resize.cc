// RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR: NHWC image resized to the [new_height, new_width] of input 1
// (int32), with align_corners / half_pixel_centers as in .tflite. Bilinear runs on float32 and on raw
// quantized values as LiteRT's reference does: uint8 through the float formula, int8 and int16 in Q10 fixed
// point (reference/integer/resize_bilinear.h); nearest neighbor only copies elements, so it runs on every
// movable dtype. Neither reads quantization (the output is expected to share the input's, as in LiteRT,
// which does not check). A size known only at run time makes the output dynamic.
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/reference/integer/resize_bilinear.h"
#include "interpreter/kernels/reference/resize_bilinear.h"
#include "interpreter/kernels/reference/resize_nearest_neighbor.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

struct ResizeData : VariantChoice<ResizeData> {
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

// Resizes a dynamic output and gives the geometry; false in *empty when there is nothing to compute.
Status PrepareEval(KernelContext& ctx, Node& node, reference::ResizeShape* s, int64_t* rows, double* row_cost,
                   bool* empty) {
  const Tensor& in = *ctx.input(node, 0);
  Tensor& out = *ctx.output(node, 0);
  if (out.is_dynamic) EL_RETURN_IF_ERROR(ResizeOutput(ctx, node, in, *ctx.input(node, 1), out));
  *empty = out.num_elements() == 0;
  *s = reference::ResizeShape{in.dim(0), in.dim(1), in.dim(2), in.dim(3), out.dim(1), out.dim(2)};
  *rows = static_cast<int64_t>(s->batches) * s->out_h;
  // Each output value interpolates (or copies) input values in scalar code.
  *row_cost = ThreadPool::kCostScalarValue * static_cast<double>(s->out_w) * s->channels;
  return Status::Ok();
}

// Nearest pixels move as words of their width: one instantiation per width covers every dtype.
template <typename Word>
Status EvalNearest(KernelContext& ctx, Node& node, ResizeData& data) {
  reference::ResizeShape s;
  int64_t rows;
  double row_cost;
  bool empty;
  EL_RETURN_IF_ERROR(PrepareEval(ctx, node, &s, &rows, &row_cost, &empty));
  if (empty) return Status::Ok();
  const Word* src = ctx.input(node, 0)->data_as<Word>();
  Word* dst = ctx.output(node, 0)->data_as<Word>();
  ctx.thread_pool().ParallelFor(rows, row_cost, [&](int64_t b, int64_t e, int) {
    reference::ResizeNearestNeighborRows(s, data.align_corners, data.half_pixel_centers, src, dst, b, e);
  });
  return Status::Ok();
}

// kInteger: the Q10 fixed-point form (int8, int16); otherwise the float formula (float32, uint8).
template <typename T, bool kInteger>
Status EvalBilinear(KernelContext& ctx, Node& node, ResizeData& data) {
  reference::ResizeShape s;
  int64_t rows;
  double row_cost;
  bool empty;
  EL_RETURN_IF_ERROR(PrepareEval(ctx, node, &s, &rows, &row_cost, &empty));
  if (empty) return Status::Ok();
  const T* src = ctx.input(node, 0)->data_as<T>();
  T* dst = ctx.output(node, 0)->data_as<T>();
  ctx.thread_pool().ParallelFor(rows, row_cost, [&](int64_t b, int64_t e, int) {
    if constexpr (kInteger) {
      reference::integer::ResizeBilinearIntegerRows(s, data.align_corners, data.half_pixel_centers, src, dst, b, e);
    } else {
      reference::ResizeBilinearRows(s, data.align_corners, data.half_pixel_centers, src, dst, b, e);
    }
  });
  return Status::Ok();
}

#define EL_RESIZE_ROW(NAME, SET, EVAL) \
  {NAME, TypeSignature{{SET, kI32}, {kSameAsInput0}}, Isa::kReference, nullptr, nullptr, EVAL}
const KernelVariant<ResizeData> kBilinearVariants[] = {
    EL_RESIZE_ROW("float32", kF32, (EvalBilinear<float, false>)),
    EL_RESIZE_ROW("uint8", kU8, (EvalBilinear<uint8_t, false>)),
    EL_RESIZE_ROW("int8", kI8, (EvalBilinear<int8_t, true>)),
    EL_RESIZE_ROW("int16", kI16, (EvalBilinear<int16_t, true>)),
};
const KernelVariant<ResizeData> kNearestVariants[] = {
    EL_RESIZE_ROW("1-byte", kMovableNumeric1Byte, EvalNearest<uint8_t>),
    EL_RESIZE_ROW("2-byte", kMovable2Byte, EvalNearest<uint16_t>),
    EL_RESIZE_ROW("4-byte", kMovable4Byte, EvalNearest<uint32_t>),
    EL_RESIZE_ROW("8-byte", kMovable8Byte, EvalNearest<uint64_t>),
};
#undef EL_RESIZE_ROW

Status Prepare(KernelContext& ctx, Node& node) {
  auto& data = *static_cast<ResizeData*>(node.user_data);
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 2, 2));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor *in, *size, *out;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &in));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 1, &size));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &out));
  EL_RETURN_IF_ERROR(data.nearest ? SelectVariant(ctx, node, kNearestVariants, data)
                                  : SelectVariant(ctx, node, kBilinearVariants, data));
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

}  // namespace

const KernelRegistration* Register_RESIZE_BILINEAR() {
  static const KernelRegistration reg = {InitBilinear, DeleteNodeData<ResizeData>, Prepare,
                                        EvalSelectedVariant<ResizeData>};
  return &reg;
}

const KernelRegistration* Register_RESIZE_NEAREST_NEIGHBOR() {
  static const KernelRegistration reg = {InitNearest, DeleteNodeData<ResizeData>, Prepare,
                                        EvalSelectedVariant<ResizeData>};
  return &reg;
}

}  // namespace edgelite
