// MEAN, SUM, REDUCE_PROD, REDUCE_MAX and REDUCE_MIN over the axes listed by a constant axis input
// (ReducerOptions.keep_dims), on float32, int32 and int64, and quantized as LiteRT (int8, uint8, int16 MEAN,
// SUM, REDUCE_MAX, REDUCE_MIN; int8, int16 REDUCE_PROD; reference/integer/reduce.h); REDUCE_ANY and
// REDUCE_ALL on bool (the byte-wise max and min of 0/1, an empty reduction giving false and true). Axes may be negative
// or repeated; an empty list reduces nothing.
#include <cmath>
#include <limits>
#include <type_traits>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/variant_types.h"
#include "interpreter/kernels/optimized/reduce.h"
#include "interpreter/kernels/quantization_params.h"
#include "interpreter/kernels/reference/integer/reduce.h"
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
  reference::ReduceLayout layout;
  optimized::ReduceFn fn = nullptr;  // the chosen ISA's loop
  // Quantized rows.
  reference::integer::QuantizedSumParams sum;
  reference::integer::QuantizedProdParams prod;
  optimized::QuantizedSumFn quantized_sum = nullptr;
};

namespace ri = reference::integer;

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
bool FillIfEmpty(const ReduceData& d, const Tensor& in, Tensor& out, T value) {
  if (in.num_elements() != 0) return false;
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
  if (!FillIfEmpty<T>(d, in, out, EmptyValue<T>(d.kind))) d.fn(d.plan, in.data, out.data, d.count, ctx.thread_pool());
  return Status::Ok();
}

template <typename T>
Status EvalReference(KernelContext& ctx, Node& node, ReduceData& d) {
  const Tensor& in = *ctx.input(node, 0);
  Tensor& out = *ctx.output(node, 0);
  if (FillIfEmpty<T>(d, in, out, EmptyValue<T>(d.kind))) return Status::Ok();
  using Wrapping = typename reference::ReduceAccumulators<T>::Wrapping;
  using MeanAcc = typename reference::ReduceAccumulators<T>::Mean;
  const T* x = in.data_as<T>();
  T* y = out.data_as<T>();
  auto cast = [](auto acc) { return static_cast<T>(acc); };
  switch (d.kind) {
    case ReduceKind::kSum: reference::Reduce<reference::SumFold<Wrapping>>(x, d.layout, y, cast); break;
    case ReduceKind::kProd: reference::Reduce<reference::ProdFold<Wrapping>>(x, d.layout, y, cast); break;
    case ReduceKind::kMax: reference::Reduce<reference::MaxFold<T>>(x, d.layout, y, cast); break;
    case ReduceKind::kMin: reference::Reduce<reference::MinFold<T>>(x, d.layout, y, cast); break;
    case ReduceKind::kMean: {
      const MeanAcc count = static_cast<MeanAcc>(d.count);
      reference::Reduce<reference::SumFold<MeanAcc>>(x, d.layout, y,
                                                     [count](MeanAcc acc) { return static_cast<T>(acc / count); });
      break;
    }
  }
  return Status::Ok();
}

// ---- quantized ----

// The input's and output's quantization and the output type's range.
struct ReduceQuantization {
  TensorQuantization in, out;
  int32_t lo = 0, hi = 0;
};

Status ReadReduceQuantization(KernelContext& ctx, const Node& node, ReduceQuantization* q) {
  const Tensor& in = *ctx.input(node, 0);
  const Tensor& out = *ctx.output(node, 0);
  EL_RETURN_IF_ERROR(GetPerTensorQuantization(ctx, node, in, "input", &q->in));
  EL_RETURN_IF_ERROR(GetPerTensorQuantization(ctx, node, out, "output", &q->out));
  IntegerTypeRange(out.type, &q->lo, &q->hi);
  if (in.type == DataType::kInt16) {
    EL_RETURN_IF_ERROR(RequireZeroPoint(ctx, node, in, "input", q->in, 0));
    EL_RETURN_IF_ERROR(RequireZeroPoint(ctx, node, out, "output", q->out, 0));
  }
  return Status::Ok();
}

