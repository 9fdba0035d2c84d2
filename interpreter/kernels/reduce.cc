// MEAN, SUM, REDUCE_PROD, REDUCE_MAX and REDUCE_MIN over the axes listed by a constant axis input
// (ReducerOptions.keep_dims), on float32, int32 and int64. Axes may be negative or repeated; an empty
// list reduces nothing.
#include <limits>
#include <type_traits>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/optimized/reduce.h"
#include "interpreter/kernels/reference/reduce.h"

namespace edgelite {
namespace {

using optimized::ReduceKind;

struct ReduceData : VariantChoice<ReduceData> {
  ReduceKind kind = ReduceKind::kSum;
  bool keep_dims = false;
  // Filled in prepare.
  std::vector<bool> reduced;  // per input axis
  int64_t count = 1;          // inputs per output (MEAN's divisor)
  optimized::ReducePlan plan;
  optimized::ReduceFn fn = nullptr;  // the chosen ISA's loop
};

template <ReduceKind kKind>
Status Init(KernelContext& ctx, Node& node) {
  auto* data = new ReduceData();
  node.user_data = data;
  data->kind = kKind;
  if (const auto* options = node.op ? node.op->builtin_options_as_ReducerOptions() : nullptr) {
    data->keep_dims = options->keep_dims();
  }
  return Status::Ok();
}

// What an empty input reduces to, as in .tflite: the fold's starting value, where MAX and MIN start
// from the lowest and highest finite values (so not -inf and +inf for floats); MEAN gives NaN (0 for
// integers).
template <typename T>
T EmptyValue(ReduceKind kind) {
  switch (kind) {
    case ReduceKind::kSum: return T(0);
    case ReduceKind::kProd: return T(1);
    case ReduceKind::kMax: return std::numeric_limits<T>::lowest();
    case ReduceKind::kMin: return std::numeric_limits<T>::max();
    case ReduceKind::kMean: return std::numeric_limits<T>::quiet_NaN();
  }
  return T(0);
}

// Returns true (having filled the output) when the input is empty.
template <typename T>
bool FillIfEmpty(const ReduceData& d, const Tensor& in, Tensor& out) {
  if (in.num_elements() != 0) return false;
  const T value = EmptyValue<T>(d.kind);
  T* p = out.data_as<T>();
  for (int64_t i = 0; i < out.num_elements(); ++i) p[i] = value;
  return true;
}

template <typename T>
constexpr int TypeIndex() {
  return std::is_same_v<T, float> ? 0 : std::is_same_v<T, int32_t> ? 1 : 2;
}

template <typename T>
Status PrepareOptimized(KernelContext&, Node& node, ReduceData& d) {
  d.fn = optimized::ReduceFor(d.variant->isa)->fn[static_cast<int>(d.kind)][TypeIndex<T>()];
  return Status::Ok();
}

template <typename T>
Status EvalOptimized(KernelContext& ctx, Node& node, ReduceData& d) {
  const Tensor& in = *ctx.input(node, 0);
  Tensor& out = *ctx.output(node, 0);
  if (!FillIfEmpty<T>(d, in, out)) d.fn(d.plan, in.data, out.data, d.count, ctx.thread_pool());
  return Status::Ok();
}

template <typename T>
Status EvalReference(KernelContext& ctx, Node& node, ReduceData& d) {
  const Tensor& in = *ctx.input(node, 0);
  Tensor& out = *ctx.output(node, 0);
  if (FillIfEmpty<T>(d, in, out)) return Status::Ok();
  using Wrapping = typename reference::ReduceAccumulators<T>::Wrapping;
  using MeanAcc = typename reference::ReduceAccumulators<T>::Mean;
  const T* x = in.data_as<T>();
  T* y = out.data_as<T>();
  auto cast = [](auto acc) { return static_cast<T>(acc); };
  switch (d.kind) {
    case ReduceKind::kSum: reference::Reduce<reference::SumFold<Wrapping>>(x, in.dims, d.reduced, y, cast); break;
    case ReduceKind::kProd: reference::Reduce<reference::ProdFold<Wrapping>>(x, in.dims, d.reduced, y, cast); break;
    case ReduceKind::kMax: reference::Reduce<reference::MaxFold<T>>(x, in.dims, d.reduced, y, cast); break;
    case ReduceKind::kMin: reference::Reduce<reference::MinFold<T>>(x, in.dims, d.reduced, y, cast); break;
    case ReduceKind::kMean: {
      const MeanAcc count = static_cast<MeanAcc>(d.count);
      reference::Reduce<reference::SumFold<MeanAcc>>(x, in.dims, d.reduced, y,
                                                     [count](MeanAcc acc) { return static_cast<T>(acc / count); });
      break;
    }
  }
  return Status::Ok();
}

constexpr TypeSignature kF32Types{{kF32, kIndexTypes}, {kF32}};
constexpr TypeSignature kI32Types{{kI32, kIndexTypes}, {kI32}};
constexpr TypeSignature kI64Types{{kI64, kIndexTypes}, {kI64}};

const KernelVariant<ReduceData> kVariants[] = {
    EL_VECTOR_ISA_ROWS("float32", kF32Types, nullptr, PrepareOptimized<float>, EvalOptimized<float>),
    {"float32", kF32Types, Isa::kReference, nullptr, nullptr, EvalReference<float>},
    EL_VECTOR_ISA_ROWS("int32", kI32Types, nullptr, PrepareOptimized<int32_t>, EvalOptimized<int32_t>),
    {"int32", kI32Types, Isa::kReference, nullptr, nullptr, EvalReference<int32_t>},
    EL_VECTOR_ISA_ROWS("int64", kI64Types, nullptr, PrepareOptimized<int64_t>, EvalOptimized<int64_t>),
    {"int64", kI64Types, Isa::kReference, nullptr, nullptr, EvalReference<int64_t>},
};

Status Prepare(KernelContext& ctx, Node& node) {
  auto* data = static_cast<ReduceData*>(node.user_data);
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 2, 2));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor *in, *axis, *out;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &in));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 1, &axis));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &out));
  if (axis->rank() > 1) {
    return ctx.Error(node, StrCat("axis input '", axis->name, "' must be a scalar or 1-D, got shape ",
                                  DimsToString(axis->dims)));
  }
  // An empty axis list has no values to read (and an empty buffer, which the model loads as non-constant).
  std::vector<int64_t> axes;
  if (axis->num_elements() > 0) {
    if (!axis->is_constant) {
      return ctx.Error(node, StrCat("axis input '", axis->name, "' must be constant"), StatusCode::kUnsupported);
    }
    EL_RETURN_IF_ERROR(ReadIntVector(ctx, node, *axis, &axes));
  } else if (axis->type != DataType::kInt32 && axis->type != DataType::kInt64) {
    return ctx.Error(node, StrCat("axis input '", axis->name, "' must be int32 or int64, got ",
                                  DataTypeName(axis->type)));
  }

  const int rank = in->rank();
  data->reduced.assign(rank, false);
  for (int64_t a : axes) {
    int normalized;
    if (a < std::numeric_limits<int>::min() || a > std::numeric_limits<int>::max()) {
      return ctx.Error(node, StrCat("axis ", a, " is out of range for rank ", rank));
    }
    EL_RETURN_IF_ERROR(NormalizeAxis(ctx, node, static_cast<int>(a), rank, &normalized));
    if (normalized < rank) data->reduced[normalized] = true;  // rank 0: axis 0 / -1 reduce nothing
  }
  Dims out_dims;
  data->count = 1;
  for (int a = 0; a < rank; ++a) {
    if (data->reduced[a]) {
      data->count *= in->dims[a];
      if (data->keep_dims) out_dims.push_back(1);
    } else {
      out_dims.push_back(in->dims[a]);
    }
  }
  data->plan = optimized::MakeReducePlan(in->dims, data->reduced);
  EL_RETURN_IF_ERROR(ctx.ResizeTensor(*out, out_dims));
  return SelectVariant(ctx, node, kVariants, *data);
}

