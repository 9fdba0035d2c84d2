// EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL: element-wise with NumPy broadcasting,
// bool output. float32, int32, int64 (and bool for the two equality tests).
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/reference/broadcast.h"

namespace edgelite {
namespace {

enum class CompareOp { kEqual, kNotEqual, kLess, kLessEqual, kGreater, kGreaterEqual };

struct CompareData : VariantChoice<CompareData> {};

template <CompareOp op, typename T>
inline bool Compare(T a, T b) {
  switch (op) {
    case CompareOp::kEqual: return a == b;
    case CompareOp::kNotEqual: return a != b;
    case CompareOp::kLess: return a < b;
    case CompareOp::kLessEqual: return a <= b;
    case CompareOp::kGreater: return a > b;
    case CompareOp::kGreaterEqual: return a >= b;
  }
  return false;
}

template <CompareOp kOp, typename T>
Status Eval(KernelContext& ctx, Node& node, CompareData&) {
  const Tensor& a = *ctx.input(node, 0);
  const Tensor& b = *ctx.input(node, 1);
  Tensor& out = *ctx.output(node, 0);
  const T* pa = a.data_as<T>();
  const T* pb = b.data_as<T>();
  bool* po = out.data_as<bool>();
  reference::ForEachBroadcastIndex(a.dims, b.dims, out.dims, [&](int64_t o, int64_t ia, int64_t ib) {
    po[o] = Compare<kOp>(pa[ia], pb[ib]);
  });
  return Status::Ok();
}

constexpr TypeSignature kF32Types{{kF32, kF32}, {kBool}};
constexpr TypeSignature kI32Types{{kI32, kI32}, {kBool}};
constexpr TypeSignature kI64Types{{kI64, kI64}, {kBool}};
constexpr TypeSignature kBoolTypes{{kBool, kBool}, {kBool}};

#define EL_COMPARE_ROW(NAME, TYPES, T) {NAME, TYPES, Isa::kReference, nullptr, nullptr, Eval<kOp, T>}
template <CompareOp kOp>
struct Variants {
  static constexpr KernelVariant<CompareData> kTable[] = {
      EL_COMPARE_ROW("float32", kF32Types, float),
      EL_COMPARE_ROW("int32", kI32Types, int32_t),
      EL_COMPARE_ROW("int64", kI64Types, int64_t),
  };
};
// The equality tests also take bool.
template <CompareOp kOp>
struct EqualityVariants {
  static constexpr KernelVariant<CompareData> kTable[] = {
      EL_COMPARE_ROW("float32", kF32Types, float),
      EL_COMPARE_ROW("int32", kI32Types, int32_t),
      EL_COMPARE_ROW("int64", kI64Types, int64_t),
      EL_COMPARE_ROW("bool", kBoolTypes, bool),
  };
};
#undef EL_COMPARE_ROW

template <CompareOp kOp>
Status Prepare(KernelContext& ctx, Node& node) {
  Tensor *a, *b, *out;
  EL_RETURN_IF_ERROR(GetTwoInputsOneOutput(ctx, node, &a, &b, &out));
  Dims out_dims;
  if (!BroadcastShapes(a->dims, b->dims, &out_dims)) {
    return ctx.Error(node, StrCat("shapes ", DimsToString(a->dims), " and ", DimsToString(b->dims),
                                  " cannot be broadcast together"));
  }
  EL_RETURN_IF_ERROR(ctx.ResizeTensor(*out, out_dims));
  auto& data = *static_cast<CompareData*>(node.user_data);
  if constexpr (kOp == CompareOp::kEqual || kOp == CompareOp::kNotEqual) {
    return SelectVariant(ctx, node, EqualityVariants<kOp>::kTable, data);
  } else {
    return SelectVariant(ctx, node, Variants<kOp>::kTable, data);
  }
}

template <CompareOp kOp>
const KernelRegistration* Registration() {
  static const KernelRegistration reg{NewNodeData<CompareData>, DeleteNodeData<CompareData>, Prepare<kOp>,
                                      EvalSelectedVariant<CompareData>, /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace

const KernelRegistration* Register_EQUAL() { return Registration<CompareOp::kEqual>(); }
const KernelRegistration* Register_NOT_EQUAL() { return Registration<CompareOp::kNotEqual>(); }
const KernelRegistration* Register_LESS() { return Registration<CompareOp::kLess>(); }
const KernelRegistration* Register_LESS_EQUAL() { return Registration<CompareOp::kLessEqual>(); }
const KernelRegistration* Register_GREATER() { return Registration<CompareOp::kGreater>(); }
const KernelRegistration* Register_GREATER_EQUAL() { return Registration<CompareOp::kGreaterEqual>(); }

}  // namespace edgelite