// The index of an 8- or 16-bit type in the optimized tables: int8, uint8, int16.
int IntTypeIndex(DataType type) { return type == DataType::kInt8 ? 0 : type == DataType::kUInt8 ? 1 : 2; }

using SumParamsFn = ri::QuantizedSumParams (*)(float, int32_t, float, int32_t, int64_t, int32_t, int32_t);

// MEAN (LiteRT's reference algorithm, for every shape: BUILTIN_REF never takes the default kernel's other
// one), uint8 SUM, and int8/int16 SUM by LiteRT's default-kernel float formula.
template <SumParamsFn kParams>
Status PrepareQuantizedSum(KernelContext& ctx, Node& node, ReduceData& d) {
  ReduceQuantization q;
  EL_RETURN_IF_ERROR(ReadReduceQuantization(ctx, node, &q));
  d.sum = kParams(q.in.scale, q.in.zero_point, q.out.scale, q.out.zero_point, d.count, q.lo, q.hi);
  d.quantized_sum = d.variant->isa == Isa::kReference
                        ? nullptr
                        : optimized::ReduceFor(d.variant->isa)->quantized_sum[IntTypeIndex(ctx.input(node, 0)->type)];
  return Status::Ok();
}

// SUM's parameters by input type.
ri::QuantizedSumParams SumParamsByType(float s_in, int32_t z_in, float s_out, int32_t z_out, int64_t n, int32_t lo,
                                       int32_t hi) {
  // uint8 is recognised by its range; int8 and int16 take the float formula.
  return lo == 0 ? ri::SumParams(s_in, z_in, s_out, z_out, n, lo, hi)
                 : ri::SumFloatParams(s_in, z_in, s_out, z_out, n, lo, hi);
}

template <typename T>
Status EvalQuantizedSum(KernelContext& ctx, Node& node, ReduceData& d) {
  const Tensor& in = *ctx.input(node, 0);
  Tensor& out = *ctx.output(node, 0);
  // An empty MEAN gives 0 (LiteRT's NaN for integers); an empty SUM the output zero point.
  const T empty = static_cast<T>(d.kind == ReduceKind::kMean ? 0 : ri::FinishQuantizedSum(0, d.sum));
  if (FillIfEmpty<T>(d, in, out, empty)) return Status::Ok();
  if (d.quantized_sum) {
    d.quantized_sum(d.plan, in.data, out.data, d.sum, ctx.thread_pool());
    return Status::Ok();
  }
  reference::Reduce<reference::SumFold<uint32_t>>(in.data_as<T>(), d.layout, out.data_as<T>(), [&d](uint32_t sum) {
    return static_cast<T>(ri::FinishQuantizedSum(sum, d.sum));
  });
  return Status::Ok();
}

// REDUCE_MAX / REDUCE_MIN compare raw values, so LiteRT requires the output's quantization to be the
// input's (an absent one counts as scale 0, zero point 0).
Status PrepareRawMaxMin(KernelContext& ctx, Node& node, ReduceData& d) {
  const Tensor& in = *ctx.input(node, 0);
  const Tensor& out = *ctx.output(node, 0);
  auto scale = [](const Tensor& t) { return t.quant.scale.empty() ? 0.f : t.quant.scale[0]; };
  auto zero_point = [](const Tensor& t) { return t.quant.zero_point.empty() ? int64_t{0} : t.quant.zero_point[0]; };
  if (scale(in) != scale(out) || zero_point(in) != zero_point(out)) {
    return ctx.Error(node, StrCat("output '", out.name, "' has scale ", scale(out), " and zero point ",
                                  zero_point(out), ", input '", in.name, "' ", scale(in), " and ", zero_point(in),
                                  ": this operator needs them equal"),
                     StatusCode::kUnsupported);
  }
  if (d.variant->isa != Isa::kReference) {
    const optimized::ReduceKernels& k = *optimized::ReduceFor(d.variant->isa);
    const int type = IntTypeIndex(in.type);
    d.fn = d.kind == ReduceKind::kMax ? k.max_int[type] : k.min_int[type];
  }
  return Status::Ok();
}

