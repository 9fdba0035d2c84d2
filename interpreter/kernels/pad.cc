// PAD and PADV2: constant padding given by a [rank, 2] int32/int64 paddings tensor (before, after per
// axis). PAD fills with zero; PADV2 with its scalar input 2. Paddings known only at run time make the
// output dynamic.
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/reference/pad.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

struct PadData {
  bool has_value_input = false;  // PADV2
  // Sized in prepare so that a dynamic resize in eval reuses their memory.
  Dims before, after, out_dims;
  reference::PadLayout layout;
};

template <bool kV2>
Status Init(KernelContext& ctx, Node& node) {
  auto* data = new PadData();
  data->has_value_input = kV2;
  node.user_data = data;
  return Status::Ok();
}

void Free(void* p) { delete static_cast<PadData*>(p); }

// Reads the paddings (already checked to be [rank, 2]) and sizes the output.
Status ResizeOutput(KernelContext& ctx, const Node& node, PadData& data, const Tensor& in,
                    const Tensor& paddings, Tensor& out) {
  const int rank = in.rank();
  for (int a = 0; a < rank; ++a) {
    const int64_t b = IntValueAt(paddings, 2 * a), e = IntValueAt(paddings, 2 * a + 1);
    if (b < 0 || e < 0) {
      return ctx.Error(node, StrCat("paddings must be non-negative, got [", b, ", ", e, "] for axis ", a));
    }
    const int64_t size = in.dim(a) + b + e;
    if (size > std::numeric_limits<int32_t>::max()) {
      return ctx.Error(node, StrCat("padded axis ", a, " would have ", size, " elements"));
    }
    data.before[a] = static_cast<int32_t>(b);
    data.after[a] = static_cast<int32_t>(e);
    data.out_dims[a] = static_cast<int32_t>(size);
  }
  reference::MakePadLayout(in.dims, data.before, data.after, &data.layout);
  return ctx.ResizeTensor(out, data.out_dims);
}

Status Prepare(KernelContext& ctx, Node& node) {
  auto& data = *static_cast<PadData*>(node.user_data);
  EL_RETURN_IF_ERROR(data.has_value_input ? CheckInputCount(ctx, node, 2, 3) : CheckInputCount(ctx, node, 2, 2));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor *in, *paddings, *out;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &in));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 1, &paddings));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &out));
  EL_RETURN_IF_ERROR(CheckTypeIn(ctx, node, *in, {DataType::kFloat32, DataType::kInt32, DataType::kInt64},
                                 "input"));
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *out, in->type, "output"));
  EL_RETURN_IF_ERROR(CheckTypeIn(ctx, node, *paddings, {DataType::kInt32, DataType::kInt64}, "paddings"));
  const int rank = in->rank();
  if (paddings->dims != Dims{rank, 2}) {
    return ctx.Error(node, StrCat("paddings must have shape [", rank, ", 2] for an input of rank ", rank, ", got ",
                                  DimsToString(paddings->dims)));
  }
  if (Tensor* value = ctx.input(node, 2)) {
    EL_RETURN_IF_ERROR(CheckType(ctx, node, *value, in->type, "constant_values"));
    if (value->num_elements() != 1) {
      return ctx.Error(node, StrCat("constant_values must hold one value, got shape ", DimsToString(value->dims)));
    }
  }
  data.before.assign(rank, 0);
  data.after.assign(rank, 0);
  data.out_dims.assign(rank, 0);
  reference::MakePadLayout(in->dims, data.before, data.after, &data.layout);  // reserves the layout's vectors
  if (!HasValuesAtPrepare(*paddings)) {
    ctx.MarkDynamic(*out);
    return Status::Ok();
  }
  return ResizeOutput(ctx, node, data, *in, *paddings, *out);
}

template <typename T>
void Run(const reference::PadLayout& l, const Tensor& in, T value, Tensor& out, ThreadPool& pool) {
  const T* src = in.data_as<T>();
  T* dst = out.data_as<T>();
  if (l.in_dims.empty()) {
    reference::Pad(l, src, dst, value);
    return;
  }
  // Axis 0's borders here, its input range split over threads (each block is independent).
  reference::PadAxisBorders(l, 0, dst, value);
  const int64_t block = std::max<int64_t>(l.out_strides[0], 1);
  pool.ParallelFor(l.in_dims[0], std::max<int64_t>(1, 65536 / block), [&](int64_t b, int64_t e) {
    reference::PadAxisRange(l, 0, b, e, src, dst, value);
  });
}

Status Eval(KernelContext& ctx, Node& node) {
  auto& data = *static_cast<PadData*>(node.user_data);
  const Tensor& in = *ctx.input(node, 0);
  const Tensor& paddings = *ctx.input(node, 1);
  const Tensor* value = ctx.input(node, 2);
  Tensor& out = *ctx.output(node, 0);
  if (out.is_dynamic) EL_RETURN_IF_ERROR(ResizeOutput(ctx, node, data, in, paddings, out));
  if (out.num_elements() == 0) return Status::Ok();
  ThreadPool& pool = ctx.thread_pool();
  switch (in.type) {
    case DataType::kFloat32: Run<float>(data.layout, in, value ? *value->data_as<float>() : 0.f, out, pool); break;
    case DataType::kInt32: Run<int32_t>(data.layout, in, value ? *value->data_as<int32_t>() : 0, out, pool); break;
    case DataType::kInt64: Run<int64_t>(data.layout, in, value ? *value->data_as<int64_t>() : 0, out, pool); break;
    default: return ctx.Error(node, "unsupported type", StatusCode::kUnsupported);
  }
  return Status::Ok();
}

template <bool kV2>
const KernelRegistration* Registration() {
  static const KernelRegistration reg = {Init<kV2>, Free, Prepare, Eval};
  return &reg;
}

}  // namespace

const KernelRegistration* Register_PAD() { return Registration<false>(); }
const KernelRegistration* Register_PADV2() { return Registration<true>(); }

}  // namespace edgelite
