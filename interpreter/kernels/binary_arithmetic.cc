// ADD, SUB, MUL, DIV, SQUARED_DIFFERENCE, MAXIMUM, MINIMUM, POW, FLOOR_DIV, FLOOR_MOD: element-wise with
// NumPy broadcasting and a fused clamp (ADD/SUB/MUL/DIV only).
// One file for the family because they differ only in the scalar operation; float32, int32 and int64.
#include <cmath>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/reference/broadcast.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

enum class BinaryOp { kAdd, kSub, kMul, kDiv, kSquaredDifference, kMaximum, kMinimum, kPow, kFloorDiv, kFloorMod };

struct BinaryData {
  BinaryOp op;
  ActivationRange range;  // float clamp; integer outputs are clamped with the same bounds
  // Filled in prepare: how the inputs line up, so eval picks its loop without re-deriving it.
  enum class Layout { kSameShape, kScalarB, kScalarA, kInnerBroadcastB, kGeneral } layout;
  int64_t outer = 0, inner = 0;  // for kInnerBroadcastB: out = outer blocks of `inner` elements
};

// POW, FLOOR_DIV and FLOOR_MOD as TFLite defines them: integer power by repeated squaring (a negative
// exponent is refused in eval), and division rounding toward negative infinity with the remainder
// taking the divisor's sign, as Python's // and %.
inline float Power(float a, float b) { return std::pow(a, b); }
template <typename T>
inline T Power(T a, T b) {
  T result = 1;
  for (; b > 0; b >>= 1, a *= a)
    if (b & 1) result *= a;
  return result;
}
inline float FloorDiv(float a, float b) { return std::floor(a / b); }
template <typename T>
inline T FloorDiv(T a, T b) {
  const T q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
inline float FloorMod(float a, float b) {
  const float r = std::fmod(a, b);
  return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}
template <typename T>
inline T FloorMod(T a, T b) {
  const T r = a % b;
  return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}

// The operation is a template argument so each loop compiles to straight-line, vectorizable code.
template <BinaryOp op, typename T>
inline T Apply(T a, T b) {
  switch (op) {
    case BinaryOp::kAdd: return a + b;
    case BinaryOp::kSub: return a - b;
    case BinaryOp::kMul: return a * b;
    case BinaryOp::kDiv: return a / b;
    case BinaryOp::kSquaredDifference: return (a - b) * (a - b);
    // As TFLite's reference: a NaN in `b` propagates, one in `a` does not.
    case BinaryOp::kMaximum: return a > b ? a : b;
    case BinaryOp::kMinimum: return a < b ? a : b;
    case BinaryOp::kPow: return Power(a, b);
    case BinaryOp::kFloorDiv: return FloorDiv(a, b);
    case BinaryOp::kFloorMod: return FloorMod(a, b);
  }
  return a;
}

// Integer division follows .tflite: truncation like C, and division by zero is refused in eval.
// Float clamps stay in float so the loops vectorize; integers compare in double because the bounds
// (infinities, 6.0) have no integer type of their own.
inline float ClampTo(float v, const ActivationRange& r) { return std::min(std::max(v, r.min), r.max); }

template <typename T>
inline T ClampTo(T v, const ActivationRange& r) {
  if (std::isinf(r.min) && std::isinf(r.max)) return v;
  const double d = static_cast<double>(v);
  return static_cast<T>(std::min(std::max(d, static_cast<double>(r.min)), static_cast<double>(r.max)));
}

template <BinaryOp kOp>
Status Init(KernelContext& ctx, Node& node) {
  auto* data = new BinaryData();
  node.user_data = data;
  data->op = kOp;
  schema::ActivationFunctionType act = schema::ActivationFunctionType_NONE;
  if (node.op) {
    if (auto* o = node.op->builtin_options_as_AddOptions()) act = o->fused_activation_function();
    if (auto* o = node.op->builtin_options_as_SubOptions()) act = o->fused_activation_function();
    if (auto* o = node.op->builtin_options_as_MulOptions()) act = o->fused_activation_function();
    if (auto* o = node.op->builtin_options_as_DivOptions()) act = o->fused_activation_function();
  }
  return GetActivationRange(ctx, node, act, &data->range);
}

Status Prepare(KernelContext& ctx, Node& node) {
  auto* data = static_cast<BinaryData*>(node.user_data);
  Tensor *a, *b, *out;
  EL_RETURN_IF_ERROR(GetTwoInputsOneOutput(ctx, node, &a, &b, &out));
  const bool int_type = a->type == DataType::kInt32 || a->type == DataType::kInt64;
  if (a->type != DataType::kFloat32 && !int_type) {
    return ctx.Error(node, StrCat("input type ", DataTypeName(a->type), " is not supported (float32, int32, int64)"),
                     StatusCode::kUnsupported);
  }
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *b, a->type, "input 1"));
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *out, a->type, "output"));
  Dims out_dims;
  if (!BroadcastShapes(a->dims, b->dims, &out_dims)) {
    return ctx.Error(node, StrCat("shapes ", DimsToString(a->dims), " and ", DimsToString(b->dims),
                                  " cannot be broadcast together"));
  }
  using L = BinaryData::Layout;
  if (a->dims == b->dims) {
    data->layout = L::kSameShape;
  } else if (b->num_elements() == 1) {
    data->layout = L::kScalarB;
  } else if (a->num_elements() == 1) {
    data->layout = L::kScalarA;
  } else if (a->dims == out_dims) {
    // b broadcasts along leading axes only when its shape, without leading 1s, is a suffix of out's.
    size_t lead = 0;
    while (lead < b->dims.size() && b->dims[lead] == 1) ++lead;
    Dims b_core(b->dims.begin() + lead, b->dims.end());
    const bool suffix = b_core.size() <= out_dims.size() &&
                        std::equal(b_core.begin(), b_core.end(), out_dims.end() - b_core.size());
    data->layout = suffix ? L::kInnerBroadcastB : L::kGeneral;
    data->inner = NumElements(b_core);
    data->outer = data->inner ? NumElements(out_dims) / data->inner : 0;
  } else {
    data->layout = L::kGeneral;
  }
  return ctx.ResizeTensor(*out, out_dims);
}

