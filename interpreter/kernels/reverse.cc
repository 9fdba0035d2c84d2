// REVERSE_V2: the input with the axes listed in input 1 (a 1-D int32 or int64 tensor, negative counting from
// the end, each at most once) reversed. LiteRT runs contiguous axis sets only; any set runs here.
// REVERSE_SEQUENCE: for each batch row b (along batch_dim), the first seq_lengths[b] steps along seq_dim
// reversed and the rest left in place; seq_lengths 1-D int32 or int64, one per batch row, each in
// [0, seq_dim's size]. Both move elements of any fixed-size dtype bit for bit (quantization kept) and keep
// the input's shape; the axes and lengths may be computed at run time (read at eval).
#include <vector>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/reference/reverse.h"

namespace edgelite {
namespace {

// ---- REVERSE_V2 ----

struct ReverseData : VariantChoice<ReverseData> {
  std::vector<uint8_t> reversed;  // one flag per input axis
  std::vector<int64_t> stride;
};

// Reads the axes into d.reversed; allocation-free once prepare sized it.
Status ReadAxes(KernelContext& ctx, const Node& node, ReverseData& d) {
  const Tensor& in = *ctx.input(node, 0);
  const Tensor& axes = *ctx.input(node, 1);
  std::fill(d.reversed.begin(), d.reversed.end(), 0);
  for (int64_t i = 0; i < axes.num_elements(); ++i) {
    const int64_t value = IntValueAt(axes, i);
    EL_KERNEL_CHECK(ctx, node, value >= -in.rank() && value < in.rank(), "axis ", value, " is out of range for the ",
                    in.rank(), "-D input");
    const int64_t axis = value < 0 ? value + in.rank() : value;
    EL_KERNEL_CHECK(ctx, node, !d.reversed[axis], "axis ", axis, " is listed twice");
    d.reversed[axis] = 1;
  }
  return Status::Ok();
}

Status EvalReverse(KernelContext& ctx, Node& node, ReverseData& d) {
  const Tensor& in = *ctx.input(node, 0);
  if (!HasValuesAtPrepare(*ctx.input(node, 1))) EL_RETURN_IF_ERROR(ReadAxes(ctx, node, d));
  reference::Reverse(in.dims.data(), in.rank(), d.reversed.data(),
                     static_cast<int64_t>(ElementSize(in.type)), d.stride.data(), in.data, ctx.output(node, 0)->data,
                     static_cast<int64_t>(in.RequiredBytes()));
  return Status::Ok();
}

const KernelVariant<ReverseData> kReverseVariants[] = {
    {"bytes", TypeSignature{{kFixedSizeTypes, kIndexTypes}, {kSameAsInput0}}, Isa::kReference, nullptr, nullptr,
     EvalReverse},
};

Status PrepareReverse(KernelContext& ctx, Node& node) {
  auto& d = *static_cast<ReverseData*>(node.user_data);
  Tensor *in, *axes, *out;
  EL_RETURN_IF_ERROR(GetTwoInputsOneOutput(ctx, node, &in, &axes, &out));
  EL_RETURN_IF_ERROR(SelectVariant(ctx, node, kReverseVariants, d));
  EL_KERNEL_CHECK(ctx, node, axes->rank() == 1 && axes->num_elements() <= in->rank(), "axes '", axes->name,
                  "' must be a vector of at most ", in->rank(), " values, got shape ", DimsToString(axes->dims));
  d.reversed.assign(static_cast<size_t>(in->rank()), 0);
  d.stride.assign(static_cast<size_t>(in->rank()), 0);
  if (HasValuesAtPrepare(*axes)) EL_RETURN_IF_ERROR(ReadAxes(ctx, node, d));
  return ctx.ResizeTensor(*out, in->dims);
}

// ---- REVERSE_SEQUENCE ----

struct ReverseSequenceData : VariantChoice<ReverseSequenceData> {
  int seq_dim = 0, batch_dim = 0;
};

Status InitReverseSequence(KernelContext& ctx, Node& node) {
  auto* d = new ReverseSequenceData();
  node.user_data = d;
  const auto* o = node.op ? node.op->builtin_options_as_ReverseSequenceOptions() : nullptr;
  EL_KERNEL_CHECK(ctx, node, o, "ReverseSequenceOptions are missing");
  d->seq_dim = o->seq_dim();
  d->batch_dim = o->batch_dim();
  return Status::Ok();
}

Status EvalReverseSequence(KernelContext& ctx, Node& node, ReverseSequenceData& d) {
  const Tensor& in = *ctx.input(node, 0);
  const Tensor& lengths = *ctx.input(node, 1);
  const int32_t steps = in.dim(d.seq_dim);
  for (int64_t i = 0; i < lengths.num_elements(); ++i) {
    const int64_t n = IntValueAt(lengths, i);
    EL_KERNEL_CHECK(ctx, node, n >= 0 && n <= steps, "seq_lengths[", i, "] is ", n, ", outside [0, ", steps,
                    "] (the size of seq_dim ", d.seq_dim, ")");
  }
  const int first = std::min(d.seq_dim, d.batch_dim), second = std::max(d.seq_dim, d.batch_dim);
  int64_t outer = 1, middle = 1, inner = static_cast<int64_t>(ElementSize(in.type));
  for (int a = 0; a < first; ++a) outer *= in.dim(a);
  for (int a = first + 1; a < second; ++a) middle *= in.dim(a);
  for (int a = second + 1; a < in.rank(); ++a) inner *= in.dim(a);
  const bool batch_first = d.batch_dim < d.seq_dim;
  void* out = ctx.output(node, 0)->data;
  if (lengths.type == DataType::kInt64) {
    reference::ReverseSequence(outer, in.dim(first), middle, in.dim(second), inner, batch_first,
                               lengths.data_as<int64_t>(), in.data, out);
  } else {
    reference::ReverseSequence(outer, in.dim(first), middle, in.dim(second), inner, batch_first,
                               lengths.data_as<int32_t>(), in.data, out);
  }
  return Status::Ok();
}

const KernelVariant<ReverseSequenceData> kReverseSequenceVariants[] = {
    {"bytes", TypeSignature{{kFixedSizeTypes, kIndexTypes}, {kSameAsInput0}}, Isa::kReference, nullptr, nullptr,
     EvalReverseSequence},
};

Status PrepareReverseSequence(KernelContext& ctx, Node& node) {
  auto& d = *static_cast<ReverseSequenceData*>(node.user_data);
  Tensor *in, *lengths, *out;
  EL_RETURN_IF_ERROR(GetTwoInputsOneOutput(ctx, node, &in, &lengths, &out));
  EL_RETURN_IF_ERROR(SelectVariant(ctx, node, kReverseSequenceVariants, d));
  EL_KERNEL_CHECK(ctx, node, d.seq_dim >= 0 && d.seq_dim < in->rank() && d.batch_dim >= 0 &&
                                 d.batch_dim < in->rank() && d.seq_dim != d.batch_dim,
                  "seq_dim ", d.seq_dim, " and batch_dim ", d.batch_dim, " must be two different axes of the ",
                  in->rank(), "-D input");
  EL_KERNEL_CHECK(ctx, node, lengths->rank() == 1 && lengths->dim(0) == in->dim(d.batch_dim), "seq_lengths '",
                  lengths->name, "' has shape ", DimsToString(lengths->dims), ", expected [",
                  in->dim(d.batch_dim), "] (one per batch row)");
  return ctx.ResizeTensor(*out, in->dims);
}

}  // namespace

const KernelRegistration* Register_REVERSE_V2() {
  static const KernelRegistration reg{NewNodeData<ReverseData>, DeleteNodeData<ReverseData>, PrepareReverse,
                                      EvalSelectedVariant<ReverseData>};
  return &reg;
}

const KernelRegistration* Register_REVERSE_SEQUENCE() {
  static const KernelRegistration reg{InitReverseSequence, DeleteNodeData<ReverseSequenceData>,
                                      PrepareReverseSequence, EvalSelectedVariant<ReverseSequenceData>};
  return &reg;
}

}  // namespace edgelite
