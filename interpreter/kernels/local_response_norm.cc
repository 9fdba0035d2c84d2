// LOCAL_RESPONSE_NORMALIZATION: float32, rank 4 (NHWC), normalized across channels.
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/variant_types.h"
#include "interpreter/kernels/reference/local_response_norm.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

struct LrnData : VariantChoice<LrnData> {
  int radius = 5;
  float bias = 1.f, alpha = 1.f, beta = 0.5f;
};

Status Init(KernelContext& ctx, Node& node) {
  auto* d = new LrnData();
  node.user_data = d;
  if (node.op) {
    if (const auto* o = node.op->builtin_options_as_LocalResponseNormalizationOptions()) {
      d->radius = o->radius();
      d->bias = o->bias();
      d->alpha = o->alpha();
      d->beta = o->beta();
    }
  }
  EL_KERNEL_CHECK(ctx, node, d->radius >= 0, "radius must be >= 0, got ", d->radius);
  return Status::Ok();
}

Status EvalF32(KernelContext& ctx, Node& node, LrnData& d) {
  const Tensor& in = *ctx.input(node, 0);
  Tensor& out = *ctx.output(node, 0);
  const int channels = in.dims.back();
  const int64_t outer = channels ? in.num_elements() / channels : 0;
  ctx.thread_pool().ParallelFor(outer, RowCost(channels), [&](int64_t b, int64_t e, int) {
    reference::LocalResponseNormalization(in.data_as<float>() + b * channels, out.data_as<float>() + b * channels,
                                          e - b, channels, d.radius, d.bias, d.alpha, d.beta);
  });
  return Status::Ok();
}

constexpr TypeSignature kF32Types{{kF32}, {kF32}};

const KernelVariant<LrnData> kVariants[] = {
    {"float32", kF32Types, Isa::kReference, nullptr, nullptr, EvalF32},
};

Status Prepare(KernelContext& ctx, Node& node) {
  int64_t rows, depth;
  EL_RETURN_IF_ERROR(PrepareLastAxisRows(ctx, node, /*scalar_is_one_row=*/false, &rows, &depth));
  const Tensor& in = *ctx.input(node, 0);
  EL_KERNEL_CHECK(ctx, node, in.rank() == 4, "input must be rank 4 (NHWC), got shape ", DimsToString(in.dims));
  return SelectVariant(ctx, node, kVariants, *static_cast<LrnData*>(node.user_data));
}

}  // namespace

const KernelRegistration* Register_LOCAL_RESPONSE_NORMALIZATION() {
  static const KernelRegistration reg{Init, DeleteNodeData<LrnData>, Prepare, EvalSelectedVariant<LrnData>};
  return &reg;
}

}  // namespace edgelite

EL_KERNEL_TYPES(LOCAL_RESPONSE_NORMALIZATION, kVariants)
