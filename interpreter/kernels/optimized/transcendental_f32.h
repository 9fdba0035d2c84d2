// exp, tanh, logistic and erfc for float, written branch-free (selects, no calls, no tables) so that a
// loop calling them compiles to full-width vector code; libm's versions are calls the vectorizer cannot
// see through. Accuracy: a few ulp in relative terms (tests/interpreter/kernels/test_activations.py
// checks them against libm over the whole float range that matters).
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>

namespace edgelite {
namespace optimized {

inline float BitsToFloat(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

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

}  // namespace optimized
}  // namespace edgelite