Status PrepareQuantizedProd(KernelContext& ctx, Node& node, ReduceData& d) {
  ReduceQuantization q;
  EL_RETURN_IF_ERROR(ReadReduceQuantization(ctx, node, &q));
  ri::QuantizedProdParams& p = d.prod;
  p.input_zero_point = q.in.zero_point;
  p.output_zero_point = q.out.zero_point;
  p.lo = q.lo;
  p.hi = q.hi;
  const Tensor& out = *ctx.output(node, 0);
  if (ctx.input(node, 0)->num_elements() == 0 || out.num_elements() == 0) return Status::Ok();
  // Each of the N scalings takes s_x and one N-th root of 1 / s_y (in double), so the product never leaves
  // int32.
  const int64_t n = ctx.input(node, 0)->num_elements() / out.num_elements();
  p.multiplier = QuantizeMultiplier(static_cast<double>(q.in.scale) /
                                    std::pow(static_cast<double>(q.out.scale), 1.0 / static_cast<double>(n)));
  if (p.multiplier.shift > 14) {
    return ctx.Error(node, StrCat("input scale ", q.in.scale, " and output scale ", q.out.scale, " over ", n,
                                  " values give a product scaling beyond the int64 multiply's range"),
                     StatusCode::kUnsupported);
  }
  return Status::Ok();
}

template <typename T>
Status EvalQuantizedProd(KernelContext& ctx, Node& node, ReduceData& d) {
  const Tensor& in = *ctx.input(node, 0);
  Tensor& out = *ctx.output(node, 0);
  if (FillIfEmpty<T>(d, in, out, static_cast<T>(d.prod.output_zero_point))) return Status::Ok();
  const T* x = in.data_as<T>();
  T* y = out.data_as<T>();
  const reference::ReduceLayout& l = d.layout;
  // In input order per output, as LiteRT's fold: the first value, then each product rescaled.
  for (int64_t o = 0; o < l.num_out; ++o) {
    const int64_t base = reference::ReduceOffset(o, l.kept_size, l.kept_stride);
    int32_t acc = ri::ProdFirst(x[base + reference::ReduceOffset(0, l.red_size, l.red_stride)], d.prod);
    for (int64_t r = 1; r < l.num_red; ++r) {
      acc = ri::ProdNext(acc, x[base + reference::ReduceOffset(r, l.red_size, l.red_stride)], d.prod);
    }
    y[o] = static_cast<T>(ri::ProdFinish(acc, d.prod));
  }
  return Status::Ok();
}

bool InputIsQuantized(const ReduceData&, const Node& node, KernelContext& ctx) {
  return !ctx.input(node, 0)->quant.scale.empty();
}

constexpr TypeSignature kF32Types{{kF32, kIndexTypes}, {kF32}};
constexpr TypeSignature kI32Types{{kI32, kIndexTypes}, {kI32}};
constexpr TypeSignature kI64Types{{kI64, kIndexTypes}, {kI64}};
constexpr TypeSignature kI8Types{{kI8, kIndexTypes}, {kI8}};
constexpr TypeSignature kU8Types{{kU8, kIndexTypes}, {kU8}};
constexpr TypeSignature kI16Types{{kI16, kIndexTypes}, {kI16}};

// float32 per vector ISA (then its reference twin); int32 and int64 the baseline ISA's loops alone
// (optimized/reduce.h).
#define EL_REDUCE_PLAIN_ROWS                                                                                 \
  EL_VECTOR_ISA_ROWS("float32", kF32Types, nullptr, PrepareOptimized<float>, EvalOptimized<float>),          \
      EL_REDUCE_REFERENCE_AND_INTEGER_ROWS
