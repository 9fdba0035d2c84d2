// Element-wise unary operators: LOGISTIC, TANH, RELU, RELU6, RELU_N1_TO_1, RELU_0_TO_1, HARD_SWISH, GELU,
// RSQRT, NEG, ABS, CEIL, FLOOR, ROUND, SIGN, COS, SIN, EXP, LOG, SQRT, SQUARE, ELU and LEAKY_RELU on float32
// (NEG and ABS also on int32 and int64, SIGN on int32 and float64, SIN, COS and GELU on float16), and the
// quantized forms LiteRT has (activations_integer.cc: int8, uint8, int16; NEG on int8/int16 is a plain integer
// negation there). One file
// for the family: they differ only in the per-element function. The quantized RELU_N1_TO_1 and RELU_0_TO_1
// are not here yet (issue 17): their prepare says so.
#include "interpreter/kernels/activations.h"
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/reference/activations.h"
#include "interpreter/kernels/reference/half.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

enum class UnaryOp {
  kLogistic, kTanh, kRelu, kRelu6, kHardSwish, kGelu, kRsqrt, kNeg,
  kAbs, kCeil, kFloor, kCos, kSin, kExp, kLog, kSqrt, kSquare, kElu, kLeakyRelu,
  kReluN1To1, kRelu0To1, kRound, kSign,
};

using optimized::UnaryLoopF32;
// Reference scalar functions over a range; the template argument makes each a direct, inlinable call.
template <float (*kFn)(float)>
void ReferenceF32(const float* in, float* out, int64_t n, float) {
  for (int64_t i = 0; i < n; ++i) out[i] = kFn(in[i]);
}
template <float (*kFn)(float, float)>
void ReferenceWithParamF32(const float* in, float* out, int64_t n, float param) {
  for (int64_t i = 0; i < n; ++i) out[i] = kFn(in[i], param);
}

template <UnaryOp kOp>
Status Init(KernelContext& ctx, Node& node) {
  auto* data = new UnaryData();
  node.user_data = data;
  if (!node.op) return Status::Ok();
  if constexpr (kOp == UnaryOp::kGelu) {
    if (const auto* options = node.op->builtin_options_as_GeluOptions()) {
      data->gelu_approximate = options->approximate();
    }
  }
  if constexpr (kOp == UnaryOp::kLeakyRelu) {
    if (const auto* options = node.op->builtin_options_as_LeakyReluOptions()) data->alpha = options->alpha();
  }
  return Status::Ok();
}

// Operators whose per-element cost is a transcendental function: smaller thread-pool tasks pay off.
constexpr bool IsTranscendental(UnaryOp op) {
  switch (op) {
    case UnaryOp::kLogistic: case UnaryOp::kTanh: case UnaryOp::kGelu: case UnaryOp::kExp: case UnaryOp::kLog:
    case UnaryOp::kSin: case UnaryOp::kCos: case UnaryOp::kElu:
      return true;
    default:
      return false;
  }
}

// The loop of `op` in a vector ISA's table.
UnaryLoopF32 OptimizedLoop(UnaryOp op, bool gelu_approximate, const optimized::UnaryF32Kernels& k) {
  switch (op) {
    case UnaryOp::kLogistic: return k.logistic;
    case UnaryOp::kTanh: return k.tanh;
    case UnaryOp::kGelu: return gelu_approximate ? k.gelu_tanh : k.gelu_exact;
    case UnaryOp::kExp: return k.exp;
    case UnaryOp::kLog: return k.log;
    case UnaryOp::kSin: return k.sin;
    case UnaryOp::kCos: return k.cos;
    case UnaryOp::kElu: return k.elu;
    case UnaryOp::kCeil: return k.ceil;
    case UnaryOp::kFloor: return k.floor;
    case UnaryOp::kRelu: return k.relu;
    case UnaryOp::kRelu6: return k.relu6;
    case UnaryOp::kHardSwish: return k.hard_swish;
    case UnaryOp::kRsqrt: return k.rsqrt;
    case UnaryOp::kSqrt: return k.sqrt;
    case UnaryOp::kSquare: return k.square;
    case UnaryOp::kLeakyRelu: return k.leaky_relu;
    case UnaryOp::kNeg: return k.neg;
    case UnaryOp::kAbs: return k.abs;
    case UnaryOp::kReluN1To1: return k.relu_n1_to_1;
    case UnaryOp::kRelu0To1: return k.relu_0_to_1;
    case UnaryOp::kRound: return k.round;
    case UnaryOp::kSign: return k.sign;
  }
  return nullptr;
}

