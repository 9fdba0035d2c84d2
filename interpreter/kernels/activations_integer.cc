// The integer rows of the element-wise unary kernels: LOGISTIC, TANH, ELU, GELU, RELU, RELU6, LEAKY_RELU,
// HARD_SWISH, RSQRT, SQRT and ABS on int8, uint8 and int16 as LiteRT's reference kernels compute them
// (docs/integer_kernels.md). Prepare reads the quantization with LiteRT's checks, derives multipliers and
// tables, and picks the per-value function; the reference rows apply it per element, the table rows
// (8-bit inputs, whose output depends on the value alone) look every element up in a 256-entry table of it.
#include <cmath>

#include "interpreter/kernels/activations.h"
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/quantization_params.h"
#include "interpreter/kernels/reference/activations.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

namespace ri = reference::integer;
using P = UnaryIntegerParams;

constexpr double kValueCost = ThreadPool::kCostScalarValue;  // requantizing one value

// The operators' values, each one function of (value, params) so that both row kinds share it.
int32_t ByteTableInt8(int32_t q, const P& p) { return static_cast<int8_t>(p.table8[static_cast<uint8_t>(q)]); }
int32_t ByteTableUInt8(int32_t q, const P& p) { return p.table8[static_cast<uint8_t>(q)]; }
int32_t InterpolatedInt16(int32_t q, const P& p) { return LookupInt16(p.table16, static_cast<int16_t>(q)); }
int32_t ReluValue(int32_t q, const P& p) { return ri::QuantizedRelu(q, p.relu); }
int32_t LeakyReluValue(int32_t q, const P& p) { return ri::QuantizedLeakyRelu(q, p.leaky_relu); }
int32_t HardSwishValue(int32_t q, const P& p) { return ri::QuantizedHardSwish(q, p.hard_swish); }
int32_t RsqrtValue(int32_t q, const P& p) { return ri::QuantizedRsqrt(q, p.rsqrt); }
int32_t SqrtValue(int32_t q, const P& p) { return ri::QuantizedSqrt(q, p.sqrt); }
int32_t AbsValue(int32_t q, const P& p) { return ri::QuantizedAbs(q, p.abs); }
int32_t LogisticInt16Value(int32_t q, const P& p) { return ri::LogisticInt16(q, p.int16_input); }
int32_t TanhInt16Value(int32_t q, const P& p) { return ri::TanhInt16(q, p.int16_input); }

// The input's and output's per-tensor quantization and the input type's range.
struct Quantizations {
  DataType type = DataType::kInt8;
  TensorQuantization in, out;
  int32_t lo = 0, hi = 0;
};

Status ReadQuantizations(KernelContext& ctx, const Node& node, Quantizations* q) {
  const Tensor& in = *ctx.input(node, 0);
  const Tensor& out = *ctx.output(node, 0);
  q->type = in.type;
  IntegerTypeRange(in.type, &q->lo, &q->hi);
  EL_RETURN_IF_ERROR(GetPerTensorQuantization(ctx, node, in, "input", &q->in));
  return GetPerTensorQuantization(ctx, node, out, "output", &q->out);
}

// int16 kernels of LiteRT need symmetric quantization on both sides.
Status RequireSymmetricInt16(KernelContext& ctx, const Node& node, const Quantizations& q) {
  if (q.type != DataType::kInt16) return Status::Ok();
  EL_RETURN_IF_ERROR(RequireZeroPoint(ctx, node, *ctx.input(node, 0), "input", q.in, 0));
  return RequireZeroPoint(ctx, node, *ctx.output(node, 0), "output", q.out, 0);
}

