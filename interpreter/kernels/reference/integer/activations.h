// Integer element-wise activations as LiteRT's reference kernels compute them (docs/integer_kernels.md,
// "RSQRT", "RELU ...", "LEAKY_RELU", "HARD_SWISH", "LOGISTIC, TANH", "ELU, GELU"): one function per
// operator from an input value to an output value, with the parameters prepare derived. 8-bit table
// operators (LOGISTIC, TANH, ELU, GELU) are LookupTable8 over a table built in prepare (PopulateLut8);
// int16 GELU and RSQRT read the interpolated 513-entry table (LookupInt16). Plain math, no framework types.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "interpreter/kernels/quantization_util.h"
#include "interpreter/kernels/reference/integer/fixed_point.h"
#include "interpreter/kernels/reference/integer/sigmoid_table.h"

namespace edgelite {
namespace reference {
namespace integer {

EL_ALWAYS_INLINE int32_t Clamp32(int32_t v, int32_t lo, int32_t hi) { return std::min(std::max(v, lo), hi); }

// RELU, RELU6: out = clamp(z_y + MBQM(q - z_x), lo, hi), lo/hi the activation's bounds on the output.
struct ReluParams {
  int32_t input_zero_point = 0, output_zero_point = 0;
  QuantizedMultiplier multiplier;
  int32_t lo = 0, hi = 0;
};
EL_ALWAYS_INLINE int32_t QuantizedRelu(int32_t q, const ReluParams& p) {
  const int32_t v = MultiplyByQuantizedMultiplier(q - p.input_zero_point, p.multiplier.multiplier, p.multiplier.shift);
  return Clamp32(p.output_zero_point + v, p.lo, p.hi);
}

// LEAKY_RELU: identity multiplier for x >= 0, alpha's otherwise. A negative alpha makes a negative
// multiplier, which LiteRT applies as -MBQM(x, -m) (the rounding differs from MBQM(x, m) on ties).
struct LeakyReluParams {
  int32_t input_zero_point = 0, output_zero_point = 0;
  QuantizedMultiplier identity, alpha;
  int32_t lo = 0, hi = 0;  // the type's range
};
EL_ALWAYS_INLINE int32_t QuantizedLeakyRelu(int32_t q, const LeakyReluParams& p) {
  const int32_t x = q - p.input_zero_point;
  int32_t v;
  if (x >= 0) {
    v = MultiplyByQuantizedMultiplier(x, p.identity.multiplier, p.identity.shift);
  } else if (p.alpha.multiplier < 0) {
    v = -MultiplyByQuantizedMultiplier(x, WrappingSub(0, p.alpha.multiplier), p.alpha.shift);
  } else {
    v = MultiplyByQuantizedMultiplier(x, p.alpha.multiplier, p.alpha.shift);
  }
  return Clamp32(p.output_zero_point + v, p.lo, p.hi);
}

// HARD_SWISH (8-bit) in int16 fixed point on the input scale / 128.
struct HardSwishParams {
  int32_t input_zero_point = 0, output_zero_point = 0;
  int16_t output_multiplier = 0;  // reduced to 16 bits
  int output_exponent = 0;        // <= 0
  int16_t reluish_multiplier = 0;
  int reluish_exponent = 0;
  int32_t lo = 0, hi = 0;
};
EL_ALWAYS_INLINE int16_t SaturatingLeftShift16(int32_t x, int amount) {
  const int64_t shifted = static_cast<int64_t>(x) * (int64_t{1} << std::min(amount, 32));
  return static_cast<int16_t>(std::min<int64_t>(std::max<int64_t>(shifted, -32768), 32767));
}
EL_ALWAYS_INLINE int16_t WrapToInt16(int32_t x) { return static_cast<int16_t>(static_cast<uint16_t>(x)); }
EL_ALWAYS_INLINE int32_t QuantizedHardSwish(int32_t q, const HardSwishParams& p) {
  const int16_t x = WrapToInt16((q - p.input_zero_point) * 128);
  const int16_t on_output_scale = SaturatingRoundingDoublingHighMul16(x, p.output_multiplier);
  // reluish: x on a scale where 3 is 32768, clamped to [-1, 1] in Q0.15, then mapped to [0, 1].
  int16_t r = x;
  if (p.reluish_exponent > 0) r = SaturatingLeftShift16(r, p.reluish_exponent - 1);
  r = SaturatingRoundingDoublingHighMul16(r, p.reluish_multiplier);
  if (p.reluish_exponent > 0) r = SaturatingLeftShift16(r, 1);
  if (p.reluish_exponent < 0) r = RoundingDivideByPOT<int16_t>(r, -p.reluish_exponent);
  const int32_t reluish = (static_cast<int32_t>(r) + (1 << 15)) >> 1;
  // The product is truncated toward zero (SaturatingDoublingHighMul, no rounding), unlike SRDHM.
  const int16_t preshift = static_cast<int16_t>((reluish * on_output_scale) / (1 << 15));
  const int16_t out = WrapToInt16(RoundingDivideByPOT<int16_t>(preshift, -p.output_exponent) + p.output_zero_point);
  return Clamp32(out, p.lo, p.hi);
}

// RSQRT int8 for q >= the input zero point (LiteRT fails on smaller values): 0 gives 127.
struct RsqrtParams {
  int32_t input_zero_point = 0, output_zero_point = 0;
  QuantizedMultiplier multiplier;  // 1 / (sqrt(s_x) * s_y)
};
EL_ALWAYS_INLINE int32_t QuantizedRsqrt(int32_t q, const RsqrtParams& p) {
  constexpr int kShift = 20;  // keeps the intermediate an integer
  const int32_t v = q - p.input_zero_point;
  if (v == 0) return 127;
  const QuantizedMultiplier inv = GetInvSqrtQuantizedMultiplierExp(v, /*reverse_shift=*/-1);
  const int32_t t = MultiplyByQuantizedMultiplier(1, inv.multiplier, inv.shift + kShift);
  return Clamp32(MultiplyByQuantizedMultiplier(t, p.multiplier.multiplier, p.multiplier.shift - kShift) +
                     p.output_zero_point,
                 -128, 127);
}

// SQRT int8 / int16 for q >= the input zero point (LiteRT fails on smaller values), in float as LiteRT's
// kernel: sqrt of the dequantized value, divided by s_y, truncated toward zero (no rounding), plus z_y.
struct SqrtParams {
  float input_scale = 0.f, output_scale = 0.f;
  int32_t input_zero_point = 0, output_zero_point = 0, lo = 0, hi = 0;
};
inline int32_t QuantizedSqrt(int32_t q, const SqrtParams& p) {
  const float x = p.input_scale * static_cast<float>(q - p.input_zero_point);
  const float y = std::sqrt(x) / p.output_scale;
  // Clamped in float first: the int conversion of a value past the int range would be undefined.
  return Clamp32(static_cast<int32_t>(std::min(y, 65536.f)) + p.output_zero_point, p.lo, p.hi);
}

// ABS on int8 / int16 with quantization: |q - z_x|, rescaled unless the scales are equal.
struct AbsParams {
  int32_t input_zero_point = 0, output_zero_point = 0;
  bool rescale = false;
  QuantizedMultiplier multiplier;
  int32_t lo = 0, hi = 0;
};
EL_ALWAYS_INLINE int32_t QuantizedAbs(int32_t q, const AbsParams& p) {
  const int32_t v = std::abs(q - p.input_zero_point);
  const int32_t scaled = p.rescale ? MultiplyByQuantizedMultiplier(v, p.multiplier.multiplier, p.multiplier.shift) : v;
  return Clamp32(scaled + p.output_zero_point, p.lo, p.hi);
}

// int16 LOGISTIC and TANH: the input taken to the table's scale (+-2^17 is +-10.7) by x = (q * m + round)
// >> shift; |x| indexes kSigmoidTableQ16 with linear interpolation, the sign by symmetry.
struct Int16TableInput {
  int32_t multiplier = 0;
  int shift = 0;
};
EL_ALWAYS_INLINE int32_t Int16TableInputValue(int32_t q, const Int16TableInput& p) {
  const int32_t rounding = p.shift > 0 ? int32_t{1} << (p.shift - 1) : 0;
  return WrappingAdd(static_cast<int32_t>(static_cast<uint32_t>(q) * static_cast<uint32_t>(p.multiplier)),
                     rounding) >>
         p.shift;
}
EL_ALWAYS_INLINE int32_t LogisticInt16(int32_t q, const Int16TableInput& p) {
  const int32_t x = Int16TableInputValue(q, p);
  const uint32_t ax = static_cast<uint32_t>(std::abs(x));
  const uint32_t index = ax >> 9;  // 9 fraction bits
  uint32_t result;
  if (index >= 255) {
    result = uint32_t{0x7FFF} << 10;
  } else {
    const uint32_t a = kSigmoidTableQ16[index], b = kSigmoidTableQ16[index + 1];
    result = (a << 9) + (ax & 0x1FF) * (b - a);
  }
  result = x >= 0 ? result + (1u << 9) : (1u << 25) - result + (1u << 9) - 1;
  return WrapToInt16(static_cast<int32_t>(result >> 10));
}
EL_ALWAYS_INLINE int32_t TanhInt16(int32_t q, const Int16TableInput& p) {
  const int32_t x = Int16TableInputValue(q, p);
  const uint32_t ax = static_cast<uint32_t>(std::abs(x));
  const uint32_t index = ax >> 8;  // 8 fraction bits: tanh(x) = 2 sigmoid(2x) - 1
  int32_t result;
  if (index >= 255) {
    result = 0xFFFF << 8;
  } else {
    const int32_t a = kSigmoidTableQ16[index], b = kSigmoidTableQ16[index + 1];
    result = (a << 8) + static_cast<int32_t>(ax & 0xFF) * (b - a);
  }
  result = x >= 0 ? result - (1 << 23) + (1 << 7) : -result + (1 << 23) + (1 << 7) - 1;
  return WrapToInt16(result >> 8);
}

// An 8-bit operator by table: `table` holds the output for each input byte (indexed by the value's bits,
// so int8 -1 is entry 255).
template <typename T>
inline void LookupTable8(const T* in, T* out, int64_t n, const uint8_t table[256]) {
  for (int64_t i = 0; i < n; ++i) out[i] = static_cast<T>(table[static_cast<uint8_t>(in[i])]);
}

}  // namespace integer
}  // namespace reference
}  // namespace edgelite
