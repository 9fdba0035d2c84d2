// Element-wise unary operators: LOGISTIC, TANH, RELU, RELU6, HARD_SWISH, GELU, RSQRT, NEG, ABS, CEIL,
// FLOOR, COS, SIN, EXP, LOG, SQRT, SQUARE, ELU and LEAKY_RELU on float32 (NEG and ABS also on int32
// and int64). One file for the family: they differ only in the per-element function.
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/optimized/activations.h"
#include "interpreter/kernels/reference/activations.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

enum class UnaryOp {
  kLogistic, kTanh, kRelu, kRelu6, kHardSwish, kGelu, kRsqrt, kNeg,
  kAbs, kCeil, kFloor, kCos, kSin, kExp, kLog, kSqrt, kSquare, kElu, kLeakyRelu,
};

// A loop over n elements; `param` is LEAKY_RELU's alpha, ignored by the other operators.
using RangeFnF32 = void (*)(const float* in, float* out, int64_t n, float param);
template <typename T>
using RangeFnInt = void (*)(const T* in, T* out, int64_t n);

struct UnaryData {
  bool gelu_approximate = false;  // GeluOptions.approximate: the tanh form instead of erf
  float alpha = 0.f;              // LeakyReluOptions.alpha; 0 when the table is absent, as in .tflite
  // Chosen in prepare: the reference or optimized loop; the integer loops stay null for float-only ops.
  RangeFnF32 f32 = nullptr;
  RangeFnInt<int32_t> i32 = nullptr;
  RangeFnInt<int64_t> i64 = nullptr;
  int64_t grain = 16384;  // fewest elements worth a thread-pool task (less for transcendental ops)
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
template <typename T, T (*kFn)(T)>
void ReferenceInt(const T* in, T* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = kFn(in[i]);
}
// An optimized loop without a parameter, in the family's signature.
template <void (*kFn)(const float*, float*, int64_t)>
void OptimizedF32(const float* in, float* out, int64_t n, float) {
  kFn(in, out, n);
}

constexpr bool AcceptsIntegers(UnaryOp op) { return op == UnaryOp::kNeg || op == UnaryOp::kAbs; }

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

template <UnaryOp kOp>
void ChooseLoop(UnaryData* data) {
  const bool ref = ForceReferenceKernels();
  data->grain = IsTranscendental(kOp) ? 4096 : 16384;
  switch (kOp) {
    case UnaryOp::kLogistic:
      data->f32 = ref ? ReferenceF32<reference::Logistic> : OptimizedF32<optimized::LogisticF32>;
      break;
    case UnaryOp::kTanh: data->f32 = ref ? ReferenceF32<reference::Tanh> : OptimizedF32<optimized::TanhF32>; break;
    case UnaryOp::kGelu:
      if (data->gelu_approximate) {
        data->f32 = ref ? ReferenceF32<reference::GeluTanh> : OptimizedF32<optimized::GeluTanhF32>;
      } else {
        data->f32 = ref ? ReferenceF32<reference::GeluExact> : OptimizedF32<optimized::GeluExactF32>;
      }
      break;
    case UnaryOp::kExp: data->f32 = ref ? ReferenceF32<reference::Exp> : OptimizedF32<optimized::ExpF32>; break;
    case UnaryOp::kLog: data->f32 = ref ? ReferenceF32<reference::Log> : OptimizedF32<optimized::LogF32>; break;
    case UnaryOp::kSin: data->f32 = ref ? ReferenceF32<reference::Sin> : OptimizedF32<optimized::SinF32>; break;
    case UnaryOp::kCos: data->f32 = ref ? ReferenceF32<reference::Cos> : OptimizedF32<optimized::CosF32>; break;
    case UnaryOp::kElu: data->f32 = ref ? ReferenceF32<reference::Elu> : OptimizedF32<optimized::EluF32>; break;
    case UnaryOp::kCeil: data->f32 = ref ? ReferenceF32<reference::Ceil> : OptimizedF32<optimized::CeilF32>; break;
    case UnaryOp::kFloor:
      data->f32 = ref ? ReferenceF32<reference::Floor> : OptimizedF32<optimized::FloorF32>;
      break;
    // The rest vectorize as written: their reference loop is the fast one.
    case UnaryOp::kRelu: data->f32 = ReferenceF32<reference::Relu>; break;
    case UnaryOp::kRelu6: data->f32 = ReferenceF32<reference::Relu6>; break;
    case UnaryOp::kHardSwish: data->f32 = ReferenceF32<reference::HardSwish>; break;
    case UnaryOp::kRsqrt: data->f32 = ReferenceF32<reference::Rsqrt>; break;
    case UnaryOp::kSqrt: data->f32 = ReferenceF32<reference::Sqrt>; break;
    case UnaryOp::kSquare: data->f32 = ReferenceF32<reference::Square>; break;
    case UnaryOp::kLeakyRelu: data->f32 = ReferenceWithParamF32<reference::LeakyRelu>; break;
    case UnaryOp::kNeg:
      data->f32 = ReferenceF32<reference::Neg<float>>;
      data->i32 = ReferenceInt<int32_t, reference::Neg<int32_t>>;
      data->i64 = ReferenceInt<int64_t, reference::Neg<int64_t>>;
      break;
    case UnaryOp::kAbs:
      data->f32 = ReferenceF32<reference::Abs<float>>;
      data->i32 = ReferenceInt<int32_t, reference::Abs<int32_t>>;
      data->i64 = ReferenceInt<int64_t, reference::Abs<int64_t>>;
      break;
  }
}

template <UnaryOp kOp>
Status Prepare(KernelContext& ctx, Node& node) {
  Tensor *in, *out;
  EL_RETURN_IF_ERROR(GetSingleInputOutput(ctx, node, &in, &out));
  const bool int_ok = AcceptsIntegers(kOp) && (in->type == DataType::kInt32 || in->type == DataType::kInt64);
  if (in->type != DataType::kFloat32 && !int_ok) {
    return ctx.Error(node,
                     StrCat("input type ", DataTypeName(in->type), " is not supported (",
                            AcceptsIntegers(kOp) ? "float32, int32, int64" : "float32", ")"),
                     StatusCode::kUnsupported);
  }
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *out, in->type, "output"));
  ChooseLoop<kOp>(static_cast<UnaryData*>(node.user_data));
  return ctx.ResizeTensor(*out, in->dims);
}

