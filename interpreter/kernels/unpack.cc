// UNPACK: splits the input along `axis` into `num` tensors of one rank less (PACK's inverse). Each output
// is a sequence of contiguous slabs, so eval is memcpy calls; quantized values are copied raw, so every
// output must be quantized as the input (as LiteRT).
#include <cstring>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/variant_types.h"
#include "interpreter/kernels/quantization_params.h"

namespace edgelite {
namespace {

struct UnpackData : VariantChoice<UnpackData> {
  int num = 0;
  int axis = 0;  // as written in the options; normalized in prepare
  // Filled in prepare: input = outer x (num x inner) elements.
  int64_t outer = 0;
  int64_t inner_bytes = 0;
};

Status Init(KernelContext&, Node& node) {
  auto* data = new UnpackData();
  node.user_data = data;
  if (const auto* o = node.op ? node.op->builtin_options_as_UnpackOptions() : nullptr) {
    data->num = o->num();
    data->axis = o->axis();
  }
  return Status::Ok();
}

Status Eval(KernelContext& ctx, Node& node, UnpackData& data) {
  const uint8_t* src = ctx.input(node, 0)->data_as<uint8_t>();
  const int64_t inner = data.inner_bytes;
  for (int i = 0; i < data.num; ++i) {
    uint8_t* dst = ctx.output(node, i)->data_as<uint8_t>();
    for (int64_t o = 0; o < data.outer; ++o) std::memcpy(dst + o * inner, src + (o * data.num + i) * inner, inner);
  }
  return Status::Ok();
}

Status PrepareCopy(KernelContext& ctx, Node& node, UnpackData&) {
  for (size_t i = 0; i < node.outputs.size(); ++i) {
    EL_RETURN_IF_ERROR(RequireSameQuantization(ctx, node, *ctx.output(node, static_cast<int>(i)),
                                               StrCat("output ", i).c_str(), *ctx.input(node, 0), "input"));
  }
  return Status::Ok();
}

const KernelVariant<UnpackData> kVariants[] = {
    {"bytes", TypeSignature{{kMovableTypes}, {kSameAsInput0}}, Isa::kReference, nullptr, PrepareCopy, Eval},
};

Status Prepare(KernelContext& ctx, Node& node) {
  auto& data = *static_cast<UnpackData*>(node.user_data);
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 1, 1));
  Tensor* in;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &in));
  EL_KERNEL_CHECK(ctx, node, in->rank() >= 1, "input '", in->name, "' must have at least one dimension");
  int axis;
  EL_RETURN_IF_ERROR(NormalizeAxis(ctx, node, data.axis, in->rank(), &axis));
  const int n = static_cast<int>(node.outputs.size());
  EL_KERNEL_CHECK(ctx, node, data.num == n, "num is ", data.num, " but the operator has ", n, " outputs");
  EL_KERNEL_CHECK(ctx, node, in->dims[axis] == n, "input '", in->name, "' has ", in->dims[axis],
                  " values along axis ", axis, " but the operator has ", n, " outputs");
  Dims out_dims = in->dims;
  out_dims.erase(out_dims.begin() + axis);
  for (int i = 0; i < n; ++i) {
    Tensor* out;
    EL_RETURN_IF_ERROR(RequireOutput(ctx, node, i, &out));
    EL_RETURN_IF_ERROR(ctx.ResizeTensor(*out, out_dims));
  }
  EL_RETURN_IF_ERROR(SelectVariant(ctx, node, kVariants, data));
  data.outer = NumElements(Dims(in->dims.begin(), in->dims.begin() + axis));
  data.inner_bytes = NumElements(Dims(in->dims.begin() + axis + 1, in->dims.end())) *
                     static_cast<int64_t>(ElementSize(in->type));
  return Status::Ok();
}

}  // namespace

const KernelRegistration* Register_UNPACK() {
  static const KernelRegistration reg{Init, DeleteNodeData<UnpackData>, Prepare, EvalSelectedVariant<UnpackData>,
                                      /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace edgelite

EL_KERNEL_TYPES(UNPACK, kVariants)
