// BITWISE_XOR and RIGHT_SHIFT on integers with NumPy broadcasting (int8, uint8, int16, int32: the LiteRT dtypes
// this build holds; it has no uint16 / uint32 tensors). RIGHT_SHIFT shifts signed values arithmetically and
// clamps the shift to [0, bits - 1], as LiteRT, so no shift is undefined behaviour. One loop serves every dtype:
// values widen to int64 (sign- or zero-extended), where both results are exact, and narrow back.
#include <algorithm>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/reference/broadcast.h"

namespace edgelite {
namespace {

struct BitwiseData {
  reference::BroadcastPlan plan;
};

int64_t Load(const void* base, int64_t i, DataType type) {
  switch (type) {
    case DataType::kInt8: return static_cast<const int8_t*>(base)[i];
    case DataType::kUInt8: return static_cast<const uint8_t*>(base)[i];
    case DataType::kInt16: return static_cast<const int16_t*>(base)[i];
    default: return static_cast<const int32_t*>(base)[i];
  }
}

void Store(void* base, int64_t i, DataType type, int64_t v) {
  switch (type) {
    case DataType::kInt8: static_cast<int8_t*>(base)[i] = static_cast<int8_t>(v); break;
    case DataType::kUInt8: static_cast<uint8_t*>(base)[i] = static_cast<uint8_t>(v); break;
    case DataType::kInt16: static_cast<int16_t*>(base)[i] = static_cast<int16_t>(v); break;
    default: static_cast<int32_t*>(base)[i] = static_cast<int32_t>(v); break;
  }
}

template <bool kShift>
Status Eval(KernelContext& ctx, Node& node) {
  auto& d = *static_cast<BitwiseData*>(node.user_data);
  const Tensor& a = *ctx.input(node, 0);
  const void* b = ctx.input(node, 1)->data;
  Tensor& out = *ctx.output(node, 0);
  const int max_shift = static_cast<int>(ElementSize(a.type)) * 8 - 1;
  reference::ForEachBroadcastIndex(d.plan, 0, d.plan.total, [&](int64_t o, int64_t ia, int64_t ib) {
    const int64_t x = Load(a.data, ia, a.type), s = Load(b, ib, a.type);
    const int64_t r = kShift ? x >> std::min<int64_t>(std::max<int64_t>(s, 0), max_shift) : x ^ s;
    Store(out.data, o, a.type, r);
  });
  return Status::Ok();
}

Status Prepare(KernelContext& ctx, Node& node) {
  auto& d = *static_cast<BitwiseData*>(node.user_data);
  Tensor *a, *b, *out;
  EL_RETURN_IF_ERROR(GetTwoInputsOneOutput(ctx, node, &a, &b, &out));
  EL_RETURN_IF_ERROR(CheckTypeIn(ctx, node, *a, {DataType::kInt8, DataType::kUInt8, DataType::kInt16,
                                                 DataType::kInt32}, "input 0"));
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *b, a->type, "input 1"));
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *out, a->type, "output"));
  Dims out_dims;
  EL_RETURN_IF_ERROR(PlanBroadcast(ctx, node, {&a->dims, &b->dims}, &out_dims, &d.plan));
  return ctx.ResizeTensor(*out, out_dims);
}

}  // namespace

const KernelRegistration* Register_BITWISE_XOR() {
  static const KernelRegistration reg{NewNodeData<BitwiseData>, DeleteNodeData<BitwiseData>, Prepare, Eval<false>,
                                      /*fold_when_inputs_constant=*/true};
  return &reg;
}
const KernelRegistration* Register_RIGHT_SHIFT() {
  static const KernelRegistration reg{NewNodeData<BitwiseData>, DeleteNodeData<BitwiseData>, Prepare, Eval<true>,
                                      /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace edgelite
