// The unary float32 loops, compiled once per vector ISA: the fast transcendental twins of
// reference/activations.h (same formulas over transcendental_f32.h's functions), and the simple
// operators with the reference's own expressions, each one vector-wide block the compiler vectorizes.
#include "interpreter/kernels/optimized/unary_f32.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "interpreter/kernels/optimized/transcendental_f32.h"
#include "interpreter/kernels/optimized/vec_f32.h"

namespace edgelite {
namespace optimized {
namespace EL_ISA_NS {
namespace {

// The loops run in blocks of one vector: a block function computes kBlock results from kBlock inputs
// that do not overlap, a loop of known trip count that GCC (-O2, this file's level: -Os vectorizes no loop)
// turns into a vector body with no peeled scalar copy. One driver feeds it every block, the last, partial one
// from a zero-padded copy (the zeros' results are dropped), so no element is computed differently.
constexpr int64_t kBlock = kVecWidth;
using BlockFn = void (*)(const float* __restrict x, float* __restrict y, float param);

// Not inlined: one copy serves every operator. `in` and `out` do not overlap or are the same; in place, each
// block is copied out first (the block function's operands may not overlap).
__attribute__((noinline)) void RunBlocks(const float* in, float* out, int64_t n, float param, BlockFn block) {
  float x[kBlock], y[kBlock];
  int64_t i = 0;
  for (; i + kBlock <= n; i += kBlock) {
    if (in != out) {
      block(in + i, out + i, param);
      continue;
    }
    std::memcpy(x, in + i, sizeof x);
    block(x, y, param);
    std::memcpy(out + i, y, sizeof y);
  }
  if (i == n) return;
  std::memset(x, 0, sizeof x);
  std::memcpy(x, in + i, (n - i) * sizeof(float));
  block(x, y, param);
  std::memcpy(out + i, y, (n - i) * sizeof(float));
}

template <float (*kFn)(float)>
void Block(const float* __restrict x, float* __restrict y, float) {
#pragma GCC unroll 1
  for (int64_t j = 0; j < kBlock; ++j) y[j] = kFn(x[j]);
}

template <float (*kFn)(float)>
void Loop(const float* in, float* out, int64_t n, float param) {
  RunBlocks(in, out, n, param, Block<kFn>);
}

inline float GeluExact(float x) { return 0.5f * x * ErfcF(x * -0.70710678118654752f); }
inline float GeluTanh(float x) { return 0.5f * x * (1.f + TanhF(0.79788456080286536f * (x + 0.044715f * x * x * x))); }
inline float Elu(float x) { return x < 0.f ? ExpM1F(x) : x; }
// The same expressions as reference/activations.h (NaN and signed-zero behaviour included).
inline float HardSwish(float x) { return x * std::min(6.f, std::max(0.f, x + 3.f)) / 6.f; }
inline float Rsqrt(float x) { return 1.f / std::sqrt(x); }
inline float Sqrt(float x) { return std::sqrt(x); }
inline float Square(float x) { return x * x; }
inline float Neg(float x) { return -x; }
inline float Abs(float x) { return std::fabs(x); }
inline float ReluN1To1(float x) { return x > 1.f ? 1.f : x < -1.f ? -1.f : x; }
inline float Relu0To1(float x) { return x > 1.f ? 1.f : x < 0.f ? 0.f : x; }
inline float Round(float x) {
  const float f = FloorF(x);
  const float rest = x - f;
  const bool even = FloorF(f * 0.5f) * 2.f == f;
  return rest < 0.5f || (rest == 0.5f && even) ? f : f + 1.f;
}
// x != x is the NaN test that vectorizes (std::isnan may not, under the build's flags).
inline float Sign(float x) { return x > 0.f ? 1.f : x < 0.f ? -1.f : x != x ? x : 0.f; }

// RELU and RELU6 on GCC vector types, inline rather than through the blocks' call per vector: they run on
// whole activations of CNNs (a standalone RELU after a residual ADD), where that call cost 3x their time.
// One vector register of the ISA (VecF32's width); the same expressions as the scalar forms, lane by lane, so
// NaN and -0 come out alike.
typedef float F32xN __attribute__((vector_size(kVecWidth * sizeof(float))));

template <int kHigh>  // 0: no upper bound
inline F32xN Clamp(F32xN v) {
  if (kHigh) v = v > static_cast<float>(kHigh) ? F32xN{} + static_cast<float>(kHigh) : v;
  return v < 0.f ? F32xN{} : v;
}

// The last, partial vector through a zero-padded array: no scalar loop (at -O2 GCC would vectorize that too).
template <int kHigh>
void ClampLoop(const float* in, float* out, int64_t n, float) {
  int64_t i = 0;
  F32xN v;
  for (; i + kVecWidth <= n; i += kVecWidth) {
    std::memcpy(&v, in + i, sizeof v);
    v = Clamp<kHigh>(v);
    std::memcpy(out + i, &v, sizeof v);
  }
  if (i == n) return;
  float tail[kVecWidth] = {};
  std::memcpy(tail, in + i, (n - i) * sizeof(float));
  std::memcpy(&v, tail, sizeof v);
  v = Clamp<kHigh>(v);
  std::memcpy(tail, &v, sizeof v);
  std::memcpy(out + i, tail, (n - i) * sizeof(float));
}

void LeakyReluBlock(const float* __restrict x, float* __restrict y, float alpha) {
  for (int64_t j = 0; j < kBlock; ++j) y[j] = x[j] > 0.f ? x[j] : x[j] * alpha;
}
void LeakyRelu(const float* in, float* out, int64_t n, float alpha) { RunBlocks(in, out, n, alpha, LeakyReluBlock); }

// HARD_SWISH: t = x * clamp(x + 3, 0, 6) as the reference, then t / 6 without the division, whose throughput
// bound the loop (twice XNNPACK's time; it multiplies by 1/6, which rounds differently). q = t * (1/6), the
// remainder t - 6q exact by FMA, and q + remainder * (1/6) by a second FMA is t / 6 correctly rounded wherever
// 2^-120 <= |t| <= FLT_MAX (checked over all 2^32 floats). t = +-0 (x <= -3 gives -0) comes out +0 that way:
// t's sign bit is OR-ed back in, which changes no other result (t / 6 has t's sign). The range is tested on
// x, cheaper than on t and equivalent here: |t| >= 2^-120 whenever |x| >= 2^-120 (c is near 3 for small x, and
// at least 2^-22 where it is not), and t is finite whenever |x| <= 2^124. A block of four vectors holding an x
// outside {0} and [2^-120, 2^124] (a subnormal-making x, a huge one, inf, NaN) divides instead, so every value
// is the reference's to the bit. Per vector that is eleven instructions with no mask-register traffic (the
// comparisons' version had 25). x86 with FMA only; elsewhere the reference's expression.
#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
// Beside vec_f32.h's operations (Broadcast, Load, Store, Add, Fma, and Min/Max, whose lane rule a < b ? a : b,
// a > b ? a : b is std::min(6.f, c) and std::max(0.f, c) exactly, NaN and -0 included, with the variable first):
// the product, t - a * b, and the bit operations on the same vectors.
#if defined(__AVX512F__)
using VecI = __m512i;
constexpr __mmask16 kAllLanes = 0xFFFF;  // the zero-masked forms are the plain instructions (see vec_f32.h)
inline VecI SetI(uint32_t v) { return _mm512_set1_epi32(static_cast<int>(v)); }
inline VecF32 Mul(VecF32 a, VecF32 b) { return {_mm512_mul_ps(a.v, b.v)}; }
inline VecF32 Fnma(VecF32 a, VecF32 b, VecF32 c) { return {_mm512_fnmadd_ps(a.v, b.v, c.v)}; }  // c - a * b
inline VecI BitsOf(VecF32 v) { return _mm512_castps_si512(v.v); }
inline VecF32 FloatOf(VecI v) { return {_mm512_castsi512_ps(v)}; }
inline VecI AndI(VecI a, VecI b) { return _mm512_and_si512(a, b); }
inline VecI OrAndI(VecI a, VecI b, VecI c) { return _mm512_ternarylogic_epi32(a, b, c, 0xF8); }  // a | (b & c)
inline VecI SubI(VecI a, VecI b) { return _mm512_sub_epi32(a, b); }
inline VecI MaxU(VecI a, VecI b) { return _mm512_maskz_max_epu32(kAllLanes, a, b); }
inline VecI MinU(VecI a, VecI b) { return _mm512_maskz_min_epu32(kAllLanes, a, b); }
// Any lane of a above hi, or any lane of b below lo (unsigned).
inline bool AnyOut(VecI a, VecI hi, VecI b, VecI lo) {
  return (_mm512_cmpgt_epu32_mask(a, hi) | _mm512_cmplt_epu32_mask(b, lo)) != 0;
}
#else
using VecI = __m256i;
inline VecI SetI(uint32_t v) { return _mm256_set1_epi32(static_cast<int>(v)); }
inline VecF32 Mul(VecF32 a, VecF32 b) { return {_mm256_mul_ps(a.v, b.v)}; }
inline VecF32 Fnma(VecF32 a, VecF32 b, VecF32 c) { return {_mm256_fnmadd_ps(a.v, b.v, c.v)}; }
inline VecI BitsOf(VecF32 v) { return _mm256_castps_si256(v.v); }
inline VecF32 FloatOf(VecI v) { return {_mm256_castsi256_ps(v)}; }
inline VecI AndI(VecI a, VecI b) { return _mm256_and_si256(a, b); }
inline VecI OrAndI(VecI a, VecI b, VecI c) { return _mm256_or_si256(a, _mm256_and_si256(b, c)); }
inline VecI SubI(VecI a, VecI b) { return _mm256_sub_epi32(a, b); }
inline VecI MaxU(VecI a, VecI b) { return _mm256_max_epu32(a, b); }
inline VecI MinU(VecI a, VecI b) { return _mm256_min_epu32(a, b); }
inline bool AnyOut(VecI a, VecI hi, VecI b, VecI lo) {
  // a > hi unsigned <=> max(a, hi) != hi; b < lo <=> min(b, lo) != lo.
  const VecI over = _mm256_xor_si256(_mm256_max_epu32(a, hi), hi);
  const VecI under = _mm256_xor_si256(_mm256_min_epu32(b, lo), lo);
  return !_mm256_testz_si256(_mm256_or_si256(over, under), _mm256_or_si256(over, under));
}
#endif
constexpr int64_t kSwishBlock = 4 * kVecWidth;
constexpr uint32_t kAbsMask = 0x7fffffffu, kSignMask = 0x80000000u;
constexpr uint32_t kSwishLowest = 0x03800000u;  // 2^-120
constexpr uint32_t kSwishHighest = 0x7d800000u;  // 2^124

// One block of kSwishBlock values; in and out do not overlap or are the same.
inline void HardSwishBlock(const float* in, float* out) {
  const VecF32 zero = Broadcast(0.f), three = Broadcast(3.f), six = Broadcast(6.f), sixth = Broadcast(1.f / 6.f);
  const VecI abs_mask = SetI(kAbsMask), sign_mask = SetI(kSignMask), one = SetI(1u);
  VecF32 x[4], r[4];
  VecI high = SetI(0u), low_minus_1 = SetI(~0u);  // max |x| bits; min of (|x| bits - 1), 0 wrapping high
#pragma GCC unroll 4
  for (int j = 0; j < 4; ++j) {
    x[j] = Load(in + j * kVecWidth);
    const VecF32 c = Min(Max(Add(x[j], three), zero), six);
    const VecF32 t = Mul(x[j], c), q0 = Mul(t, sixth);
    const VecF32 q = Fma(Fnma(six, q0, t), sixth, q0);
    r[j] = FloatOf(OrAndI(BitsOf(q), BitsOf(t), sign_mask));
    const VecI a = AndI(BitsOf(x[j]), abs_mask);
    high = MaxU(high, a);
    low_minus_1 = MinU(low_minus_1, SubI(a, one));
  }
  if (AnyOut(high, SetI(kSwishHighest), low_minus_1, SetI(kSwishLowest - 1))) {
#pragma GCC unroll 4
    for (int j = 0; j < 4; ++j) {
      alignas(64) float v[kVecWidth];
      Store(v, x[j]);
      for (int64_t i = 0; i < kVecWidth; ++i) v[i] = HardSwish(v[i]);
      r[j] = Load(v);
    }
  }
#pragma GCC unroll 4
  for (int j = 0; j < 4; ++j) Store(out + j * kVecWidth, r[j]);
}

void HardSwishLoop(const float* in, float* out, int64_t n, float) {
  int64_t i = 0;
  for (; i + kSwishBlock <= n; i += kSwishBlock) HardSwishBlock(in + i, out + i);
  if (i == n) return;
  float tail[kSwishBlock] = {};
  std::memcpy(tail, in + i, (n - i) * sizeof(float));
  HardSwishBlock(tail, tail);
  std::memcpy(out + i, tail, (n - i) * sizeof(float));
}
#else
void HardSwishLoop(const float* in, float* out, int64_t n, float param) { Loop<HardSwish>(in, out, n, param); }
#endif

// sin and cos: the vector block, then libm for the rare arguments beyond kMaxTrigArgF (and inf, NaN).
template <float (*kFn)(float), double (*kLibm)(double)>
void TrigBlock(const float* __restrict x, float* __restrict y, float) {
#pragma GCC unroll 1
  for (int64_t j = 0; j < kBlock; ++j) y[j] = kFn(x[j]);
  for (int64_t j = 0; j < kBlock; ++j)
    if (!(std::fabs(x[j]) <= kMaxTrigArgF)) y[j] = static_cast<float>(kLibm(x[j]));
}
void Sin(const float* in, float* out, int64_t n, float) { RunBlocks(in, out, n, 0.f, TrigBlock<SinF, std::sin>); }
void Cos(const float* in, float* out, int64_t n, float) { RunBlocks(in, out, n, 0.f, TrigBlock<CosF, std::cos>); }

}  // namespace

extern const UnaryF32Kernels kUnaryF32 = {
    Loop<LogisticF>, Loop<TanhF>,  Loop<GeluExact>, Loop<GeluTanh>, Loop<ExpF>,      Loop<LogF>,   Sin,
    Cos,             Loop<Elu>,    Loop<FloorF>,    Loop<CeilF>,    ClampLoop<0>,    ClampLoop<6>,  HardSwishLoop,
    Loop<Rsqrt>,     Loop<Sqrt>,   Loop<Square>,    LeakyRelu,      Loop<Neg>,       Loop<Abs>,
    Loop<ReluN1To1>, Loop<Relu0To1>, Loop<Round>,   Loop<Sign>,
};

}  // namespace EL_ISA_NS
}  // namespace optimized
}  // namespace edgelite
