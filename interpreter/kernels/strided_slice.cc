// STRIDED_SLICE: input[begin:end:strides] with begin/end/ellipsis/new-axis/shrink masks and the offset
// option, rank up to 8 (`.tflite` writes up to 5). Used in shape chains (SHAPE -> STRIDED_SLICE -> PACK),
// so it folds at prepare when its inputs are constant. Index tensors known only at run time make the
// output dynamic. SLICE (begin and size per axis, size -1 meaning to the end) is the same copy with
// stride 1. Both copy quantized values raw; LiteRT does not compare the output's quantization with the
// input's either.
#include <cstring>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/variant_types.h"
#include "interpreter/kernels/string_moves.h"
#include "interpreter/kernels/reference/strided_slice.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

using reference::kMaxStridedSliceRank;

// The slice as a copy loop: axes of count 1 dropped, axes that nest contiguously merged. Each output row
// is `inner` elements read `inner_step` apart in the input (a memcpy when inner_step is 1).
struct CopyPlan {
  int rank = 0;  // outer axes, excluding the inner one
  int64_t base = 0;  // input offset of the first element
  int64_t count[kMaxStridedSliceRank], step[kMaxStridedSliceRank];
  int64_t inner = 1, inner_step = 1;
  int64_t rows = 0;
};

struct StridedSliceData : VariantChoice<StridedSliceData> {
  bool slice = false;                // SLICE: inputs begin and size
  reference::StridedSliceSpec spec;  // masks from the options; begin/end/strides read when known
  reference::StridedSlicePlan plan;
  CopyPlan copy;
  Dims out_dims;  // sized in prepare
};

Status Init(KernelContext& ctx, Node& node) {
  auto* data = new StridedSliceData();
  node.user_data = data;
  if (node.op) {
    if (auto* o = node.op->builtin_options_as_StridedSliceOptions()) {
      data->spec.begin_mask = o->begin_mask();
      data->spec.end_mask = o->end_mask();
      data->spec.ellipsis_mask = o->ellipsis_mask();
      data->spec.new_axis_mask = o->new_axis_mask();
      data->spec.shrink_axis_mask = o->shrink_axis_mask();
      data->spec.offset = o->offset();
    }
  }
  return Status::Ok();
}

CopyPlan MakeCopyPlan(const reference::StridedSlicePlan& plan) {
  CopyPlan c;
  int64_t in_stride = 1;
  int64_t count[kMaxStridedSliceRank], step[kMaxStridedSliceRank];
  int n = 0;
  int64_t total = 1;
  // Innermost axis first; collected in reverse and flipped below.
  for (int a = plan.rank - 1; a >= 0; --a) {
    const reference::SliceAxis& s = plan.axes[a];
    c.base += s.start * in_stride;
    total *= s.count;
    if (s.count != 1) {
      const int64_t st = s.stride * in_stride;
      if (n > 0 && st == step[n - 1] * count[n - 1]) {
        count[n - 1] *= s.count;  // this axis continues the run of the one inside it
      } else {
        count[n] = s.count;
        step[n] = st;
        ++n;
      }
    }
    in_stride *= s.size;
  }
  if (total == 0) {
    c.rows = 0;
    return c;
  }
  if (n > 0) {
    c.inner = count[0];
    c.inner_step = step[0];
  }
  c.rank = n > 0 ? n - 1 : 0;
  for (int k = 0; k < c.rank; ++k) {  // outer axes, outermost first
    c.count[k] = count[n - 1 - k];
    c.step[k] = step[n - 1 - k];
  }
  c.rows = total / c.inner;
  return c;
}

// SLICE's begin and size as a stride-1 spec; fails for ranges outside the input (LiteRT reads past it).
Status SliceSpec(KernelContext& ctx, const Node& node, const Tensor& in, reference::StridedSliceSpec* spec) {
  const Tensor& begin = *ctx.input(node, 1);
  const Tensor& size = *ctx.input(node, 2);
  spec->end_mask = 0;
  for (int i = 0; i < spec->count; ++i) {
    const int64_t b = IntValueAt(begin, i), n = IntValueAt(size, i), dim = in.dim(i);
    const bool to_end = n == -1;
    if (b < 0 || b > dim || (!to_end && (n < 0 || n > dim - b))) {
      return ctx.Error(node, StrCat("begin ", b, " and size ", n, " do not fit axis ", i, " of size ", dim,
                                    " (size must be -1 or at most ", dim, " - begin)"));
    }
    spec->begin[i] = b;
    spec->end[i] = to_end ? dim : b + n;
    spec->strides[i] = 1;
  }
  return Status::Ok();
}

