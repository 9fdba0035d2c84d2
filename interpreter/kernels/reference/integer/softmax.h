// Integer SOFTMAX and LOG_SOFTMAX along the last axis as LiteRT's reference kernels compute them
// (docs/integer_kernels.md "SOFTMAX", "LOG_SOFTMAX"): 8-bit inputs in gemmlowp fixed point (differences
// from the row maximum scaled into Q5.26, exp, the sum of exps in Q12.19 and its reciprocal or log), int16
// inputs through two interpolated tables. One function per row; plain math, no framework types.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>

#include "interpreter/kernels/quantization_util.h"
#include "interpreter/kernels/reference/integer/fixed_point.h"

namespace edgelite {
namespace reference {
namespace integer {

constexpr int kSoftmaxScaledDiffIntegerBits = 5;   // Q5.26 differences, the input of exp
constexpr int kSoftmaxAccumulationIntegerBits = 12;  // Q12.19 sums of exps

// 8-bit SOFTMAX / LOG_SOFTMAX: a difference d = q - max (<= 0) is scaled by SRDHM(d << left_shift,
// multiplier) into Q5.26; d < diff_min is taken as exp = 0. LOG_SOFTMAX also brings the log of the sum back
// to input steps with the reverse multiplier (shift <= 0).
struct Softmax8Params {
  int32_t input_multiplier = 0;
  int input_left_shift = 0;
  int32_t diff_min = 0;
  int32_t reverse_multiplier = 0;
  int reverse_shift = 0;
};

// exp(beta * s_x * d) in Q0.31 for d >= diff_min.
EL_ALWAYS_INLINE int32_t SoftmaxExpOfDifference(int32_t d, const Softmax8Params& p) {
  const int32_t scaled = MultiplyByQuantizedMultiplierGreaterThanOne(d, p.input_multiplier, p.input_left_shift);
  return ExpOnNegativeValues(scaled, kSoftmaxScaledDiffIntegerBits);
}

template <typename In>
In RowMaximum(const In* x, int64_t depth) {
  In max = std::numeric_limits<In>::lowest();
  for (int64_t c = 0; c < depth; ++c) max = std::max(max, x[c]);
  return max;
}

// The Q12.19 sum of the row's exps, wrapping in int32 as LiteRT's.
template <typename In>
int32_t SoftmaxSumOfExps(const In* x, int64_t depth, int32_t max, const Softmax8Params& p) {
  int32_t sum = 0;
  for (int64_t c = 0; c < depth; ++c) {
    const int32_t d = static_cast<int32_t>(x[c]) - max;
    if (d >= p.diff_min) {
      sum = WrappingAdd(sum, Rescale(SoftmaxExpOfDifference(d, p), 0, kSoftmaxAccumulationIntegerBits));
    }
  }
  return sum;
}

// reciprocal * exp (both >= 0) divided by 2^exponent, rounded. With 8-bit outputs a row whose exps sum to
// 512 or more needs an exponent above 31, where LiteRT's RoundingDivideByPOT aborts; the quotient of such a
// non-negative int32 is 0 (the output minimum), which is what we give.
EL_ALWAYS_INLINE int32_t SoftmaxScaledExp(int32_t reciprocal, int32_t e, int exponent) {
  return exponent > 31 ? 0 : RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(reciprocal, e), exponent);
}

// One row of 8-bit SOFTMAX. The output's quantization is not read: Out's range stands for [0, 1]
// (1/256 per step for 8-bit outputs, 1/65536 for int16).
template <typename In, typename Out>
void Softmax8Row(const In* x, Out* y, int64_t depth, const Softmax8Params& p) {
  constexpr int kOutBits = 8 * sizeof(Out);
  constexpr int32_t kOutMin = std::numeric_limits<Out>::min(), kOutMax = std::numeric_limits<Out>::max();
  const int32_t max = RowMaximum(x, depth);
  int num_bits_over_unit = 0;
  const int32_t reciprocal =
      GetReciprocal(SoftmaxSumOfExps(x, depth, max, p), kSoftmaxAccumulationIntegerBits, &num_bits_over_unit);
  for (int64_t c = 0; c < depth; ++c) {
    const int32_t d = static_cast<int32_t>(x[c]) - max;
    int32_t out = kOutMin;
    if (d >= p.diff_min) {
      const int32_t e = SoftmaxExpOfDifference(d, p);
      out = SoftmaxScaledExp(reciprocal, e, num_bits_over_unit + 31 - kOutBits) + kOutMin;
      out = std::min(std::max(out, kOutMin), kOutMax);
    }
    y[c] = static_cast<Out>(out);
  }
}

// One row of 8-bit LOG_SOFTMAX: (scaled difference - log of the sum) on the output's 16/256 steps, from the
// type's maximum down; differences at or below the log sum's reach give the minimum.
template <typename T>
void LogSoftmax8Row(const T* x, T* y, int64_t depth, const Softmax8Params& p) {
  constexpr int32_t kMin = std::numeric_limits<T>::min(), kMax = std::numeric_limits<T>::max();
  constexpr int kOutputShift = 31 - kSoftmaxScaledDiffIntegerBits - 4;  // Q5.26 to 16/256 steps
  const int32_t max = RowMaximum(x, depth);
  const int32_t log_sum = LogXForXGreaterThanOrEqualTo1(SoftmaxSumOfExps(x, depth, max, p),
                                                        kSoftmaxAccumulationIntegerBits, kSoftmaxScaledDiffIntegerBits);
  const int32_t log_sum_in_input_steps = MultiplyByQuantizedMultiplierSmallerThanOneExp(
      WrappingAdd(log_sum, std::numeric_limits<int32_t>::min()), p.reverse_multiplier, p.reverse_shift);
  const int32_t adjusted_diff_min = std::max(p.diff_min - 1, log_sum_in_input_steps);
  for (int64_t c = 0; c < depth; ++c) {
    const int32_t d = static_cast<int32_t>(x[c]) - max;
    int32_t out = kMin;
    if (d > adjusted_diff_min) {
      const int32_t scaled = MultiplyByQuantizedMultiplierGreaterThanOne(d, p.input_multiplier, p.input_left_shift);
      out = std::min(std::max(RoundingDivideByPOT(WrappingSub(scaled, log_sum), kOutputShift) + kMax, kMin), kMax);
    }
    y[c] = static_cast<T>(out);
  }
}

// int16 SOFTMAX: exp by the table over [-10, 0] (input steps 10/65535, centred at 32767), the sum's
// reciprocal by the table of 1 / (1 + x) over [0, 1]; output on 1/32768 steps.
struct SoftmaxInt16Params {
  QuantizedMultiplier input_multiplier;  // s_x * beta / (10 / 65535)
  int16_t exp_table[513];
  int16_t reciprocal_table[513];
};

inline void SoftmaxInt16Row(const int16_t* x, int16_t* y, int64_t depth, const SoftmaxInt16Params& p) {
  const int32_t max = RowMaximum(x, depth);
  auto exp_of = [&](int16_t q) {
    const int32_t scaled =
        MultiplyByQuantizedMultiplier(static_cast<int32_t>(q) - max, p.input_multiplier.multiplier,
                                      p.input_multiplier.shift) +
        32767;
    return static_cast<int32_t>(LookupInt16(p.exp_table, SaturateTo<int16_t>(scaled)));
  };
  int32_t sum = 0;
  for (int64_t c = 0; c < depth; ++c) sum = WrappingAdd(sum, exp_of(x[c]));
  // The row maximum's exp is about 32767, so sum >= 1 << 14 and both shifts below are in range; the
  // clamps only keep a wrapped-around sum (rows of more than 65536 values) defined.
  const int headroom_plus_one = std::min(std::max(CountLeadingZeros32(static_cast<uint32_t>(sum)), 1), 30);
  const int32_t shifted_sum =
      static_cast<int32_t>(((static_cast<int64_t>(sum) << (headroom_plus_one - 1)) + (1 << 13)) >> 14);
  // shifted_sum is in [2^15, 2^16): minus 2^15 + 2^16 it indexes the table of 1 / (1 + x).
  const int32_t reciprocal =
      LookupInt16(p.reciprocal_table, SaturateTo<int16_t>(shifted_sum - (1 << 15) - (1 << 16)));
  const int right_shift = 31 - headroom_plus_one;
  for (int64_t c = 0; c < depth; ++c) {
    const int64_t product = static_cast<int64_t>(exp_of(x[c])) * reciprocal;
    y[c] = static_cast<int16_t>(std::min<int64_t>(
        std::max<int64_t>((product + (int64_t{1} << (right_shift - 1))) >> right_shift, 0), 32767));
  }
}

}  // namespace integer
}  // namespace reference
}  // namespace edgelite