#define EL_REDUCE_REFERENCE_AND_INTEGER_ROWS                                                                  \
  {"float32", kF32Types, Isa::kReference, nullptr, nullptr, EvalReference<float>},                           \
      EL_BASELINE_ISA_ROW("int32", kI32Types, nullptr, PrepareOptimized<int32_t>, EvalOptimized<int32_t>),      \
      {"int32", kI32Types, Isa::kReference, nullptr, nullptr, EvalReference<int32_t>},                       \
      EL_BASELINE_ISA_ROW("int64", kI64Types, nullptr, PrepareOptimized<int64_t>, EvalOptimized<int64_t>),      \
      {"int64", kI64Types, Isa::kReference, nullptr, nullptr, EvalReference<int64_t>}
// A quantized sum of one dtype: the vector rows (sum lanes in int32), then the reference twin; int16 the baseline
// row alone (optimized/reduce.h).
#define EL_REDUCE_BASELINE_SUM_ROWS(NAME, TYPES, T, PARAMS)                                         \
  EL_BASELINE_ISA_ROW(NAME, TYPES, nullptr, PrepareQuantizedSum<PARAMS>, EvalQuantizedSum<T>),         \
      {NAME, TYPES, Isa::kReference, nullptr, PrepareQuantizedSum<PARAMS>, EvalQuantizedSum<T>}
#define EL_REDUCE_SUM_ROWS(NAME, TYPES, T, PARAMS)                                                  \
  EL_VECTOR_ISA_ROWS(NAME, TYPES, nullptr, PrepareQuantizedSum<PARAMS>, EvalQuantizedSum<T>),       \
      {NAME, TYPES, Isa::kReference, nullptr, PrepareQuantizedSum<PARAMS>, EvalQuantizedSum<T>}
// Raw MAX / MIN: the baseline ISA's loop alone, as int32 and int64 above (optimized/reduce.h).
#define EL_REDUCE_MAX_MIN_ROWS(NAME, TYPES, T)                                                      \
  EL_BASELINE_ISA_ROW(NAME, TYPES, nullptr, PrepareRawMaxMin, EvalOptimized<T>),                       \
      {NAME, TYPES, Isa::kReference, nullptr, PrepareRawMaxMin, EvalReference<T>}

template <ReduceKind kKind>
struct Variants {  // REDUCE_MAX, REDUCE_MIN
  static constexpr KernelVariant<ReduceData> kTable[] = {
      EL_REDUCE_PLAIN_ROWS,
      EL_REDUCE_MAX_MIN_ROWS("int8", kI8Types, int8_t),
      EL_REDUCE_MAX_MIN_ROWS("uint8", kU8Types, uint8_t),
      EL_REDUCE_MAX_MIN_ROWS("int16", kI16Types, int16_t),
  };
};
template <>
struct Variants<ReduceKind::kMean> {
  static constexpr KernelVariant<ReduceData> kTable[] = {
      EL_REDUCE_PLAIN_ROWS,
      EL_REDUCE_SUM_ROWS("int8", kI8Types, int8_t, ri::MeanParams),
      EL_REDUCE_SUM_ROWS("uint8", kU8Types, uint8_t, ri::MeanParams),
      EL_REDUCE_BASELINE_SUM_ROWS("int16", kI16Types, int16_t, ri::MeanParams),
  };
};
template <>
struct Variants<ReduceKind::kSum> {
  static constexpr KernelVariant<ReduceData> kTable[] = {
      EL_REDUCE_PLAIN_ROWS,
      EL_REDUCE_SUM_ROWS("int8", kI8Types, int8_t, SumParamsByType),
      EL_REDUCE_SUM_ROWS("uint8", kU8Types, uint8_t, SumParamsByType),
      EL_REDUCE_BASELINE_SUM_ROWS("int16", kI16Types, int16_t, SumParamsByType),
  };
};
template <>
struct Variants<ReduceKind::kProd> {
  static constexpr KernelVariant<ReduceData> kTable[] = {
      // float32 too: the baseline ISA's loop alone (optimized/reduce.h).
      EL_BASELINE_ISA_ROW("float32", kF32Types, nullptr, PrepareOptimized<float>, EvalOptimized<float>),
      EL_REDUCE_REFERENCE_AND_INTEGER_ROWS,
      {"int8", kI8Types, Isa::kReference, InputIsQuantized, PrepareQuantizedProd, EvalQuantizedProd<int8_t>,
       "input has quantization parameters"},
      {"int16", kI16Types, Isa::kReference, InputIsQuantized, PrepareQuantizedProd, EvalQuantizedProd<int16_t>,
       "input has quantization parameters"},
  };
};
#undef EL_REDUCE_MAX_MIN_ROWS
#undef EL_REDUCE_SUM_ROWS
#undef EL_REDUCE_BASELINE_SUM_ROWS
#undef EL_REDUCE_PLAIN_ROWS
#undef EL_REDUCE_REFERENCE_AND_INTEGER_ROWS

