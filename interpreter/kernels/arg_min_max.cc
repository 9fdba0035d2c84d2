// ARG_MAX and ARG_MIN: the index of the largest (smallest) value along `axis` (an int32 or int64 scalar or
// one-element vector, negative counting from the end), first index on ties, NaNs never chosen over a number
// (reference/arg_min_max.h). Input float32, int32, int8, uint8 or bool (as LiteRT's kernels); output int32 or
// int64, as the output tensor and ArgMaxOptions.output_type say. The output is dynamic when the axis has no
// value at prepare.
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/reference/arg_min_max.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

struct ArgData : VariantChoice<ArgData> {
  schema::TensorType output_type = schema::TensorType_FLOAT32;  // the option; FLOAT32 when absent
  int64_t outer = 0, axis_size = 0, inner = 0;
  Dims shape;  // reserved in prepare so that a dynamic output's eval does not allocate it
};

template <bool kMax>
Status Init(KernelContext&, Node& node) {
  auto* d = new ArgData();
  node.user_data = d;
  if (!node.op) return Status::Ok();
  if constexpr (kMax) {
    if (const auto* o = node.op->builtin_options_as_ArgMaxOptions()) d->output_type = o->output_type();
  } else {
    if (const auto* o = node.op->builtin_options_as_ArgMinOptions()) d->output_type = o->output_type();
  }
  return Status::Ok();
}

// Reads the axis and sizes the output: the input's shape without that axis.
Status PlanAxis(KernelContext& ctx, const Node& node, ArgData& d) {
  const Tensor& in = *ctx.input(node, 0);
  int axis;
  EL_RETURN_IF_ERROR(ReadAxisTensor(ctx, node, *ctx.input(node, 1), in.rank(), &axis));
  d.axis_size = in.dim(axis);
  EL_KERNEL_CHECK(ctx, node, d.axis_size > 0, "axis ", axis, " of input '", in.name, "' ", DimsToString(in.dims),
                  " is empty: it has no largest or smallest value");
  d.outer = d.inner = 1;
  d.shape.clear();
  for (int i = 0; i < in.rank(); ++i) {
    if (i < axis) d.outer *= in.dim(i);
    if (i > axis) d.inner *= in.dim(i);
    if (i != axis) d.shape.push_back(in.dim(i));
  }
  return ctx.ResizeTensor(*ctx.output(node, 0), d.shape);
}

template <bool kMax, typename T, typename Index>
Status Eval(KernelContext& ctx, Node& node, ArgData& d) {
  Tensor& out = *ctx.output(node, 0);
  if (out.is_dynamic) EL_RETURN_IF_ERROR(PlanAxis(ctx, node, d));
  const T* in = ctx.input(node, 0)->data_as<T>();
  Index* y = out.data_as<Index>();
  const int64_t per_outer = d.axis_size * d.inner;
  ctx.thread_pool().ParallelFor(d.outer, ThreadPool::kCostScalarValue * static_cast<double>(per_outer),
                                [&](int64_t b, int64_t e, int) {
                                  reference::ArgMinMax<kMax>(in, b, e, d.axis_size, d.inner, y);
                                });
  return Status::Ok();
}

#define EL_ARG_ROWS(NAME, TYPE, T)                                                                               \
  {NAME, TypeSignature{{TYPE, kIndexTypes}, {kI32}}, Isa::kReference, nullptr, nullptr, Eval<kMax, T, int32_t>}, \
  {NAME, TypeSignature{{TYPE, kIndexTypes}, {kI64}}, Isa::kReference, nullptr, nullptr, Eval<kMax, T, int64_t>}
template <bool kMax>
struct Variants {
  static constexpr KernelVariant<ArgData> kTable[] = {
      EL_ARG_ROWS("float32", kF32, float), EL_ARG_ROWS("int32", kI32, int32_t), EL_ARG_ROWS("int8", kI8, int8_t),
      EL_ARG_ROWS("uint8", kU8, uint8_t),  EL_ARG_ROWS("bool", kBool, bool),
  };
};
#undef EL_ARG_ROWS

template <bool kMax>
Status Prepare(KernelContext& ctx, Node& node) {
  auto& d = *static_cast<ArgData*>(node.user_data);
  Tensor *in, *axis, *out;
  EL_RETURN_IF_ERROR(GetTwoInputsOneOutput(ctx, node, &in, &axis, &out));
  EL_RETURN_IF_ERROR(SelectVariant(ctx, node, Variants<kMax>::kTable, d));
  // The output tensor's type decides; an options table that says otherwise is a broken model.
  const auto want = out->type == DataType::kInt32 ? schema::TensorType_INT32 : schema::TensorType_INT64;
  EL_KERNEL_CHECK(ctx, node, d.output_type == schema::TensorType_FLOAT32 || d.output_type == want,
                  "output_type ", schema::EnumNameTensorType(d.output_type), " differs from output '", out->name,
                  "' of type ", DataTypeName(out->type));
  EL_KERNEL_CHECK(ctx, node, in->rank() >= 1, "input '", in->name, "' must have rank 1 or more, got a scalar");
  EL_KERNEL_CHECK(ctx, node, axis->num_elements() == 1, "axis '", axis->name, "' must have one element, got shape ",
                  DimsToString(axis->dims));
  d.shape.reserve(in->dims.size());
  if (!HasValuesAtPrepare(*axis)) {
    ctx.MarkDynamic(*out);
    return Status::Ok();
  }
  return PlanAxis(ctx, node, d);
}

template <bool kMax>
const KernelRegistration* Registration() {
  static const KernelRegistration reg{Init<kMax>, DeleteNodeData<ArgData>, Prepare<kMax>, EvalSelectedVariant<ArgData>,
                                      /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace

const KernelRegistration* Register_ARG_MAX() { return Registration<true>(); }
const KernelRegistration* Register_ARG_MIN() { return Registration<false>(); }

}  // namespace edgelite
