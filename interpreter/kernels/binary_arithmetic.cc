// ADD, SUB, MUL, DIV, SQUARED_DIFFERENCE, MAXIMUM, MINIMUM, POW, FLOOR_DIV, FLOOR_MOD and PRELU:
// element-wise with NumPy broadcasting and a fused clamp (ADD/SUB/MUL/DIV only). One file for the family
// because they differ only in the scalar operation (reference/binary_ops.h); float32, int32 and int64
// (PRELU float32; its alpha, input 1, is usually a per-channel constant of shape [C]; ADD and MUL float16;
// plain integer ADD/MUL int16, MUL uint32 and FLOOR_DIV int8/int16), and the quantized
// rows of binary_quantized.cc (int8/uint8/int16 ADD, SUB, MUL, PRELU; int8 SQUARED_DIFFERENCE; MAXIMUM and
// MINIMUM compare the raw integers, as LiteRT, which reads no quantization for them). Inputs that line up
// simply run the vectorized loops of optimized/binary_elementwise; other broadcasts, and the reference
// twin, step the broadcast plan that prepare made (reference/broadcast.h).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include "interpreter/kernels/binary_arithmetic.h"
#include "interpreter/kernels/reference/half.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

using reference::BinaryOp;

template <BinaryOp kOp>
Status Init(KernelContext&, Node& node) {
  auto* data = new BinaryData();
  node.user_data = data;
  data->op = kOp;
  if (node.op) {
    if (auto* o = node.op->builtin_options_as_AddOptions()) {
      data->activation = o->fused_activation_function();
      data->pot_scale_int16 = o->pot_scale_int16();
    }
    if (auto* o = node.op->builtin_options_as_SubOptions()) {
      data->activation = o->fused_activation_function();
      data->pot_scale_int16 = o->pot_scale_int16();
    }
    if (auto* o = node.op->builtin_options_as_MulOptions()) data->activation = o->fused_activation_function();
    if (auto* o = node.op->builtin_options_as_DivOptions()) data->activation = o->fused_activation_function();
  }
  return Status::Ok();
}

// Classifies how a and b line up in an output of `out_dims`.
void PlanLayout(const Tensor& a, const Tensor& b, const Dims& out_dims, BinaryData& d) {
  using K = optimized::BinaryLayout::Kind;
  d.layout = optimized::BinaryLayout();
  d.layout.n = NumElements(out_dims);
  d.simple_layout = true;
  if (a.dims == b.dims) {
    d.layout.kind = K::kSameShape;
  } else if (b.num_elements() == 1) {
    d.layout.kind = K::kScalarB;
  } else if (a.num_elements() == 1) {
    d.layout.kind = K::kScalarA;
  } else if (a.dims == out_dims && reference::TrailingBroadcastSize(out_dims, b.dims) > 0) {
    d.layout.kind = K::kInnerBroadcastB;
    d.layout.inner = reference::TrailingBroadcastSize(out_dims, b.dims);
    d.layout.outer = d.layout.n / d.layout.inner;
  } else {
    d.simple_layout = false;
  }
}

// Integer division-like ops refuse a zero divisor, integer POW a negative exponent.
template <typename T>
Status CheckIntegerOperands(KernelContext& ctx, const Node& node, BinaryOp op, const Tensor& b) {
  if constexpr (std::is_integral_v<T>) {
    const bool divides = op == BinaryOp::kDiv || op == BinaryOp::kFloorDiv || op == BinaryOp::kFloorMod;
    const T* p = b.data_as<T>();
    for (int64_t i = 0; i < b.num_elements(); ++i) {
      if (divides && p[i] == 0) return ctx.Error(node, "integer division by zero", StatusCode::kInvalidArgument);
      if (op == BinaryOp::kPow && p[i] < 0)
        return ctx.Error(node, "integer POW with a negative exponent", StatusCode::kInvalidArgument);
    }
  }
  return Status::Ok();
}

