// QUANTIZE: float32 to int8/uint8/int16 (and INT4/UINT4, held one a byte) with the output's scale and zero point (per tensor, or per channel
// along its quantized_dimension), and requantization between integer types (int8/uint8 -> int8/uint8/int16,
// int16 -> int8/int16/int32, int32 -> int8/int16) with QuantizeMultiplier(double(s_in) / double(s_out)), as
// LiteRT's reference kernels (docs/integer_kernels.md). Per-tensor float inputs also have vectorized rows
// with the same results (optimized/quantize.cc): they sit at the input of every full-integer model.
#include <algorithm>
#include <type_traits>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/variant_types.h"
#include "interpreter/kernels/optimized/quantize.h"
#include "interpreter/kernels/quantization_params.h"
#include "interpreter/kernels/reference/integer/quantize.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

struct QuantizeData : VariantChoice<QuantizeData> {
  bool per_channel = false;  // the output has several scales (read before the row is chosen)
  // Filled by the chosen row's prepare.
  TensorQuantization input, output;          // per tensor
  std::vector<float> scales;                 // per-channel output: one per index of `axis`
  std::vector<int32_t> zero_points;
  int64_t outer = 1, channels = 1, inner = 1;  // the input viewed around the quantized axis
  QuantizedMultiplier multiplier;            // requantization
  const optimized::QuantizeKernels* kernels = nullptr;
};

constexpr double kValueCost = ThreadPool::kCostScalarValue;

Status PrepareFloatPerTensor(KernelContext& ctx, Node& node, QuantizeData& d) {
  EL_RETURN_IF_ERROR(GetPerTensorQuantization(ctx, node, *ctx.output(node, 0), "output", &d.output));
  if (d.variant->isa != Isa::kReference) d.kernels = optimized::QuantizeFor(d.variant->isa);
  return Status::Ok();
}

Status PrepareFloatPerChannel(KernelContext& ctx, Node& node, QuantizeData& d) {
  const Tensor& out = *ctx.output(node, 0);
  int axis;
  EL_RETURN_IF_ERROR(GetPerChannelQuantizationOwnAxis(ctx, node, out, "output", &axis, &d.scales, &d.zero_points));
  d.outer = NumElements(Dims(out.dims.begin(), out.dims.begin() + axis));
  d.channels = out.dims[axis];
  d.inner = NumElements(Dims(out.dims.begin() + axis + 1, out.dims.end()));
  return Status::Ok();
}

Status PrepareRequantize(KernelContext& ctx, Node& node, QuantizeData& d) {
  const Tensor& in = *ctx.input(node, 0);
  const Tensor& out = *ctx.output(node, 0);
  EL_RETURN_IF_ERROR(GetPerTensorQuantization(ctx, node, in, "input", &d.input));
  EL_RETURN_IF_ERROR(GetPerTensorQuantization(ctx, node, out, "output", &d.output));
  if (in.type == DataType::kInt16 && out.type == DataType::kInt16) {
    EL_RETURN_IF_ERROR(RequireZeroPoint(ctx, node, in, "input", d.input, 0));
    EL_RETURN_IF_ERROR(RequireZeroPoint(ctx, node, out, "output", d.output, 0));
  }
  d.multiplier = QuantizeMultiplier(static_cast<double>(d.input.scale) / static_cast<double>(d.output.scale));
  return Status::Ok();
}

template <typename T>
Status EvalFloatPerTensor(KernelContext& ctx, Node& node, QuantizeData& d) {
  const float* x = ctx.input(node, 0)->data_as<float>();
  T* q = ctx.output(node, 0)->data_as<T>();
  const float scale = d.output.scale;
  const int32_t zero_point = d.output.zero_point;
  ctx.thread_pool().ParallelFor(ctx.input(node, 0)->num_elements(), kValueCost, [&](int64_t b, int64_t e, int) {
    if (!d.kernels) {
      reference::integer::QuantizePerTensor(x + b, q + b, e - b, scale, zero_point);
    } else if constexpr (std::is_same_v<T, int8_t>) {
      d.kernels->f32_to_i8(x + b, q + b, e - b, scale, zero_point);
    } else if constexpr (std::is_same_v<T, uint8_t>) {
      d.kernels->f32_to_u8(x + b, q + b, e - b, scale, zero_point);
    } else {
      d.kernels->f32_to_i16(x + b, q + b, e - b, scale, zero_point);
    }
  });
  return Status::Ok();
}

template <typename T>
Status EvalFloatPerChannel(KernelContext& ctx, Node& node, QuantizeData& d) {
  const float* x = ctx.input(node, 0)->data_as<float>();
  T* q = ctx.output(node, 0)->data_as<T>();
  const int64_t block = d.channels * d.inner;
  ctx.thread_pool().ParallelFor(d.outer, kValueCost * static_cast<double>(block),
                                [&](int64_t b, int64_t e, int) {
    reference::integer::QuantizePerChannel(x + b * block, q + b * block, e - b, d.channels, d.inner,
                                           d.scales.data(), d.zero_points.data());
  });
  return Status::Ok();
}

template <typename In, typename Out>
Status EvalRequantize(KernelContext& ctx, Node& node, QuantizeData& d) {
  const In* x = ctx.input(node, 0)->data_as<In>();
  Out* y = ctx.output(node, 0)->data_as<Out>();
  ctx.thread_pool().ParallelFor(ctx.input(node, 0)->num_elements(), kValueCost, [&](int64_t b, int64_t e, int) {
    reference::integer::Requantize(x + b, y + b, e - b, d.multiplier, d.input.zero_point, d.output.zero_point);
  });
  return Status::Ok();
}

