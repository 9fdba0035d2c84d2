// One step of a fully connected RNN cell for one batch row, float and dynamic range, as LiteRT's
// RnnBatchStep: out = act(b + W x + W_aux aux + R h), then h = out. Plain math.
#pragma once

#include <algorithm>
#include <cstdint>

#include "interpreter/kernels/reference/sequence_activation.h"
#include "interpreter/kernels/reference/sequence_matvec.h"

namespace edgelite {
namespace reference {

struct RnnSizes {
  int n_input = 0, n_aux_input = 0, units = 0;
};

// weights [units, n_input], aux_weights [units, n_aux_input] (null without an auxiliary input), recurrent
// [units, units], bias [units]. `state` [units] is read and overwritten; `output` gets the new state.
inline void RnnStepFloat(const float* weights, const float* aux_weights, const float* recurrent, const float* bias,
                         const RnnSizes& s, SequenceActivation activation, const float* input,
                         const float* aux_input, float* state, float* output) {
  std::copy_n(bias, s.units, output);
  MatVecAccumulate(weights, s.units, s.n_input, input, output);
  if (aux_weights) MatVecAccumulate(aux_weights, s.units, s.n_aux_input, aux_input, output);
  MatVecAccumulate(recurrent, s.units, s.units, state, output);
  ApplySequenceActivation(activation, output, s.units);
  std::copy_n(output, s.units, state);
}

struct RnnHybridWeights {
  QuantizedMatrix weights, aux_weights, recurrent;  // aux: values null without an auxiliary input
  const float* bias = nullptr;
};

// `input` and `aux_input` come quantized by the caller (aux null without one); the state is quantized here
// into `quantized_state` (units values). All-zero vectors skip their products, as LiteRT's do. `matvec`:
// HybridMatVecAccumulate or a vectorized twin.
inline void RnnStepHybrid(const RnnHybridWeights& w, const RnnSizes& s, SequenceActivation activation,
                          bool asymmetric, const QuantizedVector& input, bool input_is_zero,
                          const QuantizedVector* aux_input, bool aux_is_zero, float* state, float* output,
                          int8_t* quantized_state, HybridMatVecFn matvec = HybridMatVecAccumulate) {
  std::copy_n(w.bias, s.units, output);
  if (!input_is_zero) matvec(w.weights, s.units, s.n_input, input, output);
  if (aux_input && !aux_is_zero) {
    matvec(w.aux_weights, s.units, s.n_aux_input, *aux_input, output);
  }
  if (!IsZeroVector(state, s.units)) {
    const QuantizedVector h = QuantizeVector(asymmetric, state, s.units, quantized_state);
    matvec(w.recurrent, s.units, s.units, h, output);
  }
  ApplySequenceActivation(activation, output, s.units);
  std::copy_n(output, s.units, state);
}

}  // namespace reference
}  // namespace edgelite
