// gemmlowp-style fixed-point transcendental functions on int32 values, as LiteRT's 8-bit SOFTMAX,
// LOG_SOFTMAX and RSQRT compute them (docs/integer_kernels.md section 1): exp on negative values, 1 / (1 + x)
// on [0, 1), the reciprocal of a Q(n) sum, log(x) for x >= 1, and 1 / sqrt(x) as a quantized multiplier.
// A value in Q(i) has i integer bits and 31 - i fractional ones. Products are SRDHM, additions wrap, and
// rescaling between formats is a saturating left shift or a rounding right shift, operation by operation
// as in the originals, so the results are bit-exact; tests/interpreter/kernels/integer_reference.py models
// the same steps in NumPy. The constants are round(value * 2^31) (2^29 for Q2.29) of the real named beside
// each. Plain math, no framework types, always inlined (ISA units use them too).
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>

#include "interpreter/kernels/quantization_util.h"

namespace edgelite {
namespace reference {
namespace integer {

constexpr int32_t kFixedPointOne = std::numeric_limits<int32_t>::max();  // 1.0 in Q0.31, saturated

// (WrappingAdd and WrappingSub are quantization_util.h's.)
EL_ALWAYS_INLINE int32_t SaturatingAdd(int32_t a, int32_t b) {
  const int64_t s = static_cast<int64_t>(a) + b;
  return static_cast<int32_t>(std::min<int64_t>(std::max<int64_t>(s, INT32_MIN), INT32_MAX));
}
EL_ALWAYS_INLINE int32_t SaturatingSub(int32_t a, int32_t b) {
  const int64_t s = static_cast<int64_t>(a) - b;
  return static_cast<int32_t>(std::min<int64_t>(std::max<int64_t>(s, INT32_MIN), INT32_MAX));
}

// Number of leading zero bits of x as uint32 (32 for 0).
EL_ALWAYS_INLINE int CountLeadingZeros32(uint32_t x) {
#if defined(__GNUC__)
  return x == 0 ? 32 : __builtin_clz(x);
#else
  int n = 0;
  for (uint32_t bit = 0x80000000u; bit && !(x & bit); bit >>= 1) ++n;
  return n;
#endif
}

// (a + b) / 2 rounded half away from zero, in int64.
EL_ALWAYS_INLINE int32_t RoundingHalfSum(int32_t a, int32_t b) {
  const int64_t sum = static_cast<int64_t>(a) + b;
  return static_cast<int32_t>((sum + (sum >= 0 ? 1 : -1)) / 2);
}

// Rescale: a Q(src_bits) value in Q(dst_bits).
EL_ALWAYS_INLINE int32_t Rescale(int32_t x, int src_integer_bits, int dst_integer_bits) {
  return SaturatingRoundingMultiplyByPOT(x, src_integer_bits - dst_integer_bits);
}

// exp(a) for a in [-1/4, 0), Q0.31 in and out: the Taylor expansion around -1/8 to the fourth power.
EL_ALWAYS_INLINE int32_t ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(int32_t a) {
  constexpr int32_t kExpMinusOneEighth = 1895147668;  // exp(-1/8)
  constexpr int32_t kOneThird = 715827883;             // 1/3
  const int32_t x = WrappingAdd(a, 1 << 28);           // a + 1/8
  const int32_t x2 = SaturatingRoundingDoublingHighMul(x, x);
  const int32_t x3 = SaturatingRoundingDoublingHighMul(x2, x);
  const int32_t x4_over_4 = RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x2, x2), 2);
  // x^4/24 + x^3/6 + x^2/2 = ((x^4/4 + x^3) / 3 + x^2) / 2
  const int32_t poly = RoundingDivideByPOT(
      WrappingAdd(SaturatingRoundingDoublingHighMul(WrappingAdd(x4_over_4, x3), kOneThird), x2), 1);
  return WrappingAdd(kExpMinusOneEighth,
                     SaturatingRoundingDoublingHighMul(kExpMinusOneEighth, WrappingAdd(x, poly)));
}

// exp(a) for a <= 0 in Q(integer_bits) (1 <= integer_bits <= 6), result in Q0.31: a's remainder modulo 1/4
// through the polynomial, then one multiplication by exp(-2^k) for each set bit k of the rest.
EL_ALWAYS_INLINE int32_t ExpOnNegativeValues(int32_t a, int integer_bits) {
  const int fractional_bits = 31 - integer_bits;
  const int32_t one_quarter = int32_t{1} << (fractional_bits - 2);
  const int32_t a_mod_quarter_minus_one_quarter = WrappingSub(a & (one_quarter - 1), one_quarter);
  int32_t result =
      ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(Rescale(a_mod_quarter_minus_one_quarter, integer_bits, 0));
  const int32_t remainder = WrappingSub(a_mod_quarter_minus_one_quarter, a);
  // exp(-2^k) for k = -2 .. 4.
  constexpr int32_t kExpMinusPowerOfTwo[7] = {1672461947, 1302514674, 790015084, 290630308,
                                              39332535,   720401,     242};
  for (int exponent = -2; exponent <= 4; ++exponent) {
    if (integer_bits > exponent && (remainder >> (fractional_bits + exponent)) & 1) {
      result = SaturatingRoundingDoublingHighMul(result, kExpMinusPowerOfTwo[exponent + 2]);
    }
  }
  if (integer_bits > 5 && a < -(int32_t{1} << (36 - integer_bits))) result = 0;  // below -32
  return a == 0 ? kFixedPointOne : result;
}

// 1 / (1 + a) for a in [0, 1) in Q0.31: three Newton-Raphson steps in Q2.29 on the half denominator,
// starting from 48/17 - 32/17 * d.
EL_ALWAYS_INLINE int32_t OneOverOnePlusXForXIn01(int32_t a) {
  constexpr int32_t k48Over17 = 1515870810;    // 48/17 in Q2.29
  constexpr int32_t kMinus32Over17 = -1010580540;  // -32/17 in Q2.29
  constexpr int32_t kOneQ2 = 1 << 29;
  const int32_t half_denominator = RoundingHalfSum(a, kFixedPointOne);
  int32_t x = WrappingAdd(k48Over17, SaturatingRoundingDoublingHighMul(half_denominator, kMinus32Over17));
  for (int i = 0; i < 3; ++i) {
    const int32_t one_minus_half_denominator_times_x =
        WrappingSub(kOneQ2, SaturatingRoundingDoublingHighMul(half_denominator, x));
    x = WrappingAdd(x, Rescale(SaturatingRoundingDoublingHighMul(x, one_minus_half_denominator_times_x), 4, 2));
  }
  return Rescale(x, 1, 0);  // x / 2, from Q2.29 read as Q1.30, into Q0.31
}

// GetReciprocal: 1 / x for positive x in Q(x_integer_digits), as a Q0.31 significand and the number of
// bits the value exceeds one by (the reciprocal is significand * 2^-num_bits_over_unit).
EL_ALWAYS_INLINE int32_t GetReciprocal(int32_t x, int x_integer_digits, int* num_bits_over_unit) {
  const int headroom_plus_one = CountLeadingZeros32(static_cast<uint32_t>(x));
  *num_bits_over_unit = x_integer_digits - headroom_plus_one;
  const uint32_t shifted = headroom_plus_one >= 32 ? 0u : static_cast<uint32_t>(x) << headroom_plus_one;
  const int32_t shifted_sum_minus_one = static_cast<int32_t>(shifted - (uint32_t{1} << 31));
  return OneOverOnePlusXForXIn01(shifted_sum_minus_one);
}

// log(x) for x >= 1 in Q(input_integer_bits), result in Q(output_integer_bits): x normalized by its leading
// zeros two ways (directly and times sqrt(1/2)), the better-conditioned one kept, and a rational
// approximation around 2^(1/4) for the fraction, accumulated with one more integer bit than the output.
EL_ALWAYS_INLINE int32_t LogXForXGreaterThanOrEqualTo1(int32_t x, int input_integer_bits,
                                                       int output_integer_bits) {
  constexpr int32_t kLog2 = 1488522236;          // log(2)
  constexpr int32_t kSqrtSqrtHalf = 1805811301;  // sqrt(sqrt(1/2))
  constexpr int32_t kSqrtHalf = 1518500250;      // sqrt(1/2)
  constexpr int32_t kOneQuarter = 536870912;     // 1/4
  // With r = 2^(1/4): 11/240 r, 1/20 r, 2/r - r, r/4.
  constexpr int32_t kAlphaN = 117049297, kAlphaD = 127690142, kAlphaI = 1057819769, kAlphaF = 638450708;
  const int accum_bits = output_integer_bits + 1;
  const int32_t shifted_quarter = Rescale(kOneQuarter, 0, accum_bits);

  const int z_a_headroom_plus_1 = CountLeadingZeros32(static_cast<uint32_t>(x));
  const int32_t r_a_tmp = SaturatingRoundingMultiplyByPOT(x, z_a_headroom_plus_1 - 1);
  const int32_t r_a_raw = SaturatingRoundingMultiplyByPOT(SaturatingRoundingDoublingHighMul(r_a_tmp, kSqrtHalf), 1);
  const int32_t z_a_pow_2_adj = SaturatingAdd(
      SaturatingRoundingMultiplyByPOT(input_integer_bits - z_a_headroom_plus_1, 31 - accum_bits), shifted_quarter);

  const int32_t z_b = SaturatingRoundingDoublingHighMul(x, kSqrtHalf);
  const int z_b_headroom = CountLeadingZeros32(static_cast<uint32_t>(z_b)) - 1;
  const int32_t r_b_raw = SaturatingRoundingMultiplyByPOT(x, z_b_headroom);
  const int32_t z_b_pow_2_adj = SaturatingSub(
      SaturatingRoundingMultiplyByPOT(input_integer_bits - z_b_headroom, 31 - accum_bits), shifted_quarter);

  const int32_t r = std::min(r_a_raw, r_b_raw);
  const int32_t z_pow_2_adj = std::max(z_a_pow_2_adj, z_b_pow_2_adj);

  const int32_t p = RoundingHalfSum(r, kSqrtSqrtHalf);
  int32_t q = WrappingSub(r, kSqrtSqrtHalf);
  q = WrappingAdd(q, q);
  const int32_t common_sq = SaturatingRoundingDoublingHighMul(q, q);
  const int32_t num = WrappingAdd(
      SaturatingRoundingDoublingHighMul(q, r),
      SaturatingRoundingDoublingHighMul(SaturatingRoundingDoublingHighMul(q, common_sq), kAlphaN));
  const int32_t denom_minus_one = WrappingAdd(
      SaturatingRoundingDoublingHighMul(
          p, WrappingAdd(WrappingAdd(kAlphaI, q), SaturatingRoundingDoublingHighMul(kAlphaD, common_sq))),
      SaturatingRoundingDoublingHighMul(kAlphaF, q));
  const int32_t recip_denom = OneOverOnePlusXForXIn01(denom_minus_one);
  const int32_t num_scaled = Rescale(num, 0, accum_bits);
  const int32_t total = WrappingAdd(SaturatingRoundingDoublingHighMul(z_pow_2_adj, kLog2),
                                    SaturatingRoundingDoublingHighMul(num_scaled, recip_denom));
  return Rescale(total, accum_bits, output_integer_bits);
}

// GetInvSqrtQuantizedMultiplierExp: 1 / sqrt(input) as a multiplier and shift for
// MultiplyByQuantizedMultiplier, by five Newton-Raphson steps in Q3.28 from 1 after normalising the input
// by pairs of leading zeros. input <= 1 gives (INT32_MAX, 0). `reverse_shift` (-1 in RSQRT) multiplies the
// returned shift.
EL_ALWAYS_INLINE QuantizedMultiplier GetInvSqrtQuantizedMultiplierExp(int32_t input, int reverse_shift) {
  QuantizedMultiplier out;
  if (input <= 1) {
    out.multiplier = std::numeric_limits<int32_t>::max();
    out.shift = 0;
    return out;
  }
  int shift = 11;
  while (input >= (1 << 29)) {
    input /= 4;
    ++shift;
  }
  const int max_left_shift_bits = CountLeadingZeros32(static_cast<uint32_t>(input)) - 1;
  const int left_shift_bit_pairs = max_left_shift_bits / 2 - 1;
  shift -= left_shift_bit_pairs;
  input <<= 2 * left_shift_bit_pairs;
  const int32_t half_input = RoundingDivideByPOT(input >> 1, 1);  // Q3.28
  constexpr int32_t kHalfThree = (1 << 28) + (1 << 27);            // 1.5 in Q3.28
  int32_t x = 1 << 28;                                             // 1 in Q3.28
  for (int i = 0; i < 5; ++i) {
    const int32_t x3 = Rescale(SaturatingRoundingDoublingHighMul(SaturatingRoundingDoublingHighMul(x, x), x), 9, 3);
    x = Rescale(WrappingSub(SaturatingRoundingDoublingHighMul(kHalfThree, x),
                            SaturatingRoundingDoublingHighMul(half_input, x3)),
                6, 3);
  }
  constexpr int32_t kHalfSqrt2 = 1518500250;  // sqrt(2) / 2
  x = SaturatingRoundingDoublingHighMul(x, kHalfSqrt2);
  if (shift < 0) {
    x = WrappingShiftLeft(x, -shift);
    shift = 0;
  }
  out.multiplier = x;
  out.shift = shift * reverse_shift;
  return out;
}

}  // namespace integer
}  // namespace reference
}  // namespace edgelite
