// The unary float32 loops, compiled once per vector ISA: the fast transcendental twins of
// reference/activations.h (same formulas over transcendental_f32.h's functions), and the simple
// operators with the reference's own expressions, each one loop the compiler vectorizes.
#include "interpreter/kernels/optimized/unary_f32.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "interpreter/kernels/optimized/transcendental_f32.h"

namespace edgelite {
namespace optimized {
namespace EL_ISA_NS {
namespace {

template <float (*kFn)(float)>
void Loop(const float* in, float* out, int64_t n, float) {
  for (int64_t i = 0; i < n; ++i) out[i] = kFn(in[i]);
}

inline float GeluExact(float x) { return 0.5f * x * ErfcF(x * -0.70710678118654752f); }
inline float GeluTanh(float x) { return 0.5f * x * (1.f + TanhF(0.79788456080286536f * (x + 0.044715f * x * x * x))); }
inline float Elu(float x) { return x < 0.f ? ExpM1F(x) : x; }
// The same expressions as reference/activations.h (NaN and signed-zero behaviour included).
inline float Relu(float x) { return x < 0.f ? 0.f : x; }
inline float Relu6(float x) { return x > 6.f ? 6.f : x < 0.f ? 0.f : x; }
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

// RELU and RELU6 on GCC vector types: this file is built at -Os, where GCC does not vectorize loops at all, and
// these two run on whole activations of CNNs (a standalone RELU after a residual ADD was a scalar compare and
// branch per element). 16 lanes: one zmm register under AVX-512, two ymm or four xmm elsewhere; the same
// expressions as the scalar forms, lane by lane, so NaN and -0 come out alike.
typedef float F32x16 __attribute__((vector_size(64)));

template <int kHigh>  // 0: no upper bound
void ClampLoop(const float* in, float* out, int64_t n, float) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    F32x16 v;
    std::memcpy(&v, in + i, sizeof v);
    if (kHigh) v = v > static_cast<float>(kHigh) ? F32x16{} + static_cast<float>(kHigh) : v;
    v = v < 0.f ? F32x16{} : v;
    std::memcpy(out + i, &v, sizeof v);
  }
  for (; i < n; ++i) out[i] = kHigh ? Relu6(in[i]) : Relu(in[i]);
}

void LeakyRelu(const float* in, float* out, int64_t n, float alpha) {
  for (int64_t i = 0; i < n; ++i) out[i] = in[i] > 0.f ? in[i] : in[i] * alpha;
}

// sin and cos: the vector loop, then libm for the rare arguments beyond kMaxTrigArgF (and inf, NaN).
void Sin(const float* in, float* out, int64_t n, float) {
  for (int64_t i = 0; i < n; ++i) out[i] = SinF(in[i]);
  for (int64_t i = 0; i < n; ++i)
    if (!(std::fabs(in[i]) <= kMaxTrigArgF)) out[i] = std::sin(in[i]);
}

void Cos(const float* in, float* out, int64_t n, float) {
  for (int64_t i = 0; i < n; ++i) out[i] = CosF(in[i]);
  for (int64_t i = 0; i < n; ++i)
    if (!(std::fabs(in[i]) <= kMaxTrigArgF)) out[i] = std::cos(in[i]);
}

}  // namespace

extern const UnaryF32Kernels kUnaryF32 = {
    Loop<LogisticF>, Loop<TanhF>,  Loop<GeluExact>, Loop<GeluTanh>, Loop<ExpF>,      Loop<LogF>,   Sin,
    Cos,             Loop<Elu>,    Loop<FloorF>,    Loop<CeilF>,    ClampLoop<0>,     ClampLoop<6>,  Loop<HardSwish>,
    Loop<Rsqrt>,     Loop<Sqrt>,   Loop<Square>,    LeakyRelu,      Loop<Neg>,       Loop<Abs>,
    Loop<ReluN1To1>, Loop<Relu0To1>, Loop<Round>,   Loop<Sign>,
};

}  // namespace EL_ISA_NS
}  // namespace optimized
}  // namespace edgelite