template <BinaryOp op, typename T>
void Run(const BinaryData& d, const Tensor& a, const Tensor& b, Tensor& out, ThreadPool& pool) {
  const T* pa = a.data_as<T>();
  const T* pb = b.data_as<T>();
  T* po = out.data_as<T>();
  const ActivationRange r = d.range;
  const int64_t n = out.num_elements();
  using L = BinaryData::Layout;
  switch (d.layout) {
    case L::kSameShape:
      pool.ParallelFor(n, 16384, [&](int64_t s, int64_t e) {
        for (int64_t i = s; i < e; ++i) po[i] = ClampTo(Apply<op>(pa[i], pb[i]), r);
      });
      return;
    case L::kScalarB: {
      const T v = pb[0];
      pool.ParallelFor(n, 16384, [&](int64_t s, int64_t e) {
        for (int64_t i = s; i < e; ++i) po[i] = ClampTo(Apply<op>(pa[i], v), r);
      });
      return;
    }
    case L::kScalarA: {
      const T v = pa[0];
      pool.ParallelFor(n, 16384, [&](int64_t s, int64_t e) {
        for (int64_t i = s; i < e; ++i) po[i] = ClampTo(Apply<op>(v, pb[i]), r);
      });
      return;
    }
    case L::kInnerBroadcastB: {
      const int64_t inner = d.inner;
      pool.ParallelFor(d.outer, std::max<int64_t>(1, 16384 / std::max<int64_t>(inner, 1)),
                       [&](int64_t s, int64_t e) {
                         for (int64_t o = s; o < e; ++o) {
                           const T* x = pa + o * inner;
                           T* y = po + o * inner;
                           for (int64_t i = 0; i < inner; ++i) y[i] = ClampTo(Apply<op>(x[i], pb[i]), r);
                         }
                       });
      return;
    }
    case L::kGeneral:
      reference::ForEachBroadcastIndex(a.dims, b.dims, out.dims, [&](int64_t o, int64_t ia, int64_t ib) {
        po[o] = ClampTo(Apply<op>(pa[ia], pb[ib]), r);
      });
      return;
  }
}

