// The on-the-fly quantization of dynamic-range ("hybrid") kernels: one float row to int8 with its own scale
// (and zero point), exactly as LiteRT's row quantizers compute it on x86 (docs/integer_kernels.md, "Dynamic
// range"; LiteRT builds its Neon code for x86 through NEON_2_SSE, so that is the arithmetic to follow).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "interpreter/kernels/quantization_util.h"

namespace edgelite {
namespace reference {
namespace integer {

// LiteRT's vector quantizers round 8 values a step; the rest of a row goes through std::round.
constexpr int kRowQuantizerLanes = 8;

// The vector rounding (Neon's RoundToNearest before ARMv8): trunc(v + 0.5) or trunc(v - 0.5), the
// addition in float32. It differs from std::round where that addition rounds (|v| just below 0.5).
EL_ALWAYS_INLINE int32_t RoundLikeRowQuantizer(float v) {
  const float half = (v < 0.f ? -1.f : 0.f) + 0.5f;
  return FloatToInt32LikeX86(static_cast<double>(v + half));
}

// One row of `n` values, element i at x[i * stride]. q gets the n quantized values (contiguous).

// SymmetricQuantizeFloats: range = max(|min|, |max|), scale = range / 127 and q = clamp(round(x * (127 /
// range)), -127, 127), all in float32; an all-zero row gives q = 0 and scale 1.
inline void QuantizeRowSymmetric(const float* x, int n, int64_t stride, int8_t* q, float* scale) {
  float lo = n > 0 ? x[0] : 0.f, hi = lo;
  for (int i = 1; i < n; ++i) {
    const float v = x[i * stride];
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  const float range = std::max(std::abs(lo), std::abs(hi));
  if (range == 0.f) {
    std::fill(q, q + n, int8_t{0});
    *scale = 1.f;
    return;
  }
  *scale = range / 127.f;
  const float inverse = 127.f / range;
  const int vector_end = n / kRowQuantizerLanes * kRowQuantizerLanes;
  for (int i = 0; i < n; ++i) {
    const float v = inverse * x[i * stride];
    const int32_t r = i < vector_end ? RoundLikeRowQuantizer(v) : FloatToInt32LikeX86(std::round(v));
    q[i] = static_cast<int8_t>(std::min(127, std::max(-127, r)));
  }
}

// AsymmetricQuantizeFloats: rmin = min(0, min), rmax = max(0, max); in double, scale = float32(rmax - rmin) /
// 255 and the zero point from whichever end has the smaller error term, rounded half away and clamped; the
// scale is kept in float32, the inverse is float32(1.0 / double(scale)); q = clamp(round(x * inverse) + zp,
// -128, 127). rmin == rmax gives q = 0, scale 1, zero point 0.
inline void QuantizeRowAsymmetric(const float* x, int n, int64_t stride, int8_t* q, float* scale,
                                  int32_t* zero_point) {
  float rmin = 0.f, rmax = 0.f;
  for (int i = 0; i < n; ++i) {
    rmin = std::min(rmin, x[i * stride]);
    rmax = std::max(rmax, x[i * stride]);
  }
  if (rmin == rmax) {
    std::fill(q, q + n, int8_t{0});
    *scale = 1.f;
    *zero_point = 0;
    return;
  }
  constexpr double kQMin = -128.0, kQMax = 127.0;
  const double s = static_cast<double>(rmax - rmin) / (kQMax - kQMin);
  const double from_min = kQMin - rmin / s, from_max = kQMax - rmax / s;
  const double error_min = std::abs(kQMin) + std::abs(rmin / s), error_max = std::abs(kQMax) + std::abs(rmax / s);
  const double zp_double = error_min < error_max ? from_min : from_max;
  int32_t zp;
  if (zp_double <= kQMin) {
    zp = -128;
  } else if (zp_double >= kQMax) {
    zp = 127;
  } else {
    // In range, or NaN (a row holding an infinity): LiteRT converts to int8 on x86, which keeps the low byte of
    // the 32-bit conversion (INT32_MIN for NaN, so 0); a plain cast of NaN would be undefined behaviour.
    zp = static_cast<int8_t>(FloatToInt32LikeX86(std::round(zp_double)));
  }
  *scale = static_cast<float>(s);
  *zero_point = zp;
  const float inverse = static_cast<float>(1.0 / static_cast<double>(*scale));
  const int vector_end = n / kRowQuantizerLanes * kRowQuantizerLanes;
  for (int i = 0; i < n; ++i) {
    const float v = inverse * x[i * stride];
    // The vector part adds the zero point in int32 (wrapping, as SIMD adds do: a NaN or huge value converts
    // to INT32_MIN), the tail in float32 (LiteRT's two loops).
    const int32_t r = i < vector_end ? WrappingAdd(RoundLikeRowQuantizer(v), zp)
                                     : FloatToInt32LikeX86(static_cast<float>(zp) + std::round(v));
    q[i] = static_cast<int8_t>(std::min(127, std::max(-128, r)));
  }
}

// Either quantizer; the symmetric one sets the zero point to 0.
inline void QuantizeRow(bool asymmetric, const float* x, int n, int64_t stride, int8_t* q, float* scale,
                        int32_t* zero_point) {
  if (asymmetric) {
    QuantizeRowAsymmetric(x, n, stride, q, scale, zero_point);
  } else {
    QuantizeRowSymmetric(x, n, stride, q, scale);
    *zero_point = 0;
  }
}

}  // namespace integer
}  // namespace reference
}  // namespace edgelite
