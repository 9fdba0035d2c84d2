// EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL: element-wise with NumPy broadcasting,
// bool output. float32, int32, int64 (and bool for the two equality tests).
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/reference/broadcast.h"

namespace edgelite {
namespace {

enum class CompareOp { kEqual, kNotEqual, kLess, kLessEqual, kGreater, kGreaterEqual };

template <typename T>
inline bool Compare(CompareOp op, T a, T b) {
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

template <CompareOp kOp>
Status Prepare(KernelContext& ctx, Node& node) {
  Tensor *a, *b, *out;
  EL_RETURN_IF_ERROR(GetTwoInputsOneOutput(ctx, node, &a, &b, &out));
  const bool equality = kOp == CompareOp::kEqual || kOp == CompareOp::kNotEqual;
  const bool ok_type = a->type == DataType::kFloat32 || a->type == DataType::kInt32 ||
                       a->type == DataType::kInt64 || (equality && a->type == DataType::kBool);
  EL_KERNEL_CHECK(ctx, node, ok_type, "input type ", DataTypeName(a->type), " is not supported");
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *b, a->type, "input 1"));
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *out, DataType::kBool, "output"));
  Dims out_dims;
  if (!BroadcastShapes(a->dims, b->dims, &out_dims)) {
    return ctx.Error(node, StrCat("shapes ", DimsToString(a->dims), " and ", DimsToString(b->dims),
                                  " cannot be broadcast together"));
  }
  return ctx.ResizeTensor(*out, out_dims);
}

template <CompareOp kOp, typename T>
void Run(const Tensor& a, const Tensor& b, Tensor& out) {
  const T* pa = a.data_as<T>();
  const T* pb = b.data_as<T>();
  bool* po = out.data_as<bool>();
  reference::ForEachBroadcastIndex(a.dims, b.dims, out.dims, [&](int64_t o, int64_t ia, int64_t ib) {
    po[o] = Compare(kOp, pa[ia], pb[ib]);
  });
}

template <CompareOp kOp>
Status Eval(KernelContext& ctx, Node& node) {
  const Tensor& a = *ctx.input(node, 0);
  const Tensor& b = *ctx.input(node, 1);
  Tensor& out = *ctx.output(node, 0);
  switch (a.type) {
    case DataType::kFloat32: Run<kOp, float>(a, b, out); break;
    case DataType::kInt32: Run<kOp, int32_t>(a, b, out); break;
    case DataType::kInt64: Run<kOp, int64_t>(a, b, out); break;
    case DataType::kBool: Run<kOp, bool>(a, b, out); break;
    default: return ctx.Error(node, "unsupported type", StatusCode::kUnsupported);
  }
  return Status::Ok();
}

template <CompareOp kOp>
const KernelRegistration* Registration() {
  static const KernelRegistration reg{nullptr, nullptr, Prepare<kOp>, Eval<kOp>,
                                      /*fold_when_inputs_constant=*/true};
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