UnaryLoopF32 ReferenceLoop(UnaryOp op, bool gelu_approximate) {
  switch (op) {
    case UnaryOp::kLogistic: return ReferenceF32<reference::Logistic>;
    case UnaryOp::kTanh: return ReferenceF32<reference::Tanh>;
    case UnaryOp::kGelu:
      return gelu_approximate ? ReferenceF32<reference::GeluTanh> : ReferenceF32<reference::GeluExact>;
    case UnaryOp::kExp: return ReferenceF32<reference::Exp>;
    case UnaryOp::kLog: return ReferenceF32<reference::Log>;
    case UnaryOp::kSin: return ReferenceF32<reference::Sin>;
    case UnaryOp::kCos: return ReferenceF32<reference::Cos>;
    case UnaryOp::kElu: return ReferenceF32<reference::Elu>;
    case UnaryOp::kCeil: return ReferenceF32<reference::Ceil>;
    case UnaryOp::kFloor: return ReferenceF32<reference::Floor>;
    case UnaryOp::kRelu: return ReferenceF32<reference::Relu>;
    case UnaryOp::kRelu6: return ReferenceF32<reference::Relu6>;
    case UnaryOp::kHardSwish: return ReferenceF32<reference::HardSwish>;
    case UnaryOp::kRsqrt: return ReferenceF32<reference::Rsqrt>;
    case UnaryOp::kSqrt: return ReferenceF32<reference::Sqrt>;
    case UnaryOp::kSquare: return ReferenceF32<reference::Square>;
    case UnaryOp::kLeakyRelu: return ReferenceWithParamF32<reference::LeakyRelu>;
    case UnaryOp::kNeg: return ReferenceF32<reference::Neg<float>>;
    case UnaryOp::kAbs: return ReferenceF32<reference::Abs<float>>;
    case UnaryOp::kReluN1To1: return ReferenceF32<reference::ReluN1To1>;
    case UnaryOp::kRelu0To1: return ReferenceF32<reference::Relu0To1>;
    case UnaryOp::kRound: return ReferenceF32<reference::Round>;
    case UnaryOp::kSign: return ReferenceF32<reference::Sign<float>>;
  }
  return nullptr;
}

template <UnaryOp kOp>
Status PrepareF32(KernelContext&, Node&, UnaryData& d) {
  d.value_cost = IsTranscendental(kOp) ? ThreadPool::kCostTranscendental : ThreadPool::kCostVectorValue;
  d.f32 = d.variant->isa == Isa::kReference
              ? ReferenceLoop(kOp, d.gelu_approximate)
              : OptimizedLoop(kOp, d.gelu_approximate, *optimized::UnaryF32For(d.variant->isa));
  return Status::Ok();
}

Status EvalF32(KernelContext& ctx, Node& node, UnaryData& d) {
  const Tensor& in = *ctx.input(node, 0);
  const float* x = in.data_as<float>();
  float* y = ctx.output(node, 0)->data_as<float>();
  ctx.thread_pool().ParallelFor(in.num_elements(), d.value_cost,
                                [&](int64_t b, int64_t e, int) { d.f32(x + b, y + b, e - b, d.alpha); });
  return Status::Ok();
}

// GELU on float16 as LiteRT's: its expression evaluated in half arithmetic (Eigen::half), each step rounded to
// half; the difference from one rounding of the float32 value reaches thousands of half steps in the tails
// (1 + tanh(...) rounds to 0 below about -3.5).
void GeluHalfSteps(const float* in, float* out, int64_t n, float approximate) {
  using reference::RoundToHalf;
  const float half_x_steps = RoundToHalf(-0.70710678118654752f), k = RoundToHalf(0.79788456080286536f),
              c = RoundToHalf(0.044715f);
  for (int64_t i = 0; i < n; ++i) {
    const float x = in[i];
    float tail;
    if (approximate != 0.f) {
      const float cube = RoundToHalf(RoundToHalf(x * x) * x);
      const float inner = RoundToHalf(k * RoundToHalf(x + RoundToHalf(c * cube)));
      tail = RoundToHalf(1.f + RoundToHalf(std::tanh(inner)));
    } else {
      tail = RoundToHalf(std::erfc(RoundToHalf(x * half_x_steps)));
    }
    out[i] = RoundToHalf(RoundToHalf(0.5f * x) * tail);
  }
}

