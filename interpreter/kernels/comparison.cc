// EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL: element-wise with NumPy broadcasting,
// bool output. float32, int32, int64 (and bool and string for the two equality tests); int8 and uint8 compare real
// values through LiteRT's rescaling (reference/integer/comparison.h). int16 as LiteRT: EQUAL and NOT_EQUAL
// rescale quantized inputs and compare unquantized ones raw; the orderings compare the raw integers, scales
// ignored. The broadcast loop is planned in prepare.
#include <cstring>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/string_moves.h"
#include "interpreter/kernels/quantization_params.h"
#include "interpreter/kernels/reference/broadcast.h"
#include "interpreter/kernels/reference/integer/comparison.h"
#include "interpreter/string_tensor.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

enum class CompareOp { kEqual, kNotEqual, kLess, kLessEqual, kGreater, kGreaterEqual };

struct CompareData : VariantChoice<CompareData> {
  reference::BroadcastPlan plan;
  reference::integer::ComparisonRescale rescale_a, rescale_b;  // quantized rows
};

template <CompareOp op, typename T>
inline bool Compare(T a, T b) {
  switch (op) {
    case CompareOp::kEqual: return a == b;
    case CompareOp::kNotEqual: return a != b;
    case CompareOp::kLess: return a < b;
    case CompareOp::kLessEqual: return a <= b;
    case CompareOp::kGreater: return a > b;
    case CompareOp::kGreaterEqual: return a >= b;
  }
  return false;
}

constexpr double kValueCost = ThreadPool::kCostScalarValue;

// kRescale: quantized inputs, compared after reference::integer::RescaleForComparison.
template <CompareOp kOp, typename T, bool kRescale>
Status Eval(KernelContext& ctx, Node& node, CompareData& d) {
  const T* pa = ctx.input(node, 0)->data_as<T>();
  const T* pb = ctx.input(node, 1)->data_as<T>();
  bool* po = ctx.output(node, 0)->data_as<bool>();
  ctx.thread_pool().ParallelFor(d.plan.total, kValueCost, [&](int64_t begin, int64_t end, int) {
    reference::ForEachBroadcastIndex(d.plan, begin, end, [&](int64_t o, int64_t ia, int64_t ib) {
      if constexpr (kRescale) {
        po[o] = Compare<kOp>(reference::integer::RescaleForComparison(d.rescale_a, pa[ia]),
                             reference::integer::RescaleForComparison(d.rescale_b, pb[ib]));
      } else {
        po[o] = Compare<kOp>(pa[ia], pb[ib]);
      }
    });
  });
  return Status::Ok();
}

// Strings (EQUAL, NOT_EQUAL): byte-wise equality of whole strings, one loop for both operators.
Status CompareStrings(KernelContext& ctx, Node& node, const CompareData& d, bool equal) {
  const Tensor& a = *ctx.input(node, 0);
  const Tensor& b = *ctx.input(node, 1);
  bool* po = ctx.output(node, 0)->data_as<bool>();
  reference::ForEachBroadcastIndex(d.plan, 0, d.plan.total, [&](int64_t o, int64_t ia, int64_t ib) {
    const StringRef x = GetString(a, ia), y = GetString(b, ib);
    const bool same = x.size == y.size && (x.size == 0 || std::memcmp(x.data, y.data, x.size) == 0);
    po[o] = equal == same;
  });
  return Status::Ok();
}

template <CompareOp kOp>
Status EvalStrings(KernelContext& ctx, Node& node, CompareData& d) {
  return CompareStrings(ctx, node, d, kOp == CompareOp::kEqual);
}

Status ReadRescale(KernelContext& ctx, const Node& node, int i, reference::integer::ComparisonRescale* r) {
  const Tensor& t = *ctx.input(node, i);
  const char* role = i == 0 ? "input 0" : "input 1";
  TensorQuantization q;
  EL_RETURN_IF_ERROR(GetPerTensorQuantization(ctx, node, t, role, &q));
  if (!(q.scale < 1.f)) {
    // LiteRT quantizes a scale of one or more "greater than one" (aborting at exactly one) and then shifts by
    // a negative amount: no defined result to follow.
    return ctx.Error(node, StrCat(role, " '", t.name, "' has scale ", q.scale, "; comparing quantized values needs ",
                                  "scales below 1"),
                     StatusCode::kUnsupported);
  }
  r->offset = -q.zero_point;
  r->multiplier = QuantizeMultiplier(static_cast<double>(q.scale));
  return Status::Ok();
}

Status PrepareRescale(KernelContext& ctx, Node& node, CompareData& d) {
  EL_RETURN_IF_ERROR(ReadRescale(ctx, node, 0, &d.rescale_a));
  return ReadRescale(ctx, node, 1, &d.rescale_b);
}

bool Quantized(const CompareData&, const Node& node, KernelContext& ctx) { return !ctx.input(node, 0)->quant.empty(); }
bool NotQuantized(const CompareData&, const Node& node, KernelContext& ctx) {
  return ctx.input(node, 0)->quant.empty();
}

