// AVERAGE_POOL_2D and MAX_POOL_2D (float32, NHWC): filter size, strides, SAME/VALID padding, fused
// activation. Padded positions never count: a SAME average divides by the number of real elements.
// One file for both: they differ only in how a window is reduced.
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/optimized/pooling_f32.h"
#include "interpreter/kernels/reference/pooling.h"
#include "interpreter/kernels/conv_util.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

enum class PoolKind { kAverage, kMax };

struct PoolData : VariantChoice<PoolData> {
  PoolKind kind;
  WindowOptions options;
  int filter_h = 0, filter_w = 0;
  // Set in prepare.
  reference::WindowGeometry geometry;
  const optimized::PoolingF32Kernels* kernels = nullptr;  // the chosen ISA's
};

template <PoolKind kKind>
Status Init(KernelContext& ctx, Node& node) {
  auto* data = new PoolData();
  node.user_data = data;
  data->kind = kKind;
  const auto* o = node.op ? node.op->builtin_options_as_Pool2DOptions() : nullptr;
  EL_KERNEL_CHECK(ctx, node, o, "Pool2DOptions are missing");
  data->filter_h = o->filter_height();
  data->filter_w = o->filter_width();
  data->options.stride_h = o->stride_h();
  data->options.stride_w = o->stride_w();
  return ParseWindowOptions(ctx, node, o->padding(), o->fused_activation_function(), &data->options);
}

Status PrepareF32(KernelContext&, Node&, PoolData& d) {
  d.kernels = optimized::PoolingF32For(d.variant->isa);
  return Status::Ok();
}

template <PoolKind kKind>
Status EvalF32(KernelContext& ctx, Node& node, PoolData& d) {
  const float* in = ctx.input(node, 0)->data_as<float>();
  float* out = ctx.output(node, 0)->data_as<float>();
  const ActivationRange& r = d.options.range;
  (kKind == PoolKind::kAverage ? d.kernels->average : d.kernels->max)(d.geometry, in, out, r.min, r.max,
                                                                      ctx.thread_pool());
  return Status::Ok();
}

template <PoolKind kKind>
Status EvalF32Reference(KernelContext& ctx, Node& node, PoolData& d) {
  const float* in = ctx.input(node, 0)->data_as<float>();
  float* out = ctx.output(node, 0)->data_as<float>();
  const ActivationRange& r = d.options.range;
  if (kKind == PoolKind::kAverage) {
    reference::AveragePool2D(d.geometry, in, out, r.min, r.max);
  } else {
    reference::MaxPool2D(d.geometry, in, out, r.min, r.max);
  }
  return Status::Ok();
}

constexpr TypeSignature kF32Types{{kF32}, {kF32}};

template <PoolKind kKind>
struct Variants {
  static constexpr KernelVariant<PoolData> kTable[] = {
      EL_VECTOR_ISA_ROWS("float32", kF32Types, nullptr, PrepareF32, EvalF32<kKind>),
      {"float32", kF32Types, Isa::kReference, nullptr, nullptr, EvalF32Reference<kKind>},
  };
};

template <PoolKind kKind>
Status Prepare(KernelContext& ctx, Node& node) {
  auto* d = static_cast<PoolData*>(node.user_data);
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 1, 1));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor *input, *output;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &input));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &output));
  EL_RETURN_IF_ERROR(ComputeWindowGeometry(ctx, node, *input, d->filter_h, d->filter_w,
                                           input->rank() == 4 ? input->dim(3) : 0, d->options, &d->geometry));
  EL_RETURN_IF_ERROR(ctx.ResizeTensor(*output, WindowOutputDims(d->geometry)));
  return SelectVariant(ctx, node, Variants<kKind>::kTable, *d);
}

template <PoolKind kKind>
const KernelRegistration* Registration() {
  static const KernelRegistration reg{Init<kKind>, DeleteNodeData<PoolData>, Prepare<kKind>,
                                      EvalSelectedVariant<PoolData>};
  return &reg;
}

}  // namespace

const KernelRegistration* Register_AVERAGE_POOL_2D() { return Registration<PoolKind::kAverage>(); }
const KernelRegistration* Register_MAX_POOL_2D() { return Registration<PoolKind::kMax>(); }

}  // namespace edgelite
