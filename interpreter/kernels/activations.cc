// LOGISTIC, TANH, RELU, RELU6, HARD_SWISH, GELU, RSQRT, NEG: element-wise unary operators on float32
// (NEG also on int32 and int64). One file for the family: they differ only in the per-element function.
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/optimized/activations.h"
#include "interpreter/kernels/reference/activations.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

enum class UnaryOp { kLogistic, kTanh, kRelu, kRelu6, kHardSwish, kGelu, kRsqrt, kNeg };

using RangeFnF32 = void (*)(const float* in, float* out, int64_t n);

struct UnaryData {
  bool gelu_approximate = false;  // GeluOptions.approximate: the tanh form instead of erf
  // Chosen in prepare: the reference or optimized loop.
  RangeFnF32 f32 = nullptr;
  int64_t grain = 16384;  // fewest elements worth a thread-pool task (less for transcendental ops)
};

// A reference scalar function over a range; the template argument makes it a direct, inlinable call.
template <float (*kFn)(float)>
void ReferenceF32(const float* in, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = kFn(in[i]);
}

template <UnaryOp kOp>
Status Init(KernelContext& ctx, Node& node) {
  auto* data = new UnaryData();
  node.user_data = data;
  const auto* gelu = kOp == UnaryOp::kGelu && node.op ? node.op->builtin_options_as_GeluOptions() : nullptr;
  if (gelu) data->gelu_approximate = gelu->approximate();
  return Status::Ok();
}

template <UnaryOp kOp>
void ChooseLoop(UnaryData* data) {
  const bool ref = ForceReferenceKernels();
  constexpr int64_t kTranscendentalGrain = 4096;
  switch (kOp) {
    case UnaryOp::kLogistic:
      data->f32 = ref ? ReferenceF32<reference::Logistic> : optimized::LogisticF32;
      data->grain = kTranscendentalGrain;
      break;
    case UnaryOp::kTanh:
      data->f32 = ref ? ReferenceF32<reference::Tanh> : optimized::TanhF32;
      data->grain = kTranscendentalGrain;
      break;
    case UnaryOp::kGelu:
      if (data->gelu_approximate) {
        data->f32 = ref ? ReferenceF32<reference::GeluTanh> : optimized::GeluTanhF32;
      } else {
        data->f32 = ref ? ReferenceF32<reference::GeluExact> : optimized::GeluExactF32;
      }
      data->grain = kTranscendentalGrain;
      break;
    // The rest vectorize as written: their reference loop is the fast one.
    case UnaryOp::kRelu: data->f32 = ReferenceF32<reference::Relu>; break;
    case UnaryOp::kRelu6: data->f32 = ReferenceF32<reference::Relu6>; break;
    case UnaryOp::kHardSwish: data->f32 = ReferenceF32<reference::HardSwish>; break;
    case UnaryOp::kRsqrt: data->f32 = ReferenceF32<reference::Rsqrt>; break;
    case UnaryOp::kNeg: data->f32 = ReferenceF32<reference::Neg<float>>; break;
  }
}

template <UnaryOp kOp>
Status Prepare(KernelContext& ctx, Node& node) {
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 1, 1));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor *in, *out;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &in));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &out));
  const bool int_ok = kOp == UnaryOp::kNeg && (in->type == DataType::kInt32 || in->type == DataType::kInt64);
  if (in->type != DataType::kFloat32 && !int_ok) {
    return ctx.Error(node,
                     StrCat("input type ", DataTypeName(in->type), " is not supported (",
                            kOp == UnaryOp::kNeg ? "float32, int32, int64" : "float32", ")"),
                     StatusCode::kUnsupported);
  }
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *out, in->type, "output"));
  ChooseLoop<kOp>(static_cast<UnaryData*>(node.user_data));
  return ctx.ResizeTensor(*out, in->dims);
}

template <typename T>
void NegInt(const Tensor& in, Tensor& out, ThreadPool& pool) {
  const T* x = in.data_as<T>();
  T* y = out.data_as<T>();
  pool.ParallelFor(in.num_elements(), 16384, [&](int64_t b, int64_t e) {
    reference::Map(x + b, y + b, e - b, [](T v) { return reference::Neg(v); });
  });
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
                                    [&](int64_t b, int64_t e) { d.f32(x + b, y + b, e - b); });
      return Status::Ok();
    }
    case DataType::kInt32: NegInt<int32_t>(in, out, ctx.thread_pool()); return Status::Ok();
    case DataType::kInt64: NegInt<int64_t>(in, out, ctx.thread_pool()); return Status::Ok();
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

}  // namespace edgelite
