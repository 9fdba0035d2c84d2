// MEAN, SUM, REDUCE_PROD, REDUCE_MAX and REDUCE_MIN over the axes listed by a constant axis input
// (ReducerOptions.keep_dims), on float32, int32 and int64. Axes may be negative or repeated; an empty
// list reduces nothing.
#include <limits>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/optimized/reduce.h"
#include "interpreter/kernels/reference/reduce.h"

namespace edgelite {
namespace {

enum class ReduceOp { kSum, kMean, kProd, kMax, kMin };

struct ReduceData {
  bool keep_dims = false;
  bool use_reference = false;
  // Filled in prepare.
  std::vector<bool> reduced;  // per input axis
  int64_t count = 1;          // inputs per output (MEAN's divisor)
  optimized::ReducePlan plan;
};

template <ReduceOp kOp>
Status Init(KernelContext& ctx, Node& node) {
  auto* data = new ReduceData();
  node.user_data = data;
  if (const auto* options = node.op ? node.op->builtin_options_as_ReducerOptions() : nullptr) {
    data->keep_dims = options->keep_dims();
  }
  return Status::Ok();
}

Status Prepare(KernelContext& ctx, Node& node) {
  auto* data = static_cast<ReduceData*>(node.user_data);
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 2, 2));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor *in, *axis, *out;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &in));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 1, &axis));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &out));
  if (in->type != DataType::kFloat32 && in->type != DataType::kInt32 && in->type != DataType::kInt64) {
    return ctx.Error(node, StrCat("input type ", DataTypeName(in->type), " is not supported (float32, int32, int64)"),
                     StatusCode::kUnsupported);
  }
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *out, in->type, "output"));
  if (axis->rank() > 1) {
    return ctx.Error(node, StrCat("axis input '", axis->name, "' must be a scalar or 1-D, got shape ",
                                  DimsToString(axis->dims)));
  }
  // An empty axis list has no values to read (and an empty buffer, which the model loads as non-constant).
  data->use_reference = ForceReferenceKernels();
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
  if (!data->use_reference) data->plan = optimized::MakeReducePlan(in->dims, data->reduced);
  return ctx.ResizeTensor(*out, out_dims);
}

template <typename Fold, typename T, typename Finish>
void Run(const ReduceData& d, const Tensor& in, Tensor& out, Finish finish, ThreadPool& pool) {
  if (d.use_reference) {
    reference::Reduce<Fold>(in.data_as<T>(), in.dims, d.reduced, out.data_as<T>(), finish);
  } else {
    optimized::Reduce<Fold>(d.plan, in.data_as<T>(), out.data_as<T>(), finish, pool);
  }
}

// SUM and REDUCE_PROD accumulate in the input type, wrapping like .tflite for integers (done in
// unsigned arithmetic, where wrapping is defined). MEAN accumulates integers in int64 and divides
// with truncation.
template <typename T>
struct Accumulators {
  using Wrapping = T;
  using Mean = T;
};
template <>
struct Accumulators<int32_t> {
  using Wrapping = uint32_t;
  using Mean = int64_t;
};
template <>
struct Accumulators<int64_t> {
  using Wrapping = uint64_t;
  using Mean = int64_t;
};

template <typename T>
void RunTyped(ReduceOp op, const ReduceData& d, const Tensor& in, Tensor& out, ThreadPool& pool) {
  using Wrapping = typename Accumulators<T>::Wrapping;
  using MeanAcc = typename Accumulators<T>::Mean;
  auto cast = [](auto acc) { return static_cast<T>(acc); };
  switch (op) {
    case ReduceOp::kSum: Run<reference::SumFold<Wrapping>, T>(d, in, out, cast, pool); break;
    case ReduceOp::kProd: Run<reference::ProdFold<Wrapping>, T>(d, in, out, cast, pool); break;
    case ReduceOp::kMax: Run<reference::MaxFold<T>, T>(d, in, out, cast, pool); break;
    case ReduceOp::kMin: Run<reference::MinFold<T>, T>(d, in, out, cast, pool); break;
    case ReduceOp::kMean: {
      const MeanAcc count = static_cast<MeanAcc>(d.count);
      Run<reference::SumFold<MeanAcc>, T>(d, in, out, [count](MeanAcc acc) { return static_cast<T>(acc / count); },
                                          pool);
      break;
    }
  }
}

// What an empty input reduces to, as in .tflite: the fold's starting value, where MAX and MIN start
// from the lowest and highest finite values (so not -inf and +inf for floats); MEAN gives NaN (0 for
// integers).
template <typename T>
T EmptyValue(ReduceOp op) {
  switch (op) {
    case ReduceOp::kSum: return T(0);
    case ReduceOp::kProd: return T(1);
    case ReduceOp::kMax: return std::numeric_limits<T>::lowest();
    case ReduceOp::kMin: return std::numeric_limits<T>::max();
    case ReduceOp::kMean: return std::numeric_limits<T>::quiet_NaN();
  }
  return T(0);
}

template <typename T>
void FillEmpty(ReduceOp op, Tensor& out) {
  const T value = EmptyValue<T>(op);
  T* p = out.data_as<T>();
  for (int64_t i = 0; i < out.num_elements(); ++i) p[i] = value;
}

template <ReduceOp kOp>
Status Eval(KernelContext& ctx, Node& node) {
  const auto& d = *static_cast<const ReduceData*>(node.user_data);
  const Tensor& in = *ctx.input(node, 0);
  Tensor& out = *ctx.output(node, 0);
  const bool empty = in.num_elements() == 0;
  switch (in.type) {
    case DataType::kFloat32:
      empty ? FillEmpty<float>(kOp, out) : RunTyped<float>(kOp, d, in, out, ctx.thread_pool());
      break;
    case DataType::kInt32:
      empty ? FillEmpty<int32_t>(kOp, out) : RunTyped<int32_t>(kOp, d, in, out, ctx.thread_pool());
      break;
    case DataType::kInt64:
      empty ? FillEmpty<int64_t>(kOp, out) : RunTyped<int64_t>(kOp, d, in, out, ctx.thread_pool());
      break;
    default: return ctx.Error(node, "unsupported type", StatusCode::kUnsupported);
  }
  return Status::Ok();
}

template <ReduceOp kOp>
const KernelRegistration* Registration() {
  static const KernelRegistration reg{Init<kOp>, DeleteNodeData<ReduceData>, Prepare, Eval<kOp>,
                                      /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace

const KernelRegistration* Register_MEAN() { return Registration<ReduceOp::kMean>(); }
const KernelRegistration* Register_SUM() { return Registration<ReduceOp::kSum>(); }
const KernelRegistration* Register_REDUCE_PROD() { return Registration<ReduceOp::kProd>(); }
const KernelRegistration* Register_REDUCE_MAX() { return Registration<ReduceOp::kMax>(); }
const KernelRegistration* Register_REDUCE_MIN() { return Registration<ReduceOp::kMin>(); }

}  // namespace edgelite