// LiteRT's table of f (LUTPopulate), stored by input byte.
void PopulateByteTable(FloatFunction f, const Quantizations& q, UnaryData& d) {
  const bool is_signed = q.type == DataType::kInt8;
  uint8_t by_value[256];
  PopulateLut8(f, q.in.scale, q.in.zero_point, q.out.scale, q.out.zero_point, is_signed, by_value);
  for (int32_t v = q.lo; v <= q.hi; ++v) d.q.table8[static_cast<uint8_t>(v)] = by_value[v - q.lo];
  d.q.value = is_signed ? ByteTableInt8 : ByteTableUInt8;
}

float LogisticF(float x) { return 1.0f / (1.0f + std::exp(-x)); }
float TanhF(float x) { return std::tanh(x); }
float EluF(float x) { return x < 0.0f ? std::expm1(x) : x; }
// 0.5 x erfc(-x / sqrt(2)) and its tanh approximation, evaluated left to right in float32 as LiteRT's
// GeluTransform / GeluTransformApproximate.
float GeluF(float x) { return 0.5f * x * std::erfc(x * static_cast<float>(-M_SQRT1_2)); }
float GeluApproximateF(float x) {
  return 0.5f * x *
         (1.0f + std::tanh(static_cast<float>(M_2_SQRTPI * M_SQRT1_2) * (x + 0.044715f * x * x * x)));
}

// int16 LOGISTIC / TANH: the input rescaled to the sigmoid table's 3 * 4096 steps per unit. A power-of-two
// scale of 2^-12 (TANH: also 2^-11) is an exact 3 << shift; otherwise the multiplier s * 3 * 4096 is
// doubled while it stays below 32767 / 2, and truncated.
ri::Int16TableInput Int16TableRescale(float scale, bool tanh) {
  int log2_scale = 0;
  const bool is_pot = CheckedLog2(scale, &log2_scale);
  const int left_shift = 12 + log2_scale;
  ri::Int16TableInput r;
  if (is_pot && (left_shift == 0 || (tanh && left_shift == 1))) {
    r.multiplier = 3 << left_shift;
    r.shift = 0;
    return r;
  }
  double multiplier = static_cast<double>(scale) * 4096.0 * 3.0;
  int shift = 0;
  while (multiplier <= 32767.0 / 2.0 && shift <= 30) {
    ++shift;
    multiplier *= 2.0;
  }
  r.multiplier = static_cast<int32_t>(multiplier);
  r.shift = shift;
  return r;
}

Status OutputScaleError(KernelContext& ctx, const Node& node, float scale, const char* expected) {
  return ctx.Error(node, StrCat("output '", ctx.output(node, 0)->name, "' has scale ", scale, "; this operator's ",
                                DataTypeName(ctx.input(node, 0)->type), " kernel needs ", expected),
                   StatusCode::kUnsupported);
}

// The clamp of RELU-family outputs: zero point + round(bound / scale), within the type.
int32_t QuantizedBound(float bound, const TensorQuantization& out) {
  return out.zero_point + FloatToInt32LikeX86(static_cast<double>(std::round(bound / out.scale)));
}

Status PrepareReluFamily(KernelContext& ctx, Node& node, UnaryData& d, bool relu6) {
  Quantizations q;
  EL_RETURN_IF_ERROR(ReadQuantizations(ctx, node, &q));
  EL_RETURN_IF_ERROR(RequireSymmetricInt16(ctx, node, q));
  ri::ReluParams& p = d.q.relu;
  p.input_zero_point = q.in.zero_point;
  p.output_zero_point = q.out.zero_point;
  p.multiplier = QuantizeMultiplier(static_cast<double>(q.in.scale / q.out.scale));  // float32 division
  p.lo = std::max(q.lo, QuantizedBound(0.f, q.out));
  p.hi = relu6 ? std::min(q.hi, QuantizedBound(6.f, q.out)) : q.hi;
  d.q.value = ReluValue;
  return Status::Ok();
}