// REDUCE_ANY (kMax) and REDUCE_ALL (kMin) on bool bytes.
template <ReduceKind kKind>
Status EvalLogical(KernelContext& ctx, Node& node, ReduceData& d) {
  const Tensor& in = *ctx.input(node, 0);
  Tensor& out = *ctx.output(node, 0);
  if (FillIfEmpty<uint8_t>(d, in, out, kKind == ReduceKind::kMin ? 1 : 0)) return Status::Ok();
  auto cast = [](auto acc) { return static_cast<uint8_t>(acc != 0); };
  using Fold = std::conditional_t<kKind == ReduceKind::kMax, reference::MaxFold<uint8_t>, reference::MinFold<uint8_t>>;
  reference::Reduce<Fold>(in.data_as<uint8_t>(), d.layout, out.data_as<uint8_t>(), cast);
  return Status::Ok();
}
template <ReduceKind kKind>
struct LogicalVariants {
  static constexpr KernelVariant<ReduceData> kTable[] = {
      {"bool", TypeSignature{{kBool, kIndexTypes}, {kBool}}, Isa::kReference, nullptr, nullptr, EvalLogical<kKind>},
  };
};

// The output shape and loop layouts; the caller then selects its variant.
Status PrepareLayout(KernelContext& ctx, Node& node) {
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
  data->layout = reference::MakeReduceLayout(in->dims, data->reduced);
  return ctx.ResizeTensor(*out, out_dims);
}

template <ReduceKind kKind, typename Table>
Status Prepare(KernelContext& ctx, Node& node) {
  EL_RETURN_IF_ERROR(PrepareLayout(ctx, node));
  return SelectVariant(ctx, node, Table::kTable, *static_cast<ReduceData*>(node.user_data));
}

template <ReduceKind kKind, typename Table = Variants<kKind>>
const KernelRegistration* Registration() {
  static const KernelRegistration reg{Init<kKind>, DeleteNodeData<ReduceData>, Prepare<kKind, Table>,
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
const KernelRegistration* Register_REDUCE_ANY() {
  return Registration<ReduceKind::kMax, LogicalVariants<ReduceKind::kMax>>();
}
const KernelRegistration* Register_REDUCE_ALL() {
  return Registration<ReduceKind::kMin, LogicalVariants<ReduceKind::kMin>>();
}

}  // namespace edgelite

namespace edgelite {
VariantTypesView KernelTypes_MEAN() { return ViewOf(Variants<ReduceKind::kMean>::kTable); }
VariantTypesView KernelTypes_SUM() { return ViewOf(Variants<ReduceKind::kSum>::kTable); }
VariantTypesView KernelTypes_REDUCE_PROD() { return ViewOf(Variants<ReduceKind::kProd>::kTable); }
VariantTypesView KernelTypes_REDUCE_MAX() { return ViewOf(Variants<ReduceKind::kMax>::kTable); }
VariantTypesView KernelTypes_REDUCE_MIN() { return ViewOf(Variants<ReduceKind::kMin>::kTable); }
VariantTypesView KernelTypes_REDUCE_ANY() { return ViewOf(LogicalVariants<ReduceKind::kMax>::kTable); }
VariantTypesView KernelTypes_REDUCE_ALL() { return ViewOf(LogicalVariants<ReduceKind::kMin>::kTable); }
}  // namespace edgelite
