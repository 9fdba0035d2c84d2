// TOPK_V2: the k largest values along the last axis and their indices, largest first (ties in index order,
// NaNs last; reference/topk.h). Values float32, int32, int64, int8, uint8 or int16 (values are only compared);
// k an int32 or int16 scalar; indices int32 or int16. The outputs are dynamic when k has no value at prepare.
#include <cmath>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/variant_types.h"
#include "interpreter/kernels/reference/topk.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

struct TopKData : VariantChoice<TopKData> {
  int64_t rows = 0;
  int32_t row_size = 0;
  int scratch = -1;
  Dims shape;  // the outputs' shape; reserved in prepare so that a dynamic eval does not allocate it
};

int32_t ReadK(const Tensor& k) {
  return k.type == DataType::kInt16 ? k.data_as<int16_t>()[0] : k.data_as<int32_t>()[0];
}

// Checks k against the input and sets the outputs' shape (the input's, with k or 0 last).
Status SizeOutputs(KernelContext& ctx, const Node& node, TopKData& d, int32_t k) {
  const Tensor& in = *ctx.input(node, 0);
  EL_KERNEL_CHECK(ctx, node, k <= d.row_size, "k = ", k, " is larger than the last dimension of input '", in.name,
                  "' ", DimsToString(in.dims));
  d.shape = in.dims;  // equal sizes: no allocation
  d.shape.back() = std::max(k, 0);
  EL_RETURN_IF_ERROR(ctx.ResizeTensor(*ctx.output(node, 0), d.shape));
  return ctx.ResizeTensor(*ctx.output(node, 1), d.shape);
}

template <typename T, typename Index>
Status Eval(KernelContext& ctx, Node& node, TopKData& d) {
  const int32_t k = ReadK(*ctx.input(node, 1));
  if (ctx.output(node, 0)->is_dynamic) EL_RETURN_IF_ERROR(SizeOutputs(ctx, node, d, k));
  if (k <= 0 || d.rows == 0) return Status::Ok();
  const T* in = ctx.input(node, 0)->data_as<T>();
  T* values = ctx.output(node, 0)->data_as<T>();
  Index* indices = ctx.output(node, 1)->data_as<Index>();
  int32_t* order = ctx.tensor(d.scratch)->data_as<int32_t>();
  // A row: a partial sort, about log2(k) scalar steps per value.
  const double row_cost = ThreadPool::kCostScalarValue * d.row_size * (1 + std::log2(static_cast<double>(k) + 1));
  ctx.thread_pool().ParallelFor(d.rows, row_cost, [&](int64_t begin, int64_t end, int thread) {
    int32_t* scratch = order + static_cast<int64_t>(thread) * d.row_size;
    for (int64_t r = begin; r < end; ++r) {
      reference::TopKRow(in + r * d.row_size, d.row_size, k, scratch, values + r * k, indices + r * k);
    }
  });
  return Status::Ok();
}

#define EL_TOPK_ROWS(NAME, TYPE, T)                                                                             \
  {NAME, TypeSignature{{TYPE, kI32 | kI16}, {kSameAsInput0, kI32}}, Isa::kReference, nullptr, nullptr,         \
   Eval<T, int32_t>},                                                                                           \
  {NAME " int16 indices", TypeSignature{{TYPE, kI32 | kI16}, {kSameAsInput0, kI16}}, Isa::kReference, nullptr, \
   nullptr, Eval<T, int16_t>}
const KernelVariant<TopKData> kVariants[] = {
    EL_TOPK_ROWS("float32", kF32, float), EL_TOPK_ROWS("int32", kI32, int32_t),
    EL_TOPK_ROWS("int64", kI64, int64_t), EL_TOPK_ROWS("int8", kI8, int8_t),
    EL_TOPK_ROWS("uint8", kU8, uint8_t),  EL_TOPK_ROWS("int16", kI16, int16_t),
};
#undef EL_TOPK_ROWS

Status Prepare(KernelContext& ctx, Node& node) {
  auto& d = *static_cast<TopKData*>(node.user_data);
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 2, 2));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 2));
  Tensor *in, *k, *values, *indices;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &in));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 1, &k));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &values));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 1, &indices));
  EL_RETURN_IF_ERROR(SelectVariant(ctx, node, kVariants, d));
  EL_KERNEL_CHECK(ctx, node, in->rank() >= 1, "input '", in->name, "' must have rank 1 or more, got a scalar");
  EL_KERNEL_CHECK(ctx, node, k->num_elements() == 1, "k '", k->name, "' must have one element, got shape ",
                  DimsToString(k->dims));
  d.row_size = in->dims.back();
  d.rows = d.row_size ? in->num_elements() / d.row_size : 0;
  EL_KERNEL_CHECK(ctx, node, indices->type != DataType::kInt16 || d.row_size <= 32767, "rows of ", d.row_size,
                  " values do not fit int16 indices");
  // Each thread sorts in its own scratch slice of row_size entries.
  const int64_t slices = ctx.thread_pool().num_threads();
  EL_RETURN_IF_ERROR(RequestScratch(ctx, node, DataType::kInt32, slices * d.row_size, &d.scratch));
  d.shape.reserve(in->dims.size());
  if (!HasValuesAtPrepare(*k)) {
    ctx.MarkDynamic(*values);
    ctx.MarkDynamic(*indices);
    return Status::Ok();
  }
  return SizeOutputs(ctx, node, d, ReadK(*k));
}

}  // namespace

const KernelRegistration* Register_TOPK_V2() {
  static const KernelRegistration reg{NewNodeData<TopKData>, DeleteNodeData<TopKData>, Prepare,
                                      EvalSelectedVariant<TopKData>};
  return &reg;
}

}  // namespace edgelite

EL_KERNEL_TYPES(TOPK_V2, kVariants)