template <typename T>
Status EvalQuantized(KernelContext& ctx, Node& node, UnaryData& d) {
  const Tensor& in = *ctx.input(node, 0);
  const T* x = in.data_as<T>();
  T* y = ctx.output(node, 0)->data_as<T>();
  const P& p = d.q;
  const int64_t n = in.num_elements();
  if (p.min_valid_input > std::numeric_limits<T>::min()) {
    for (int64_t i = 0; i < n; ++i) {
      if (x[i] < p.min_valid_input) {
        return ctx.Error(node, StrCat("input value ", static_cast<int32_t>(x[i]), " is below the zero point ",
                                      p.min_valid_input, ": the operator is undefined for negative numbers"),
                         StatusCode::kInvalidArgument);
      }
    }
  }
  ctx.thread_pool().ParallelFor(n, kValueCost, [&](int64_t b, int64_t e, int) {
    for (int64_t i = b; i < e; ++i) y[i] = static_cast<T>(p.value(x[i], p));
  });
  return Status::Ok();
}

// LOGISTIC and TANH: 8-bit by LiteRT's table (LOGISTIC's output must be on 1/256 steps; its zero point, and
// TANH's output, are not checked, as in LiteRT), int16 by the sigmoid table with output on 2^-15 steps
// (LOGISTIC exactly, TANH within CheckedLog2's tolerance).
Status PrepareSigmoidFamily(KernelContext& ctx, Node& node, UnaryData& d, bool tanh) {
  Quantizations q;
  EL_RETURN_IF_ERROR(ReadQuantizations(ctx, node, &q));
  if (q.type != DataType::kInt16) {
    if (!tanh && q.out.scale != 1.0f / 256) return OutputScaleError(ctx, node, q.out.scale, "1/256");
    PopulateByteTable(tanh ? TanhF : LogisticF, q, d);
    return Status::Ok();
  }
  EL_RETURN_IF_ERROR(RequireSymmetricInt16(ctx, node, q));
  int log2_scale = 0;
  const bool on_2_to_minus_15 = tanh ? CheckedLog2(q.out.scale, &log2_scale) && log2_scale == -15
                                     : q.out.scale == 1.0f / 32768;
  if (!on_2_to_minus_15) return OutputScaleError(ctx, node, q.out.scale, tanh ? "2^-15" : "1/32768");
  d.q.int16_input = Int16TableRescale(q.in.scale, tanh);
  d.q.value = tanh ? TanhInt16Value : LogisticInt16Value;
  return Status::Ok();
}

}  // namespace

bool InputIsQuantized(const UnaryData&, const Node& node, KernelContext& ctx) {
  return !ctx.input(node, 0)->quant.scale.empty();
}

Status PrepareLogisticQuantized(KernelContext& ctx, Node& node, UnaryData& d) {
  return PrepareSigmoidFamily(ctx, node, d, /*tanh=*/false);
}
Status PrepareTanhQuantized(KernelContext& ctx, Node& node, UnaryData& d) {
  return PrepareSigmoidFamily(ctx, node, d, /*tanh=*/true);
}

Status PrepareEluQuantized(KernelContext& ctx, Node& node, UnaryData& d) {
  Quantizations q;
  EL_RETURN_IF_ERROR(ReadQuantizations(ctx, node, &q));
  PopulateByteTable(EluF, q, d);
  return Status::Ok();
}

Status PrepareGeluQuantized(KernelContext& ctx, Node& node, UnaryData& d) {
  Quantizations q;
  EL_RETURN_IF_ERROR(ReadQuantizations(ctx, node, &q));
  const FloatFunction f = d.gelu_approximate ? GeluApproximateF : GeluF;
  if (q.type != DataType::kInt16) {
    PopulateByteTable(f, q, d);
    return Status::Ok();
  }
  PopulateLutInt16(f, q.in.scale, q.in.zero_point, q.out.scale, q.out.zero_point, d.q.table16);
  d.q.value = InterpolatedInt16;
  return Status::Ok();
}

