// SPLIT and SPLIT_V: one tensor cut along one axis into consecutive parts, one per output. SPLIT (inputs:
// axis, value) makes SplitOptions.num_splits equal parts; SPLIT_V (inputs: value, size_splits, axis) makes
// the sizes of size_splits, one of which may be -1 for "the rest". The axis must be constant; size_splits
// known only at run time make the outputs dynamic. Each part is one contiguous slab per outer index.
#include <cstring>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/variant_types.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

struct SplitData : VariantChoice<SplitData> {
  bool sizes_input = false;  // SPLIT_V
  int num_splits = 0;        // from the options; must equal the number of outputs
  int axis = 0;              // normalized in prepare
  // Sized in prepare so that a dynamic resize in eval reuses their memory.
  std::vector<int64_t> sizes;  // per output: its extent along the axis
  std::vector<Dims> out_dims;
  // The input is `outer` rows of `row_bytes`; output i takes sizes[i] * inner_bytes of each row.
  int64_t outer = 0, inner_bytes = 0, row_bytes = 0;
};

template <bool kSizesInput>
Status Init(KernelContext& ctx, Node& node) {
  auto* data = new SplitData();
  node.user_data = data;
  data->sizes_input = kSizesInput;
  if (!node.op) return Status::Ok();
  if (kSizesInput) {
    if (auto* o = node.op->builtin_options_as_SplitVOptions()) data->num_splits = o->num_splits();
  } else {
    if (auto* o = node.op->builtin_options_as_SplitOptions()) data->num_splits = o->num_splits();
  }
  return Status::Ok();
}

// Input positions: SPLIT is (axis, value), SPLIT_V is (value, size_splits, axis).
int ValueInput(const SplitData& d) { return d.sizes_input ? 0 : 1; }
int AxisInput(const SplitData& d) { return d.sizes_input ? 2 : 0; }

// Resolves SPLIT_V's sizes (one -1 takes what the others leave) against the axis extent.
Status ResolveSizes(KernelContext& ctx, const Node& node, SplitData& data, const Tensor& size_splits,
                    int64_t extent) {
  int stretch = -1;
  int64_t known = 0;
  for (size_t i = 0; i < data.sizes.size(); ++i) {
    const int64_t v = IntValueAt(size_splits, static_cast<int64_t>(i));
    if (v == -1) {
      if (stretch >= 0) {
        return ctx.Error(node, StrCat("size_splits has more than one -1 (at ", stretch, " and ", i, ")"));
      }
      stretch = static_cast<int>(i);
    } else if (v < 0) {
      return ctx.Error(node, StrCat("size_splits[", i, "] is ", v, "; sizes must be non-negative or -1"));
    } else {
      known += std::min<int64_t>(v, std::numeric_limits<int32_t>::max());  // keeps the sum from overflowing
    }
    data.sizes[i] = v;
  }
  if (stretch >= 0) {
    if (known > extent) {
      return ctx.Error(node, StrCat("size_splits sum to ", known, " (besides the -1), more than the size ", extent,
                                    " of axis ", data.axis));
    }
    data.sizes[stretch] = extent - known;
  } else if (known != extent) {
    return ctx.Error(node, StrCat("size_splits sum to ", known, ", but axis ", data.axis, " has size ", extent));
  }
  return Status::Ok();
}

Status ResizeOutputs(KernelContext& ctx, const Node& node, SplitData& data, const Tensor& in) {
  for (size_t i = 0; i < data.sizes.size(); ++i) {
    data.out_dims[i] = in.dims;
    data.out_dims[i][data.axis] = static_cast<int32_t>(data.sizes[i]);
    EL_RETURN_IF_ERROR(ctx.ResizeTensor(*ctx.output(node, static_cast<int>(i)), data.out_dims[i]));
  }
  return Status::Ok();
}

Status Eval(KernelContext& ctx, Node& node, SplitData& data) {
  const Tensor& in = *ctx.input(node, ValueInput(data));
  const int n = static_cast<int>(node.outputs.size());
  if (data.sizes_input && ctx.output(node, 0)->is_dynamic) {
    EL_RETURN_IF_ERROR(ResolveSizes(ctx, node, data, *ctx.input(node, 1), in.dim(data.axis)));
    EL_RETURN_IF_ERROR(ResizeOutputs(ctx, node, data, in));
  }
  if (data.row_bytes == 0 || data.outer == 0) return Status::Ok();
  const uint8_t* src = in.data_as<uint8_t>();
  ctx.thread_pool().ParallelFor(data.outer, ThreadPool::kCostByteCopied * static_cast<double>(data.row_bytes),
                                [&](int64_t b, int64_t e, int) {
                                  for (int64_t o = b; o < e; ++o) {
                                    const uint8_t* s = src + o * data.row_bytes;
                                    for (int i = 0; i < n; ++i) {
                                      const int64_t bytes = data.sizes[i] * data.inner_bytes;
                                      if (bytes == 0) continue;
                                      std::memcpy(ctx.output(node, i)->data_as<uint8_t>() + o * bytes, s, bytes);
                                      s += bytes;
                                    }
                                  }
                                });
  return Status::Ok();
}