template <ReduceKind kKind>
const KernelRegistration* Registration() {
  static const KernelRegistration reg{Init<kKind>, DeleteNodeData<ReduceData>, Prepare,
                                      EvalSelectedVariant<ReduceData>, /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace

namespace optimized {

ReducePlan MakeReducePlan(const std::vector<int32_t>& dims, const std::vector<bool>& reduced) {
  std::vector<int64_t> size;
  std::vector<bool> role;
  for (size_t a = 0; a < dims.size(); ++a) {
    if (dims[a] == 1) continue;
    if (!size.empty() && role.back() == reduced[a]) {
      size.back() *= dims[a];
    } else {
      size.push_back(dims[a]);
      role.push_back(reduced[a]);
    }
  }
  ReducePlan plan;
  if (size.empty()) return plan;  // one element in, one out
  plan.inner = size.back();
  plan.inner_reduced = role.back();
  int64_t stride = plan.inner;
  for (int g = static_cast<int>(size.size()) - 2; g >= 0; --g) {
    auto& sizes = role[g] ? plan.red_size : plan.kept_size;
    auto& strides = role[g] ? plan.red_stride : plan.kept_stride;
    sizes.insert(sizes.begin(), size[g]);
    strides.insert(strides.begin(), stride);
    stride *= size[g];
  }
  for (int64_t s : plan.kept_size) plan.rows *= s;
  for (int64_t s : plan.red_size) plan.red_count *= s;
  return plan;
}

}  // namespace optimized

const KernelRegistration* Register_MEAN() { return Registration<ReduceKind::kMean>(); }
const KernelRegistration* Register_SUM() { return Registration<ReduceKind::kSum>(); }
const KernelRegistration* Register_REDUCE_PROD() { return Registration<ReduceKind::kProd>(); }
const KernelRegistration* Register_REDUCE_MAX() { return Registration<ReduceKind::kMax>(); }
const KernelRegistration* Register_REDUCE_MIN() { return Registration<ReduceKind::kMin>(); }

}  // namespace edgelite