Status PrepareGeluF16(KernelContext&, Node&, UnaryData& d) {
  d.value_cost = ThreadPool::kCostTranscendental;
  d.f32 = GeluHalfSteps;
  d.alpha = d.gelu_approximate ? 1.f : 0.f;  // GeluHalfSteps' parameter (GELU has no alpha of its own)
  return Status::Ok();
}

// float16 (SIN, COS; GELU with its own function): as LiteRT's half kernels, each value widened to float32, the
// float32 reference function, the result rounded to the nearest half; a block at a time through a stack buffer.
Status EvalF16(KernelContext& ctx, Node& node, UnaryData& d) {
  const Tensor& in = *ctx.input(node, 0);
  const uint16_t* x = in.data_as<uint16_t>();
  uint16_t* y = ctx.output(node, 0)->data_as<uint16_t>();
  ctx.thread_pool().ParallelFor(in.num_elements(), d.value_cost, [&](int64_t b, int64_t e, int) {
    float block[256];
    for (int64_t i = b; i < e; i += 256) {
      const int64_t n = std::min<int64_t>(256, e - i);
      reference::HalfToFloat(x + i, block, n);
      d.f32(block, block, n, d.alpha);
      reference::FloatToHalf(block, y + i, n);
    }
  });
  return Status::Ok();
}

// The dtypes other than float32: NEG and ABS on integers (wrapping, as .tflite's kernels), SIGN on int32 and
// float64.
template <typename T, T (*kFn)(T)>
Status EvalMap(KernelContext& ctx, Node& node, UnaryData&) {
  const Tensor& in = *ctx.input(node, 0);
  const T* x = in.data_as<T>();
  T* y = ctx.output(node, 0)->data_as<T>();
  ctx.thread_pool().ParallelFor(in.num_elements(), ThreadPool::kCostScalarValue, [&](int64_t b, int64_t e, int) {
    for (int64_t i = b; i < e; ++i) y[i] = kFn(x[i]);
  });
  return Status::Ok();
}

constexpr TypeSignature kF32Types{{kF32}, {kF32}};
constexpr TypeSignature kF16Types{{kF16}, {kF16}};
constexpr TypeSignature kI32Types{{kI32}, {kI32}};
constexpr TypeSignature kI64Types{{kI64}, {kI64}};
constexpr TypeSignature kF64Types{{TypeBit(DataType::kFloat64)}, {TypeBit(DataType::kFloat64)}};
constexpr TypeSignature kI8Types{{kI8}, {kI8}};
constexpr TypeSignature kU8Types{{kU8}, {kU8}};
constexpr TypeSignature kI16Types{{kI16}, {kI16}};

// An integer prepare followed by the 256-entry table of its values (the table rows).
template <UnaryPrepareFn kPrepare>
Status PrepareWithByteTable(KernelContext& ctx, Node& node, UnaryData& d) {
  EL_RETURN_IF_ERROR(kPrepare(ctx, node, d));
  return FinishByteTable(ctx, node, d);
}

#define EL_UNARY_F32_ROWS(OP)                                                        \
  EL_VECTOR_ISA_ROWS("float32", kF32Types, nullptr, PrepareF32<OP>, EvalF32),       \
  {"float32", kF32Types, Isa::kReference, nullptr, PrepareF32<OP>, EvalF32}
// 8-bit inputs: the vectorized table rows, then the reference twin computing each element.
#define EL_UNARY_8BIT_ROWS(NAME, TYPES, PREPARE, EVAL)                                                     \
  EL_VECTOR_ISA_ROWS(NAME " table", TYPES, nullptr, PrepareWithByteTable<PREPARE>, EvalByteTable),        \
  {NAME, TYPES, Isa::kReference, nullptr, PREPARE, EVAL}
#define EL_UNARY_INT8_ROWS(PREPARE) EL_UNARY_8BIT_ROWS("int8", kI8Types, PREPARE, EvalQuantizedInt8)
#define EL_UNARY_UINT8_ROWS(PREPARE) EL_UNARY_8BIT_ROWS("uint8", kU8Types, PREPARE, EvalQuantizedUInt8)
#define EL_UNARY_INT16_ROW(PREPARE) {"int16", kI16Types, Isa::kReference, nullptr, PREPARE, EvalQuantizedInt16}
// The operators with int8, uint8 and int16 forms.
#define EL_UNARY_QUANTIZED_ROWS(PREPARE) \
  EL_UNARY_INT8_ROWS(PREPARE), EL_UNARY_UINT8_ROWS(PREPARE), EL_UNARY_INT16_ROW(PREPARE)

