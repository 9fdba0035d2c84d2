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
    Cos,             Loop<Elu>,    Loop<FloorF>,    Loop<CeilF>,    ClampLoop<0>,    ClampLoop<6>,  Loop<HardSwish>,
    Loop<Rsqrt>,     Loop<Sqrt>,   Loop<Square>,    LeakyRelu,      Loop<Neg>,       Loop<Abs>,
    Loop<ReluN1To1>, Loop<Relu0To1>, Loop<Round>,   Loop<Sign>,
};

}  // namespace EL_ISA_NS
}  // namespace optimized
}  // namespace edgelite
