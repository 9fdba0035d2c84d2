// ADD and SUB on quantized tensors as LiteRT's reference kernels compute them (docs/integer_kernels.md,
// ADD / SUB): the general form for int8, uint8 and int16 (both inputs brought to a common scale after a
// left shift, added or subtracted, then scaled to the output), and the int16 form for power-of-two scales
// (one input shifted right, a saturating add). Plain math, no framework types.
#pragma once

#include <algorithm>
#include <cstdint>

#include "interpreter/kernels/quantization_util.h"

namespace edgelite {
namespace reference {
namespace integer {

// The general form's parameters, made in prepare: left_shift is 20 for 8-bit types and 15 for int16;
// the multipliers are s_a / (2 max(s_a, s_b)), s_b / (2 max) and 2 max / (2^left_shift s_y), each below one.
struct AddSubParams {
  int left_shift = 20;
  int32_t input1_offset = 0, input2_offset = 0;  // minus the zero points
  QuantizedMultiplier input1, input2, output;
  int32_t output_offset = 0;                     // the output zero point
  int32_t activation_min = 0, activation_max = 0;
};

// One output value: a + b (negate_b 0) or a - b (negate_b -1) of raw values a and b. The sign is data so that
// one vector loop serves both operators: (x ^ -1) - (-1) is -x in wrapping int32, so the sum is the
// reference's wrapping difference bit for bit.
EL_ALWAYS_INLINE int32_t AddSubValue(const AddSubParams& p, int32_t a, int32_t b, int32_t negate_b) {
  const int32_t shifted_a = WrappingShiftLeft(a + p.input1_offset, p.left_shift);
  const int32_t shifted_b = WrappingShiftLeft(b + p.input2_offset, p.left_shift);
  const int32_t scaled_a =
      MultiplyByQuantizedMultiplierSmallerThanOneExp(shifted_a, p.input1.multiplier, p.input1.shift);
  const int32_t scaled_b =
      MultiplyByQuantizedMultiplierSmallerThanOneExp(shifted_b, p.input2.multiplier, p.input2.shift);
  const int32_t sum = WrappingAdd(scaled_a, WrappingSub(scaled_b ^ negate_b, negate_b));
  const int32_t out =
      MultiplyByQuantizedMultiplierSmallerThanOneExp(sum, p.output.multiplier, p.output.shift) + p.output_offset;
  return std::min(std::max(out, p.activation_min), p.activation_max);
}

// The same with the operator fixed: a + b (kSign 1) or a - b (kSign -1).
template <int kSign>
EL_ALWAYS_INLINE int32_t AddSubValue(const AddSubParams& p, int32_t a, int32_t b) {
  return AddSubValue(p, a, b, kSign > 0 ? 0 : -1);
}

// int16 with power-of-two scales and zero points 0: the input whose scale is finer is divided by 2^-shift
// (rounded, ties away from zero; the shifts are <= 0 and one of them is 0), then a saturating int16 sum.
struct AddSubPotParams {
  int input1_shift = 0, input2_shift = 0;
  int32_t activation_min = 0, activation_max = 0;
};

template <int kSign>
EL_ALWAYS_INLINE int16_t AddSubPotValue(const AddSubPotParams& p, int16_t a, int16_t b) {
  const int32_t shifted_a = RoundingDivideByPOT<int32_t>(a, -p.input1_shift);
  const int32_t shifted_b = RoundingDivideByPOT<int32_t>(b, -p.input2_shift);
  const int32_t sum = SaturateTo<int16_t>(kSign > 0 ? shifted_a + shifted_b : shifted_a - shifted_b);
  return static_cast<int16_t>(std::min(std::max(sum, p.activation_min), p.activation_max));
}

}  // namespace integer
}  // namespace reference
}  // namespace edgelite
