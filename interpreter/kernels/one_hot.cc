// ONE_HOT: a new axis of `depth` entries at `axis` (-1: last) holding on_value where the entry's position
// equals the index and off_value elsewhere; indices outside [0, depth) give a row of off_value. Indices int32
// or int64; depth an int32 scalar; values float32, int32, int64, int16, int8, uint8 or bool (moved as words of
// their width). The output is dynamic when depth has no value at prepare.
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/variant_types.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

struct OneHotData : VariantChoice<OneHotData> {
  int axis_option = -1;  // OneHotOptions.axis
  int axis = 0;          // normalized: the output axis that runs over depth
  int64_t outer = 0, inner = 0;  // indices seen as [outer, inner], split at the axis
  Dims shape;  // reserved in prepare so that a dynamic output's eval does not allocate it
};

Status Init(KernelContext&, Node& node) {
  auto* d = new OneHotData();
  node.user_data = d;
  if (node.op) {
    if (const auto* o = node.op->builtin_options_as_OneHotOptions()) d->axis_option = o->axis();
  }
  return Status::Ok();
}

Status SizeOutput(KernelContext& ctx, const Node& node, OneHotData& d) {
  const Tensor& indices = *ctx.input(node, 0);
  const int32_t depth = ctx.input(node, 1)->data_as<int32_t>()[0];
  EL_KERNEL_CHECK(ctx, node, depth >= 0, "depth is ", depth, ", expected 0 or more");
  EL_KERNEL_CHECK(ctx, node, depth == 0 || d.outer * d.inner <= (int64_t{1} << 40) / depth, "depth ", depth,
                  " gives an output of too many elements");
  d.shape.clear();
  for (int i = 0; i <= indices.rank(); ++i) {
    if (i == d.axis) d.shape.push_back(depth);
    if (i < indices.rank()) d.shape.push_back(indices.dim(i));
  }
  return ctx.ResizeTensor(*ctx.output(node, 0), d.shape);
}

template <typename Word, typename Index>
Status Eval(KernelContext& ctx, Node& node, OneHotData& d) {
  Tensor& out = *ctx.output(node, 0);
  if (out.is_dynamic) EL_RETURN_IF_ERROR(SizeOutput(ctx, node, d));
  const Index* indices = ctx.input(node, 0)->data_as<Index>();
  const int64_t depth = ctx.input(node, 1)->data_as<int32_t>()[0];
  const Word on = *static_cast<const Word*>(ctx.input(node, 2)->data);
  const Word off = *static_cast<const Word*>(ctx.input(node, 3)->data);
  Word* y = static_cast<Word*>(out.data);
  // out[o, j, i] = indices[o, i] == j ? on : off
  const int64_t inner = d.inner;
  ctx.thread_pool().ParallelFor(d.outer, ThreadPool::kCostScalarValue * static_cast<double>(depth * inner),
                                [&](int64_t b, int64_t e, int) {
                                  for (int64_t o = b; o < e; ++o) {
                                    const Index* row = indices + o * inner;
                                    Word* dst = y + o * depth * inner;
                                    for (int64_t j = 0; j < depth; ++j, dst += inner) {
                                      for (int64_t i = 0; i < inner; ++i) dst[i] = row[i] == j ? on : off;
                                    }
                                  }
                                });
  return Status::Ok();
}

// LiteRT's value types (no float16 or float64).
constexpr TypeSet kValue1Byte = kMovable1Byte;
constexpr TypeSet kValue2Byte = kI16;
constexpr TypeSet kValue4Byte = kF32 | kI32;
constexpr TypeSet kValue8Byte = kI64;
#define EL_ONE_HOT_ROWS(NAME, TYPES, WORD)                                                                         \
  {NAME, TypeSignature{{kI32, kI32, TYPES, TYPES}, {TYPES}}, Isa::kReference, nullptr, nullptr, Eval<WORD, int32_t>}, \
  {NAME " int64 indices", TypeSignature{{kI64, kI32, TYPES, TYPES}, {TYPES}}, Isa::kReference, nullptr, nullptr,     \
   Eval<WORD, int64_t>}
const KernelVariant<OneHotData> kVariants[] = {
    EL_ONE_HOT_ROWS("4-byte", kValue4Byte, uint32_t), EL_ONE_HOT_ROWS("8-byte", kValue8Byte, uint64_t),
    EL_ONE_HOT_ROWS("1-byte", kValue1Byte, uint8_t),  EL_ONE_HOT_ROWS("2-byte", kValue2Byte, uint16_t),
};
#undef EL_ONE_HOT_ROWS

Status Prepare(KernelContext& ctx, Node& node) {
  auto& d = *static_cast<OneHotData*>(node.user_data);
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 4, 4));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor *indices, *depth, *on, *off, *out;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &indices));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 1, &depth));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 2, &on));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 3, &off));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &out));
  EL_RETURN_IF_ERROR(SelectVariant(ctx, node, kVariants, d));
  EL_KERNEL_CHECK(ctx, node, on->type == off->type && on->type == out->type, "on_value '", on->name, "' (",
                  DataTypeName(on->type), "), off_value '", off->name, "' (", DataTypeName(off->type),
                  ") and the output (", DataTypeName(out->type), ") must have one type");
  EL_KERNEL_CHECK(ctx, node, depth->num_elements() == 1 && on->num_elements() == 1 && off->num_elements() == 1,
                  "depth, on_value and off_value must have one element each, got shapes ", DimsToString(depth->dims),
                  ", ", DimsToString(on->dims), " and ", DimsToString(off->dims));
  const int rank = indices->rank();
  EL_KERNEL_CHECK(ctx, node, d.axis_option >= -1 && d.axis_option <= rank, "axis ", d.axis_option,
                  " is out of range for indices of rank ", rank, " (expected -1 to ", rank, ")");
  d.axis = d.axis_option == -1 ? rank : d.axis_option;
  d.outer = NumElements(Dims(indices->dims.begin(), indices->dims.begin() + d.axis));
  d.inner = NumElements(Dims(indices->dims.begin() + d.axis, indices->dims.end()));
  d.shape.reserve(static_cast<size_t>(rank) + 1);
  if (!HasValuesAtPrepare(*depth)) {
    ctx.MarkDynamic(*out);
    return Status::Ok();
  }
  return SizeOutput(ctx, node, d);
}

}  // namespace

const KernelRegistration* Register_ONE_HOT() {
  static const KernelRegistration reg{Init, DeleteNodeData<OneHotData>, Prepare, EvalSelectedVariant<OneHotData>,
                                      /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace edgelite

EL_KERNEL_TYPES(ONE_HOT, kVariants)
