// What the full-kernel LSTM operators share (LSTM, UNIDIRECTIONAL_SEQUENCE_LSTM, BIDIRECTIONAL_SEQUENCE_LSTM):
// reading and checking one cell's tensors from the node, and running a cell over a sequence in one of the
// variant table's modes. Every LSTM node's data is an LstmNodeData with one or two passes (a bidirectional
// node runs a forward and a backward one), and every LSTM operator selects its row from kLstmVariants, so
// the three operators differ only in where their tensors sit and how their outputs are shaped.
#pragma once

#include <vector>

#include "interpreter/kernel_api.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/optimized/gemm_f32.h"
#include "interpreter/kernels/packed_weights.h"
#include "interpreter/kernels/quantized_filter.h"
#include "interpreter/kernels/reference/lstm.h"
#include "interpreter/kernels/sequence_util.h"

namespace edgelite {

// Where one cell's tensors sit among a node's inputs (gates in the order input, forget, cell, output);
// -1 where the operator has no such input.
struct LstmCellLayout {
  int input_to_gate[4];
  int recurrent_to_gate[4];
  int cell_to_gate[4];  // peephole weights; -1 for the cell gate
  int gate_bias[4];
  int projection_weights, projection_bias;
  int output_state, cell_state;
  int layer_norm[4];
  int aux_input_to_gate[4];
};
// LSTM and UNIDIRECTIONAL_SEQUENCE_LSTM (lstm_shared.h's 24 inputs; the older 20 end before the layer norm).
extern const LstmCellLayout kLstmLayout;
// BIDIRECTIONAL_SEQUENCE_LSTM's forward and backward cells (48 inputs).
extern const LstmCellLayout kBidirectionalLstmLayouts[2];

// What the operator's options and form allow.
struct LstmCellOptions {
  schema::ActivationFunctionType activation = schema::ActivationFunctionType_TANH;
  float cell_clip = 0.f, proj_clip = 0.f;
  bool asymmetric_quantize_inputs = false;
  bool allow_diagonal_recurrent = false;  // UNIDIRECTIONAL_SEQUENCE_LSTM: 1-D recurrent weights
  bool allow_layer_norm = false;          // the node has the layer norm inputs
};

// One cell's tensors and sizes, read and checked in prepare.
struct LstmCell {
  reference::LstmSizes sizes;
  reference::LstmOptions options;
  bool hybrid = false;  // float input and state, int8 weights
  bool peephole = false, layer_norm = false, aux = false;
  const Tensor* input_to_gate[4] = {};
  const Tensor* recurrent_to_gate[4] = {};
  const Tensor* cell_to_gate[4] = {};
  const Tensor* gate_bias[4] = {};
  const Tensor* layer_norm_coefficients[4] = {};
  const Tensor* aux_input_to_gate[4] = {};
  const Tensor* projection_weights = nullptr;
  const Tensor* projection_bias = nullptr;
  Tensor* output_state = nullptr;
  Tensor* cell_state = nullptr;
  // Dynamic range: the weights' scales (1 where absent) and the peephole weights times their scale.
  float input_scale[4] = {1, 1, 1, 1}, recurrent_scale[4] = {1, 1, 1, 1}, aux_scale[4] = {1, 1, 1, 1};
  float projection_scale = 1.f;
  std::vector<float> recovered_peephole[4];
};

// Reads the cell at `layout` for a batch of `n_batch` rows of `n_input` values (and `n_aux_input` auxiliary
// values; 0 when the node has no auxiliary input), checks every tensor's shape and dtype and the optional
// groups (CIFG, peephole, layer norm, projection, auxiliary weights: all or none), and the state inputs.
// `which` prefixes messages ("forward " / "backward ", or "").
Status ReadLstmCell(KernelContext& ctx, const Node& node, const LstmCellLayout& layout, const LstmCellOptions& options,
                    int n_batch, int n_input, int n_aux_input, const char* which, LstmCell* cell);

// One direction over a sequence: the cell, the tensors it reads and writes, and where its output rows go.
struct LstmPass {
  LstmCell cell;
  int input = -1, aux_input = -1, output = -1;  // node input / input / output positions (aux: -1 if none)
  SequenceGeometry geometry;  // of the input (the auxiliary input has the same rows)
  bool forward = true;
  int output_stride = 0;  // floats between output rows
  int output_offset = 0;  // where this pass's values start in a row
  // Scratch and packed weights of the chosen row.
  int step_scratch = -1;       // float: gates and unprojected output
  int quantized_scratch = -1;  // int8: the state and unprojected output quantized
  HybridSequenceInputs quantized_inputs;  // dynamic range
  const optimized::GemmF32Kernels* gemm = nullptr;
  int gates = 0;  // gate blocks in the packed matrices: 3 under CIFG, else 4
  PackedWeights input_weights, recurrent_weights, projection;
  int input_products = -1;  // [rows, gates * n_cell]: every step's input products, bias included
};

struct LstmNodeData : VariantChoice<LstmNodeData> {
  LstmCellOptions options;  // from the operator's options table, read in init
  bool time_major = true;
  bool merge_outputs = false;  // BIDIRECTIONAL_SEQUENCE_LSTM: both directions in output 0
  LstmPass passes[2];
  int num_passes = 1;
  reference::HybridMatVecFn hybrid_matvec = reference::HybridMatVecAccumulate;  // the dynamic-range row's
};

// Fails with kUnsupported for the integer LSTM forms (int8 or int16 input): this build runs float32 and
// dynamic range only.
Status RefuseIntegerLstm(KernelContext& ctx, const Node& node, const Tensor& input);

// The first checks of UNIDIRECTIONAL_SEQUENCE_LSTM and LSTM's FULL kernel: 24 inputs (20 without the layer
// norm coefficients, which sets d.options.allow_layer_norm), one output, no integer input; one pass.
Status PrepareFullLstmNode(KernelContext& ctx, Node& node, LstmNodeData& d, Tensor** input, Tensor** output);

// Prepare's last step for every LSTM operator, once the passes are filled: picks and prepares the row.
Status SelectLstmVariant(KernelContext& ctx, Node& node, LstmNodeData& data);

}  // namespace edgelite