// The index-stepping loop over any broadcast (the plan prepare made): the reference twin, and the optimized rows'
// fallback; split over the pool in output ranges, as the comparisons are (the pool sizes them from the cost).
template <BinaryOp kOp, typename T>
void RunBroadcast(KernelContext& ctx, const BinaryData& d, const Tensor& a, const Tensor& b, Tensor& out,
                  ActivationRange clamp) {
  const T* pa = a.data_as<T>();
  const T* pb = b.data_as<T>();
  T* po = out.data_as<T>();
  const float lo = clamp.min, hi = clamp.max;
  ctx.thread_pool().ParallelFor(d.plan.total, ThreadPool::kCostScalarValue, [&](int64_t begin, int64_t end, int) {
    reference::ForEachBroadcastIndex(d.plan, begin, end, [&](int64_t o, int64_t ia, int64_t ib) {
      po[o] = reference::ClampBinary(reference::ApplyBinary<kOp>(pa[ia], pb[ib]), lo, hi);
    });
  });
}

// The float and int32/int64 rows' clamp; a fused activation that is not a clamp (TANH, SIGN_BIT) is refused.
// With an ADD fused into a float MUL (Node::fused_addend) the clamp is the ADD's, applied after the shift, and
// the shift's block length is set.
Status PrepareClamp(KernelContext& ctx, Node& node, BinaryData& d) {
  d.shift_inner = 0;
  if (node.fused_addend >= 0) {
    const Tensor& out = *ctx.output(node, 0);
    d.shift_inner = reference::TrailingBroadcastSize(out.dims, ctx.tensor(node.fused_addend)->dims);
    if (d.op != BinaryOp::kMul || out.type != DataType::kFloat32 || d.shift_inner <= 0) {
      return Internal("an ADD was fused into a node that cannot take it");
    }
  }
  return GetActivationRange(ctx, node, d.activation, &d.range);
}

// A float MUL with an ADD fused in, through the broadcast loop: the product unclamped, then out[i] =
// clamp(out[i] + shift[i % inner]) with the ADD's expression and clamp. The reference twin's form, and the
// optimized rows' for inputs that do not line up simply.
void RunBroadcastMulThenShift(KernelContext& ctx, const Node& node, const BinaryData& d, const Tensor& a,
                              const Tensor& b, Tensor& out) {
  RunBroadcast<BinaryOp::kMul, float>(ctx, d, a, b, out, ActivationRange());
  const float* shift = ctx.tensor(node.fused_addend)->data_as<float>();
  float* po = out.data_as<float>();
  for (int64_t i = 0; i < d.layout.n; ++i) {
    po[i] = reference::ClampBinary(reference::ApplyBinary<BinaryOp::kAdd>(po[i], shift[i % d.shift_inner]),
                                   d.range.min, d.range.max);
  }
}

template <BinaryOp kOp, typename T>
Status EvalReference(KernelContext& ctx, Node& node, BinaryData& d) {
  const Tensor& b = *ctx.input(node, 1);
  EL_RETURN_IF_ERROR(CheckIntegerOperands<T>(ctx, node, kOp, b));
  Tensor& out = *ctx.output(node, 0);
  if constexpr (kOp == BinaryOp::kMul && std::is_same_v<T, float>) {
    if (node.fused_addend >= 0) {
      RunBroadcastMulThenShift(ctx, node, d, *ctx.input(node, 0), b, out);
      return Status::Ok();
    }
  }
  RunBroadcast<kOp, T>(ctx, d, *ctx.input(node, 0), b, out, d.range);
  return Status::Ok();
}

// float16 (ADD, MUL): as LiteRT's half kernels, each pair widened to float32, the float operation, the result
// rounded to the nearest half (correctly rounded: a float32 sum or product of halves rounds once more
// harmlessly), then clamped to the activation's range within the largest half: LiteRT's activation range for
// half is the type's, so an overflow (or an infinite input) gives +-65504, not infinity; NaN stays NaN.
Status EvalF16(KernelContext& ctx, Node& node, BinaryData& d) {
  const uint16_t* pa = ctx.input(node, 0)->data_as<uint16_t>();
  const uint16_t* pb = ctx.input(node, 1)->data_as<uint16_t>();
  uint16_t* po = ctx.output(node, 0)->data_as<uint16_t>();
  const float lo = std::max(d.range.min, -65504.f), hi = std::min(d.range.max, 65504.f);
  // One loop for both operators, on one thread: float16 is rare.
  reference::ForEachBroadcastIndex(d.plan, 0, d.plan.total, [&](int64_t o, int64_t ia, int64_t ib) {
    const float a = reference::HalfToFloat(pa[ia]), b = reference::HalfToFloat(pb[ib]);
    po[o] = reference::FloatToHalf(reference::ClampBinary(d.op == BinaryOp::kMul ? a * b : a + b, lo, hi));
  });
  return Status::Ok();
}

