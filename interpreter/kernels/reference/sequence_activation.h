// The activations the recurrent operators (LSTM, RNN, SVDF) apply to whole vectors, as LiteRT's
// ApplyActivationToVector does: identity, the three clamps, tanh and the logistic. Plain math.
#pragma once

#include "interpreter/kernels/reference/activations.h"

namespace edgelite {
namespace reference {

enum class SequenceActivation { kIdentity, kRelu, kReluN1To1, kRelu6, kTanh, kSigmoid };

inline float ApplySequenceActivation(SequenceActivation a, float x) {
  switch (a) {
    case SequenceActivation::kIdentity: return x;
    case SequenceActivation::kRelu: return Relu(x);
    case SequenceActivation::kReluN1To1: return ReluN1To1(x);
    case SequenceActivation::kRelu6: return Relu6(x);
    case SequenceActivation::kTanh: return Tanh(x);
    case SequenceActivation::kSigmoid: return Logistic(x);
  }
  return x;
}

inline void ApplySequenceActivation(SequenceActivation a, float* v, int n) {
  for (int i = 0; i < n; ++i) v[i] = ApplySequenceActivation(a, v[i]);
}

}  // namespace reference
}  // namespace edgelite