template <UnaryOp kOp>
struct Variants {
  static constexpr KernelVariant<UnaryData> kTable[] = {EL_UNARY_F32_ROWS(kOp)};
};
#define EL_UNARY_VARIANTS(OP, ...)                                                              \
  template <>                                                                                   \
  struct Variants<OP> {                                                                         \
    static constexpr KernelVariant<UnaryData> kTable[] = {EL_UNARY_F32_ROWS(OP), __VA_ARGS__}; \
  };
#define EL_UNARY_F16_ROW(OP) {"float16", kF16Types, Isa::kReference, nullptr, PrepareF32<OP>, EvalF16}
EL_UNARY_VARIANTS(UnaryOp::kLogistic, EL_UNARY_QUANTIZED_ROWS(PrepareLogisticQuantized))
EL_UNARY_VARIANTS(UnaryOp::kTanh, EL_UNARY_QUANTIZED_ROWS(PrepareTanhQuantized))
EL_UNARY_VARIANTS(UnaryOp::kGelu, {"float16", kF16Types, Isa::kReference, nullptr, PrepareGeluF16, EvalF16},
                  EL_UNARY_QUANTIZED_ROWS(PrepareGeluQuantized))
EL_UNARY_VARIANTS(UnaryOp::kSin, EL_UNARY_F16_ROW(UnaryOp::kSin))
EL_UNARY_VARIANTS(UnaryOp::kCos, EL_UNARY_F16_ROW(UnaryOp::kCos))
EL_UNARY_VARIANTS(UnaryOp::kRelu, EL_UNARY_QUANTIZED_ROWS(PrepareReluQuantized))
EL_UNARY_VARIANTS(UnaryOp::kRelu6, EL_UNARY_QUANTIZED_ROWS(PrepareRelu6Quantized))
EL_UNARY_VARIANTS(UnaryOp::kLeakyRelu, EL_UNARY_QUANTIZED_ROWS(PrepareLeakyReluQuantized))
// LiteRT's ELU has int8 only, HARD_SWISH no int16, RSQRT no uint8.
EL_UNARY_VARIANTS(UnaryOp::kElu, EL_UNARY_INT8_ROWS(PrepareEluQuantized))
EL_UNARY_VARIANTS(UnaryOp::kHardSwish, EL_UNARY_INT8_ROWS(PrepareHardSwishQuantized),
                  EL_UNARY_UINT8_ROWS(PrepareHardSwishQuantized))
EL_UNARY_VARIANTS(UnaryOp::kRsqrt, EL_UNARY_INT8_ROWS(PrepareRsqrtQuantized), EL_UNARY_INT16_ROW(PrepareRsqrtQuantized))
// SQRT: int8 and int16 as LiteRT (no uint8).
EL_UNARY_VARIANTS(UnaryOp::kSqrt, EL_UNARY_INT8_ROWS(PrepareSqrtQuantized), EL_UNARY_INT16_ROW(PrepareSqrtQuantized))
// ABS: quantized int8 and int16; int16 without quantization parameters is a plain |x| (wrapping at -32768).
EL_UNARY_VARIANTS(UnaryOp::kAbs,
                  {"int32", kI32Types, Isa::kReference, nullptr, nullptr, EvalMap<int32_t, reference::Abs<int32_t>>},
                  {"int64", kI64Types, Isa::kReference, nullptr, nullptr, EvalMap<int64_t, reference::Abs<int64_t>>},
                  EL_UNARY_INT8_ROWS(PrepareAbsQuantized),
                  {"int16", kI16Types, Isa::kReference, InputIsQuantized, PrepareAbsQuantized, EvalQuantizedInt16,
                   "input has quantization parameters"},
                  {"int16 (not quantized)", kI16Types, Isa::kReference, nullptr, nullptr,
                   EvalMap<int16_t, reference::Abs<int16_t>>})
// NEG: LiteRT negates int8 and int16 values as plain integers, quantization or not.
EL_UNARY_VARIANTS(UnaryOp::kNeg,
                  {"int32", kI32Types, Isa::kReference, nullptr, nullptr, EvalMap<int32_t, reference::Neg<int32_t>>},
                  {"int64", kI64Types, Isa::kReference, nullptr, nullptr, EvalMap<int64_t, reference::Neg<int64_t>>},
                  {"int8", kI8Types, Isa::kReference, nullptr, nullptr, EvalMap<int8_t, reference::Neg<int8_t>>},
                  {"int16", kI16Types, Isa::kReference, nullptr, nullptr, EvalMap<int16_t, reference::Neg<int16_t>>})
