// DEQUANTIZE to float32: from float16 and float8, and from int8/uint8/int16 (and INT4/INT2/UINT4, held as bytes) with per-tensor or per-channel scale and
// zero point: float32(double(scale) * (q - zero_point)), as LiteRT's reference computes it (the float32
// product gives the same value: the exact product fits a double, so both round once). int16 needs zero
// point 0 and, as in LiteRT, per-tensor quantization. A constant input (fp16 or quantized weights) is
// folded by the core at prepare, so its float copy is made once and the consumer sees a constant float
// tensor. Per-tensor 8- and 16-bit inputs (the outputs of full-integer models) and float16 ones have vectorized rows.
#include <algorithm>
#include <type_traits>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/variant_types.h"
#include "interpreter/kernels/optimized/quantize.h"
#include "interpreter/kernels/quantization_params.h"
#include "interpreter/kernels/reference/dequantize.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

struct DequantizeData : VariantChoice<DequantizeData> {
  bool per_channel = false;  // the input has several scales (read before the row is chosen)
  // Filled in prepare from the input's quantization.
  std::vector<float> scales;         // one per channel (one for per-tensor)
  std::vector<int32_t> zero_points;  // same length as scales
  int64_t outer = 1, channels = 1, inner = 1;  // per-channel view of the input
  const optimized::QuantizeKernels* kernels = nullptr;
};

constexpr double kValueCost = ThreadPool::kCostScalarValue;

// The chosen row's vector loops, or null for the reference row.
const optimized::QuantizeKernels* VectorKernels(const DequantizeData& d) {
  return d.variant->isa != Isa::kReference ? optimized::QuantizeFor(d.variant->isa) : nullptr;
}

Status PrepareQuantized(KernelContext& ctx, Node& node, DequantizeData& d) {
  const Tensor& in = *ctx.input(node, 0);
  int axis;
  EL_RETURN_IF_ERROR(GetPerChannelQuantizationOwnAxis(ctx, node, in, "input", &axis, &d.scales, &d.zero_points));
  if (in.type == DataType::kInt16) {  // as LiteRT
    EL_RETURN_IF_ERROR(RequireZeroPoint(ctx, node, in, "input", TensorQuantization{d.scales[0], d.zero_points[0]}, 0));
  }
  if (d.per_channel) {
    d.outer = NumElements(Dims(in.dims.begin(), in.dims.begin() + axis));
    d.channels = in.dims[axis];
    d.inner = NumElements(Dims(in.dims.begin() + axis + 1, in.dims.end()));
  }
  d.kernels = VectorKernels(d);
  return Status::Ok();
}

template <typename Q>
Status EvalPerTensor(KernelContext& ctx, Node& node, DequantizeData& d) {
  const Tensor& in = *ctx.input(node, 0);
  const Q* q = in.data_as<Q>();
  float* y = ctx.output(node, 0)->data_as<float>();
  const float scale = d.scales[0];
  const int32_t zero_point = d.zero_points[0];
  ctx.thread_pool().ParallelFor(in.num_elements(), kValueCost, [&](int64_t b, int64_t e, int) {
    if (!d.kernels) {
      reference::DequantizePerTensor(q + b, y + b, e - b, scale, zero_point);
    } else if constexpr (std::is_same_v<Q, int8_t>) {
      d.kernels->i8_to_f32(q + b, y + b, e - b, scale, zero_point);
    } else if constexpr (std::is_same_v<Q, uint8_t>) {
      d.kernels->u8_to_f32(q + b, y + b, e - b, scale, zero_point);
    } else {
      d.kernels->i16_to_f32(q + b, y + b, e - b, scale, zero_point);
    }
  });
  return Status::Ok();
}

// Per-channel inputs are weights: constant, so this runs once, at prepare.
template <typename Q>
Status EvalPerChannel(KernelContext& ctx, Node& node, DequantizeData& d) {
  reference::DequantizePerChannel(ctx.input(node, 0)->data_as<Q>(), ctx.output(node, 0)->data_as<float>(), d.outer,
                                  d.channels, d.inner, d.scales.data(), d.zero_points.data());
  return Status::Ok();
}

Status PrepareHalf(KernelContext&, Node&, DequantizeData& d) {
  d.kernels = VectorKernels(d);
  return Status::Ok();
}