// Reads begin/end/strides (SLICE: begin/size), resolves the slice and sizes the output.
Status PlanAndResize(KernelContext& ctx, const Node& node, StridedSliceData& data, const Tensor& in, Tensor& out) {
  reference::StridedSliceSpec& spec = data.spec;
  if (data.slice) {
    EL_RETURN_IF_ERROR(SliceSpec(ctx, node, in, &spec));
  } else {
    const Tensor& begin = *ctx.input(node, 1);
    const Tensor& end = *ctx.input(node, 2);
    const Tensor& strides = *ctx.input(node, 3);
    for (int i = 0; i < spec.count; ++i) {
      spec.begin[i] = IntValueAt(begin, i);
      spec.end[i] = IntValueAt(end, i);
      spec.strides[i] = IntValueAt(strides, i);
    }
  }
  std::string error;
  if (!reference::ResolveStridedSlice(in.rank(), in.dims.data(), spec, &data.plan, &error)) {
    return ctx.Error(node, error);
  }
  data.copy = MakeCopyPlan(data.plan);
  data.out_dims.assign(data.plan.out_dims, data.plan.out_dims + data.plan.out_rank);
  return ctx.ResizeTensor(out, data.out_dims);
}

// Output rows [begin, end) of the copy plan.
template <typename T>
void CopyRows(const CopyPlan& c, int64_t begin, int64_t end, const T* in, T* out) {
  int64_t idx[kMaxStridedSliceRank] = {};
  int64_t src = c.base;
  for (int64_t rest = begin, k = c.rank - 1; k >= 0; --k) {
    idx[k] = rest % c.count[k];
    rest /= c.count[k];
    src += idx[k] * c.step[k];
  }
  for (int64_t row = begin; row < end; ++row) {
    T* dst = out + row * c.inner;
    if (c.inner_step == 1) {
      std::memcpy(dst, in + src, c.inner * sizeof(T));
    } else {
      const T* s = in + src;
      for (int64_t i = 0; i < c.inner; ++i) dst[i] = s[i * c.inner_step];
    }
    for (int k = c.rank - 1; k >= 0; --k) {
      src += c.step[k];
      if (++idx[k] < c.count[k]) break;
      src -= c.step[k] * c.count[k];
      idx[k] = 0;
    }
  }
}

// Elements move as words of their width: one instantiation per width covers every dtype.
template <typename Word>
Status Eval(KernelContext& ctx, Node& node, StridedSliceData& data) {
  const Tensor& in = *ctx.input(node, 0);
  Tensor& out = *ctx.output(node, 0);
  if (out.is_dynamic) EL_RETURN_IF_ERROR(PlanAndResize(ctx, node, data, in, out));
  const CopyPlan& c = data.copy;
  if (c.rows == 0) return Status::Ok();
  const Word* src = in.data_as<Word>();
  Word* dst = out.data_as<Word>();
  ctx.thread_pool().ParallelFor(c.rows, ThreadPool::kCostVectorValue * static_cast<double>(c.inner),
                                [&](int64_t b, int64_t e, int) { CopyRows(c, b, e, src, dst); });
  return Status::Ok();
}

#define EL_SLICE_ROW(NAME, SET, WORD)                                                                            \
  {NAME, TypeSignature{{SET, kIndexTypes}, {kSameAsInput0}}, Isa::kReference, nullptr, nullptr, Eval<WORD>}
const KernelVariant<StridedSliceData> kVariants[] = {
    // Like LiteRT, any fixed-size dtype by its width (SLICE version 8 is float16; float64 is every version's).
    EL_SLICE_ROW("1-byte", kFixedSize1Byte, uint8_t),
    EL_SLICE_ROW("2-byte", kFixedSize2Byte, uint16_t),
    EL_SLICE_ROW("4-byte", kFixedSize4Byte | TypeBit(DataType::kUInt32), uint32_t),  // uint32: SLICE 6
    EL_SLICE_ROW("8-byte", kFixedSize8Byte, uint64_t),
    {"strings", TypeSignature{{kStr, kIndexTypes}, {kSameAsInput0}}, Isa::kReference, nullptr, nullptr,
     EvalStringsByIndex<StridedSliceData, Eval<uint32_t>>},
};
#undef EL_SLICE_ROW

