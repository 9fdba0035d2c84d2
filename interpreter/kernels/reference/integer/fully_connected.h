// Integer and dynamic-range FULLY_CONNECTED: weights [units, depth], input rows of `depth` values, as LiteRT's
// reference kernels compute them (docs/integer_kernels.md, FULLY_CONNECTED and "Dynamic range").
#pragma once

#include <cstdint>

#include "interpreter/kernels/reference/fused_activation.h"
#include "interpreter/kernels/reference/integer/requantize.h"

namespace edgelite {
namespace reference {
namespace integer {

// acc = sum (w + filter_offset) * (x + input_offset) + bias in Acc (int32, or int64 for int16 inputs with an
// int64 bias); bias may be null.
template <typename Acc, typename In, typename Weight, typename Bias>
EL_ALWAYS_INLINE Acc FullyConnectedAccumulator(const In* row, const Weight* weights, int depth, const Bias* bias,
                                               int unit, const FilterQuantization& q) {
  const Weight* w = weights + static_cast<int64_t>(unit) * depth;
  Acc acc = 0;
  for (int k = 0; k < depth; ++k) acc = MultiplyAccumulate(acc, w[k], row[k], q);
  if (bias) acc = WrappingAdd(acc, static_cast<Acc>(bias[unit]));
  return acc;
}

// What LiteRT 2.3.0's BUILTIN_REF computes for int8, uint8 and int16 (its reference since commit 9213607,
// April 2025): the accumulator requantized in double, out = clamp(int32(round(double(acc) * scale[u])) + z_y).
template <typename Acc, typename In, typename Weight, typename Bias, typename Out>
void QuantizedFullyConnected(int batch, int units, int depth, const FilterQuantization& q, const In* input,
                             const Weight* weights, const Bias* bias, Out* output) {
  for (int b = 0; b < batch; ++b) {
    const In* row = input + static_cast<int64_t>(b) * depth;
    Out* out = output + static_cast<int64_t>(b) * units;
    for (int u = 0; u < units; ++u) {
      out[u] = RequantizeChannelInDouble<Out>(FullyConnectedAccumulator<Acc>(row, weights, depth, bias, u, q), u, q);
    }
  }
}

// The integer formula LiteRT's reference used before April 2025 (and its default int8/uint8 kernels still
// follow, with NEON's rounding on x86): MultiplyByQuantizedMultiplier with QuantizeMultiplier of the same
// scale (per tensor: the scale product in float32). It differs from the double one by one on a few outputs
// in a thousand, so no row of ours may use it while it claims to equal BUILTIN_REF; kept, with its
// multipliers computed at prepare (FilterQuantization::multiplier), for comparing against older LiteRTs.
template <typename Acc, typename In, typename Weight, typename Bias, typename Out>
void QuantizedFullyConnectedDoubleRounding(int batch, int units, int depth, const FilterQuantization& q,
                                           const In* input, const Weight* weights, const Bias* bias, Out* output) {
  for (int b = 0; b < batch; ++b) {
    const In* row = input + static_cast<int64_t>(b) * depth;
    Out* out = output + static_cast<int64_t>(b) * units;
    for (int u = 0; u < units; ++u) {
      out[u] = RequantizeChannel<Out>(FullyConnectedAccumulator<Acc>(row, weights, depth, bias, u, q), u, q);
    }
  }
}

// Dynamic range (EvalHybridDense): row b of `quantized` has scale row_scale[b] and zero point zero_point[b];
// out = bias + float(dot - row_sum(w) * zp) * scale, scale = float32(row_scale * s_w) (per tensor, folded into
// the row's scale first) or float32(row_scale * s_w[u]); the float activation. dot - row_sum * zp is
// sum w * (q - zp) in int32. filter_scale has one entry per unit (a per-tensor scale repeated); bias may be null.
// LiteRT skips the products when the whole input is zero (output = bias); `all_zero` says so.
inline void HybridFullyConnected(int batch, int units, int depth, bool per_channel, bool all_zero,
                                 const int8_t* quantized, const float* row_scale, const int32_t* zero_point,
                                 const int8_t* weights, const float* filter_scale, const float* bias, float* output,
                                 float lo, float hi) {
  for (int b = 0; b < batch; ++b) {
    const int8_t* row = quantized + static_cast<int64_t>(b) * depth;
    const int32_t zp = zero_point[b];
    const float folded_scale = row_scale[b] * filter_scale[0];
    float* out = output + static_cast<int64_t>(b) * units;
    for (int u = 0; u < units; ++u) {
      float v = bias ? bias[u] : 0.f;
      if (!all_zero) {
        const int8_t* w = weights + static_cast<int64_t>(u) * depth;
        int32_t dot = 0;
        for (int k = 0; k < depth; ++k) dot = WrappingAdd(dot, w[k] * (row[k] - zp));
        v += static_cast<float>(dot) * (per_channel ? row_scale[b] * filter_scale[u] : folded_scale);
      }
      out[u] = ClampToRange(v, lo, hi);
    }
  }
}

}  // namespace integer
}  // namespace reference
}  // namespace edgelite
