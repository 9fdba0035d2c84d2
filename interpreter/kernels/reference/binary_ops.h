// The scalar operations of the binary element-wise operators (ADD ... FLOOR_MOD, PRELU) and the fused clamp,
// as .tflite defines them; shared by the reference loop and the vectorized loops of
// optimized/binary_elementwise.cc. Plain math, no framework types.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace edgelite {
namespace reference {

// PRELU is in the family too: x >= 0 ? x : x * alpha has the same loops, with alpha as b.
enum class BinaryOp {
  kAdd, kSub, kMul, kDiv, kSquaredDifference, kMaximum, kMinimum, kPow, kFloorDiv, kFloorMod, kPRelu,
};
constexpr int kNumBinaryOps = 11;

// POW, FLOOR_DIV and FLOOR_MOD as TFLite defines them: integer power by repeated squaring (a negative
// exponent is refused before), and division rounding toward negative infinity with the remainder taking
// the divisor's sign, as Python's // and %.
inline float Power(float a, float b) { return std::pow(a, b); }
template <typename T>
inline T Power(T a, T b) {
  T result = 1;
  for (; b > 0; b >>= 1, a *= a)
    if (b & 1) result *= a;
  return result;
}
inline float FloorDiv(float a, float b) { return std::floor(a / b); }
template <typename T>
inline T FloorDiv(T a, T b) {
  const T q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
inline float FloorMod(float a, float b) {
  const float r = std::fmod(a, b);
  return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}
template <typename T>
inline T FloorMod(T a, T b) {
  const T r = a % b;
  return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}

// The operation is a template argument so each loop compiles to straight-line, vectorizable code.
// Integer division truncates like C; a zero divisor is refused before.
template <BinaryOp op, typename T>
inline T ApplyBinary(T a, T b) {
  switch (op) {
    case BinaryOp::kAdd: return a + b;
    case BinaryOp::kSub: return a - b;
    case BinaryOp::kMul: return a * b;
    case BinaryOp::kDiv: return a / b;
    case BinaryOp::kSquaredDifference: return (a - b) * (a - b);
    // As TFLite's reference: a NaN in `b` propagates, one in `a` does not.
    case BinaryOp::kMaximum: return a > b ? a : b;
    case BinaryOp::kMinimum: return a < b ? a : b;
    case BinaryOp::kPow: return Power(a, b);
    case BinaryOp::kFloorDiv: return FloorDiv(a, b);
    case BinaryOp::kFloorMod: return FloorMod(a, b);
    case BinaryOp::kPRelu: return a >= 0 ? a : a * b;
  }
  return a;
}

// The fused activation's clamp. Float clamps stay in float so the loops vectorize; integers compare in
// double because the bounds (infinities, 6.0) have no integer type of their own.
inline float ClampBinary(float v, float lo, float hi) { return std::min(std::max(v, lo), hi); }
template <typename T>
inline T ClampBinary(T v, float lo, float hi) {
  if (std::isinf(lo) && std::isinf(hi)) return v;
  const double d = static_cast<double>(v);
  return static_cast<T>(std::min(std::max(d, static_cast<double>(lo)), static_cast<double>(hi)));
}

}  // namespace reference
}  // namespace edgelite