// The plain integer rows of rare dtypes, one loop for all (one thread): ADD and MUL on int16 without
// quantization (ADD 5, MUL 7) and MUL on uint32 (MUL 7) wrap in the type, then clamp to the fused activation,
// as LiteRT's kernels; FLOOR_DIV on int8 and int16 (FLOOR_DIV 3). Values are widened to 64 bits; sums and
// products are taken modulo 2^64, whose low bits are the type's wrapped result.
Status EvalPlainInteger(KernelContext& ctx, Node& node, BinaryData& d) {
  const Tensor& a = *ctx.input(node, 0);
  const Tensor& b = *ctx.input(node, 1);
  void* out = ctx.output(node, 0)->data;
  const DataType type = a.type;
  auto load = [type](const void* p, int64_t i) -> int64_t {
    switch (type) {
      case DataType::kInt8: return static_cast<const int8_t*>(p)[i];
      case DataType::kInt16: return static_cast<const int16_t*>(p)[i];
      default: return static_cast<const uint32_t*>(p)[i];
    }
  };
  if (d.op == BinaryOp::kFloorDiv) {
    for (int64_t i = 0; i < b.num_elements(); ++i) {
      if (load(b.data, i) == 0) return ctx.Error(node, "integer division by zero", StatusCode::kInvalidArgument);
    }
  }
  reference::ForEachBroadcastIndex(d.plan, 0, d.plan.total, [&](int64_t o, int64_t ia, int64_t ib) {
    const int64_t x = load(a.data, ia), y = load(b.data, ib);
    const uint64_t r = d.op == BinaryOp::kFloorDiv ? static_cast<uint64_t>(reference::FloorDiv(x, y))
                       : d.op == BinaryOp::kMul  ? static_cast<uint64_t>(x) * static_cast<uint64_t>(y)
                                                 : static_cast<uint64_t>(x) + static_cast<uint64_t>(y);
    switch (type) {
      case DataType::kInt8:
        static_cast<int8_t*>(out)[o] = static_cast<int8_t>(r);  // FLOOR_DIV only: no activation
        break;
      case DataType::kInt16:
        static_cast<int16_t*>(out)[o] = reference::ClampBinary(static_cast<int16_t>(r), d.range.min, d.range.max);
        break;
      default:
        static_cast<uint32_t*>(out)[o] = reference::ClampBinary(static_cast<uint32_t>(r), d.range.min, d.range.max);
    }
  });
  return Status::Ok();
}

// LiteRT runs int16 ADD and MUL as plain integers when the output has no quantization parameters.
bool OutputNotQuantized(const BinaryData&, const Node& node, KernelContext& ctx) {
  return ctx.output(node, 0)->quant.empty();
}

// Blocks of b shorter than this many bytes are repeated (BinaryData::b_repeats), the count dividing the blocks.
constexpr int64_t kRepeatedBBytes = 2048;

void PlanRepeatedB(BinaryData& d, size_t element_size) {
  d.b_repeats = 1;
  optimized::BinaryLayout& l = d.layout;
  if (!d.simple_layout || l.kind != optimized::BinaryLayout::Kind::kInnerBroadcastB || l.inner <= 0) return;
  int64_t reps = std::min<int64_t>(l.outer, kRepeatedBBytes / static_cast<int64_t>(element_size) / l.inner);
  while (reps > 1 && l.outer % reps != 0) --reps;
  if (reps < 2) return;
  d.b_repeats = static_cast<int>(reps);
  d.repeated_b.resize(static_cast<size_t>(reps * l.inner) * element_size);
  l.inner *= reps;
  l.outer /= reps;
}

