// One LSTM step for one batch row, float and dynamic range (int8 weights, float activations), as LiteRT's
// lstm_eval computes it. Gates in the order input, forget, cell, output:
//   gate = act(W_x x + W_aux aux + W_h h + p .* c + b)   (p: peephole, not for the cell gate)
//   with layer norm: act(ln .* normalize(W_x x + ... + p .* c) + b)
//   c' = clip(f .* c + i .* g)          (CIFG: i = 1 - f)
//   o computed with the new c in its peephole; h' = o .* act(c'), or with projection clip(W_p h' + b_p)
// The recurrent weights may be a diagonal (one value per cell: W_h h becomes w .* h). Plain math.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "interpreter/kernels/reference/sequence_activation.h"
#include "interpreter/kernels/reference/sequence_matvec.h"

namespace edgelite {
namespace reference {

enum LstmGateIndex { kLstmInputGate = 0, kLstmForgetGate = 1, kLstmCellGate = 2, kLstmOutputGate = 3 };

struct LstmSizes {
  int n_input = 0, n_aux_input = 0, n_cell = 0, n_output = 0;
};

struct LstmOptions {
  SequenceActivation activation = SequenceActivation::kTanh;  // the cell gate's and the output's
  float cell_clip = 0.f;  // 0: none
  float proj_clip = 0.f;  // 0: none
  bool cifg = false;      // no input gate: i = 1 - f
  bool recurrent_diagonal = false;
  bool asymmetric_quantize_inputs = false;  // dynamic range only
};

// A gate's float parameters; aux_weights, peephole and layer_norm may be null.
struct LstmGateWeights {
  const float* input_weights = nullptr;      // [n_cell, n_input]
  const float* aux_weights = nullptr;        // [n_cell, n_aux_input]
  const float* recurrent_weights = nullptr;  // [n_cell, n_output], or [n_cell] when diagonal
  const float* peephole = nullptr;           // [n_cell]
  const float* layer_norm = nullptr;         // [n_cell]
  const float* bias = nullptr;               // [n_cell]
};

struct LstmFloatWeights {
  LstmGateWeights gates[4];
  const float* projection_weights = nullptr;  // [n_output, n_cell]
  const float* projection_bias = nullptr;     // [n_output]
};

// A gate's dynamic-range parameters: int8 matrices with one scale each; the diagonal recurrent weights,
// peephole (already multiplied by its scale, as LiteRT recovers it), layer norm and bias in float.
struct LstmHybridGateWeights {
  QuantizedMatrix input_weights, aux_weights, recurrent_weights;  // aux: values null without one
  const float* recurrent_diagonal = nullptr;
  const float* peephole = nullptr;
  const float* layer_norm = nullptr;
  const float* bias = nullptr;
};

struct LstmHybridWeights {
  LstmHybridGateWeights gates[4];
  QuantizedMatrix projection_weights;  // values null without projection
  const float* projection_bias = nullptr;
};

// Floats of scratch one row's step needs: four gates and the output before projection.
inline int64_t LstmStepScratch(const LstmSizes& s) { return 5 * static_cast<int64_t>(s.n_cell); }
// int8 scratch of a dynamic-range step: the output state and the unprojected output quantized.
inline int64_t LstmHybridStepScratch(const LstmSizes& s) {
  return static_cast<int64_t>(s.n_output) + s.n_cell;
}

// ---- the parts float and dynamic range share ----

// A gate starts from its bias, or from zero under layer norm (the bias is added after normalizing).
inline void StartLstmGate(const float* bias, const float* layer_norm, int n, float* acc) {
  for (int i = 0; i < n; ++i) acc[i] = layer_norm ? 0.f : bias[i];
}

// Mean and variance in two passes, as LiteRT's MeanStddevNormalization: (x - mean) / sqrt(var + 1e-8).
inline void NormalizeMeanStddev(float* v, int n) {
  float sum = 0.f;
  for (int i = 0; i < n; ++i) sum += v[i];
  const float mean = sum / n;
  float sum_diff_sq = 0.f;
  for (int i = 0; i < n; ++i) {
    const float d = v[i] - mean;
    sum_diff_sq += d * d;
  }
  const float stddev_inv = 1.f / std::sqrt(sum_diff_sq / n + 1e-8f);
  for (int i = 0; i < n; ++i) v[i] = (v[i] - mean) * stddev_inv;
}

// After the products: the peephole term, layer norm and its bias, the activation.
inline void FinishLstmGate(const float* peephole, const float* cell_state, const float* layer_norm, const float* bias,
                           SequenceActivation activation, int n, float* acc) {
  if (peephole) {
    for (int i = 0; i < n; ++i) acc[i] += peephole[i] * cell_state[i];
  }
  if (layer_norm) {
    NormalizeMeanStddev(acc, n);
    for (int i = 0; i < n; ++i) acc[i] = acc[i] * layer_norm[i] + bias[i];
  }
  ApplySequenceActivation(activation, acc, n);
}

inline void ClipVector(float clip, float* v, int n) {
  if (clip <= 0.f) return;
  for (int i = 0; i < n; ++i) v[i] = std::max(std::min(clip, v[i]), -clip);
}

// c = clip(f .* c + i .* g), i = 1 - f under CIFG.
inline void UpdateLstmCell(const float* input_gate, const float* forget_gate, const float* cell_gate, bool cifg,
                           float cell_clip, int n, float* cell_state) {
  for (int i = 0; i < n; ++i) {
    const float in = cifg ? 1.f - forget_gate[i] : input_gate[i];
    cell_state[i] = forget_gate[i] * cell_state[i] + cell_gate[i] * in;
  }
  ClipVector(cell_clip, cell_state, n);
}

// The unprojected output o .* act(c).
inline void LstmHiddenOutput(const float* output_gate, const float* cell_state, SequenceActivation activation, int n,
                             float* hidden) {
  for (int i = 0; i < n; ++i) hidden[i] = output_gate[i] * ApplySequenceActivation(activation, cell_state[i]);
}

// The order of a step: the input (unless CIFG), forget and cell gates from the old cell state, the cell update,
// the output gate (its peephole reads the new cell), then the unprojected output o .* act(c) into `hidden`.
// gate(g, peephole, activation) computes gate g into gates[g].
template <typename GateFn>
void RunLstmGates(const LstmOptions& o, int n, float* const* gates, float* cell_state, float* hidden, GateFn&& gate) {
  if (!o.cifg) gate(kLstmInputGate, true, SequenceActivation::kSigmoid);
  gate(kLstmForgetGate, true, SequenceActivation::kSigmoid);
  gate(kLstmCellGate, false, o.activation);
  UpdateLstmCell(gates[kLstmInputGate], gates[kLstmForgetGate], gates[kLstmCellGate], o.cifg, o.cell_clip, n,
                 cell_state);
  gate(kLstmOutputGate, true, SequenceActivation::kSigmoid);
  LstmHiddenOutput(gates[kLstmOutputGate], cell_state, o.activation, n, hidden);
}

// ---- float ----

inline void LstmStepFloat(const LstmFloatWeights& w, const LstmSizes& s, const LstmOptions& o, const float* input,
                          const float* aux_input, float* output_state, float* cell_state, float* output,
                          float* scratch) {
  const int n = s.n_cell;
  float* gates[4] = {scratch, scratch + n, scratch + 2 * n, scratch + 3 * n};
  float* hidden = scratch + 4 * n;
  auto gate = [&](int g, bool peephole, SequenceActivation activation) {
    const LstmGateWeights& p = w.gates[g];
    float* acc = gates[g];
    StartLstmGate(p.bias, p.layer_norm, n, acc);
    MatVecAccumulate(p.input_weights, n, s.n_input, input, acc);
    if (aux_input && p.aux_weights) MatVecAccumulate(p.aux_weights, n, s.n_aux_input, aux_input, acc);
    if (o.recurrent_diagonal) {
      for (int i = 0; i < n; ++i) acc[i] += p.recurrent_weights[i] * output_state[i];
    } else {
      MatVecAccumulate(p.recurrent_weights, n, s.n_output, output_state, acc);
    }
    FinishLstmGate(peephole ? p.peephole : nullptr, cell_state, p.layer_norm, p.bias, activation, n, acc);
  };
  RunLstmGates(o, n, gates, cell_state, hidden, gate);
  if (w.projection_weights) {
    for (int i = 0; i < s.n_output; ++i) output_state[i] = w.projection_bias ? w.projection_bias[i] : 0.f;
    MatVecAccumulate(w.projection_weights, s.n_output, n, hidden, output_state);
    ClipVector(o.proj_clip, output_state, s.n_output);
  } else {
    std::copy(hidden, hidden + n, output_state);
  }
  std::copy(output_state, output_state + s.n_output, output);
}

// ---- dynamic range ----

// `input` and `aux_input` come quantized by the caller (one row each); the output state and the unprojected
// output are quantized here into `quantized_scratch` (LstmHybridStepScratch). All-zero vectors skip their
// products, as LiteRT's do (their contribution is zero). `matvec`: HybridMatVecAccumulate or a vectorized twin.
inline void LstmStepHybrid(const LstmHybridWeights& w, const LstmSizes& s, const LstmOptions& o,
                           const QuantizedVector& input, bool input_is_zero, const QuantizedVector* aux_input,
                           bool aux_is_zero, float* output_state, float* cell_state, float* output, float* scratch,
                           int8_t* quantized_scratch, HybridMatVecFn matvec = HybridMatVecAccumulate) {
  const int n = s.n_cell;
  float* gates[4] = {scratch, scratch + n, scratch + 2 * n, scratch + 3 * n};
  float* hidden = scratch + 4 * n;
  const bool state_is_zero = IsZeroVector(output_state, s.n_output);
  QuantizedVector state;
  if (!state_is_zero && !o.recurrent_diagonal) {
    state = QuantizeVector(o.asymmetric_quantize_inputs, output_state, s.n_output, quantized_scratch);
  }
  auto gate = [&](int g, bool peephole, SequenceActivation activation) {
    const LstmHybridGateWeights& p = w.gates[g];
    float* acc = gates[g];
    StartLstmGate(p.bias, p.layer_norm, n, acc);
    if (!input_is_zero) matvec(p.input_weights, n, s.n_input, input, acc);
    if (aux_input && !aux_is_zero && p.aux_weights.values) {
      matvec(p.aux_weights, n, s.n_aux_input, *aux_input, acc);
    }
    if (!state_is_zero) {
      if (o.recurrent_diagonal) {
        for (int i = 0; i < n; ++i) acc[i] += p.recurrent_diagonal[i] * output_state[i];
      } else {
        matvec(p.recurrent_weights, n, s.n_output, state, acc);
      }
    }
    FinishLstmGate(peephole ? p.peephole : nullptr, cell_state, p.layer_norm, p.bias, activation, n, acc);
  };
  RunLstmGates(o, n, gates, cell_state, hidden, gate);
  if (w.projection_weights.values) {
    for (int i = 0; i < s.n_output; ++i) output_state[i] = w.projection_bias ? w.projection_bias[i] : 0.f;
    if (!IsZeroVector(hidden, n)) {
      const QuantizedVector h =
          QuantizeVector(o.asymmetric_quantize_inputs, hidden, n, quantized_scratch + s.n_output);
      matvec(w.projection_weights, s.n_output, n, h, output_state);
    }
    ClipVector(o.proj_clip, output_state, s.n_output);
  } else {
    std::copy(hidden, hidden + n, output_state);
  }
  std::copy(output_state, output_state + s.n_output, output);
}

}  // namespace reference
}  // namespace edgelite
