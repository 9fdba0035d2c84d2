// FILL: a tensor of shape `dims` (1-D int32 or int64) with every element equal to the scalar `value`,
// of any fixed-size dtype (the value is copied as bytes). The shape is set in prepare when `dims` has
// values then (a constant, or folded); otherwise the output is dynamic and sized at eval.
#include <algorithm>
#include <cstring>
#include <limits>

#include "interpreter/kernels/kernel_util.h"

namespace edgelite {
namespace {

struct FillData {
  Dims shape;  // the output shape read from dims; reserved in prepare so that eval does not allocate it
};

// Reads and checks the output shape from the dims tensor (whose values must be there).
Status ReadShape(KernelContext& ctx, const Node& node, const Tensor& dims, Dims* shape) {
  // Bounded so that the byte count cannot overflow: a bad model gets an error, not a huge allocation.
  constexpr int64_t kMaxElements = int64_t{1} << 40;
  shape->clear();
  int64_t elements = 1;
  for (int64_t i = 0; i < dims.num_elements(); ++i) {
    const int64_t d = IntValueAt(dims, i);
    EL_KERNEL_CHECK(ctx, node, d >= 0 && d <= std::numeric_limits<int32_t>::max(), "dims[", i, "] is ", d,
                    ", expected 0 to 2^31 - 1");
    shape->push_back(static_cast<int32_t>(d));
    EL_KERNEL_CHECK(ctx, node, elements == 0 || d <= kMaxElements / elements, "output shape ",
                    DimsToString(*shape), "... has too many elements");
    elements *= d;
  }
  return Status::Ok();
}

Status Prepare(KernelContext& ctx, Node& node) {
  auto& data = *static_cast<FillData*>(node.user_data);
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 2, 2));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor *dims, *value, *out;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &dims));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 1, &value));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &out));
  EL_RETURN_IF_ERROR(CheckTypeIn(ctx, node, *dims, {DataType::kInt32, DataType::kInt64}, "dims input"));
  EL_KERNEL_CHECK(ctx, node, dims->rank() == 1, "dims input '", dims->name, "' must be 1-D, got shape ",
                  DimsToString(dims->dims));
  EL_KERNEL_CHECK(ctx, node, value->rank() == 0, "value input '", value->name, "' must be a scalar, got shape ",
                  DimsToString(value->dims));
  if (ElementSize(value->type) == 0) {
    return ctx.Error(node, StrCat("value type ", DataTypeName(value->type), " is not supported"),
                     StatusCode::kUnsupported);
  }
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *out, value->type, "output"));
  data.shape.reserve(static_cast<size_t>(dims->num_elements()));
  // An empty dims tensor has no values to wait for: the output is a scalar.
  if (dims->num_elements() > 0 && !HasValuesAtPrepare(*dims)) {
    ctx.MarkDynamic(*out);
    return Status::Ok();
  }
  EL_RETURN_IF_ERROR(ReadShape(ctx, node, *dims, &data.shape));
  return ctx.ResizeTensor(*out, data.shape);
}

Status Eval(KernelContext& ctx, Node& node) {
  auto& data = *static_cast<FillData*>(node.user_data);
  const Tensor& dims = *ctx.input(node, 0);
  const Tensor& value = *ctx.input(node, 1);
  Tensor& out = *ctx.output(node, 0);
  if (out.is_dynamic) {
    // The shape is known only now: a dynamic output gets its memory from ResizeTensor.
    EL_RETURN_IF_ERROR(ReadShape(ctx, node, dims, &data.shape));
    EL_RETURN_IF_ERROR(ctx.ResizeTensor(out, data.shape));
  }
  const int64_t n = out.num_elements();
  if (n == 0) return Status::Ok();
  if (!out.data || !value.data) {
    return ctx.Error(node, StrCat("no memory for output '", out.name, "' of shape ", DimsToString(out.dims)),
                     StatusCode::kInternal);
  }
  DispatchByElementWidth(value.type, [&](auto bits) {
    using Bits = decltype(bits);
    std::memcpy(&bits, value.data, sizeof bits);
    std::fill(static_cast<Bits*>(out.data), static_cast<Bits*>(out.data) + n, bits);
  });
  return Status::Ok();
}

}  // namespace

const KernelRegistration* Register_FILL() {
  // Folded when dims and value are constant, so shapes built from it resolve at prepare.
  static const KernelRegistration reg{NewNodeData<FillData>, DeleteNodeData<FillData>, Prepare, Eval,
                                      /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace edgelite