// b as the loop reads it: repeated into d.repeated_b when PlanRepeatedB chose to.
const void* LoopB(BinaryData& d, const void* b) {
  if (d.b_repeats < 2) return b;
  const size_t block = d.repeated_b.size() / static_cast<size_t>(d.b_repeats);
  for (int r = 0; r < d.b_repeats; ++r) std::memcpy(d.repeated_b.data() + r * block, b, block);
  return d.repeated_b.data();
}

template <BinaryOp kOp, typename T>
Status PrepareOptimized(KernelContext& ctx, Node& node, BinaryData& d) {
  const optimized::BinaryKernels& k = *optimized::BinaryFor(d.variant->isa);
  const int op = static_cast<int>(kOp);
  d.loop = std::is_same_v<T, float> ? k.f32[op] : std::is_same_v<T, int32_t> ? k.i32[op] : k.i64[op];
  d.add_loop = k.f32[static_cast<int>(BinaryOp::kAdd)];
  PlanRepeatedB(d, sizeof(T));
  return PrepareClamp(ctx, node, d);
}

// Elements per chunk of a MUL with a fused ADD: the product of a chunk is still in L1 when the shift's loop
// reads it back (DenseNet-121's 62 batch normalizations: MUL then ADD over the whole tensor took 2.2 ms of 33).
constexpr int64_t kScaleShiftChunk = 4096;

// The fused MUL + ADD: per chunk, the product unclamped, then the sum and the ADD's clamp in place. Chunks hold
// whole blocks of b and of the shift, so both loops see the layouts they would over the whole tensor.
void RunScaleShift(KernelContext& ctx, BinaryData& d, const float* a, const float* b, const float* shift,
                   float* out) {
  using K = optimized::BinaryLayout::Kind;
  const optimized::BinaryLayout& l = d.layout;
  const int64_t n = l.n, b_block = l.kind == K::kInnerBroadcastB ? l.inner : 1;
  const int64_t unit = std::lcm(b_block, d.shift_inner == n ? int64_t{1} : d.shift_inner);
  const int64_t chunk = std::max<int64_t>(unit, kScaleShiftChunk / unit * unit);
  const ActivationRange none;
  ctx.thread_pool().ParallelFor(
      (n + chunk - 1) / chunk, 2 * ThreadPool::kCostVectorValue * static_cast<double>(chunk),
      [&](int64_t c0, int64_t c1, int) {
        ThreadPool inline_pool(1);
        for (int64_t c = c0; c < c1; ++c) {
          const int64_t off = c * chunk, len = std::min(chunk, n - off);
          optimized::BinaryLayout ml = l;
          ml.n = len;
          if (l.kind == K::kInnerBroadcastB) ml.outer = len / l.inner;
          const float* bp = l.kind == K::kSameShape ? b + off : b;
          const float* ap = l.kind == K::kScalarA ? a : a + off;
          d.loop(ml, ap, bp, out + off, none.min, none.max, inline_pool);
          optimized::BinaryLayout al;
          al.n = len;
          if (d.shift_inner == n) {
            al.kind = K::kSameShape;
          } else if (d.shift_inner == 1) {
            al.kind = K::kScalarB;
          } else {
            al.kind = K::kInnerBroadcastB, al.inner = d.shift_inner, al.outer = len / d.shift_inner;
          }
          d.add_loop(al, out + off, d.shift_inner == n ? shift + off : shift, out + off, d.range.min, d.range.max,
                     inline_pool);
        }
      });
}

