// DEQUANTIZE to float32: from float16, and from int8/uint8/int16 with per-tensor or per-channel scale and
// zero point (real = scale * (q - zero_point)). A constant input (fp16 or quantized weights) is folded by
// the core at prepare, so its float copy is made once and the consumer sees a constant float tensor.
#include <algorithm>
#include <limits>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/reference/dequantize.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

struct DequantizeData : VariantChoice<DequantizeData> {
  // Filled in prepare from the input's quantization.
  bool per_channel = false;
  std::vector<float> scales;        // one per channel (one for per-tensor)
  std::vector<int32_t> zero_points; // same length as scales
  int64_t outer = 1, channels = 1, inner = 1;  // per-channel view of the input
};

Status PrepareQuantization(KernelContext& ctx, const Node& node, const Tensor& in, DequantizeData* data) {
  const Quantization& q = in.quant;
  if (q.scale.empty()) {
    return ctx.Error(node, StrCat(DataTypeName(in.type), " input '", in.name, "' has no quantization scale"));
  }
  const size_t n = q.scale.size();
  if (!q.zero_point.empty() && q.zero_point.size() != 1 && q.zero_point.size() != n) {
    return ctx.Error(node, StrCat("input '", in.name, "' has ", n, " scales but ", q.zero_point.size(),
                                  " zero points"));
  }
  data->scales = q.scale;
  data->zero_points.assign(n, 0);
  for (size_t c = 0; c < n; ++c) {
    const int64_t zp = q.zero_point.empty() ? 0 : q.zero_point[q.zero_point.size() == 1 ? 0 : c];
    if (zp < std::numeric_limits<int32_t>::min() || zp > std::numeric_limits<int32_t>::max()) {
      return ctx.Error(node, StrCat("input '", in.name, "' has zero point ", zp, ", out of int32 range"));
    }
    data->zero_points[c] = static_cast<int32_t>(zp);
  }
  data->per_channel = n > 1;
  if (!data->per_channel) return Status::Ok();
  const int axis = q.quantized_dimension;
  if (axis < 0 || axis >= in.rank()) {
    return ctx.Error(node, StrCat("input '", in.name, "' has quantized_dimension ", axis, ", out of range for rank ",
                                  in.rank()));
  }
  if (in.dims[axis] != static_cast<int64_t>(n)) {
    return ctx.Error(node, StrCat("input '", in.name, "' has ", n, " scales for dimension ", axis, " of size ",
                                  in.dims[axis]));
  }
  data->outer = NumElements(Dims(in.dims.begin(), in.dims.begin() + axis));
  data->channels = in.dims[axis];
  data->inner = NumElements(Dims(in.dims.begin() + axis + 1, in.dims.end()));
  return Status::Ok();
}

Status PrepareQuantized(KernelContext& ctx, Node& node, DequantizeData& d) {
  return PrepareQuantization(ctx, node, *ctx.input(node, 0), &d);
}

template <typename Q>
Status EvalQuantized(KernelContext& ctx, Node& node, DequantizeData& d) {
  const Tensor& in = *ctx.input(node, 0);
  const Q* q = in.data_as<Q>();
  float* y = ctx.output(node, 0)->data_as<float>();
  if (d.per_channel) {
    // Per-channel inputs are weights: constant, so this runs once, at prepare.
    reference::DequantizePerChannel(q, y, d.outer, d.channels, d.inner, d.scales.data(), d.zero_points.data());
    return Status::Ok();
  }
  ctx.thread_pool().ParallelFor(in.num_elements(), 16384, [&](int64_t b, int64_t e) {
    reference::DequantizePerTensor(q + b, y + b, e - b, d.scales[0], d.zero_points[0]);
  });
  return Status::Ok();
}

Status EvalHalf(KernelContext& ctx, Node& node, DequantizeData&) {
  const Tensor& in = *ctx.input(node, 0);
  const uint16_t* h = in.data_as<uint16_t>();
  float* y = ctx.output(node, 0)->data_as<float>();
  ctx.thread_pool().ParallelFor(in.num_elements(), 16384,
                                [&](int64_t b, int64_t e) { reference::HalfToFloat(h + b, y + b, e - b); });
  return Status::Ok();
}

const KernelVariant<DequantizeData> kVariants[] = {
    {"float16", TypeSignature{{kF16}, {kF32}}, Isa::kReference, nullptr, nullptr, EvalHalf},
    {"int8", TypeSignature{{kI8}, {kF32}}, Isa::kReference, nullptr, PrepareQuantized, EvalQuantized<int8_t>},
    {"uint8", TypeSignature{{kU8}, {kF32}}, Isa::kReference, nullptr, PrepareQuantized, EvalQuantized<uint8_t>},
    {"int16", TypeSignature{{kI16}, {kF32}}, Isa::kReference, nullptr, PrepareQuantized, EvalQuantized<int16_t>},
};

Status Prepare(KernelContext& ctx, Node& node) {
  Tensor *in, *out;
  EL_RETURN_IF_ERROR(GetSingleInputOutput(ctx, node, &in, &out));
  EL_RETURN_IF_ERROR(ctx.ResizeTensor(*out, in->dims));
  return SelectVariant(ctx, node, kVariants, *static_cast<DequantizeData*>(node.user_data));
}

}  // namespace

const KernelRegistration* Register_DEQUANTIZE() {
  // Folding: a constant input (fp16 or quantized weights) becomes a constant float tensor once, at prepare.
  static const KernelRegistration reg{NewNodeData<DequantizeData>, DeleteNodeData<DequantizeData>, Prepare,
                                      EvalSelectedVariant<DequantizeData>,
                                      /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace edgelite
