// Integer MEAN, SUM and REDUCE_PROD as LiteRT computes them (docs/integer_kernels.md "MEAN, SUM"): the raw
// values summed in int32 (wrapping), then requantized. MEAN (LiteRT's reference algorithm, which
// BUILTIN_REF always runs) and uint8 SUM use MultiplyByQuantizedMultiplier; int8 and int16 SUM use the
// float32 formula of LiteRT's default kernel (its reference one reads those types as uint8, a bug we do not
// follow). REDUCE_PROD rescales after every product. Plain math, no framework types.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "interpreter/kernels/quantization_util.h"

namespace edgelite {
namespace reference {
namespace integer {

// How a sum of N raw input values becomes an output value.
struct QuantizedSumParams {
  bool float_formula = false;
  // MBQM form: out = MBQM(sum - z_x * N, multiplier) + z_y.
  uint32_t input_offset = 0;  // z_x * N, modulo 2^32 as LiteRT's int32 arithmetic
  QuantizedMultiplier multiplier;
  // float form: out = int32(round(float(sum) * scale + bias)) + z_y.
  float scale = 0.f, bias = 0.f;
  int32_t output_zero_point = 0;
  int32_t lo = 0, hi = 0;  // the output type's range
};

// MEAN: QuantizeMultiplier(s_x / s_y) with 1 / N folded in: the multiplier shifted left by k = min(floor(log2
// N), 32, 31 + shift) and integer-divided by N, the shift lowered by k.
inline QuantizedSumParams MeanParams(float input_scale, int32_t input_zero_point, float output_scale,
                                     int32_t output_zero_point, int64_t n, int32_t lo, int32_t hi) {
  QuantizedSumParams p;
  QuantizedMultiplier m = QuantizeMultiplier(static_cast<double>(input_scale) / static_cast<double>(output_scale));
  if (n > 0) {
    int k = 0;
    while ((int64_t{1} << (k + 1)) <= n) ++k;  // floor(log2 n)
    k = std::min(k, 32);
    k = std::min(k, 31 + m.shift);
    m.multiplier = static_cast<int32_t>((static_cast<int64_t>(m.multiplier) << k) / n);
    m.shift -= k;
  }
  p.multiplier = m;
  p.input_offset = static_cast<uint32_t>(input_zero_point) * static_cast<uint32_t>(n);
  p.output_zero_point = output_zero_point;
  p.lo = lo;
  p.hi = hi;
  return p;
}

// uint8 SUM (LiteRT's reference): QuantizeMultiplier(s_x / s_y), in double.
inline QuantizedSumParams SumParams(float input_scale, int32_t input_zero_point, float output_scale,
                                    int32_t output_zero_point, int64_t n, int32_t lo, int32_t hi) {
  QuantizedSumParams p = MeanParams(input_scale, input_zero_point, output_scale, output_zero_point, 0, lo, hi);
  p.input_offset = static_cast<uint32_t>(input_zero_point) * static_cast<uint32_t>(n);
  return p;
}

// int8 / int16 SUM (LiteRT's default kernel): scale = s_x / s_y and bias = -z_x * scale * N in float32.
inline QuantizedSumParams SumFloatParams(float input_scale, int32_t input_zero_point, float output_scale,
                                         int32_t output_zero_point, int64_t n, int32_t lo, int32_t hi) {
  QuantizedSumParams p;
  p.float_formula = true;
  p.scale = input_scale / output_scale;
  p.bias = static_cast<float>(-input_zero_point) * p.scale * static_cast<float>(n);
  p.output_zero_point = output_zero_point;
  p.lo = lo;
  p.hi = hi;
  return p;
}

// The output value of a sum (int32, as its bits in uint32).
EL_ALWAYS_INLINE int32_t FinishQuantizedSum(uint32_t sum, const QuantizedSumParams& p) {
  int32_t v;
  if (p.float_formula) {
    const float scaled = static_cast<float>(static_cast<int32_t>(sum)) * p.scale + p.bias;
    v = FloatToInt32LikeX86(static_cast<double>(std::round(scaled)));
  } else {
    v = MultiplyByQuantizedMultiplier(static_cast<int32_t>(sum - p.input_offset), p.multiplier.multiplier,
                                      p.multiplier.shift);
  }
  const int64_t out = static_cast<int64_t>(v) + p.output_zero_point;
  return static_cast<int32_t>(std::min<int64_t>(std::max<int64_t>(out, p.lo), p.hi));
}

// REDUCE_PROD (int8, int16): the first value minus the zero point, then each product rescaled by
// m = QuantizeMultiplier(s_x / s_y^(1/N)) with the int64 MultiplyByQuantizedMultiplier, and once more at
// the end: N scalings of s_x each, s_y once.
struct QuantizedProdParams {
  int32_t input_zero_point = 0, output_zero_point = 0;
  QuantizedMultiplier multiplier;
  int32_t lo = 0, hi = 0;
};
EL_ALWAYS_INLINE int32_t ProdFirst(int32_t q, const QuantizedProdParams& p) { return q - p.input_zero_point; }
EL_ALWAYS_INLINE int32_t ProdNext(int32_t acc, int32_t q, const QuantizedProdParams& p) {
  return MultiplyByQuantizedMultiplier(static_cast<int64_t>(acc) * (q - p.input_zero_point), p.multiplier.multiplier,
                                       p.multiplier.shift);
}
EL_ALWAYS_INLINE int32_t ProdFinish(int32_t acc, const QuantizedProdParams& p) {
  const int64_t out = static_cast<int64_t>(MultiplyByQuantizedMultiplier(static_cast<int64_t>(acc),
                                                                         p.multiplier.multiplier, p.multiplier.shift)) +
                      p.output_zero_point;
  return static_cast<int32_t>(std::min<int64_t>(std::max<int64_t>(out, p.lo), p.hi));
}

}  // namespace integer
}  // namespace reference
}  // namespace edgelite