constexpr TypeSignature kF32Types{{kF32, kF32}, {kBool}};
constexpr TypeSignature kI32Types{{kI32, kI32}, {kBool}};
constexpr TypeSignature kI64Types{{kI64, kI64}, {kBool}};
constexpr TypeSignature kBoolTypes{{kBool, kBool}, {kBool}};
constexpr TypeSignature kI8Types{{kI8, kI8}, {kBool}};
constexpr TypeSignature kU8Types{{kU8, kU8}, {kBool}};
constexpr TypeSignature kI16Types{{kI16, kI16}, {kBool}};

#define EL_COMPARE_ROW(NAME, TYPES, T) {NAME, TYPES, Isa::kReference, nullptr, nullptr, Eval<kOp, T, false>}
#define EL_RESCALED_ROW(NAME, TYPES, T, APPLIES, CONDITION) \
  {NAME, TYPES, Isa::kReference, APPLIES, PrepareRescale, Eval<kOp, T, true>, CONDITION}
template <CompareOp kOp>
struct Variants {
  static constexpr KernelVariant<CompareData> kTable[] = {
      EL_COMPARE_ROW("float32", kF32Types, float),
      EL_COMPARE_ROW("int32", kI32Types, int32_t),
      EL_COMPARE_ROW("int64", kI64Types, int64_t),
      EL_RESCALED_ROW("int8", kI8Types, int8_t, nullptr, nullptr),
      EL_RESCALED_ROW("uint8", kU8Types, uint8_t, nullptr, nullptr),
      EL_COMPARE_ROW("int16 raw", kI16Types, int16_t),
  };
};
// The equality tests also take bool, and rescale quantized int16.
template <CompareOp kOp>
struct EqualityVariants {
  static constexpr KernelVariant<CompareData> kTable[] = {
      EL_COMPARE_ROW("float32", kF32Types, float),
      EL_COMPARE_ROW("int32", kI32Types, int32_t),
      EL_COMPARE_ROW("int64", kI64Types, int64_t),
      EL_COMPARE_ROW("bool", kBoolTypes, bool),
      EL_RESCALED_ROW("int8", kI8Types, int8_t, nullptr, nullptr),
      EL_RESCALED_ROW("uint8", kU8Types, uint8_t, nullptr, nullptr),
      EL_RESCALED_ROW("int16", kI16Types, int16_t, Quantized, "quantized inputs"),
      {"int16 raw", kI16Types, Isa::kReference, NotQuantized, nullptr, Eval<kOp, int16_t, false>,
       "unquantized inputs"},
      {"strings", TypeSignature{{kStr, kStr}, {kBool}}, Isa::kReference, nullptr, nullptr, EvalStrings<kOp>},
  };
};
#undef EL_COMPARE_ROW
#undef EL_RESCALED_ROW

template <CompareOp kOp>
Status Prepare(KernelContext& ctx, Node& node) {
  Tensor *a, *b, *out;
  EL_RETURN_IF_ERROR(GetTwoInputsOneOutput(ctx, node, &a, &b, &out));
  auto& data = *static_cast<CompareData*>(node.user_data);
  Dims out_dims;
  EL_RETURN_IF_ERROR(PlanBroadcast(ctx, node, {&a->dims, &b->dims}, &out_dims, &data.plan));
  EL_RETURN_IF_ERROR(ctx.ResizeTensor(*out, out_dims));
  if constexpr (kOp == CompareOp::kEqual || kOp == CompareOp::kNotEqual) {
    return SelectVariant(ctx, node, EqualityVariants<kOp>::kTable, data);
  } else {
    return SelectVariant(ctx, node, Variants<kOp>::kTable, data);
  }
}

template <CompareOp kOp>
const KernelRegistration* Registration() {
  static const KernelRegistration reg{NewNodeData<CompareData>, DeleteNodeData<CompareData>, Prepare<kOp>,
                                      EvalSelectedVariant<CompareData>, /*fold_when_inputs_constant=*/true, false,
                                      /*handles_strings=*/kOp == CompareOp::kEqual || kOp == CompareOp::kNotEqual};
  return &reg;
}

}  // namespace

const KernelRegistration* Register_EQUAL() { return Registration<CompareOp::kEqual>(); }
const KernelRegistration* Register_NOT_EQUAL() { return Registration<CompareOp::kNotEqual>(); }
const KernelRegistration* Register_LESS() { return Registration<CompareOp::kLess>(); }
const KernelRegistration* Register_LESS_EQUAL() { return Registration<CompareOp::kLessEqual>(); }
const KernelRegistration* Register_GREATER() { return Registration<CompareOp::kGreater>(); }
const KernelRegistration* Register_GREATER_EQUAL() { return Registration<CompareOp::kGreaterEqual>(); }

}  // namespace edgelite
