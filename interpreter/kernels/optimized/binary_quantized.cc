// The quantized ADD, SUB and MUL loops, compiled once per vector ISA: straight loops over
// reference/integer's per-value arithmetic (always inlined), which the compiler vectorizes (64-bit
// products for the rounding high multiplies, shifts per lane). On x86-64 the 8-bit ADD and SUB run the
// hand-written spans of x86/int8_add_sub_<isa>.cc instead wherever int8_add_sub.h's arithmetic applies.
#include "interpreter/kernels/optimized/binary_quantized.h"

#include <algorithm>
#include <type_traits>

#include "interpreter/kernels/optimized/int8_add_sub.h"
#include "interpreter/kernels/optimized/lut_u8.h"
#include "interpreter/kernels/reference/integer/add_sub.h"
#include "interpreter/kernels/reference/integer/mul.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace optimized {
namespace EL_ISA_NS {
namespace {

namespace ri = reference::integer;

#if defined(EL_VECTOR_ISA_X86)
template <typename T>
Int8AddSubSpan<T> SpanOf(const Int8AddSubKernels& k, Int8AddSubForm form) {
  if constexpr (std::is_same_v<T, int8_t>) {
    return k.s8[static_cast<int>(form)];
  } else {
    return k.u8[static_cast<int>(form)];
  }
}
#endif

// One value: requantizing both inputs and the output in vectorized integer code.
constexpr double kValueCost = 2 * ThreadPool::kCostVectorValue;

// z[i] = value(x[i], y[i]) for i < n: the one vector loop of each (operator, dtype), which every layout below
// runs through. Kept out of line, and not cloned for a constant n such as RunAsTable's 256 (noipa): the 64-bit
// requantization vectorizes into several kilobytes per loop, and once per layout it was most of this file's size
// (GCC's IPA-CP clone for the table cost 37 KB). The parameters are copied into a local first: stores through
// an 8-bit pointer may alias anything, so values read through the argument would be reloaded after every store,
// and the loop would stay scalar.
template <typename T, typename Value>
__attribute__((noipa)) void Span(const T* x, const T* y, T* z, int64_t n, const Value& value) {
  const Value f = value;
  for (int64_t i = 0; i < n; ++i) z[i] = static_cast<T>(f(x[i], y[i]));
}

// One task's values; span(x, y, z, n) computes z[i] = op(x[i], y[i]) for i < n.
template <typename T, typename SpanFn>
void RunRange(const BinaryLayout& l, const T* pa, const T* pb, T* po, const SpanFn& span, int64_t s, int64_t e) {
  using K = BinaryLayout::Kind;
  switch (l.kind) {
    case K::kSameShape:
      span(pa + s, pb + s, po + s, e - s);
      return;
    // A scalar side is spread over a short buffer and the runs go through the same-shape loop: with the
    // scalar folded into the loop GCC stops vectorizing the 64-bit products. 1 KB: int8_add_sub.h's spans
    // learn over a few steps whether their estimate pays.
    case K::kScalarB:
    case K::kScalarA: {
      constexpr int64_t kChunk = 1024;
      T spread[kChunk];
      const bool scalar_b = l.kind == K::kScalarB;
      std::fill(spread, spread + kChunk, scalar_b ? pb[0] : pa[0]);
      for (int64_t c = s; c < e; c += kChunk) {
        const int64_t n = std::min(kChunk, e - c);
        span(scalar_b ? pa + c : spread, scalar_b ? spread : pb + c, po + c, n);
      }
      return;
    }
    case K::kInnerBroadcastB: {
      const int64_t inner = l.inner;
      constexpr int64_t kSpread = 256;
      if (inner >= kSpread / 4) {
        for (int64_t o = s; o < e; ++o) span(pa + o * inner, pb, po + o * inner, inner);
        return;
      }
      // Short rows (a squeeze-excite scale per channel): b repeated over several rows, so one vector loop
      // covers them instead of a loop of a few iterations per row.
      T spread[kSpread];
      const int64_t rows_per_run = kSpread / inner;
      for (int64_t r = 0; r < rows_per_run; ++r) std::copy(pb, pb + inner, spread + r * inner);
      for (int64_t o = s; o < e; o += rows_per_run) {
        const int64_t n = std::min(rows_per_run, e - o) * inner;
        span(pa + o * inner, spread, po + o * inner, n);
      }
      return;
    }
  }
}

// An 8-bit operand against a scalar: the output depends on the operand's byte alone, so the span computes the
// 256-entry table once and lut_u8's byte shuffles look it up (the table is exact by construction). Below
// kLutMinValues the table costs more than it saves.
constexpr int64_t kLutMinValues = 4096;

template <typename T, typename SpanFn>
bool RunAsTable(const BinaryLayout& l, const T* pa, const T* pb, T* po, ThreadPool& pool, const SpanFn& span) {
  using K = BinaryLayout::Kind;
  if (sizeof(T) != 1 || (l.kind != K::kScalarA && l.kind != K::kScalarB) || l.n < kLutMinValues) return false;
  T every[256], scalar[256], table[256];
  for (int v = 0; v < 256; ++v) every[v] = static_cast<T>(v);
  const bool scalar_b = l.kind == K::kScalarB;
  std::fill(scalar, scalar + 256, scalar_b ? pb[0] : pa[0]);
  span(scalar_b ? every : scalar, scalar_b ? scalar : every, table, 256);
  const uint8_t* in = reinterpret_cast<const uint8_t*>(scalar_b ? pa : pb);
  uint8_t* out = reinterpret_cast<uint8_t*>(po);
  const uint8_t* t = reinterpret_cast<const uint8_t*>(table);
  pool.ParallelFor(l.n, ThreadPool::kCostVectorValue / 4,
                   [=](int64_t s, int64_t e, int) { kLutU8.lookup(in + s, out + s, e - s, t); });
  return true;
}

template <typename T, typename SpanFn>
void RunSpans(const BinaryLayout& l, const T* pa, const T* pb, T* po, ThreadPool& pool, SpanFn span) {
  if (RunAsTable(l, pa, pb, po, pool, span)) return;
  const bool rows = l.kind == BinaryLayout::Kind::kInnerBroadcastB;
  const int64_t total = rows ? l.outer : l.n;
  const double cost = rows ? kValueCost * static_cast<double>(l.inner) : kValueCost;
  const BinaryLayout layout = l;
  pool.ParallelFor(total, cost, [=](int64_t s, int64_t e, int) { RunRange(layout, pa, pb, po, span, s, e); });
}

template <typename T, typename Value>
void Run(const BinaryLayout& l, const T* pa, const T* pb, T* po, ThreadPool& pool, Value value) {
  RunSpans(l, pa, pb, po, pool, [value](const T* x, const T* y, T* z, int64_t n) { Span(x, y, z, n, value); });
}

// The per-value arithmetic of ADD / SUB and MUL on raw values masked by `mask`. On x86-64, where these loops are
// only the fallback of int8_add_sub.h's spans, uint8 runs int8's loop: its bytes read as int8 and masked with 0xFF
// are the uint8 values, and the output (clamped to [0, 255]) is stored as the same byte; int8 masks with -1. One
// loop for both saves the uint8 copy of each (10.8 KB for ADD / SUB on AVX2, 9.3 KB on AVX-512, 4.2 KB for MUL).
struct AddSubFn {
  ri::AddSubParams p;
  int32_t negate_b;
  int32_t mask = -1;  // RunMasked sets it
  int32_t operator()(int32_t x, int32_t y) const { return ri::AddSubValue(p, x & mask, y & mask, negate_b); }
};
struct MulFn {
  ri::MulParams p;
  int32_t mask = -1;  // RunMasked sets it
  int32_t operator()(int32_t x, int32_t y) const { return ri::MulValue(p, x & mask, y & mask); }
};

// Run, with uint8 through int8's loop on x86-64 (above); elsewhere each type keeps its own loop, unmasked.
template <typename T, typename Fn>
void RunMasked(const BinaryLayout& l, const void* a, const void* b, void* out, ThreadPool& pool, Fn fn) {
#if defined(EL_VECTOR_ISA_X86)
  if constexpr (std::is_same_v<T, uint8_t>) {
    fn.mask = 0xFF;
    Run(l, static_cast<const int8_t*>(a), static_cast<const int8_t*>(b), static_cast<int8_t*>(out), pool, fn);
    return;
  }
#endif
  fn.mask = -1;
  Run(l, static_cast<const T*>(a), static_cast<const T*>(b), static_cast<T*>(out), pool, fn);
}

// ADD and SUB share their loop: the sign is data (reference::integer::AddSubValue's negate_b).
template <typename T>
void AddOrSub(const BinaryLayout& l, const void* params, const void* a, const void* b, void* out, ThreadPool& pool,
              int32_t negate_b) {
  const ri::AddSubParams p = *static_cast<const ri::AddSubParams*>(params);
#if defined(EL_VECTOR_ISA_X86)
  // 8-bit types through the hand-written micro-kernels (int8_add_sub.h) where their arithmetic applies.
  if constexpr (!std::is_same_v<T, int16_t>) {
    Int8AddSubConstants c;
    Int8AddSubForm form;
    bool swap;
    if (MakeInt8AddSubConstants(p, negate_b != 0, &c, &form, &swap)) {
      const Int8AddSubSpan<T> fast = SpanOf<T>(kInt8AddSub, form);
      RunSpans(l, static_cast<const T*>(a), static_cast<const T*>(b), static_cast<T*>(out), pool,
               [c, fast, swap](const T* x, const T* y, T* z, int64_t n) { fast(c, swap ? y : x, swap ? x : y, z, n); });
      return;
    }
  }
#endif
  RunMasked<T>(l, a, b, out, pool, AddSubFn{p, negate_b});
}

template <typename T, int kSign>
void AddSub(const BinaryLayout& l, const void* params, const void* a, const void* b, void* out, ThreadPool& pool) {
  AddOrSub<T>(l, params, a, b, out, pool, kSign > 0 ? 0 : -1);
}

template <typename T>
void Mul(const BinaryLayout& l, const void* params, const void* a, const void* b, void* out, ThreadPool& pool) {
  RunMasked<T>(l, a, b, out, pool, MulFn{*static_cast<const ri::MulParams*>(params)});
}

}  // namespace

extern const QuantizedBinaryKernels kQuantizedBinary = {
    {AddSub<int8_t, 1>, AddSub<uint8_t, 1>, AddSub<int16_t, 1>},
    {AddSub<int8_t, -1>, AddSub<uint8_t, -1>, AddSub<int16_t, -1>},
    {Mul<int8_t>, Mul<uint8_t>, Mul<int16_t>},
};

}  // namespace EL_ISA_NS
}  // namespace optimized
}  // namespace edgelite