Status Prepare(KernelContext& ctx, Node& node) {
  auto& data = *static_cast<StridedSliceData*>(node.user_data);
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 4, 4));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor *in, *out;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &in));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &out));
  EL_RETURN_IF_ERROR(SelectVariant(ctx, node, kVariants, data));
  if (in->rank() > kMaxStridedSliceRank) {
    return ctx.Error(node, StrCat("input rank ", in->rank(), " is not supported (at most ", kMaxStridedSliceRank,
                                  ")"), StatusCode::kUnsupported);
  }
  static const char* const kNames[] = {"", "begin", "end", "strides"};
  bool known = true;
  for (int i = 1; i <= 3; ++i) {
    Tensor* t;
    EL_RETURN_IF_ERROR(RequireInput(ctx, node, i, &t));
    if (t->rank() != 1) {
      return ctx.Error(node, StrCat(kNames[i], " must be 1-D, got shape ", DimsToString(t->dims)));
    }
    if (t->dim(0) != ctx.input(node, 1)->dim(0)) {
      return ctx.Error(node, StrCat("begin, end and strides must have the same length, got ",
                                    ctx.input(node, 1)->dim(0), " and ", t->dim(0)));
    }
    known = known && HasValuesAtPrepare(*t);
  }
  const int count = ctx.input(node, 1)->dim(0);
  if (count > reference::kMaxStridedSliceSpec) {
    return ctx.Error(node, StrCat("begin has ", count, " entries (at most ", reference::kMaxStridedSliceSpec, ")"));
  }
  data.spec.count = count;
  data.out_dims.reserve(kMaxStridedSliceRank);
  if (!known) {
    ctx.MarkDynamic(*out);
    return Status::Ok();
  }
  return PlanAndResize(ctx, node, data, *in, *out);
}

Status InitSlice(KernelContext&, Node& node) {
  auto* data = new StridedSliceData();
  data->slice = true;
  node.user_data = data;
  return Status::Ok();
}

Status PrepareSlice(KernelContext& ctx, Node& node) {
  auto& data = *static_cast<StridedSliceData*>(node.user_data);
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 3, 3));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor *in, *begin, *size, *out;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &in));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 1, &begin));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 2, &size));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &out));
  EL_RETURN_IF_ERROR(SelectVariant(ctx, node, kVariants, data));
  if (in->rank() > kMaxStridedSliceRank) {
    return ctx.Error(node, StrCat("input rank ", in->rank(), " is not supported (at most ", kMaxStridedSliceRank,
                                  ")"), StatusCode::kUnsupported);
  }
  for (const Tensor* t : {begin, size}) {
    if (t->dims != Dims{in->rank()}) {
      return ctx.Error(node, StrCat(t == begin ? "begin" : "size", " must have shape [", in->rank(),
                                    "] (one entry per input axis), got ", DimsToString(t->dims)));
    }
  }
  data.spec.count = in->rank();
  data.out_dims.reserve(kMaxStridedSliceRank);
  if (!HasValuesAtPrepare(*begin) || !HasValuesAtPrepare(*size)) {
    ctx.MarkDynamic(*out);
    return Status::Ok();
  }
  return PlanAndResize(ctx, node, data, *in, *out);
}

}  // namespace

const KernelRegistration* Register_SLICE() {
  static const KernelRegistration reg = {InitSlice, DeleteNodeData<StridedSliceData>, PrepareSlice,
                                        EvalSelectedVariant<StridedSliceData>,
                                        /*fold_when_inputs_constant=*/true, false, /*handles_strings=*/true};
  return &reg;
}

const KernelRegistration* Register_STRIDED_SLICE() {
  static const KernelRegistration reg = {Init, DeleteNodeData<StridedSliceData>, Prepare,
                                        EvalSelectedVariant<StridedSliceData>,
                                        /*fold_when_inputs_constant=*/true, false, /*handles_strings=*/true};
  return &reg;
}

}  // namespace edgelite

EL_KERNEL_TYPES(SLICE, kVariants)
EL_KERNEL_TYPES(STRIDED_SLICE, kVariants)