template <BinaryOp kOp, typename T>
Status EvalOptimized(KernelContext& ctx, Node& node, BinaryData& d) {
  const Tensor& a = *ctx.input(node, 0);
  const Tensor& b = *ctx.input(node, 1);
  Tensor& out = *ctx.output(node, 0);
  EL_RETURN_IF_ERROR(CheckIntegerOperands<T>(ctx, node, kOp, b));
  if constexpr (kOp == BinaryOp::kMul && std::is_same_v<T, float>) {
    if (node.fused_addend >= 0) {
      if (d.simple_layout) {
        RunScaleShift(ctx, d, a.data_as<float>(), static_cast<const float*>(LoopB(d, b.data)),
                      ctx.tensor(node.fused_addend)->data_as<float>(), out.data_as<float>());
      } else {
        RunBroadcastMulThenShift(ctx, node, d, a, b, out);
      }
      return Status::Ok();
    }
  }
  if (d.simple_layout) {
    d.loop(d.layout, a.data, LoopB(d, b.data), out.data, d.range.min, d.range.max, ctx.thread_pool());
  } else {
    RunBroadcast<kOp, T>(ctx, d, a, b, out, d.range);
  }
  return Status::Ok();
}

constexpr TypeSignature kF32Types{{kF32, kF32}, {kF32}};
constexpr TypeSignature kF16Types{{kF16, kF16}, {kF16}};
constexpr TypeSet kU32 = TypeBit(DataType::kUInt32);
constexpr TypeSignature kI32Types{{kI32, kI32}, {kI32}};
constexpr TypeSignature kI64Types{{kI64, kI64}, {kI64}};
constexpr TypeSignature kI8Types{{kI8, kI8}, {kI8}};
constexpr TypeSignature kU8Types{{kU8, kU8}, {kU8}};
constexpr TypeSignature kI16Types{{kI16, kI16}, {kI16}};

#define EL_BINARY_ROWS(NAME, TYPES, T)                                                                     \
  EL_VECTOR_ISA_ROWS(NAME, TYPES, nullptr, (PrepareOptimized<kOp, T>), (EvalOptimized<kOp, T>)),          \
  {NAME, TYPES, Isa::kReference, nullptr, PrepareClamp, EvalReference<kOp, T>}
// int32 and int64: the baseline ISA's loops alone (optimized/vector_isa.h's kBaselineBuild).
#define EL_BASELINE_BINARY_ROWS(NAME, TYPES, T)                                                            \
  EL_BASELINE_ISA_ROW(NAME, TYPES, nullptr, (PrepareOptimized<kOp, T>), (EvalOptimized<kOp, T>)),          \
  {NAME, TYPES, Isa::kReference, nullptr, PrepareClamp, EvalReference<kOp, T>}
#define EL_NUMERIC_ROWS                                                                                    \
  EL_BINARY_ROWS("float32", kF32Types, float), EL_BASELINE_BINARY_ROWS("int32", kI32Types, int32_t),       \
  EL_BASELINE_BINARY_ROWS("int64", kI64Types, int64_t)
#define EL_QUANTIZED_ROW(NAME, TYPES, T) \
  {NAME, TYPES, Isa::kReference, nullptr, PrepareQuantized<kOp>, EvalQuantized<kOp, T>}
// ADD, SUB and MUL: the vectorized rows first, for inputs that line up simply.
#define EL_QUANTIZED_ROWS(NAME, TYPES, T)                                                                   \
  EL_VECTOR_ISA_ROWS(NAME, TYPES, QuantizedSimpleLayout, (PrepareQuantizedOptimized<kOp, T>),              \
                     (EvalQuantizedOptimized<kOp, T>), "inputs of one shape, a scalar, or b repeating along leading axes"), \
  EL_QUANTIZED_ROW(NAME, TYPES, T)
// Raw integer rows (MAXIMUM, MINIMUM): no clamp, no quantization read.
#define EL_RAW_ROW(NAME, TYPES, T) {NAME, TYPES, Isa::kReference, nullptr, nullptr, EvalReference<kOp, T>}
#define EL_F16_ROW {"float16", kF16Types, Isa::kReference, nullptr, PrepareClamp, EvalF16}
#define EL_PLAIN_INT16_ROW                                                                                \
  {"int16 (not quantized)", kI16Types, Isa::kReference, OutputNotQuantized, PrepareClamp, EvalPlainInteger, \
   "output without quantization parameters"}