// Slabs move as bytes: one row serves every dtype. SPLIT takes (axis, value), SPLIT_V (value, size_splits,
// axis).
const KernelVariant<SplitData> kSplitVariants[] = {
    {"bytes", TypeSignature{{kIndexTypes, kMovableNumeric}, {kSameAsInput1}}, Isa::kReference, nullptr, nullptr, Eval},
};
const KernelVariant<SplitData> kSplitVVariants[] = {
    {"bytes", TypeSignature{{kMovableNumeric, kIndexTypes, kIndexTypes}, {kSameAsInput0}}, Isa::kReference, nullptr,
     nullptr, Eval},
};

Status Prepare(KernelContext& ctx, Node& node) {
  auto& data = *static_cast<SplitData*>(node.user_data);
  const int num_inputs = data.sizes_input ? 3 : 2;
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, num_inputs, num_inputs));
  const int n = static_cast<int>(node.outputs.size());
  if (data.num_splits < 1 || data.num_splits != n) {
    return ctx.Error(node, StrCat("num_splits is ", data.num_splits, ", but the operator has ", n, " outputs"));
  }
  Tensor *in, *axis;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, ValueInput(data), &in));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, AxisInput(data), &axis));
  for (int i = 0; i < n; ++i) {
    Tensor* out;
    EL_RETURN_IF_ERROR(RequireOutput(ctx, node, i, &out));
  }
  EL_RETURN_IF_ERROR(data.sizes_input ? SelectVariant(ctx, node, kSplitVVariants, data)
                                      : SelectVariant(ctx, node, kSplitVariants, data));
  if (axis->num_elements() != 1) {
    return ctx.Error(node, StrCat("axis must hold one value, got shape ", DimsToString(axis->dims)));
  }
  if (!HasValuesAtPrepare(*axis)) return ctx.Error(node, StrCat("axis '", axis->name, "' must be a constant tensor"));
  const int rank = in->rank();
  if (rank == 0) return ctx.Error(node, "cannot split a scalar (input has rank 0)");
  const int64_t axis_value = IntValueAt(*axis, 0);
  if (axis_value < -rank || axis_value >= rank) {
    return ctx.Error(node, StrCat("axis ", axis_value, " is out of range for rank ", rank));
  }
  EL_RETURN_IF_ERROR(NormalizeAxis(ctx, node, static_cast<int>(axis_value), rank, &data.axis));
  const int64_t extent = in->dim(data.axis);
  const int64_t inner = NumElements(Dims(in->dims.begin() + data.axis + 1, in->dims.end()));
  data.outer = NumElements(Dims(in->dims.begin(), in->dims.begin() + data.axis));
  data.inner_bytes = inner * static_cast<int64_t>(ElementSize(in->type));
  data.row_bytes = extent * data.inner_bytes;
  data.sizes.assign(n, 0);
  data.out_dims.assign(n, in->dims);
  if (!data.sizes_input) {
    if (extent % n != 0) {
      return ctx.Error(node, StrCat("axis ", data.axis, " of size ", extent, " does not split into ", n,
                                    " equal parts"));
    }
    data.sizes.assign(n, extent / n);
    return ResizeOutputs(ctx, node, data, *in);
  }
  Tensor* size_splits;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 1, &size_splits));
  if (size_splits->dims != Dims{n}) {
    return ctx.Error(node, StrCat("size_splits must have shape [", n, "] (one size per output), got ",
                                  DimsToString(size_splits->dims)));
  }
  if (!HasValuesAtPrepare(*size_splits)) {
    for (int i = 0; i < n; ++i) ctx.MarkDynamic(*ctx.output(node, i));
    return Status::Ok();
  }
  EL_RETURN_IF_ERROR(ResolveSizes(ctx, node, data, *size_splits, extent));
  return ResizeOutputs(ctx, node, data, *in);
}


template <bool kSizesInput>
const KernelRegistration* Registration() {
  static const KernelRegistration reg = {Init<kSizesInput>, DeleteNodeData<SplitData>, Prepare,
                                         EvalSelectedVariant<SplitData>,
                                         /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace

const KernelRegistration* Register_SPLIT() { return Registration<false>(); }
const KernelRegistration* Register_SPLIT_V() { return Registration<true>(); }

}  // namespace edgelite

EL_KERNEL_TYPES(SPLIT, kSplitVariants)
EL_KERNEL_TYPES(SPLIT_V, kSplitVVariants)
