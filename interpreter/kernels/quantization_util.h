// The integer arithmetic every quantized kernel shares, as LiteRT's reference kernels compute it
// (docs/integer_kernels.md section 1): multipliers made in prepare, the requantizing multiply and its
// rounding shifts, float-to-int conversion as x86 does it, activation ranges of quantized outputs, and
// the lookup tables of 8- and 16-bit element-wise operators. Plain math, no framework types, so reference
// and optimized kernels (in any ISA's translation unit: the per-element functions are always inlined, so
// no out-of-line copy compiled for one ISA can reach another) use the same code.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

#include "interpreter/kernels/always_inline.h"

namespace edgelite {

// real = multiplier * 2^(shift - 31), multiplier in [2^30, 2^31) (or 0): `shift` > 0 is a left shift.
struct QuantizedMultiplier {
  int32_t multiplier = 0;
  int shift = 0;
};

// QuantizeMultiplier: frexp, the significand rounded half away from zero to 31 bits; a significand that
// rounds up to 2^31 is halved (shift + 1); shifts below -31 flush to zero. Kernels compute `real` in
// double from float32 scales, in the order the operator's entry in docs/integer_kernels.md gives.
QuantizedMultiplier QuantizeMultiplier(double real);

// SaturatingRoundingDoublingHighMul: a * b / 2^31 to nearest with ties toward +infinity (the nudge is
// 2^30, or 1 - 2^30 for a negative product, then C division truncates); INT32_MIN * INT32_MIN saturates.
EL_ALWAYS_INLINE int32_t SaturatingRoundingDoublingHighMul(int32_t a, int32_t b) {
  if (a == b && a == std::numeric_limits<int32_t>::min()) return std::numeric_limits<int32_t>::max();
  const int64_t ab = static_cast<int64_t>(a) * b;
  const int64_t nudge = ab >= 0 ? (int64_t{1} << 30) : (1 - (int64_t{1} << 30));
  return static_cast<int32_t>((ab + nudge) / (int64_t{1} << 31));
}

// The int16 form: a * b / 2^15, ties toward +infinity; -32768 * -32768 saturates.
EL_ALWAYS_INLINE int16_t SaturatingRoundingDoublingHighMul16(int16_t a, int16_t b) {
  if (a == b && a == std::numeric_limits<int16_t>::min()) return std::numeric_limits<int16_t>::max();
  const int32_t ab = static_cast<int32_t>(a) * b;
  const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  return static_cast<int16_t>((ab + nudge) / (1 << 15));
}

// RoundingDivideByPOT: x / 2^exponent (0 <= exponent <= 31) to nearest, ties away from zero.
template <typename T>
EL_ALWAYS_INLINE T RoundingDivideByPOT(T x, int exponent) {
  const T mask = static_cast<T>((static_cast<int64_t>(1) << exponent) - 1);
  const T threshold = static_cast<T>((mask >> 1) + (x < 0 ? 1 : 0));
  return static_cast<T>((x >> exponent) + ((x & mask) > threshold ? 1 : 0));
}

// x << left in int32 arithmetic, wrapping as the C++ of LiteRT does on two's complement machines. A count of
// 32 or more (a multiplier of 2^31 or more: absurd scale ratios) is taken modulo 32, as x86's shift
// instruction does in LiteRT's release builds (measured: QUANTIZE int8 -> int8 with a ratio of 1e10).
EL_ALWAYS_INLINE int32_t WrappingShiftLeft(int32_t x, int left) {
  return static_cast<int32_t>(static_cast<uint32_t>(x) << (left & 31));
}

// a + b and a - b in int32 arithmetic that wraps (LiteRT forms sums and accumulators in int32 without
// checking for overflow, and x86 wraps them); the int64 overload wraps the same way (only a corrupt bias gets
// there), so accumulator code can be written once for both widths.
EL_ALWAYS_INLINE int32_t WrappingAdd(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}
EL_ALWAYS_INLINE int64_t WrappingAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
EL_ALWAYS_INLINE int32_t WrappingSub(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) - static_cast<uint32_t>(b));
}

// MultiplyByQuantizedMultiplier for an int32 value, as release builds of LiteRT compute it (double
// rounding): the left part of the shift in int32, SRDHM, then RoundingDivideByPOT by the right part.
EL_ALWAYS_INLINE int32_t MultiplyByQuantizedMultiplier(int32_t x, int32_t multiplier, int shift) {
  const int left = shift > 0 ? shift : 0;
  const int right = shift > 0 ? 0 : -shift;
  return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(WrappingShiftLeft(x, left), multiplier), right);
}

// The int64-accumulator form (16x8 kernels with an int64 bias): the multiplier reduced to 15 bits, one
// rounding with ties toward +infinity, the result truncated to int32. Needs -16 <= shift <= 14. The product
// wraps in 64 bits as on x86 (LiteRT's too): only an accumulator from a corrupt int64 bias overflows.
EL_ALWAYS_INLINE int32_t MultiplyByQuantizedMultiplier(int64_t x, int32_t multiplier, int shift) {
  const int64_t reduced = multiplier < 0x7FFF0000 ? (static_cast<int64_t>(multiplier) + (1 << 15)) >> 16 : 0x7FFF;
  const int total_shift = 15 - shift;
  const int64_t rounded = static_cast<int64_t>(static_cast<uint64_t>(x) * static_cast<uint64_t>(reduced) +
                                               (uint64_t{1} << (total_shift - 1)));
  return static_cast<int32_t>(rounded >> total_shift);
}