Status PrepareReluQuantized(KernelContext& ctx, Node& node, UnaryData& d) {
  return PrepareReluFamily(ctx, node, d, /*relu6=*/false);
}
Status PrepareRelu6Quantized(KernelContext& ctx, Node& node, UnaryData& d) {
  return PrepareReluFamily(ctx, node, d, /*relu6=*/true);
}

Status PrepareLeakyReluQuantized(KernelContext& ctx, Node& node, UnaryData& d) {
  Quantizations q;
  EL_RETURN_IF_ERROR(ReadQuantizations(ctx, node, &q));
  EL_RETURN_IF_ERROR(RequireSymmetricInt16(ctx, node, q));
  ri::LeakyReluParams& p = d.q.leaky_relu;
  p.input_zero_point = q.in.zero_point;
  p.output_zero_point = q.out.zero_point;
  // Both products in float32, then to double, as LiteRT's prepare.
  p.alpha = QuantizeMultiplier(static_cast<double>(q.in.scale * d.alpha / q.out.scale));
  p.identity = QuantizeMultiplier(static_cast<double>(q.in.scale / q.out.scale));
  p.lo = q.lo;
  p.hi = q.hi;
  d.q.value = LeakyReluValue;
  return Status::Ok();
}

Status PrepareHardSwishQuantized(KernelContext& ctx, Node& node, UnaryData& d) {
  Quantizations q;
  EL_RETURN_IF_ERROR(ReadQuantizations(ctx, node, &q));
  ri::HardSwishParams& p = d.q.hard_swish;
  p.input_zero_point = q.in.zero_point;
  p.output_zero_point = q.out.zero_point;
  p.lo = q.lo;
  p.hi = q.hi;
  // In float32: the input on a 128 times finer scale, and the scale on which 3 is 32768.
  const float hires_input_scale = (1.0f / 128.0f) * q.in.scale;
  const float reluish_scale = 3.0f / 32768.0f;
  const QuantizedMultiplier out = QuantizeMultiplier(static_cast<double>(hires_input_scale / q.out.scale));
  const QuantizedMultiplier reluish = QuantizeMultiplier(static_cast<double>(hires_input_scale / reluish_scale));
  if (out.shift > 0) {
    return ctx.Error(node, StrCat("output '", ctx.output(node, 0)->name, "' has scale ", q.out.scale,
                                  ", below the input scale / 128 (", hires_input_scale,
                                  "), which LiteRT's HARD_SWISH cannot represent"),
                     StatusCode::kUnsupported);
  }
  p.output_multiplier = DownScaleInt32ToInt16Multiplier(out.multiplier);
  p.output_exponent = out.shift;
  p.reluish_multiplier = DownScaleInt32ToInt16Multiplier(reluish.multiplier);
  p.reluish_exponent = reluish.shift;
  d.q.value = HardSwishValue;
  return Status::Ok();
}

Status PrepareRsqrtQuantized(KernelContext& ctx, Node& node, UnaryData& d) {
  Quantizations q;
  EL_RETURN_IF_ERROR(ReadQuantizations(ctx, node, &q));
  d.q.min_valid_input = q.in.zero_point;  // LiteRT fails on negative numbers, int16 included
  if (q.type == DataType::kInt16) {
    EL_RETURN_IF_ERROR(RequireSymmetricInt16(ctx, node, q));
    // 1 / sqrt(x), and the largest output for x <= 0.
    auto inv_sqrt = [](float x, const void* output_scale) {
      return x <= 0.f ? 32767.f * *static_cast<const float*>(output_scale) : 1.0f / std::sqrt(x);
    };
    PopulateLutInt16(inv_sqrt, &q.out.scale, q.in.scale, q.in.zero_point, q.out.scale, q.out.zero_point,
                     d.q.table16);
    d.q.value = InterpolatedInt16;
    return Status::Ok();
  }
  ri::RsqrtParams& p = d.q.rsqrt;
  p.input_zero_point = q.in.zero_point;
  p.output_zero_point = q.out.zero_point;
  // sqrtf(s_x) * s_y in float32, the reciprocal in double.
  p.multiplier = QuantizeMultiplier(1.0 / static_cast<double>(std::sqrt(q.in.scale) * q.out.scale));
  d.q.value = RsqrtValue;
  return Status::Ok();
}

