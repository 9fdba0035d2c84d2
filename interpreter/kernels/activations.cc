// Element-wise unary operators: LOGISTIC, TANH, RELU, RELU6, HARD_SWISH, GELU, RSQRT, NEG, ABS, CEIL,
// FLOOR, COS, SIN, EXP, LOG, SQRT, SQUARE, ELU and LEAKY_RELU on float32 (NEG and ABS also on int32
// and int64). One file for the family: they differ only in the per-element function.
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/optimized/unary_f32.h"
#include "interpreter/kernels/reference/activations.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

enum class UnaryOp {
  kLogistic, kTanh, kRelu, kRelu6, kHardSwish, kGelu, kRsqrt, kNeg,
  kAbs, kCeil, kFloor, kCos, kSin, kExp, kLog, kSqrt, kSquare, kElu, kLeakyRelu,
};

using optimized::UnaryLoopF32;
template <typename T>
using RangeFnInt = void (*)(const T* in, T* out, int64_t n);

struct UnaryData : VariantChoice<UnaryData> {
  bool gelu_approximate = false;  // GeluOptions.approximate: the tanh form instead of erf
  float alpha = 0.f;              // LeakyReluOptions.alpha; 0 when the table is absent, as in .tflite
  UnaryLoopF32 f32 = nullptr;     // chosen in prepare: the chosen ISA's loop, or the reference one
  int64_t grain = 16384;          // fewest elements worth a thread-pool task (less for transcendental ops)
};

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
  }
  return nullptr;
}

template <UnaryOp kOp>
Status PrepareF32(KernelContext&, Node&, UnaryData& d) {
  d.grain = IsTranscendental(kOp) ? 4096 : 16384;
  d.f32 = d.variant->isa == Isa::kReference
              ? ReferenceLoop(kOp, d.gelu_approximate)
              : OptimizedLoop(kOp, d.gelu_approximate, *optimized::UnaryF32For(d.variant->isa));
  return Status::Ok();
}

Status EvalF32(KernelContext& ctx, Node& node, UnaryData& d) {
  const Tensor& in = *ctx.input(node, 0);
  const float* x = in.data_as<float>();
  float* y = ctx.output(node, 0)->data_as<float>();
  ctx.thread_pool().ParallelFor(in.num_elements(), d.grain,
                                [&](int64_t b, int64_t e) { d.f32(x + b, y + b, e - b, d.alpha); });
  return Status::Ok();
}

// NEG and ABS on integers: wrapping, as .tflite's kernels.
template <typename T, T (*kFn)(T)>
Status EvalInt(KernelContext& ctx, Node& node, UnaryData&) {
  const Tensor& in = *ctx.input(node, 0);
  const T* x = in.data_as<T>();
  T* y = ctx.output(node, 0)->data_as<T>();
  ctx.thread_pool().ParallelFor(in.num_elements(), 16384, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) y[i] = kFn(x[i]);
  });
  return Status::Ok();
}

constexpr TypeSignature kF32Types{{kF32}, {kF32}};
constexpr TypeSignature kI32Types{{kI32}, {kI32}};
constexpr TypeSignature kI64Types{{kI64}, {kI64}};

#define EL_UNARY_F32_ROWS(OP)                                                        \
  EL_VECTOR_ISA_ROWS("float32", kF32Types, nullptr, PrepareF32<OP>, EvalF32),       \
  {"float32", kF32Types, Isa::kReference, nullptr, PrepareF32<OP>, EvalF32}

template <UnaryOp kOp>
struct Variants {
  static constexpr KernelVariant<UnaryData> kTable[] = {EL_UNARY_F32_ROWS(kOp)};
};
template <>
struct Variants<UnaryOp::kNeg> {
  static constexpr KernelVariant<UnaryData> kTable[] = {
      EL_UNARY_F32_ROWS(UnaryOp::kNeg),
      {"int32", kI32Types, Isa::kReference, nullptr, nullptr, EvalInt<int32_t, reference::Neg<int32_t>>},
      {"int64", kI64Types, Isa::kReference, nullptr, nullptr, EvalInt<int64_t, reference::Neg<int64_t>>},
  };
};
template <>
struct Variants<UnaryOp::kAbs> {
  static constexpr KernelVariant<UnaryData> kTable[] = {
      EL_UNARY_F32_ROWS(UnaryOp::kAbs),
      {"int32", kI32Types, Isa::kReference, nullptr, nullptr, EvalInt<int32_t, reference::Abs<int32_t>>},
      {"int64", kI64Types, Isa::kReference, nullptr, nullptr, EvalInt<int64_t, reference::Abs<int64_t>>},
  };
};
#undef EL_UNARY_F32_ROWS

template <UnaryOp kOp>
Status Prepare(KernelContext& ctx, Node& node) {
  Tensor *in, *out;
  EL_RETURN_IF_ERROR(GetSingleInputOutput(ctx, node, &in, &out));
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

}  // namespace edgelite