// MultiplyByQuantizedMultiplierSmallerThanOneExp: SRDHM, then a rounding right shift by -shift (shift <= 0).
EL_ALWAYS_INLINE int32_t MultiplyByQuantizedMultiplierSmallerThanOneExp(int32_t x, int32_t multiplier, int shift) {
  return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x, multiplier), -shift);
}

// MultiplyByQuantizedMultiplierGreaterThanOne: a wrapping left shift by `shift` (>= 0), then SRDHM.
EL_ALWAYS_INLINE int32_t MultiplyByQuantizedMultiplierGreaterThanOne(int32_t x, int32_t multiplier, int shift) {
  return SaturatingRoundingDoublingHighMul(WrappingShiftLeft(x, shift), multiplier);
}

// gemmlowp's SaturatingRoundingMultiplyByPOT for a compile-time-free exponent: a saturating left shift for
// exponent > 0, a rounding right shift for exponent < 0.
EL_ALWAYS_INLINE int32_t SaturatingRoundingMultiplyByPOT(int32_t x, int exponent) {
  if (exponent == 0) return x;
  if (exponent < 0) return RoundingDivideByPOT(x, -exponent);
  const int32_t threshold = static_cast<int32_t>((int64_t{1} << (31 - exponent)) - 1);
  if (x > threshold) return std::numeric_limits<int32_t>::max();
  if (x < -threshold) return std::numeric_limits<int32_t>::min();
  return WrappingShiftLeft(x, exponent);
}

// static_cast<int32_t>(v) as x86 computes it (cvttsd2si): truncation toward zero; NaN and values outside
// the int32 range give INT32_MIN. (In C++ the cast itself is undefined there; LiteRT's results depend on
// what x86 does, so it is written out.)
EL_ALWAYS_INLINE int32_t FloatToInt32LikeX86(double v) {
  if (!(v > -2147483649.0 && v < 2147483648.0)) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(v);
}

// Clamps v to the range of T.
template <typename T>
EL_ALWAYS_INLINE T SaturateTo(int64_t v) {
  constexpr int64_t lo = std::numeric_limits<T>::min(), hi = std::numeric_limits<T>::max();
  return static_cast<T>(v < lo ? lo : (v > hi ? hi : v));
}

// DownScaleInt32ToInt16Multiplier: (m + 2^15) >> 16, saturating at the top.
int16_t DownScaleInt32ToInt16Multiplier(int32_t multiplier);

// CheckedLog2 in float32, as LiteRT's int16 ADD/SUB prepare computes it: the rounded log2 of x, and whether
// x is within 1e-3 of an octave of that power of two.
bool CheckedLog2(float x, int* log2_result);

// The fused activations a quantized output clamps to (the schema's ActivationFunctionType values).
enum class QuantizedActivation { kNone = 0, kRelu = 1, kReluN1To1 = 2, kRelu6 = 3 };

// CalculateActivationRangeQuantized: RELU [q(0), max], RELU6 [q(0), q(6)], RELU_N1_TO_1 [q(-1), q(1)],
// each clamped to [type_min, type_max], with q(v) = zero_point + int32(round(float32(v / scale))); any other
// activation (NONE, TANH, SIGN_BIT, RELU_0_TO_1) keeps the whole range, as LiteRT's reference does.
// Returns false (and the whole range) when a bound does not fit int32 (an absurdly small output scale),
// where LiteRT's prepare fails: callers turn that into an error naming the output.
bool QuantizedActivationRange(int activation, float scale, int32_t zero_point, int32_t type_min, int32_t type_max,
                              int32_t* lo, int32_t* hi);

// The 256-entry table of an 8-bit element-wise operator (LUTPopulate): entry q - type_min holds
// clamp(int32(round(f(s_in * float(q - z_in)) * (1 / s_out)) + z_out)), all in float32 as LiteRT's prepare.
// `is_signed` picks int8 (q in [-128, 127]) or uint8 ([0, 255]).
using FloatFunction = float (*)(float);
void PopulateLut8(FloatFunction f, float input_scale, int32_t input_zero_point, float output_scale,
                  int32_t output_zero_point, bool is_signed, uint8_t table[256]);

// The 513-entry interpolated table of an int16 operator (LUTPopulateInt16), over the input's full range;
// LookupInt16 reads it.
void PopulateLutInt16(FloatFunction f, float input_scale, int32_t input_zero_point, float output_scale,
                      int32_t output_zero_point, int16_t table[513]);
// The same for a function with a parameter (LiteRT's lut_func_params), e.g. RSQRT's value at x <= 0.
using FloatFunctionWithParam = float (*)(float x, const void* param);
void PopulateLutInt16(FloatFunctionWithParam f, const void* param, float input_scale, int32_t input_zero_point,
                      float output_scale, int32_t output_zero_point, int16_t table[513]);
// The same with the function and the table's arithmetic in double (SOFTMAX's int16 tables).
using DoubleFunction = double (*)(double);
void PopulateLutInt16Double(DoubleFunction f, double input_min, double input_max, double output_min,
                            double output_max, int16_t table[513]);

// LUTLookup for int16: entry 256 + (q >> 7), linear interpolation over the low 7 bits, rounded.
EL_ALWAYS_INLINE int16_t LookupInt16(const int16_t* table, int16_t q) {
  const int index = 256 + (q >> 7);
  const int32_t base = table[index];
  const int32_t slope = table[index + 1] - base;
  return static_cast<int16_t>(base + ((slope * (q & 0x7F) + 64) >> 7));
}

}  // namespace edgelite
