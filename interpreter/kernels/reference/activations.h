// Element-wise unary operators as .tflite's kernels define them, one scalar function each and a loop
// over a range. The transcendental ones call libm (std::exp, std::log, std::sin, ...); their fast
// twins are in optimized/activations.h. Plain math, no framework types.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>

namespace edgelite {
namespace reference {

// As .tflite's kernels: NaN passes through and -0 stays -0 (a comparison, not std::max).
inline float Relu(float x) { return x < 0.f ? 0.f : x; }
inline float Relu6(float x) { return x > 6.f ? 6.f : x < 0.f ? 0.f : x; }
// x * relu6(x + 3) / 6, divided last as .tflite does.
inline float HardSwish(float x) { return x * std::min(6.f, std::max(0.f, x + 3.f)) / 6.f; }
inline float Logistic(float x) { return 1.f / (1.f + std::exp(-x)); }
inline float Tanh(float x) { return std::tanh(x); }
inline float Rsqrt(float x) { return 1.f / std::sqrt(x); }
// Integers negate modulo 2^bits (INT_MIN stays INT_MIN), without the undefined signed overflow.
template <typename T>
inline T Neg(T x) {
  if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(std::make_unsigned_t<T>(0) - static_cast<std::make_unsigned_t<T>>(x));
  } else {
    return -x;
  }
}
// Integers take |x| modulo 2^bits (|INT_MIN| stays INT_MIN, as .tflite's int32 ABS gives).
template <typename T>
inline T Abs(T x) {
  if constexpr (std::is_integral_v<T>) {
    return x < 0 ? Neg(x) : x;
  } else {
    return std::fabs(x);
  }
}
// Clamps as .tflite writes them (NaN and -0 pass through).
inline float ReluN1To1(float x) { return x > 1.f ? 1.f : x < -1.f ? -1.f : x; }
inline float Relu0To1(float x) { return x > 1.f ? 1.f : x < 0.f ? 0.f : x; }
// Halves to even, by .tflite's formula: floor, then up when the rest is above one half, or exactly one half
// with an odd floor. Unlike rint, a negative input that rounds to zero gives +0 (-0 stays -0). x - floor(x) is
// exact; floats from 2^24 up are even integers already.
inline float Round(float x) {
  const float f = std::floor(x);
  const float rest = x - f;
  const bool even = std::floor(f * 0.5f) * 2.f == f;
  return rest < 0.5f || (rest == 0.5f && even) ? f : f + 1.f;
}
// -1, 0 or 1; NaN stays NaN and both zeros give +0.
template <typename T>
inline T Sign(T x) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(x)) return x;
  }
  return x > T(0) ? T(1) : x < T(0) ? T(-1) : T(0);
}
inline float Square(float x) { return x * x; }
inline float Sqrt(float x) { return std::sqrt(x); }  // NaN below 0, -0 for -0
inline float Floor(float x) { return std::floor(x); }
inline float Ceil(float x) { return std::ceil(x); }
inline float Exp(float x) { return std::exp(x); }
inline float Log(float x) { return std::log(x); }  // -inf at 0, NaN below 0
inline float Sin(float x) { return std::sin(x); }
inline float Cos(float x) { return std::cos(x); }
// expm1 keeps ELU's relative precision near 0 (exp(x) - 1 would cancel); -0 stays -0.
inline float Elu(float x) { return x < 0.f ? std::expm1(x) : x; }
// `x > 0`, not max(x, alpha * x): alpha may exceed 1 or be negative, and 0 takes the alpha branch as
// in .tflite's builtin kernel (0 * -0.5 is -0).
inline float LeakyRelu(float x, float alpha) { return x > 0.f ? x : x * alpha; }
// 0.5 * x * (1 + erf(x / sqrt(2))), written with erfc as .tflite does: 1 + erf(-z) cancels to 0 for
// large negative x while erfc(z) keeps its relative precision.
inline float GeluExact(float x) { return 0.5f * x * std::erfc(x * -0.70710678118654752f); }
// 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3))).
inline float GeluTanh(float x) {
  return 0.5f * x * (1.f + std::tanh(0.79788456080286536f * (x + 0.044715f * x * x * x)));
}

// out[i] = fn(in[i]) for i in [0, n).
template <typename T, typename Fn>
inline void Map(const T* in, T* out, int64_t n, Fn fn) {
  for (int64_t i = 0; i < n; ++i) out[i] = fn(in[i]);
}

}  // namespace reference
}  // namespace edgelite