// INT4 / UINT4 outputs (QUANTIZE 4 and 5), held one value a byte: the int8 / uint8 quantization, then clamped to
// the narrower range, which is what LiteRT 2.3.0 gives (round half away from zero, the zero point, the clamp).
template <typename T, Status (*Quantize)(KernelContext&, Node&, QuantizeData&)>
Status EvalSubByte(KernelContext& ctx, Node& node, QuantizeData& d) {
  EL_RETURN_IF_ERROR(Quantize(ctx, node, d));
  Tensor& out = *ctx.output(node, 0);
  const int lo = std::is_signed_v<T> ? -8 : 0, hi = std::is_signed_v<T> ? 7 : 15;
  T* q = out.data_as<T>();
  for (int64_t i = 0, n = out.num_elements(); i < n; ++i) q[i] = static_cast<T>(std::clamp<int>(q[i], lo, hi));
  return Status::Ok();
}

bool PerTensor(const QuantizeData& d, const Node&, KernelContext&) { return !d.per_channel; }
bool PerChannel(const QuantizeData& d, const Node&, KernelContext&) { return d.per_channel; }

constexpr const char* kPerTensor = "a per-tensor output";
constexpr const char* kPerChannel = "a per-channel output";

#define EL_QUANTIZE_ROWS(NAME, OUT, T)                                                                          \
  EL_VECTOR_ISA_ROWS(NAME, (TypeSignature{{kF32}, {OUT}}), PerTensor, PrepareFloatPerTensor,                   \
                     EvalFloatPerTensor<T>, kPerTensor),                                                         \
  {NAME, TypeSignature{{kF32}, {OUT}}, Isa::kReference, PerTensor, PrepareFloatPerTensor, EvalFloatPerTensor<T>, \
   kPerTensor},                                                                                                  \
  {NAME " per-channel", TypeSignature{{kF32}, {OUT}}, Isa::kReference, PerChannel, PrepareFloatPerChannel,      \
   EvalFloatPerChannel<T>, kPerChannel}
#define EL_REQUANTIZE_ROW(NAME, IN, OUT, TI, TO)                                                              \
  {NAME, TypeSignature{{IN}, {OUT}}, Isa::kReference, PerTensor, PrepareRequantize,           \
   EvalRequantize<TI, TO>, kPerTensor}
const KernelVariant<QuantizeData> kVariants[] = {
    EL_QUANTIZE_ROWS("float32 -> int8", kI8, int8_t),
    EL_QUANTIZE_ROWS("float32 -> uint8", kU8, uint8_t),
    EL_QUANTIZE_ROWS("float32 -> int16", kI16, int16_t),
#define EL_SUB_BYTE_ROWS(NAME, OUT, T)                                                                         \
  {NAME, TypeSignature{{kF32}, {TypeBit(OUT)}}, Isa::kReference, PerTensor, PrepareFloatPerTensor,              \
   EvalSubByte<T, EvalFloatPerTensor<T>>, kPerTensor},                                                          \
  {NAME " per-channel", TypeSignature{{kF32}, {TypeBit(OUT)}}, Isa::kReference, PerChannel,                     \
   PrepareFloatPerChannel, EvalSubByte<T, EvalFloatPerChannel<T>>, kPerChannel}
    EL_SUB_BYTE_ROWS("float32 -> int4", DataType::kInt4, int8_t),
    EL_SUB_BYTE_ROWS("float32 -> uint4", DataType::kUInt4, uint8_t),
#undef EL_SUB_BYTE_ROWS
    EL_REQUANTIZE_ROW("int8 -> int8", kI8, kI8, int8_t, int8_t),
    EL_REQUANTIZE_ROW("int8 -> uint8", kI8, kU8, int8_t, uint8_t),
    EL_REQUANTIZE_ROW("int8 -> int16", kI8, kI16, int8_t, int16_t),
    EL_REQUANTIZE_ROW("uint8 -> int8", kU8, kI8, uint8_t, int8_t),
    EL_REQUANTIZE_ROW("uint8 -> uint8", kU8, kU8, uint8_t, uint8_t),
    EL_REQUANTIZE_ROW("uint8 -> int16", kU8, kI16, uint8_t, int16_t),
    EL_REQUANTIZE_ROW("int16 -> int8", kI16, kI8, int16_t, int8_t),
    EL_REQUANTIZE_ROW("int16 -> int16", kI16, kI16, int16_t, int16_t),
    EL_REQUANTIZE_ROW("int16 -> int32", kI16, kI32, int16_t, int32_t),
    EL_REQUANTIZE_ROW("int32 -> int8", kI32, kI8, int32_t, int8_t),
    EL_REQUANTIZE_ROW("int32 -> int16", kI32, kI16, int32_t, int16_t),
};
#undef EL_QUANTIZE_ROWS
#undef EL_REQUANTIZE_ROW

Status Prepare(KernelContext& ctx, Node& node) {
  auto& data = *static_cast<QuantizeData*>(node.user_data);
  Tensor *in, *out;
  EL_RETURN_IF_ERROR(GetSingleInputOutput(ctx, node, &in, &out));
  EL_RETURN_IF_ERROR(ctx.ResizeTensor(*out, in->dims));
  data.per_channel = out->quant.scale.size() > 1;
  return SelectVariant(ctx, node, kVariants, data);
}

}  // namespace

const KernelRegistration* Register_QUANTIZE() {
  static const KernelRegistration reg{NewNodeData<QuantizeData>, DeleteNodeData<QuantizeData>, Prepare,
                                      EvalSelectedVariant<QuantizeData>, /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace edgelite

EL_KERNEL_TYPES(QUANTIZE, kVariants)