// DIV.
template <BinaryOp kOp>
struct Variants {
  static constexpr KernelVariant<BinaryData> kTable[] = {EL_NUMERIC_ROWS};
};
// POW, FLOOR_DIV, FLOOR_MOD: the baseline ISA's loops alone for every dtype (optimized/binary_elementwise.h).
template <BinaryOp kOp>
struct BaselineVariants {
  static constexpr KernelVariant<BinaryData> kTable[] = {
      EL_BASELINE_BINARY_ROWS("float32", kF32Types, float), EL_BASELINE_BINARY_ROWS("int32", kI32Types, int32_t),
      EL_BASELINE_BINARY_ROWS("int64", kI64Types, int64_t)};
};
template <>
struct Variants<BinaryOp::kPow> : BaselineVariants<BinaryOp::kPow> {};
// FLOOR_DIV also on int8 and int16 (plain integers, quantization not read, as LiteRT).
template <>
struct Variants<BinaryOp::kFloorDiv> {
  static constexpr BinaryOp kOp = BinaryOp::kFloorDiv;
  static constexpr KernelVariant<BinaryData> kTable[] = {
      EL_BASELINE_BINARY_ROWS("float32", kF32Types, float), EL_BASELINE_BINARY_ROWS("int32", kI32Types, int32_t),
      EL_BASELINE_BINARY_ROWS("int64", kI64Types, int64_t),
      {"int8", kI8Types, Isa::kReference, nullptr, nullptr, EvalPlainInteger},
      {"int16", kI16Types, Isa::kReference, nullptr, nullptr, EvalPlainInteger}};
};
template <>
struct Variants<BinaryOp::kFloorMod> : BaselineVariants<BinaryOp::kFloorMod> {};
// ADD and SUB share the quantized rows; float16 is ADD's alone (LiteRT's SUB has none).
#define EL_ADD_SUB_QUANTIZED_ROWS                                                                                   \
  EL_QUANTIZED_ROWS("int8", kI8Types, int8_t), EL_QUANTIZED_ROWS("uint8", kU8Types, uint8_t),                       \
  {"int16 power-of-two scales", kI16Types, Isa::kReference, Int16PowerOfTwoScales, PrepareInt16PowerOfTwo<kOp>,      \
   EvalInt16PowerOfTwo<kOp>, "pot_scale_int16 and power-of-two scales"},                                            \
  EL_QUANTIZED_ROWS("int16", kI16Types, int16_t)
