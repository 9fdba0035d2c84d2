// exp, expm1, log, sin, cos, tanh, logistic and erfc for float (and floor and ceil), written branch-free
// (selects, no calls, no tables) so that a loop calling them compiles to full-width vector code; libm's
// versions are calls the vectorizer cannot see through (and GCC keeps floor/ceil scalar unless FP traps
// are off). Accuracy: a few ulp in relative terms (tests/interpreter/kernels/test_activations.py checks
// them against libm over the whole float range that matters); sin and cos within a few ulp of 1 in
// absolute terms, for |x| up to kMaxTrigArgF.
#pragma once

#ifndef EL_ISA_NS
#error "for sources compiled once per vector ISA (kernels/optimized/*.cc); CMake sets EL_ISA_NS"
#endif

#include <cstdint>
#include <cstring>
#include <limits>

namespace edgelite {
namespace optimized {
namespace EL_ISA_NS {

inline float BitsToFloat(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

inline uint32_t FloatToBits(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits;
}

constexpr uint32_t kSignBit = 0x80000000u;

// exp(x) = 2^n * exp(r) with n = round(x / ln 2) and |r| <= ln(2) / 2; exp(r) by Cephes' expf
// polynomial. Results below FLT_MIN are flushed to 0; above FLT_MAX they are +inf.
inline float ExpF(float x) {
  constexpr float kLo = -87.33654f;  // ln(FLT_MIN)
  constexpr float kHi = 88.72283f;   // ln(FLT_MAX)
  float xc = x > kLo ? x : kLo;      // NaN takes kLo here and is put back at the end
  xc = xc < kHi ? xc : kHi;
  // Round to nearest by adding and removing 1.5 * 2^23 (floorf would be a call without SSE4.1 flags).
  const float n = (xc * 1.44269504088896341f + 12582912.f) - 12582912.f;
  // ln 2 in two parts, so that n * ln2_hi is exact and r keeps its low bits.
  float r = xc - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * (r * r) + r + 1.f;
  // 2^n for n in [-126, 128]: 2^128 is not a float, so n = 128 is built as 2^127 * 2.
  const int32_t ni = static_cast<int32_t>(n);
  const int32_t high = ni > 0 ? 1 : 0;
  const float scale = BitsToFloat(static_cast<uint32_t>(ni - high + 127) << 23);
  float result = p * scale * (high ? 2.f : 1.f);
  result = x < kLo ? 0.f : result;
  result = x > kHi ? std::numeric_limits<float>::infinity() : result;
  return x != x ? x : result;
}

// 1 / (1 + exp(-x)): no cancellation on either side (exp(-x) -> inf gives 0, -> 0 gives 1).
inline float LogisticF(float x) { return 1.f / (1.f + ExpF(-x)); }

// tanh: Cephes' odd polynomial for |x| < 0.625, where 1 - 2 / (exp(2|x|) + 1) would lose relative
// precision to cancellation; that expression above it, with the sign put back.
inline float TanhF(float x) {
  const float ax = x < 0.f ? -x : x;
  const float z = x * x;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  const float small = p * z * x + x;
  const float big_abs = 1.f - 2.f / (ExpF(2.f * ax) + 1.f);
  const float big = x < 0.f ? -big_abs : big_abs;
  return ax < 0.625f ? small : big;
}

// erfc(x) by the Chebyshev fit of Numerical Recipes (erfcc): t = 1 / (1 + |x| / 2),
// erfc(|x|) = t * exp(-x^2 + P(t)), erfc(-a) = 2 - erfc(a). The fit is good to 1.2e-7 relative; in
// float the rounding of -x^2 + P(t) adds about 1e-7 * x^2 relative where erfc is tiny (x > 2).
inline float ErfcF(float x) {
  const float ax = x < 0.f ? -x : x;
  const float t = 1.f / (1.f + 0.5f * ax);
  float p = 0.17087277f;
  p = p * t - 0.82215223f;
  p = p * t + 1.48851587f;
  p = p * t - 1.13520398f;
  p = p * t + 0.27886807f;
  p = p * t - 0.18628806f;
  p = p * t + 0.09678418f;
  p = p * t + 0.37409196f;
  p = p * t + 1.00002368f;
  p = p * t - 1.26551223f;
  const float e = t * ExpF(p - ax * ax);
  return x < 0.f ? 2.f - e : e;
}

// expm1(x): the Taylor series to x^10 for |x| < ln 2 (its remainder is below 1e-9 relative there), where
// exp(x) - 1 would lose the low bits of small results to cancellation; exp(x) - 1 elsewhere.
inline float ExpM1F(float x) {
  float p = 1.f / 3628800.f;
  p = p * x + 1.f / 362880.f;
  p = p * x + 1.f / 40320.f;
  p = p * x + 1.f / 5040.f;
  p = p * x + 1.f / 720.f;
  p = p * x + 1.f / 120.f;
  p = p * x + 1.f / 24.f;
  p = p * x + 1.f / 6.f;
  p = p * x + 0.5f;
  const float small = p * (x * x) + x;
  const float big = ExpF(x) - 1.f;
  const float ax = x < 0.f ? -x : x;
  return ax < 0.693147f ? small : big;  // NaN takes `big` and stays NaN
}

// log(x) = e * ln 2 + log(m) with x = m * 2^e, m in [sqrt(1/2), sqrt(2)); log(1 + f) by Cephes' logf
// polynomial, ln 2 in two parts as in ExpF. Denormals are scaled by 2^23 first. log(0) = -inf,
// log(x < 0) = NaN, log(inf) = inf.
inline float LogF(float x) {
  const bool denormal = x < std::numeric_limits<float>::min();
  const float scaled = x * 8388608.f;
  const uint32_t bits = FloatToBits(denormal ? scaled : x);
  const int32_t e = static_cast<int32_t>((bits >> 23) & 0xff) - 126 - (denormal ? 23 : 0);
  const float m = BitsToFloat((bits & 0x007fffffu) | 0x3f000000u);  // in [0.5, 1)
  const float m2 = m + m;
  const bool low = m < 0.70710678118654752f;
  const float f = (low ? m2 : m) - 1.f;  // exact
  const float z = f * f;
  float p = 7.0376836292e-2f;
  p = p * f - 1.1514610310e-1f;
  p = p * f + 1.1676998740e-1f;
  p = p * f - 1.2420140846e-1f;
  p = p * f + 1.4249322787e-1f;
  p = p * f - 1.6668057665e-1f;
  p = p * f + 2.0000714765e-1f;
  p = p * f - 2.4999993993e-1f;
  p = p * f + 3.3333331174e-1f;
  // The exponent as a float, one less for low mantissas (selected after converting: GCC keeps a loop
  // scalar when a select feeds a conversion).
  const float fe_raw = static_cast<float>(e);
  const float fe_low = fe_raw - 1.f;
  const float fe = low ? fe_low : fe_raw;
  float y = f * z * p + fe * -2.12194440e-4f - 0.5f * z;
  float result = (f + y) + fe * 0.693359375f;
  result = x == 0.f ? -std::numeric_limits<float>::infinity() : result;
  result = x < 0.f ? std::numeric_limits<float>::quiet_NaN() : result;
  result = x == std::numeric_limits<float>::infinity() ? x : result;
  return x != x ? x : result;
}

// Largest |x| SinF and CosF take: below it the reduction by pi/4 keeps the argument's absolute error
// near float rounding of the result. Callers send larger (and non-finite) arguments to libm.
constexpr float kMaxTrigArgF = 8192.f;

// sin(x) and cos(x) for |x| <= kMaxTrigArgF, by Cephes' sinf/cosf polynomials: |x| = j * pi/4 + r with
// j = 2 * round(|x| * 2/pi) and |r| <= pi/4, where pi/4 is split in three parts (the first short enough
// that j times it is exact), then the sine or cosine polynomial in r and the quadrant's sign. The
// rounding adds 2^23 and reads the integer from the low mantissa bits (no float-to-int conversion,
// which keeps GCC's loops scalar after a select).
struct QuarterPiReduced {
  float sin_r, cos_r;
  uint32_t j;  // even
};
inline QuarterPiReduced ReduceQuarterPiF(float ax) {
  const float in_range = ax <= kMaxTrigArgF ? ax : 0.f;
  const float shifted = in_range * 0.636619772367581343f + 8388608.f;
  const uint32_t j = (FloatToBits(shifted) & 0x007fffffu) << 1;
  const float y = (shifted - 8388608.f) * 2.f;
  const float r = ((in_range - y * 0.78515625f) - y * 2.4187564849853515625e-4f) - y * 3.77489497744594108e-8f;
  const float z = r * r;
  const float sin_r = ((-1.9515295891e-4f * z + 8.3321608736e-3f) * z - 1.6666654611e-1f) * z * r + r;
  const float cos_r =
      ((2.443315711809948e-5f * z - 1.388731625493765e-3f) * z + 4.166664568298827e-2f) * z * z - 0.5f * z + 1.f;
  return {sin_r, cos_r, j};
}

inline float SinF(float x) {
  const QuarterPiReduced q = ReduceQuarterPiF(BitsToFloat(FloatToBits(x) & ~kSignBit));
  const float v = (q.j & 2) ? q.cos_r : q.sin_r;
  // sin is odd (the sign of x, -0 included) and changes sign every half turn (j & 4).
  const uint32_t sign = (FloatToBits(x) & kSignBit) ^ ((q.j & 4) ? kSignBit : 0u);
  return BitsToFloat(FloatToBits(v) ^ sign);
}

inline float CosF(float x) {
  const QuarterPiReduced q = ReduceQuarterPiF(BitsToFloat(FloatToBits(x) & ~kSignBit));
  const float v = (q.j & 2) ? q.sin_r : q.cos_r;
  // cos is even and negative in the second and third quadrants (j & 4 differs from j & 2 there).
  const uint32_t sign = (((q.j >> 1) ^ (q.j >> 2)) & 1u) << 31;
  return BitsToFloat(FloatToBits(v) ^ sign);
}

// floor and ceil: exact for every float. |x| >= 2^23 (and inf, NaN) is already integral; below, |x| is
// rounded to an integer by adding and removing 2^23, given x's sign, and moved by one where it went the
// wrong way; the sign of x is put back on zeros (floor(-0) = -0, ceil(-0.5) = -0). No float-to-int
// conversion: GCC keeps a loop scalar when one is fed by a select.
inline float RoundToIntegerKeepSignF(float x) {
  const uint32_t sign = FloatToBits(x) & kSignBit;
  const float ax = BitsToFloat(FloatToBits(x) & ~kSignBit);
  const float rounded = (ax + 8388608.f) - 8388608.f;
  return BitsToFloat(FloatToBits(rounded) | sign);
}

inline float FloorF(float x) {
  const float t = RoundToIntegerKeepSignF(x);
  const float below = t - 1.f;
  const float f = t > x ? below : t;
  const bool integral = !(BitsToFloat(FloatToBits(x) & ~kSignBit) < 8388608.f);
  return integral ? x : BitsToFloat(FloatToBits(f) | (FloatToBits(x) & kSignBit));
}

inline float CeilF(float x) {
  const float t = RoundToIntegerKeepSignF(x);
  const float above = t + 1.f;
  const float c = t < x ? above : t;
  const bool integral = !(BitsToFloat(FloatToBits(x) & ~kSignBit) < 8388608.f);
  return integral ? x : BitsToFloat(FloatToBits(c) | (FloatToBits(x) & kSignBit));
}

}  // namespace EL_ISA_NS
}  // namespace optimized
}  // namespace edgelite
