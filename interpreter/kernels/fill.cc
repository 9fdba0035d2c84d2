// FILL: a tensor of shape `dims` (1-D int32 or int64) with every element equal to the scalar `value`,
// of any fixed-size dtype (the value is copied as bytes). The shape is set in prepare when `dims` is
// constant (or folded); otherwise the output is dynamic and sized at eval.
#include <algorithm>
#include <cstring>
#include <limits>

#include "interpreter/kernels/kernel_util.h"

namespace edgelite {
namespace {

// Reads and checks the output shape from the dims tensor (whose data must be there).
Status OutputDims(KernelContext& ctx, const Node& node, const Tensor& dims_tensor, Dims* out) {
  out->clear();
  if (dims_tensor.num_elements() == 0) return Status::Ok();  // a scalar
  std::vector<int64_t> dims;
  EL_RETURN_IF_ERROR(ReadIntVector(ctx, node, dims_tensor, &dims));
  // Bounded so that the byte count cannot overflow: a bad model gets an error, not a huge allocation.
  constexpr int64_t kMaxElements = int64_t{1} << 40;
  int64_t elements = 1;
  for (size_t i = 0; i < dims.size(); ++i) {
    EL_KERNEL_CHECK(ctx, node, dims[i] >= 0 && dims[i] <= std::numeric_limits<int32_t>::max(), "dims[", i,
                    "] is ", dims[i], ", expected 0 to 2^31 - 1");
    EL_KERNEL_CHECK(ctx, node, elements == 0 || dims[i] <= kMaxElements / elements, "output shape ",
                    DimsToString(Dims(dims.begin(), dims.end())), " has too many elements");
    elements *= dims[i];
    out->push_back(static_cast<int32_t>(dims[i]));
  }
  return Status::Ok();
}

Status Prepare(KernelContext& ctx, Node& node) {
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 2, 2));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor *dims, *value, *out;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &dims));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 1, &value));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &out));
  EL_KERNEL_CHECK(ctx, node, dims->type == DataType::kInt32 || dims->type == DataType::kInt64, "dims input '",
                  dims->name, "' must be int32 or int64, got ", DataTypeName(dims->type));
  EL_KERNEL_CHECK(ctx, node, dims->rank() == 1, "dims input '", dims->name, "' must be 1-D, got shape ",
                  DimsToString(dims->dims));
  EL_KERNEL_CHECK(ctx, node, value->rank() == 0, "value input '", value->name, "' must be a scalar, got shape ",
                  DimsToString(value->dims));
  if (ElementSize(value->type) == 0) {
    return ctx.Error(node, StrCat("value type ", DataTypeName(value->type), " is not supported"),
                     StatusCode::kUnsupported);
  }
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *out, value->type, "output"));
  if (!dims->is_constant) {
    ctx.MarkDynamic(*out);
    return Status::Ok();
  }
  Dims out_dims;
  EL_RETURN_IF_ERROR(OutputDims(ctx, node, *dims, &out_dims));
  return ctx.ResizeTensor(*out, out_dims);
}

// Every element of `out` (n of them) set to the element at `value`.
template <typename Bits>
void FillBits(const void* value, void* out, int64_t n) {
  Bits v;
  std::memcpy(&v, value, sizeof v);
  std::fill(static_cast<Bits*>(out), static_cast<Bits*>(out) + n, v);
}

Status Eval(KernelContext& ctx, Node& node) {
  const Tensor& dims = *ctx.input(node, 0);
  const Tensor& value = *ctx.input(node, 1);
  Tensor& out = *ctx.output(node, 0);
  if (!dims.is_constant) {
    // The shape is known only now: a dynamic output gets its memory from ResizeTensor.
    Dims out_dims;
    EL_RETURN_IF_ERROR(OutputDims(ctx, node, dims, &out_dims));
    EL_RETURN_IF_ERROR(ctx.ResizeTensor(out, out_dims));
  }
  const int64_t n = out.num_elements();
  if (n == 0) return Status::Ok();
  if (!out.data || !value.data) {
    return ctx.Error(node, StrCat("no memory for output '", out.name, "' of shape ", DimsToString(out.dims)),
                     StatusCode::kInternal);
  }
  switch (ElementSize(value.type)) {
    case 1: FillBits<uint8_t>(value.data, out.data, n); break;
    case 2: FillBits<uint16_t>(value.data, out.data, n); break;
    case 4: FillBits<uint32_t>(value.data, out.data, n); break;
    case 8: FillBits<uint64_t>(value.data, out.data, n); break;
    default: return ctx.Error(node, "unsupported type", StatusCode::kUnsupported);
  }
  return Status::Ok();
}

}  // namespace

const KernelRegistration* Register_FILL() {
  // Folded when dims and value are constant, so shapes built from it resolve at prepare.
  static const KernelRegistration reg{nullptr, nullptr, Prepare, Eval, /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace edgelite