template <>
struct Variants<BinaryOp::kAdd> {
  static constexpr BinaryOp kOp = BinaryOp::kAdd;
  static constexpr KernelVariant<BinaryData> kTable[] = {EL_NUMERIC_ROWS, EL_F16_ROW, EL_PLAIN_INT16_ROW,
                                                         EL_ADD_SUB_QUANTIZED_ROWS};
};
template <>
struct Variants<BinaryOp::kSub> {
  static constexpr BinaryOp kOp = BinaryOp::kSub;
  static constexpr KernelVariant<BinaryData> kTable[] = {EL_NUMERIC_ROWS, EL_ADD_SUB_QUANTIZED_ROWS};
};
#undef EL_ADD_SUB_QUANTIZED_ROWS
template <>
struct Variants<BinaryOp::kMul> {
  static constexpr BinaryOp kOp = BinaryOp::kMul;
  static constexpr KernelVariant<BinaryData> kTable[] = {
      EL_NUMERIC_ROWS,
      EL_F16_ROW,
      EL_PLAIN_INT16_ROW,
      {"uint32", TypeSignature{{kU32, kU32}, {kU32}}, Isa::kReference, nullptr, PrepareClamp, EvalPlainInteger},
      EL_QUANTIZED_ROWS("int8", kI8Types, int8_t),
      EL_QUANTIZED_ROWS("uint8", kU8Types, uint8_t),
      EL_QUANTIZED_ROWS("int16", kI16Types, int16_t),
  };
};
// LiteRT has no uint8 or int16 SQUARED_DIFFERENCE.
template <>
struct Variants<BinaryOp::kSquaredDifference> {
  static constexpr BinaryOp kOp = BinaryOp::kSquaredDifference;
  static constexpr KernelVariant<BinaryData> kTable[] = {EL_NUMERIC_ROWS,
                                                         EL_QUANTIZED_ROW("int8", kI8Types, int8_t)};
};
template <BinaryOp kOp>
struct MaxMinVariants {
  static constexpr KernelVariant<BinaryData> kTable[] = {
      EL_NUMERIC_ROWS,
      EL_RAW_ROW("int8", kI8Types, int8_t),
      EL_RAW_ROW("uint8", kU8Types, uint8_t),
      EL_RAW_ROW("int16", kI16Types, int16_t),
  };
};
template <>
struct Variants<BinaryOp::kMaximum> : MaxMinVariants<BinaryOp::kMaximum> {};
template <>
struct Variants<BinaryOp::kMinimum> : MaxMinVariants<BinaryOp::kMinimum> {};
// PRELU runs float32 as .tflite's float kernel, and the quantized types (int16 inputs with int8 alpha).
template <>
struct Variants<BinaryOp::kPRelu> {
  static constexpr BinaryOp kOp = BinaryOp::kPRelu;
  static constexpr KernelVariant<BinaryData> kTable[] = {
      EL_BINARY_ROWS("float32", kF32Types, float),
      EL_QUANTIZED_ROW("int8", kI8Types, int8_t),
      EL_QUANTIZED_ROW("uint8", kU8Types, uint8_t),
      EL_QUANTIZED_ROW("int16 with int8 alpha", (TypeSignature{{kI16, kI8}, {kI16}}), int16_t),
  };
};
#undef EL_BINARY_ROWS
#undef EL_BASELINE_BINARY_ROWS
#undef EL_NUMERIC_ROWS
#undef EL_QUANTIZED_ROW
#undef EL_QUANTIZED_ROWS
#undef EL_RAW_ROW
#undef EL_F16_ROW
#undef EL_PLAIN_INT16_ROW

template <BinaryOp kOp>
Status Prepare(KernelContext& ctx, Node& node) {
  auto* data = static_cast<BinaryData*>(node.user_data);
  Tensor *a, *b, *out;
  EL_RETURN_IF_ERROR(GetTwoInputsOneOutput(ctx, node, &a, &b, &out));
  Dims out_dims;
  EL_RETURN_IF_ERROR(PlanBroadcast(ctx, node, {&a->dims, &b->dims}, &out_dims, &data->plan));
  PlanLayout(*a, *b, out_dims, *data);
  EL_RETURN_IF_ERROR(ctx.ResizeTensor(*out, out_dims));
  return SelectVariant(ctx, node, Variants<kOp>::kTable, *data);
}

template <BinaryOp kOp>
const KernelRegistration* Registration() {
  // Folding: shape arithmetic in dynamic-batch graphs runs once, at prepare.
  static const KernelRegistration reg{Init<kOp>, DeleteNodeData<BinaryData>, Prepare<kOp>,
                                      EvalSelectedVariant<BinaryData>, /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace

const KernelRegistration* Register_ADD() { return Registration<BinaryOp::kAdd>(); }
const KernelRegistration* Register_SUB() { return Registration<BinaryOp::kSub>(); }
const KernelRegistration* Register_MUL() { return Registration<BinaryOp::kMul>(); }
const KernelRegistration* Register_DIV() { return Registration<BinaryOp::kDiv>(); }
const KernelRegistration* Register_SQUARED_DIFFERENCE() {
  return Registration<BinaryOp::kSquaredDifference>();
}
const KernelRegistration* Register_MAXIMUM() { return Registration<BinaryOp::kMaximum>(); }
const KernelRegistration* Register_MINIMUM() { return Registration<BinaryOp::kMinimum>(); }
const KernelRegistration* Register_POW() { return Registration<BinaryOp::kPow>(); }
const KernelRegistration* Register_FLOOR_DIV() { return Registration<BinaryOp::kFloorDiv>(); }
const KernelRegistration* Register_FLOOR_MOD() { return Registration<BinaryOp::kFloorMod>(); }
const KernelRegistration* Register_PRELU() { return Registration<BinaryOp::kPRelu>(); }

}  // namespace edgelite