Status EvalHalf(KernelContext& ctx, Node& node, DequantizeData& d) {
  const Tensor& in = *ctx.input(node, 0);
  const uint16_t* h = in.data_as<uint16_t>();
  float* y = ctx.output(node, 0)->data_as<float>();
  ctx.thread_pool().ParallelFor(in.num_elements(), kValueCost, [&](int64_t b, int64_t e, int) {
    if (d.kernels) {
      d.kernels->f16_to_f32(h + b, y + b, e - b);
    } else {
      reference::HalfToFloat(h + b, y + b, e - b);
    }
  });
  return Status::Ok();
}

// float8 inputs (DEQUANTIZE 9) are widened, element by element, as ml_dtypes does.
Status EvalFloat8(KernelContext& ctx, Node& node, DequantizeData&) {
  const Tensor& in = *ctx.input(node, 0);
  const uint8_t* x = static_cast<const uint8_t*>(in.data);
  float* y = ctx.output(node, 0)->data_as<float>();
  for (int64_t i = 0, n = in.num_elements(); i < n; ++i) y[i] = LoadFloat(in.type, x + i);
  return Status::Ok();
}

bool PerTensor(const DequantizeData& d, const Node&, KernelContext&) { return !d.per_channel; }
bool PerChannel(const DequantizeData& d, const Node&, KernelContext&) { return d.per_channel; }

#define EL_DEQUANTIZE_PER_TENSOR_ROWS(NAME, IN, Q)                                                               \
  EL_VECTOR_ISA_ROWS(NAME, (TypeSignature{{IN}, {kF32}}), PerTensor, PrepareQuantized, EvalPerTensor<Q>,        \
                     "a per-tensor input"),                                                                      \
  {NAME, TypeSignature{{IN}, {kF32}}, Isa::kReference, PerTensor, PrepareQuantized, EvalPerTensor<Q>,          \
   "a per-tensor input"}
#define EL_DEQUANTIZE_ROWS(NAME, IN, Q)                                                                          \
  EL_DEQUANTIZE_PER_TENSOR_ROWS(NAME, IN, Q),                                                                    \
  {NAME " per-channel", TypeSignature{{IN}, {kF32}}, Isa::kReference, PerChannel, PrepareQuantized,             \
   EvalPerChannel<Q>, "a per-channel input"}
const KernelVariant<DequantizeData> kVariants[] = {
    // float16 weights (folded once, at prepare): with the scalar loop alone face_landmark's interpreter creation
    // and allocate_tensors took 2.9 ms, 1.1 ms vectorized (Zen 4, model in cache).
    EL_VECTOR_ISA_ROWS("float16", (TypeSignature{{kF16}, {kF32}}), nullptr, PrepareHalf, EvalHalf),
    {"float16", TypeSignature{{kF16}, {kF32}}, Isa::kReference, nullptr, PrepareHalf, EvalHalf},
    {"float8", TypeSignature{{TypeBit(DataType::kFloat8E4M3FN) | TypeBit(DataType::kFloat8E5M2)}, {kF32}},
     Isa::kReference, nullptr, nullptr, EvalFloat8},
    // INT4 / INT2 and UINT4 are held one value a byte, as int8 and uint8 (DEQUANTIZE 7 and 8).
    EL_DEQUANTIZE_ROWS("int8", kI8 | TypeBit(DataType::kInt4) | TypeBit(DataType::kInt2), int8_t),
    EL_DEQUANTIZE_ROWS("uint8", kU8 | TypeBit(DataType::kUInt4), uint8_t),
    EL_DEQUANTIZE_PER_TENSOR_ROWS("int16", kI16, int16_t),  // LiteRT has no per-channel int16
};
#undef EL_DEQUANTIZE_ROWS
#undef EL_DEQUANTIZE_PER_TENSOR_ROWS

Status Prepare(KernelContext& ctx, Node& node) {
  auto& data = *static_cast<DequantizeData*>(node.user_data);
  Tensor *in, *out;
  EL_RETURN_IF_ERROR(GetSingleInputOutput(ctx, node, &in, &out));
  EL_RETURN_IF_ERROR(ctx.ResizeTensor(*out, in->dims));
  data.per_channel = in->quant.scale.size() > 1;
  return SelectVariant(ctx, node, kVariants, data);
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

EL_KERNEL_TYPES(DEQUANTIZE, kVariants)