Status PrepareSqrtQuantized(KernelContext& ctx, Node& node, UnaryData& d) {
  Quantizations q;
  EL_RETURN_IF_ERROR(ReadQuantizations(ctx, node, &q));
  EL_RETURN_IF_ERROR(RequireSymmetricInt16(ctx, node, q));
  d.q.min_valid_input = q.in.zero_point;  // negative numbers fail in eval, as in LiteRT
  d.q.sqrt = {q.in.scale, q.out.scale, q.in.zero_point, q.out.zero_point, q.lo, q.hi};
  d.q.value = SqrtValue;
  return Status::Ok();
}

Status PrepareAbsQuantized(KernelContext& ctx, Node& node, UnaryData& d) {
  Quantizations q;
  EL_RETURN_IF_ERROR(ReadQuantizations(ctx, node, &q));
  EL_RETURN_IF_ERROR(RequireSymmetricInt16(ctx, node, q));
  ri::AbsParams& p = d.q.abs;
  p.input_zero_point = q.in.zero_point;
  p.output_zero_point = q.out.zero_point;
  p.rescale = q.in.scale != q.out.scale;
  p.multiplier = QuantizeMultiplier(static_cast<double>(q.in.scale / q.out.scale));
  p.lo = q.lo;
  p.hi = q.hi;
  d.q.value = AbsValue;
  return Status::Ok();
}

Status FinishByteTable(KernelContext& ctx, Node& node, UnaryData& d) {
  P& p = d.q;
  if (p.value != ByteTableInt8 && p.value != ByteTableUInt8) {
    int32_t lo, hi;
    IntegerTypeRange(ctx.input(node, 0)->type, &lo, &hi);
    uint8_t table[256];
    for (int32_t v = lo; v <= hi; ++v) table[static_cast<uint8_t>(v)] = static_cast<uint8_t>(p.value(v, p));
    std::copy(table, table + 256, p.table8);
  }
  p.lookup8 = optimized::LutU8For(d.variant->isa)->lookup;
  return Status::Ok();
}

Status EvalQuantizedInt8(KernelContext& ctx, Node& node, UnaryData& d) { return EvalQuantized<int8_t>(ctx, node, d); }
Status EvalQuantizedUInt8(KernelContext& ctx, Node& node, UnaryData& d) {
  return EvalQuantized<uint8_t>(ctx, node, d);
}
Status EvalQuantizedInt16(KernelContext& ctx, Node& node, UnaryData& d) {
  return EvalQuantized<int16_t>(ctx, node, d);
}

Status EvalByteTable(KernelContext& ctx, Node& node, UnaryData& d) {
  const Tensor& in = *ctx.input(node, 0);
  const P& p = d.q;
  if (p.min_valid_input != INT32_MIN) {
    // Only signed inputs (int8 RSQRT) have a bound: check it as the reference rows do.
    const int8_t* x = in.data_as<int8_t>();
    int32_t smallest = 127;
    for (int64_t i = 0; i < in.num_elements(); ++i) smallest = std::min<int32_t>(smallest, x[i]);
    if (smallest < p.min_valid_input) return EvalQuantized<int8_t>(ctx, node, d);  // gives the error
  }
  const uint8_t* x = static_cast<const uint8_t*>(in.data);
  uint8_t* y = static_cast<uint8_t*>(ctx.output(node, 0)->data);
  // A table look-up per byte.
  ctx.thread_pool().ParallelFor(in.num_elements(), ThreadPool::kCostVectorValue / 4, [&](int64_t b, int64_t e, int) {
    p.lookup8(x + b, y + b, e - b, p.table8);
  });
  return Status::Ok();
}

}  // namespace edgelite
