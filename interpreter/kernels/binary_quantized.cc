// The quantized rows of the binary element-wise family: ADD and SUB (general scales on int8/uint8/int16,
// and int16 with power-of-two scales), MUL, SQUARED_DIFFERENCE (int8) and PRELU (int8, uint8, int16 with
// int8 alpha). Prepare checks the tensors' quantization as LiteRT's prepare does, as errors where LiteRT
// aborts or misuses a multiplier, and makes the multipliers in the float32/double order of
// docs/integer_kernels.md; eval steps the broadcast plan with reference/integer's arithmetic.
#include <algorithm>
#include <string>
#include <type_traits>

#include "interpreter/kernels/binary_arithmetic.h"
#include "interpreter/kernels/quantization_params.h"
#include "interpreter/thread_pool.h"

namespace edgelite {

using reference::BinaryOp;

namespace {

struct Operands {
  const Tensor *a, *b, *out;
  TensorQuantization qa, qb, qy;
  int32_t type_min = 0, type_max = 0;  // of the output
};

Status ReadOperands(KernelContext& ctx, const Node& node, Operands* o) {
  o->a = ctx.input(node, 0);
  o->b = ctx.input(node, 1);
  o->out = ctx.output(node, 0);
  EL_RETURN_IF_ERROR(GetPerTensorQuantization(ctx, node, *o->a, "input 0", &o->qa));
  EL_RETURN_IF_ERROR(GetPerTensorQuantization(ctx, node, *o->b, "input 1", &o->qb));
  EL_RETURN_IF_ERROR(GetPerTensorQuantization(ctx, node, *o->out, "output", &o->qy));
  IntegerTypeRange(o->out->type, &o->type_min, &o->type_max);
  return Status::Ok();
}

// LiteRT's int16 ADD, SUB and MUL are symmetric.
Status RequireInt16ZeroPoints(KernelContext& ctx, const Node& node, const Operands& o) {
  if (o.out->type != DataType::kInt16) return Status::Ok();
  EL_RETURN_IF_ERROR(RequireZeroPoint(ctx, node, *o.a, "input 0", o.qa, 0));
  EL_RETURN_IF_ERROR(RequireZeroPoint(ctx, node, *o.b, "input 1", o.qb, 0));
  return RequireZeroPoint(ctx, node, *o.out, "output", o.qy, 0);
}

// 2 * max(s_a, s_b), formed in float32 as LiteRT does (the doubling is exact).
double TwiceMaxScale(const Operands& o) { return static_cast<double>(2 * std::max(o.qa.scale, o.qb.scale)); }

// The offsets and multipliers of the forms that bring both inputs to the scale 2 max(s_a, s_b) (ADD, SUB,
// SQUARED_DIFFERENCE; P is their parameter struct). The output multiplier `real_output` (its formula named
// in the message) must be below one.
template <typename P>
Status CommonScaleParams(KernelContext& ctx, const Node& node, const Operands& o, double twice_max,
                         double real_output, const std::string& formula, P* p) {
  if (!(real_output < 1.0)) {
    return ctx.Error(node, StrCat("output scale ", o.qy.scale, " is too small for input scales ", o.qa.scale, " and ",
                                  o.qb.scale, ": the output multiplier ", formula, " = ", real_output,
                                  " must be below 1"),
                     StatusCode::kUnsupported);
  }
  p->input1_offset = -o.qa.zero_point;
  p->input2_offset = -o.qb.zero_point;
  p->output_offset = o.qy.zero_point;
  p->input1 = QuantizeMultiplier(static_cast<double>(o.qa.scale) / twice_max);
  p->input2 = QuantizeMultiplier(static_cast<double>(o.qb.scale) / twice_max);
  p->output = QuantizeMultiplier(real_output);
  return Status::Ok();
}

Status PrepareAddSub(KernelContext& ctx, Node& node, BinaryData& d) {
  Operands o;
  EL_RETURN_IF_ERROR(ReadOperands(ctx, node, &o));
  EL_RETURN_IF_ERROR(RequireInt16ZeroPoints(ctx, node, o));
  reference::integer::AddSubParams& p = d.add_sub;
  p.left_shift = o.out->type == DataType::kInt16 ? 15 : 20;
  const double twice_max = TwiceMaxScale(o);
  const double real_output = twice_max / static_cast<double>(static_cast<float>(1 << p.left_shift) * o.qy.scale);
  // ADD's QuantizeMultiplierSmallerThanOneExp aborts on an output multiplier of one or more; SUB makes a
  // multiplier above one that its arithmetic then shifts by a negative amount.
  EL_RETURN_IF_ERROR(CommonScaleParams(ctx, node, o, twice_max, real_output,
                                       StrCat("2 max(s_a, s_b) / (2^", p.left_shift, " s_y)"), &p));
  return GetQuantizedActivationRange(ctx, node, d.activation, *o.out, o.qy, &p.activation_min, &p.activation_max);
}

Status PrepareMul(KernelContext& ctx, Node& node, BinaryData& d) {
  Operands o;
  EL_RETURN_IF_ERROR(ReadOperands(ctx, node, &o));
  EL_RETURN_IF_ERROR(RequireInt16ZeroPoints(ctx, node, o));
  reference::integer::MulParams& p = d.mul;
  p.input1_offset = -o.qa.zero_point;
  p.input2_offset = -o.qb.zero_point;
  p.output_offset = o.qy.zero_point;
  p.output = QuantizeMultiplier(static_cast<double>(o.qa.scale * o.qb.scale / o.qy.scale));  // all float32
  return GetQuantizedActivationRange(ctx, node, d.activation, *o.out, o.qy, &p.activation_min, &p.activation_max);
}

Status PrepareSquaredDifference(KernelContext& ctx, Node& node, BinaryData& d) {
  Operands o;
  EL_RETURN_IF_ERROR(ReadOperands(ctx, node, &o));
  reference::integer::SquaredDifferenceParams& p = d.squared_difference;
  const double twice_max = TwiceMaxScale(o);
  const double real_output = twice_max * twice_max / static_cast<double>(16384.0f * o.qy.scale);
  // LiteRT's QuantizeMultiplierSmallerThanOneExp aborts on an output multiplier of one or more.
  EL_RETURN_IF_ERROR(
      CommonScaleParams(ctx, node, o, twice_max, real_output, "(2 max(s_a, s_b))^2 / (2^14 s_y)", &p));
  return Status::Ok();
}

Status PreparePrelu(KernelContext& ctx, Node& node, BinaryData& d) {
  Operands o;
  EL_RETURN_IF_ERROR(ReadOperands(ctx, node, &o));
  reference::integer::PreluParams& p = d.prelu;
  p.input_offset = -o.qa.zero_point;
  p.alpha_offset = -o.qb.zero_point;
  p.output_offset = o.qy.zero_point;
  p.positive = QuantizeMultiplier(static_cast<double>(o.qa.scale / o.qy.scale));  // float32, as LiteRT
  p.negative = QuantizeMultiplier(static_cast<double>(o.qa.scale * o.qb.scale / o.qy.scale));
  p.output_min = o.type_min;
  p.output_max = o.type_max;
  return Status::Ok();
}

template <BinaryOp kOp, typename T, typename B>
EL_ALWAYS_INLINE T QuantizedValue(const BinaryData& d, T a, B b) {
  if constexpr (kOp == BinaryOp::kAdd) return static_cast<T>(reference::integer::AddSubValue<1>(d.add_sub, a, b));
  if constexpr (kOp == BinaryOp::kSub) return static_cast<T>(reference::integer::AddSubValue<-1>(d.add_sub, a, b));
  if constexpr (kOp == BinaryOp::kMul) return static_cast<T>(reference::integer::MulValue(d.mul, a, b));
  if constexpr (kOp == BinaryOp::kSquaredDifference) {
    return static_cast<T>(reference::integer::SquaredDifferenceValue(d.squared_difference, a, b));
  }
  if constexpr (kOp == BinaryOp::kPRelu) return static_cast<T>(reference::integer::PreluValue(d.prelu, a, b));
}

constexpr double kValueCost = ThreadPool::kCostScalarValue;

}  // namespace

bool Int16PowerOfTwoScales(const BinaryData& d, const Node& node, KernelContext& ctx) {
  if (!d.pot_scale_int16) return false;
  for (const Tensor* t : {ctx.input(node, 0), ctx.input(node, 1), ctx.output(node, 0)}) {
    int log2;
    if (t->quant.scale.size() != 1 || !CheckedLog2(t->quant.scale[0], &log2)) return false;
  }
  return true;
}

template <BinaryOp kOp>
Status PrepareQuantized(KernelContext& ctx, Node& node, BinaryData& d) {
  if constexpr (kOp == BinaryOp::kAdd || kOp == BinaryOp::kSub) return PrepareAddSub(ctx, node, d);
  if constexpr (kOp == BinaryOp::kMul) return PrepareMul(ctx, node, d);
  if constexpr (kOp == BinaryOp::kSquaredDifference) return PrepareSquaredDifference(ctx, node, d);
  if constexpr (kOp == BinaryOp::kPRelu) return PreparePrelu(ctx, node, d);
}

template <BinaryOp kOp>
Status PrepareInt16PowerOfTwo(KernelContext& ctx, Node& node, BinaryData& d) {
  Operands o;
  EL_RETURN_IF_ERROR(ReadOperands(ctx, node, &o));
  EL_RETURN_IF_ERROR(RequireInt16ZeroPoints(ctx, node, o));
  int log_a, log_b, log_y;
  CheckedLog2(o.qa.scale, &log_a);
  CheckedLog2(o.qb.scale, &log_b);
  CheckedLog2(o.qy.scale, &log_y);
  reference::integer::AddSubPotParams& p = d.add_sub_pot;
  p.input1_shift = log_a - log_y;
  p.input2_shift = log_b - log_y;
  // One input is shifted into the other's (the output's) scale: LiteRT's prepare refuses anything else.
  if (!((p.input1_shift == 0 || p.input2_shift == 0) && p.input1_shift <= 0 && p.input2_shift <= 0)) {
    return ctx.Error(node, StrCat("int16 with power-of-two scales (pot_scale_int16) needs one input at the output's ",
                                  "scale and the other at a finer one; got scales 2^", log_a, " and 2^", log_b,
                                  " for an output of 2^", log_y),
                     StatusCode::kUnsupported);
  }
  if (kOp == BinaryOp::kAdd && o.a->dims != o.b->dims) {  // LiteRT's ADD runs this form element by element only
    return ctx.Error(node, StrCat("int16 ADD with power-of-two scales (pot_scale_int16) needs inputs of one shape, ",
                                  "got ", DimsToString(o.a->dims), " and ", DimsToString(o.b->dims)),
                     StatusCode::kUnsupported);
  }
  return GetQuantizedActivationRange(ctx, node, d.activation, *o.out, o.qy, &p.activation_min, &p.activation_max);
}

template <BinaryOp kOp, typename T>
Status EvalQuantized(KernelContext& ctx, Node& node, BinaryData& d) {
  using B = std::conditional_t<kOp == BinaryOp::kPRelu && std::is_same_v<T, int16_t>, int8_t, T>;
  const T* pa = ctx.input(node, 0)->data_as<T>();
  const B* pb = ctx.input(node, 1)->data_as<B>();
  T* po = ctx.output(node, 0)->data_as<T>();
  ctx.thread_pool().ParallelFor(d.plan.total, kValueCost, [&](int64_t begin, int64_t end, int) {
    reference::ForEachBroadcastIndex(d.plan, begin, end, [&](int64_t o, int64_t ia, int64_t ib) {
      po[o] = QuantizedValue<kOp>(d, pa[ia], pb[ib]);
    });
  });
  return Status::Ok();
}

template <BinaryOp kOp>
Status EvalInt16PowerOfTwo(KernelContext& ctx, Node& node, BinaryData& d) {
  const int16_t* pa = ctx.input(node, 0)->data_as<int16_t>();
  const int16_t* pb = ctx.input(node, 1)->data_as<int16_t>();
  int16_t* po = ctx.output(node, 0)->data_as<int16_t>();
  constexpr int kSign = kOp == BinaryOp::kSub ? -1 : 1;
  ctx.thread_pool().ParallelFor(d.plan.total, kValueCost, [&](int64_t begin, int64_t end, int) {
    reference::ForEachBroadcastIndex(d.plan, begin, end, [&](int64_t o, int64_t ia, int64_t ib) {
      po[o] = reference::integer::AddSubPotValue<kSign>(d.add_sub_pot, pa[ia], pb[ib]);
    });
  });
  return Status::Ok();
}

bool QuantizedSimpleLayout(const BinaryData& d, const Node& node, KernelContext& ctx) {
  if (!d.simple_layout) return false;
  const bool add_sub = d.op == BinaryOp::kAdd || d.op == BinaryOp::kSub;
  return !(add_sub && ctx.input(node, 0)->type == DataType::kInt16 && Int16PowerOfTwoScales(d, node, ctx));
}

template <BinaryOp kOp, typename T>
Status PrepareQuantizedOptimized(KernelContext& ctx, Node& node, BinaryData& d) {
  EL_RETURN_IF_ERROR(PrepareQuantized<kOp>(ctx, node, d));
  const optimized::QuantizedBinaryKernels& k = *optimized::QuantizedBinaryFor(d.variant->isa);
  const int type = std::is_same_v<T, int8_t> ? 0 : std::is_same_v<T, uint8_t> ? 1 : 2;
  d.quantized_loop = kOp == BinaryOp::kAdd ? k.add[type] : kOp == BinaryOp::kSub ? k.sub[type] : k.mul[type];
  return Status::Ok();
}

template <BinaryOp kOp, typename T>
Status EvalQuantizedOptimized(KernelContext& ctx, Node& node, BinaryData& d) {
  const void* params = kOp == BinaryOp::kMul ? static_cast<const void*>(&d.mul) : static_cast<const void*>(&d.add_sub);
  d.quantized_loop(d.layout, params, ctx.input(node, 0)->data, ctx.input(node, 1)->data, ctx.output(node, 0)->data,
                   ctx.thread_pool());
  return Status::Ok();
}

#define EL_INSTANTIATE_OPTIMIZED(OP, T)                                                         \
  template Status PrepareQuantizedOptimized<BinaryOp::OP, T>(KernelContext&, Node&, BinaryData&); \
  template Status EvalQuantizedOptimized<BinaryOp::OP, T>(KernelContext&, Node&, BinaryData&);
#define EL_INSTANTIATE_OPTIMIZED_TYPES(OP) \
  EL_INSTANTIATE_OPTIMIZED(OP, int8_t) EL_INSTANTIATE_OPTIMIZED(OP, uint8_t) EL_INSTANTIATE_OPTIMIZED(OP, int16_t)
EL_INSTANTIATE_OPTIMIZED_TYPES(kAdd)
EL_INSTANTIATE_OPTIMIZED_TYPES(kSub)
EL_INSTANTIATE_OPTIMIZED_TYPES(kMul)
#undef EL_INSTANTIATE_OPTIMIZED_TYPES
#undef EL_INSTANTIATE_OPTIMIZED

#define EL_INSTANTIATE_QUANTIZED(OP)                                                   \
  template Status PrepareQuantized<BinaryOp::OP>(KernelContext&, Node&, BinaryData&); \
  template Status EvalQuantized<BinaryOp::OP, int8_t>(KernelContext&, Node&, BinaryData&);
EL_INSTANTIATE_QUANTIZED(kAdd)
EL_INSTANTIATE_QUANTIZED(kSub)
EL_INSTANTIATE_QUANTIZED(kMul)
EL_INSTANTIATE_QUANTIZED(kSquaredDifference)
EL_INSTANTIATE_QUANTIZED(kPRelu)
#undef EL_INSTANTIATE_QUANTIZED
#define EL_INSTANTIATE_WIDER(OP)                                                            \
  template Status EvalQuantized<BinaryOp::OP, uint8_t>(KernelContext&, Node&, BinaryData&); \
  template Status EvalQuantized<BinaryOp::OP, int16_t>(KernelContext&, Node&, BinaryData&);
EL_INSTANTIATE_WIDER(kAdd)
EL_INSTANTIATE_WIDER(kSub)
EL_INSTANTIATE_WIDER(kMul)
EL_INSTANTIATE_WIDER(kPRelu)
#undef EL_INSTANTIATE_WIDER
template Status PrepareInt16PowerOfTwo<BinaryOp::kAdd>(KernelContext&, Node&, BinaryData&);
template Status PrepareInt16PowerOfTwo<BinaryOp::kSub>(KernelContext&, Node&, BinaryData&);
template Status EvalInt16PowerOfTwo<BinaryOp::kAdd>(KernelContext&, Node&, BinaryData&);
template Status EvalInt16PowerOfTwo<BinaryOp::kSub>(KernelContext&, Node&, BinaryData&);

}  // namespace edgelite