EL_UNARY_VARIANTS(UnaryOp::kSign,
                  {"int32", kI32Types, Isa::kReference, nullptr, nullptr, EvalMap<int32_t, reference::Sign<int32_t>>},
                  {"float64", kF64Types, Isa::kReference, nullptr, nullptr, EvalMap<double, reference::Sign<double>>})
#undef EL_UNARY_VARIANTS
#undef EL_UNARY_F16_ROW
#undef EL_UNARY_QUANTIZED_ROWS
#undef EL_UNARY_INT16_ROW
#undef EL_UNARY_UINT8_ROWS
#undef EL_UNARY_INT8_ROWS
#undef EL_UNARY_8BIT_ROWS
#undef EL_UNARY_F32_ROWS

template <UnaryOp kOp>
Status Prepare(KernelContext& ctx, Node& node) {
  Tensor *in, *out;
  EL_RETURN_IF_ERROR(GetSingleInputOutput(ctx, node, &in, &out));
  if constexpr (kOp == UnaryOp::kReluN1To1 || kOp == UnaryOp::kRelu0To1) {
    EL_RETURN_IF_ERROR(RefuseQuantized(ctx, node, *in, "float32"));
  }
  EL_RETURN_IF_ERROR(ctx.ResizeTensor(*out, in->dims));
  return SelectVariant(ctx, node, Variants<kOp>::kTable, *static_cast<UnaryData*>(node.user_data));
}

template <UnaryOp kOp>
const KernelRegistration* Registration() {
  // Folding: one pass over a constant beats one per invoke.
  static const KernelRegistration reg{Init<kOp>, DeleteNodeData<UnaryData>, Prepare<kOp>,
                                      EvalSelectedVariant<UnaryData>, /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace
const KernelRegistration* Register_LOGISTIC() { return Registration<UnaryOp::kLogistic>(); }
const KernelRegistration* Register_TANH() { return Registration<UnaryOp::kTanh>(); }
const KernelRegistration* Register_RELU() { return Registration<UnaryOp::kRelu>(); }
const KernelRegistration* Register_RELU6() { return Registration<UnaryOp::kRelu6>(); }
const KernelRegistration* Register_HARD_SWISH() { return Registration<UnaryOp::kHardSwish>(); }
const KernelRegistration* Register_GELU() { return Registration<UnaryOp::kGelu>(); }
const KernelRegistration* Register_RSQRT() { return Registration<UnaryOp::kRsqrt>(); }
const KernelRegistration* Register_NEG() { return Registration<UnaryOp::kNeg>(); }
const KernelRegistration* Register_ABS() { return Registration<UnaryOp::kAbs>(); }
const KernelRegistration* Register_CEIL() { return Registration<UnaryOp::kCeil>(); }
const KernelRegistration* Register_FLOOR() { return Registration<UnaryOp::kFloor>(); }
const KernelRegistration* Register_COS() { return Registration<UnaryOp::kCos>(); }
const KernelRegistration* Register_SIN() { return Registration<UnaryOp::kSin>(); }
const KernelRegistration* Register_EXP() { return Registration<UnaryOp::kExp>(); }
const KernelRegistration* Register_LOG() { return Registration<UnaryOp::kLog>(); }
const KernelRegistration* Register_SQRT() { return Registration<UnaryOp::kSqrt>(); }
const KernelRegistration* Register_SQUARE() { return Registration<UnaryOp::kSquare>(); }
const KernelRegistration* Register_ELU() { return Registration<UnaryOp::kElu>(); }
const KernelRegistration* Register_LEAKY_RELU() { return Registration<UnaryOp::kLeakyRelu>(); }
const KernelRegistration* Register_RELU_N1_TO_1() { return Registration<UnaryOp::kReluN1To1>(); }
const KernelRegistration* Register_RELU_0_TO_1() { return Registration<UnaryOp::kRelu0To1>(); }
const KernelRegistration* Register_ROUND() { return Registration<UnaryOp::kRound>(); }
const KernelRegistration* Register_SIGN() { return Registration<UnaryOp::kSign>(); }

}  // namespace edgelite
