// ADD_N: the element-wise sum of any number of inputs of one shape and dtype (float32, int32 as LiteRT; no
// broadcasting). int32 sums wrap, as LiteRT's.
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/variant_types.h"

namespace edgelite {
namespace {

struct AddNData : VariantChoice<AddNData> {};

template <typename T, typename Acc>
Status Eval(KernelContext& ctx, Node& node, AddNData&) {
  Tensor& out = *ctx.output(node, 0);
  T* y = out.data_as<T>();
  const int64_t n = out.num_elements();
  const T* first = ctx.input(node, 0)->data_as<T>();
  for (int64_t i = 0; i < n; ++i) y[i] = first[i];
  for (size_t k = 1; k < node.inputs.size(); ++k) {
    const T* x = ctx.input(node, static_cast<int>(k))->data_as<T>();
    for (int64_t i = 0; i < n; ++i) y[i] = static_cast<T>(static_cast<Acc>(y[i]) + static_cast<Acc>(x[i]));
  }
  return Status::Ok();
}

const KernelVariant<AddNData> kVariants[] = {
    {"float32", TypeSignature{{kF32}, {kF32}}, Isa::kReference, nullptr, nullptr, Eval<float, float>},
    {"int32", TypeSignature{{kI32}, {kI32}}, Isa::kReference, nullptr, nullptr, Eval<int32_t, uint32_t>},
};

Status Prepare(KernelContext& ctx, Node& node) {
  const int n = static_cast<int>(node.inputs.size());
  EL_KERNEL_CHECK(ctx, node, n >= 1, "expected at least 1 input, got 0");
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor *first, *out;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &first));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &out));
  for (int i = 1; i < n; ++i) {
    Tensor* t;
    EL_RETURN_IF_ERROR(RequireInput(ctx, node, i, &t));
    EL_KERNEL_CHECK(ctx, node, t->dims == first->dims && t->type == first->type, "input ", i, " is ",
                    DataTypeName(t->type), DimsToString(t->dims), " but input 0 is ", DataTypeName(first->type),
                    DimsToString(first->dims), "; all inputs must match");
  }
  EL_RETURN_IF_ERROR(SelectVariant(ctx, node, kVariants, *static_cast<AddNData*>(node.user_data)));
  return ctx.ResizeTensor(*out, first->dims);
}

}  // namespace

const KernelRegistration* Register_ADD_N() {
  static const KernelRegistration reg{NewNodeData<AddNData>, DeleteNodeData<AddNData>, Prepare,
                                      EvalSelectedVariant<AddNData>, /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace edgelite

EL_KERNEL_TYPES(ADD_N, kVariants)
