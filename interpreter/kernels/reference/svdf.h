// SVDF (a fully connected layer factored into a feature and a time filter, with a memory of past feature
// activations), one invoke for a batch, as LiteRT's reference_ops computes it. State [batch, filters, memory]:
// each filter's memory moves one step towards the past, its newest slot gets W_feature x; then per filter
// sum_m W_time[f, m] * state[f, m], summed over each unit's `rank` filters, plus bias, activation.
// float32, dynamic range (int8 feature weights; the time weights float) and full integer (int8 input and
// output, int16 time weights and state, int32 bias). Plain math.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>

#include "interpreter/kernels/quantization_util.h"
#include "interpreter/kernels/reference/sequence_activation.h"
#include "interpreter/kernels/reference/sequence_matvec.h"

namespace edgelite {
namespace reference {

struct SvdfSizes {
  int batch = 0, input_size = 0, filters = 0, memory = 0, rank = 1;
  int units() const { return filters / rank; }
};

// Every filter's memory one step older; the newest slot is left for the caller.
template <typename T>
void ShiftSvdfState(const SvdfSizes& s, T* state) {
  const int64_t total = static_cast<int64_t>(s.batch) * s.filters * s.memory;
  if (total > 0) std::copy(state + 1, state + total, state);
}

// scratch[b, f] (the newest activations, written into the state) -> output through the time weights.
inline void SvdfTimeAndOutputFloat(const SvdfSizes& s, const float* weights_time, const float* bias,
                                   SequenceActivation activation, const float* state, float* scratch,
                                   float* output) {
  for (int b = 0; b < s.batch; ++b) {
    for (int f = 0; f < s.filters; ++f) {
      const float* w = weights_time + static_cast<int64_t>(f) * s.memory;
      const float* m = state + (static_cast<int64_t>(b) * s.filters + f) * s.memory;
      float total = 0.f;
      for (int i = 0; i < s.memory; ++i) total += w[i] * m[i];
      scratch[static_cast<int64_t>(b) * s.filters + f] = total;
    }
  }
  const int units = s.units();
  for (int i = 0; i < s.batch * units; ++i) {
    float total = 0.f;
    for (int r = 0; r < s.rank; ++r) total += scratch[static_cast<int64_t>(i) * s.rank + r];
    output[i] = total;
  }
  if (bias) {
    for (int b = 0; b < s.batch; ++b) {
      for (int u = 0; u < units; ++u) output[static_cast<int64_t>(b) * units + u] += bias[u];
    }
  }
  ApplySequenceActivation(activation, output, s.batch * units);
}

inline void StoreNewestSvdfActivations(const SvdfSizes& s, const float* scratch, float* state) {
  const int64_t n = static_cast<int64_t>(s.batch) * s.filters;
  for (int64_t i = 0; i < n; ++i) state[i * s.memory + s.memory - 1] = scratch[i];
}

// A float invoke: the memory shifted, features(b, acc) adds batch row b's newest activations to acc[filters]
// (zeroed), then the time weights and the output.
template <typename Features>
void SvdfFloatWith(const SvdfSizes& s, Features&& features, const float* weights_time, const float* bias,
                   SequenceActivation activation, float* state, float* scratch, float* output) {
  ShiftSvdfState(s, state);
  for (int b = 0; b < s.batch; ++b) {
    float* acc = scratch + static_cast<int64_t>(b) * s.filters;
    std::fill_n(acc, s.filters, 0.f);
    features(b, acc);
  }
  StoreNewestSvdfActivations(s, scratch, state);
  SvdfTimeAndOutputFloat(s, weights_time, bias, activation, state, scratch, output);
}

inline void SvdfFloat(const SvdfSizes& s, const float* input, const float* weights_feature, const float* weights_time,
                      const float* bias, SequenceActivation activation, float* state, float* scratch,
                      float* output) {
  SvdfFloatWith(
      s,
      [&](int b, float* acc) {
        MatVecAccumulate(weights_feature, s.filters, s.input_size, input + static_cast<int64_t>(b) * s.input_size,
                         acc);
      },
      weights_time, bias, activation, state, scratch, output);
}

// Dynamic range: the input rows come quantized by the caller (row b: quantized + b * input_size, scales[b],
// zero_points[b]); all-zero rows contribute nothing.
inline void SvdfHybrid(const SvdfSizes& s, const float* input, const int8_t* quantized, const float* scales,
                       const int32_t* zero_points, const int8_t* weights_feature, float weights_feature_scale,
                       const float* weights_time, const float* bias, SequenceActivation activation, float* state,
                       float* scratch, float* output, HybridMatVecFn matvec = HybridMatVecAccumulate) {
  SvdfFloatWith(
      s,
      [&](int b, float* acc) {
        if (IsZeroVector(input + static_cast<int64_t>(b) * s.input_size, s.input_size)) return;
        const QuantizedVector row{quantized + static_cast<int64_t>(b) * s.input_size, scales[b], zero_points[b]};
        matvec({weights_feature, weights_feature_scale}, s.filters, s.input_size, row, acc);
      },
      weights_time, bias, activation, state, scratch, output);
}

// Full integer: feature products requantized into the int16 state (multiplier 1), time products summed in
// int32 with the bias, requantized to the output (multiplier 2), plus its zero point, clamped to int8.
// `scratch` holds batch * filters int32 values.
inline void SvdfInteger(const SvdfSizes& s, const int8_t* input, int32_t input_zero_point,
                        const int8_t* weights_feature, const int16_t* weights_time, const int32_t* bias,
                        QuantizedMultiplier to_state, QuantizedMultiplier to_output, int32_t output_zero_point,
                        int16_t* state, int32_t* scratch, int8_t* output) {
  ShiftSvdfState(s, state);
  for (int b = 0; b < s.batch; ++b) {
    const int8_t* x = input + static_cast<int64_t>(b) * s.input_size;
    for (int f = 0; f < s.filters; ++f) {
      const int8_t* w = weights_feature + static_cast<int64_t>(f) * s.input_size;
      int32_t dot = 0;
      for (int k = 0; k < s.input_size; ++k) dot = WrappingAdd(dot, w[k] * (x[k] - input_zero_point));
      dot = MultiplyByQuantizedMultiplier(dot, to_state.multiplier, to_state.shift);
      dot = std::min<int32_t>(std::max<int32_t>(dot, std::numeric_limits<int16_t>::min()),
                              std::numeric_limits<int16_t>::max());
      state[(static_cast<int64_t>(b) * s.filters + f) * s.memory + s.memory - 1] = static_cast<int16_t>(dot);
    }
  }
  for (int b = 0; b < s.batch; ++b) {
    for (int f = 0; f < s.filters; ++f) {
      const int16_t* w = weights_time + static_cast<int64_t>(f) * s.memory;
      const int16_t* m = state + (static_cast<int64_t>(b) * s.filters + f) * s.memory;
      int32_t total = 0;
      for (int i = 0; i < s.memory; ++i) total = WrappingAdd(total, w[i] * m[i]);
      scratch[static_cast<int64_t>(b) * s.filters + f] = total;
    }
  }
  const int units = s.units();
  for (int b = 0; b < s.batch; ++b) {
    for (int u = 0; u < units; ++u) {
      int32_t total = 0;
      for (int r = 0; r < s.rank; ++r) {
        total = WrappingAdd(total, scratch[static_cast<int64_t>(b) * s.filters + u * s.rank + r]);
      }
      if (bias) total = WrappingAdd(total, bias[u]);
      const int32_t y = MultiplyByQuantizedMultiplier(total, to_output.multiplier, to_output.shift) + output_zero_point;
      output[static_cast<int64_t>(b) * units + u] = static_cast<int8_t>(std::min(127, std::max(-128, y)));
    }
  }
}

}  // namespace reference
}  // namespace edgelite