template <typename T>
void RunInt(RangeFnInt<T> fn, const Tensor& in, Tensor& out, ThreadPool& pool) {
  const T* x = in.data_as<T>();
  T* y = out.data_as<T>();
  pool.ParallelFor(in.num_elements(), 16384, [&](int64_t b, int64_t e) { fn(x + b, y + b, e - b); });
}

Status Eval(KernelContext& ctx, Node& node) {
  const auto& d = *static_cast<const UnaryData*>(node.user_data);
  const Tensor& in = *ctx.input(node, 0);
  Tensor& out = *ctx.output(node, 0);
  switch (in.type) {
    case DataType::kFloat32: {
      const float* x = in.data_as<float>();
      float* y = out.data_as<float>();
      ctx.thread_pool().ParallelFor(in.num_elements(), d.grain,
                                    [&](int64_t b, int64_t e) { d.f32(x + b, y + b, e - b, d.alpha); });
      return Status::Ok();
    }
    case DataType::kInt32: RunInt(d.i32, in, out, ctx.thread_pool()); return Status::Ok();
    case DataType::kInt64: RunInt(d.i64, in, out, ctx.thread_pool()); return Status::Ok();
    default: return ctx.Error(node, "unsupported type", StatusCode::kUnsupported);
  }
}

template <UnaryOp kOp>
const KernelRegistration* Registration() {
  // Folding: one pass over a constant beats one per invoke.
  static const KernelRegistration reg{Init<kOp>, DeleteNodeData<UnaryData>, Prepare<kOp>, Eval,
                                      /*fold_when_inputs_constant=*/true};
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
