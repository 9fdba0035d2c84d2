// Prepare helpers the recurrent operators share (LSTM, RNN and their sequence forms, SVDF): their vector
// activation, state inputs (variable tensors the kernel updates in place), the (time, batch) geometry of a
// sequence input, and where a sequence's step t of batch row b lives.
#pragma once

#include <cstdint>

#include "interpreter/kernel_api.h"
#include "interpreter/kernels/quantized_filter.h"
#include "interpreter/kernels/reference/sequence_activation.h"
#include "interpreter/kernels/reference/sequence_matvec.h"
#include "schema/edgelite_generated.h"

namespace edgelite {

// The options' activation as a vector activation. NONE is the identity where LiteRT applies none
// (`none_is_identity`); the LSTM kernels write no result for it (their gate buffers keep partial sums), so
// for them NONE, like SIGN_BIT, is refused with a message.
Status GetSequenceActivation(KernelContext& ctx, const Node& node, schema::ActivationFunctionType act,
                             bool none_is_identity, reference::SequenceActivation* out);

// Input i, which must be a float32 (or `type`) variable tensor of `elements` values: the state the kernel reads
// and overwrites each invoke. `what` names it in messages ("output state").
Status GetStateInput(KernelContext& ctx, const Node& node, int i, const char* what, DataType type, int64_t elements,
                     Tensor** out);

// A rank-3 sequence input: [max_time, batch, depth] when time_major, else [batch, max_time, depth].
struct SequenceGeometry {
  int max_time = 0, batch = 0, depth = 0;
  bool time_major = false;
  // The row (of `depth` values) holding step t of batch row b.
  int64_t Row(int t, int b) const {
    return time_major ? static_cast<int64_t>(t) * batch + b : static_cast<int64_t>(b) * max_time + t;
  }
  int64_t rows() const { return static_cast<int64_t>(max_time) * batch; }
};

// Calls fn(t, b, row) for every step of a sequence: each batch row's steps in order, time forward or backward
// (batch rows are independent, so batch-major and time-major inputs are walked alike).
template <typename Fn>
void ForEachSequenceStep(const SequenceGeometry& g, bool forward, Fn&& fn) {
  for (int b = 0; b < g.batch; ++b) {
    for (int step = 0; step < g.max_time; ++step) {
      const int t = forward ? step : g.max_time - 1 - step;
      fn(t, b, g.Row(t, b));
    }
  }
}

// A dynamic-range sequence operator's input and optional auxiliary input, quantized row by row once per
// invoke (LiteRT quantizes them per step; rows are quantized independently, so the values are the same).
class HybridSequenceInputs {
 public:
  // One step's rows, and whether each is all zero (its products are then skipped).
  struct Step {
    reference::QuantizedVector input, aux;
    bool input_is_zero = false, aux_is_zero = false;
  };
  // In prepare: room for `rows` rows of `n_input` (and `n_aux`, 0 without an auxiliary input) values.
  Status Request(KernelContext& ctx, Node& node, int64_t rows, int n_input, int n_aux);
  // In eval, before At: quantizes `input` (and `aux`, null without one).
  void Quantize(KernelContext& ctx, bool asymmetric, const float* input, const float* aux);
  Step At(KernelContext& ctx, int64_t row) const;

 private:
  HybridRowScratch input_rows_, aux_rows_;
  const float* input_ = nullptr;
  const float* aux_ = nullptr;
  int64_t rows_ = 0;
  int n_input_ = 0, n_aux_ = 0;
};

Status GetSequenceGeometry(KernelContext& ctx, const Node& node, const Tensor& input, bool time_major,
                           SequenceGeometry* out);

// Checks that `t` is [dim0] (1-D) or [dim0, dim1] (2-D when dim1 >= 0); `what` names it.
Status CheckShape(KernelContext& ctx, const Node& node, const Tensor& t, const char* what, int dim0, int dim1 = -1);

// The one scale of a dynamic-range operator's int8 weights (per-tensor, zero point 0), or an error naming
// `what`: LiteRT's recurrent kernels read a single scale.
Status GetPerTensorWeightScale(KernelContext& ctx, const Node& node, const Tensor& weights, const char* what,
                               float* scale);

}  // namespace edgelite
