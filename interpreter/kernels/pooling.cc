// AVERAGE_POOL_2D and MAX_POOL_2D (float32, NHWC): filter size, strides, SAME/VALID padding, fused
// activation. Padded positions never count: a SAME average divides by the number of real elements.
// One file for both: they differ only in how a window is reduced.
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/optimized/pooling_f32.h"
#include "interpreter/kernels/reference/pooling.h"
#include "interpreter/kernels/conv_util.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

enum class PoolKind { kAverage, kMax };

struct PoolData {
  PoolKind kind;
  WindowOptions options;
  int filter_h = 0, filter_w = 0;
  // Set in prepare.
  reference::WindowGeometry geometry;
  bool use_reference = false;
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

Status Prepare(KernelContext& ctx, Node& node) {
  auto* d = static_cast<PoolData*>(node.user_data);
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 1, 1));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor *input, *output;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &input));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &output));
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *input, DataType::kFloat32, "input"));
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *output, DataType::kFloat32, "output"));
  EL_RETURN_IF_ERROR(ComputeWindowGeometry(ctx, node, *input, d->filter_h, d->filter_w,
                                           input->rank() == 4 ? input->dim(3) : 0, d->options, &d->geometry));
  d->use_reference = ForceReferenceKernels();
  return ctx.ResizeTensor(*output, WindowOutputDims(d->geometry));
}

Status Eval(KernelContext& ctx, Node& node) {
  auto* d = static_cast<PoolData*>(node.user_data);
  const float* in = ctx.input(node, 0)->data_as<float>();
  float* out = ctx.output(node, 0)->data_as<float>();
  const reference::WindowGeometry& g = d->geometry;
  const ActivationRange& r = d->options.range;
  if (d->kind == PoolKind::kAverage) {
    if (d->use_reference) {
      reference::AveragePool2D(g, in, out, r.min, r.max);
    } else {
      optimized::AveragePoolF32(g, in, out, r.min, r.max, ctx.thread_pool());
    }
  } else {
    if (d->use_reference) {
      reference::MaxPool2D(g, in, out, r.min, r.max);
    } else {
      optimized::MaxPoolF32(g, in, out, r.min, r.max, ctx.thread_pool());
    }
  }
  return Status::Ok();
}

template <PoolKind kKind>
const KernelRegistration* Registration() {
  static const KernelRegistration reg{Init<kKind>, DeleteNodeData<PoolData>, Prepare, Eval};
  return &reg;
}

}  // namespace

const KernelRegistration* Register_AVERAGE_POOL_2D() { return Registration<PoolKind::kAverage>(); }
const KernelRegistration* Register_MAX_POOL_2D() { return Registration<PoolKind::kMax>(); }

}  // namespace edgelite