template <typename T>
bool HasZero(const Tensor& t) {
  const T* p = t.data_as<T>();
  for (int64_t i = 0; i < t.num_elements(); ++i)
    if (p[i] == 0) return true;
  return false;
}

template <typename T>
bool HasNegative(const Tensor& t) {
  const T* p = t.data_as<T>();
  for (int64_t i = 0; i < t.num_elements(); ++i)
    if (p[i] < 0) return true;
  return false;
}

// Integer division-like ops refuse a zero divisor, integer POW a negative exponent.
template <typename T>
Status CheckIntegerOperands(KernelContext& ctx, const Node& node, BinaryOp op, const Tensor& b) {
  const bool divides = op == BinaryOp::kDiv || op == BinaryOp::kFloorDiv || op == BinaryOp::kFloorMod;
  if (divides && HasZero<T>(b)) return ctx.Error(node, "integer division by zero", StatusCode::kInvalidArgument);
  if (op == BinaryOp::kPow && HasNegative<T>(b))
    return ctx.Error(node, "integer POW with a negative exponent", StatusCode::kInvalidArgument);
  return Status::Ok();
}

template <BinaryOp kOp>
Status Eval(KernelContext& ctx, Node& node) {
  const auto& d = *static_cast<BinaryData*>(node.user_data);
  const Tensor& a = *ctx.input(node, 0);
  const Tensor& b = *ctx.input(node, 1);
  Tensor& out = *ctx.output(node, 0);
  switch (a.type) {
    case DataType::kFloat32: Run<kOp, float>(d, a, b, out, ctx.thread_pool()); break;
    case DataType::kInt32:
      EL_RETURN_IF_ERROR(CheckIntegerOperands<int32_t>(ctx, node, d.op, b));
      Run<kOp, int32_t>(d, a, b, out, ctx.thread_pool());
      break;
    case DataType::kInt64:
      EL_RETURN_IF_ERROR(CheckIntegerOperands<int64_t>(ctx, node, d.op, b));
      Run<kOp, int64_t>(d, a, b, out, ctx.thread_pool());
      break;
    default: return ctx.Error(node, "unsupported type", StatusCode::kUnsupported);
  }
  return Status::Ok();
}

template <BinaryOp kOp>
const KernelRegistration* Registration() {
  // Folding: shape arithmetic in dynamic-batch graphs runs once, at prepare.
  static const KernelRegistration reg{Init<kOp>, DeleteNodeData<BinaryData>, Prepare, Eval<kOp>,
                                      /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace

const KernelRegistration* Register_ADD() { return Registration<BinaryOp::kAdd>(); }
const KernelRegistration* Register_SUB() { return Registration<BinaryOp::kSub>(); }
const KernelRegistration* Register_MUL() { return Registration<BinaryOp::kMul>(); }
const KernelRegistration* Register_DIV() { return Registration<BinaryOp::kDiv>(); }
const KernelRegistration* Register_SQUARED_DIFFERENCE() {
  return Registration<BinaryOp::kSquaredDifference>();
}
const KernelRegistration* Register_MAXIMUM() { return Registration<BinaryOp::kMaximum>(); }
const KernelRegistration* Register_MINIMUM() { return Registration<BinaryOp::kMinimum>(); }
const KernelRegistration* Register_POW() { return Registration<BinaryOp::kPow>(); }
const KernelRegistration* Register_FLOOR_DIV() { return Registration<BinaryOp::kFloorDiv>(); }
const KernelRegistration* Register_FLOOR_MOD() { return Registration<BinaryOp::kFloorMod>(); }

}  // namespace edgelite
