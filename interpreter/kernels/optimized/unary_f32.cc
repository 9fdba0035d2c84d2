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
// 2^-120 <= |t| <= FLT_MAX (checked over all 2^32 floats; t = +-0 keeps q, whose remainder is 0). A block
// holding any other t (subnormal, inf, NaN) divides, so every value is the reference's to the bit. x86 with
// FMA only; elsewhere the reference's expression.
#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
typedef int32_t I32xN __attribute__((vector_size(kVecWidth * sizeof(int32_t))));
#if defined(__AVX512F__)
inline F32xN FmaN(F32xN a, F32xN b, F32xN c) { return _mm512_fmadd_ps(a, b, c); }
inline bool AnyLane(I32xN v) { return _mm512_test_epi32_mask((__m512i)v, (__m512i)v) != 0; }
#else
inline F32xN FmaN(F32xN a, F32xN b, F32xN c) { return _mm256_fmadd_ps(a, b, c); }
inline bool AnyLane(I32xN v) { return !_mm256_testz_si256((__m256i)v, (__m256i)v); }
#endif

// One vector: t / 6 by the product, OR-ing into `bad` the lanes it does not serve (0 < |t| < 2^-120, inf, NaN),
// t to `t_out` for the division. The clamp is the reference's comparisons, lane by lane.
inline F32xN HardSwishVec(F32xN x, F32xN* t_out, I32xN* bad) {
  const F32xN zero{}, six = zero + 6.f, sixth = zero + 1.f / 6.f;
  F32xN c = x + 3.f;
  c = 0.f < c ? c : zero;  // std::max(0.f, c)
  c = c < 6.f ? c : six;   // std::min(6.f, c)
  const F32xN t = x * c, q0 = t * sixth;
  const F32xN e = FmaN(-six, q0, t);  // t - 6 q0, exact
  const F32xN a = t < 0.f ? -t : t;
  *bad |= ((a < 0x1p-120f) & (a != 0.f)) | ~(a <= 0x1.fffffep127f);
  *t_out = t;
  return e != 0.f ? FmaN(e, sixth, q0) : q0;
}
#define EL_HARD_SWISH_VECTOR 1
#endif

#ifdef EL_HARD_SWISH_VECTOR
// Blocks of four vectors, one test of `bad` per block (the loop was bound by its instructions, not memory).
constexpr int64_t kSwishBlock = 4 * kVecWidth;

inline void HardSwishBlock(const float* in, float* out) {
  F32xN q[4], t[4];
  I32xN bad{};
#pragma GCC unroll 4
  for (int j = 0; j < 4; ++j) {
    F32xN x;
    std::memcpy(&x, in + j * kVecWidth, sizeof x);
    q[j] = HardSwishVec(x, &t[j], &bad);
  }
  if (AnyLane(bad)) {
#pragma GCC unroll 4
    for (int j = 0; j < 4; ++j) q[j] = t[j] / 6.f;
  }
#pragma GCC unroll 4
  for (int j = 0; j < 4; ++j) std::memcpy(out + j * kVecWidth, &q[j], sizeof q[j]);
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
#undef EL_HARD_SWISH_VECTOR
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
