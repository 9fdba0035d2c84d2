// BROADCAST_ARGS: the NumPy broadcast of two shapes given as 1-D int32 or int64 tensors (of one dtype), as a
// shape tensor of that dtype. A shape op: folded at prepare when both shapes are constant (or folded).
#include <algorithm>

#include "interpreter/kernels/kernel_util.h"

namespace edgelite {
namespace {

// Writes the broadcast shape into `out` (already sized to the longer input); fails on incompatible shapes.
Status Broadcast(KernelContext& ctx, const Node& node, const Tensor& a, const Tensor& b, Tensor& out) {
  const int64_t na = a.num_elements(), nb = b.num_elements(), n = std::max(na, nb);
  for (int64_t i = 0; i < n; ++i) {  // aligned at the trailing dimension
    const int64_t da = i < na ? IntValueAt(a, na - 1 - i) : 1;
    const int64_t db = i < nb ? IntValueAt(b, nb - 1 - i) : 1;
    EL_KERNEL_CHECK(ctx, node, da == db || da == 1 || db == 1, "shapes '", a.name, "' and '", b.name,
                    "' cannot be broadcast: dimension ", n - 1 - i, " is ", da, " and ", db);
    const int64_t d = da == 1 ? db : da;
    if (out.type == DataType::kInt64) out.data_as<int64_t>()[n - 1 - i] = d;
    else out.data_as<int32_t>()[n - 1 - i] = static_cast<int32_t>(d);
  }
  return Status::Ok();
}

Status Prepare(KernelContext& ctx, Node& node) {
  Tensor *a, *b, *out;
  EL_RETURN_IF_ERROR(GetTwoInputsOneOutput(ctx, node, &a, &b, &out));
  EL_RETURN_IF_ERROR(CheckTypeIn(ctx, node, *a, {DataType::kInt32, DataType::kInt64}, "shape input 0"));
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *b, a->type, "shape input 1"));
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *out, a->type, "output"));
  EL_KERNEL_CHECK(ctx, node, a->rank() == 1 && b->rank() == 1, "both shapes must be 1-D, got ",
                  DimsToString(a->dims), " and ", DimsToString(b->dims));
  return ctx.ResizeTensor(*out, Dims{std::max(a->dims[0], b->dims[0])});
}

Status Eval(KernelContext& ctx, Node& node) {
  return Broadcast(ctx, node, *ctx.input(node, 0), *ctx.input(node, 1), *ctx.output(node, 0));
}

}  // namespace

const KernelRegistration* Register_BROADCAST_ARGS() {
  static const KernelRegistration reg{nullptr, nullptr, Prepare, Eval, /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace edgelite
