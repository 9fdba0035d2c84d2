// Reading one LSTM cell's tensors from a node and checking them, with LiteRT's rules (lstm.cc,
// unidirectional_sequence_lstm.cc, bidirectional_sequence_lstm.cc: CheckInputTensorDimensions), each failure
// naming the tensor's role. Where LiteRT accepts a combination its kernels then compute nonsense for (an
// output width other than the cell count without projection, recurrent weights diagonal for some gates only,
// layer norm coefficients without the forget gate's), we refuse it with a message.
#include "interpreter/kernels/lstm_cell.h"

#include "interpreter/kernels/kernel_util.h"

namespace edgelite {

const LstmCellLayout kLstmLayout = {
    {1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, -1, 11}, {12, 13, 14, 15}, 16, 17, 18, 19, {20, 21, 22, 23},
    {-1, -1, -1, -1}};

const LstmCellLayout kBidirectionalLstmLayouts[2] = {
    {{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, -1, 11}, {12, 13, 14, 15}, 16, 17, 35, 36, {-1, -1, -1, -1},
     {40, 41, 42, 43}},
    {{18, 19, 20, 21}, {22, 23, 24, 25}, {26, 27, -1, 28}, {29, 30, 31, 32}, 33, 34, 37, 38, {-1, -1, -1, -1},
     {44, 45, 46, 47}}};

namespace {

constexpr const char* kGateNames[4] = {"input", "forget", "cell", "output"};

std::string Role(const char* which, const char* what, int gate) {
  return StrCat(which, what, gate >= 0 ? " (" : "", gate >= 0 ? kGateNames[gate] : "", gate >= 0 ? " gate)" : "");
}

// A group of optional tensors that must be all present or all absent: `present[g]` for the gates in `gates`.
Status AllOrNone(KernelContext& ctx, const Node& node, const char* which, const char* what, const Tensor* const* t,
                 const std::vector<int>& gates) {
  int count = 0, total = 0;
  for (int g : gates) {
    ++total;
    if (t[g]) ++count;
  }
  if (count == 0 || count == total) return Status::Ok();
  std::string missing;
  for (int g : gates) {
    if (!t[g]) missing += StrCat(missing.empty() ? "" : ", ", kGateNames[g]);
  }
  return ctx.Error(node, StrCat(which, what, ": some gates have them and some do not (missing for ", missing,
                                "); give all or none"));
}

Status CheckWeights(KernelContext& ctx, const Node& node, const Tensor& t, const std::string& role, DataType type,
                    int rows, int cols) {
  EL_RETURN_IF_ERROR(CheckShape(ctx, node, t, role.c_str(), rows, cols));
  EL_KERNEL_CHECK(ctx, node, t.type == type, role, " '", t.name, "' is ", DataTypeName(t.type), ", expected ",
                  DataTypeName(type), " like the input-to-forget weights");
  return Status::Ok();
}

Status CheckFloatVector(KernelContext& ctx, const Node& node, const Tensor& t, const std::string& role, int n) {
  EL_RETURN_IF_ERROR(CheckShape(ctx, node, t, role.c_str(), n));
  EL_KERNEL_CHECK(ctx, node, t.type == DataType::kFloat32, role, " '", t.name, "' is ", DataTypeName(t.type),
                  ", expected float32");
  return Status::Ok();
}

// Sparse weights would need LiteRT's ledger format (its hybrid LSTM reads them); they are refused.
Status RefuseSparse(KernelContext& ctx, const Node& node, const Tensor* t, const std::string& role) {
  if (!t || !t->sparsity) return Status::Ok();
  return ctx.Error(node, StrCat(role, " '", t->name, "' are sparse; sparse LSTM weights are not supported"),
                   StatusCode::kUnsupported);
}

}  // namespace

Status RefuseIntegerLstm(KernelContext& ctx, const Node& node, const Tensor& input) {
  if (input.type != DataType::kInt8 && input.type != DataType::kInt16) return Status::Ok();
  return ctx.Error(node,
                   StrCat("input '", input.name, "' is ", DataTypeName(input.type),
                          ": the integer LSTM (int8 activations with an int16 cell state) is not supported by this "
                          "build; float32 and dynamic range (float32 input, int8 weights) run"),
                   StatusCode::kUnsupported);
}

Status PrepareFullLstmNode(KernelContext& ctx, Node& node, LstmNodeData& d, Tensor** input, Tensor** output) {
  const int inputs = static_cast<int>(node.inputs.size());
  EL_KERNEL_CHECK(ctx, node, inputs == 24 || inputs == 20, "expects 24 inputs (20 without layer norm), got ", inputs);
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, input));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, output));
  EL_RETURN_IF_ERROR(RefuseIntegerLstm(ctx, node, **input));
  d.options.allow_layer_norm = inputs == 24;
  d.num_passes = 1;
  LstmPass& p = d.passes[0];
  p.input = 0;
  p.aux_input = -1;
  p.output = 0;
  p.forward = true;
  p.output_offset = 0;
  return Status::Ok();
}

Status ReadLstmCell(KernelContext& ctx, const Node& node, const LstmCellLayout& layout, const LstmCellOptions& options,
                    int n_batch, int n_input, int n_aux_input, const char* which, LstmCell* cell) {
  auto in = [&](int position) -> const Tensor* { return position < 0 ? nullptr : ctx.input(node, position); };
  for (int g = 0; g < 4; ++g) {
    cell->input_to_gate[g] = in(layout.input_to_gate[g]);
    cell->recurrent_to_gate[g] = in(layout.recurrent_to_gate[g]);
    cell->cell_to_gate[g] = in(layout.cell_to_gate[g]);
    cell->gate_bias[g] = in(layout.gate_bias[g]);
    cell->layer_norm_coefficients[g] = options.allow_layer_norm ? in(layout.layer_norm[g]) : nullptr;
    cell->aux_input_to_gate[g] = in(layout.aux_input_to_gate[g]);
  }
  for (int g = 1; g < 4; ++g) {
    EL_KERNEL_CHECK(ctx, node, cell->input_to_gate[g], Role(which, "input weights", g), " (input ",
                    layout.input_to_gate[g], ") are missing");
    EL_KERNEL_CHECK(ctx, node, cell->recurrent_to_gate[g], Role(which, "recurrent weights", g), " (input ",
                    layout.recurrent_to_gate[g], ") are missing");
    EL_KERNEL_CHECK(ctx, node, cell->gate_bias[g], Role(which, "bias", g), " (input ", layout.gate_bias[g],
                    ") is missing");
  }
  const bool cifg = !cell->input_to_gate[0];
  EL_KERNEL_CHECK(ctx, node, cifg == !cell->recurrent_to_gate[0], which,
                  "input-to-input and recurrent-to-input weights must be both present or both absent (CIFG)");
  EL_KERNEL_CHECK(ctx, node, cifg == !cell->gate_bias[0], which, "the input gate bias must be present exactly when ",
                  "the input gate's weights are (absent under CIFG)");
  const std::vector<int> gates = cifg ? std::vector<int>{1, 2, 3} : std::vector<int>{0, 1, 2, 3};

  // Sizes: cells from the input-to-output weights, output width from the recurrent-to-output weights.
  const Tensor& to_output = *cell->input_to_gate[3];
  EL_KERNEL_CHECK(ctx, node, to_output.rank() == 2, Role(which, "input weights", 3), " '", to_output.name,
                  "' have shape ", DimsToString(to_output.dims), ", expected [cells, input depth]");
  const int n_cell = to_output.dim(0);
  const DataType wtype = cell->input_to_gate[1]->type;
  EL_KERNEL_CHECK(ctx, node, wtype == DataType::kFloat32 || wtype == DataType::kInt8, which, "weights are ",
                  DataTypeName(wtype), "; LSTM weights are float32, or int8 for dynamic range",
                  wtype == DataType::kUInt8 ? " (LiteRT reads uint8 weights as int8)" : "");
  const bool diagonal = cell->recurrent_to_gate[3]->rank() == 1;
  EL_KERNEL_CHECK(ctx, node, !diagonal || options.allow_diagonal_recurrent, Role(which, "recurrent weights", 3),
                  " are 1-D; this operator takes [cells, output width] matrices");
  for (int g : gates) {
    EL_KERNEL_CHECK(ctx, node, (cell->recurrent_to_gate[g]->rank() == 1) == diagonal, which,
                    "recurrent weights are diagonal (1-D) for some gates and matrices for others");
  }
  const Tensor& rec_output = *cell->recurrent_to_gate[3];
  EL_KERNEL_CHECK(ctx, node, diagonal || rec_output.rank() == 2, Role(which, "recurrent weights", 3), " '",
                  rec_output.name, "' have shape ", DimsToString(rec_output.dims), ", expected [cells, output width]");
  const int n_output = diagonal ? n_cell : rec_output.dim(1);

  for (int g : gates) {
    EL_RETURN_IF_ERROR(RefuseSparse(ctx, node, cell->input_to_gate[g], Role(which, "input weights", g)));
    EL_RETURN_IF_ERROR(RefuseSparse(ctx, node, cell->recurrent_to_gate[g], Role(which, "recurrent weights", g)));
    EL_RETURN_IF_ERROR(CheckWeights(ctx, node, *cell->input_to_gate[g], Role(which, "input weights", g), wtype,
                                    n_cell, n_input));
    if (diagonal) {
      EL_RETURN_IF_ERROR(CheckFloatVector(ctx, node, *cell->recurrent_to_gate[g],
                                          Role(which, "diagonal recurrent weights", g), n_cell));
    } else {
      EL_RETURN_IF_ERROR(CheckWeights(ctx, node, *cell->recurrent_to_gate[g], Role(which, "recurrent weights", g),
                                      wtype, n_cell, n_output));
    }
    EL_RETURN_IF_ERROR(CheckFloatVector(ctx, node, *cell->gate_bias[g], Role(which, "bias", g), n_cell));
  }

  // Peephole: input (unless CIFG), forget and output gates, all or none.
  EL_KERNEL_CHECK(ctx, node, !cifg || !cell->cell_to_gate[0], which,
                  "cell-to-input (peephole) weights are given under CIFG, which has no input gate");
  EL_RETURN_IF_ERROR(AllOrNone(ctx, node, which, "peephole (cell-to-gate) weights", cell->cell_to_gate,
                               cifg ? std::vector<int>{1, 3} : std::vector<int>{0, 1, 3}));
  cell->peephole = cell->cell_to_gate[1] != nullptr;
  for (int g : {0, 1, 3}) {
    if (!cell->cell_to_gate[g]) continue;
    EL_RETURN_IF_ERROR(CheckWeights(ctx, node, *cell->cell_to_gate[g], Role(which, "peephole weights", g), wtype,
                                    n_cell, -1));
  }

  // Layer norm: decided by the forget gate's coefficients, as LiteRT does; then required for every gate.
  cell->layer_norm = cell->layer_norm_coefficients[1] != nullptr;
  if (cell->layer_norm) {
    EL_KERNEL_CHECK(ctx, node, !cifg || !cell->layer_norm_coefficients[0], which,
                    "input gate layer norm coefficients are given under CIFG, which has no input gate");
    for (int g : gates) {
      EL_KERNEL_CHECK(ctx, node, cell->layer_norm_coefficients[g], Role(which, "layer norm coefficients", g),
                      " (input ", layout.layer_norm[g], ") are missing while the forget gate's are given");
      EL_RETURN_IF_ERROR(CheckFloatVector(ctx, node, *cell->layer_norm_coefficients[g],
                                          Role(which, "layer norm coefficients", g), n_cell));
    }
  } else {
    for (int g = 0; g < 4; ++g) {
      EL_KERNEL_CHECK(ctx, node, !cell->layer_norm_coefficients[g], Role(which, "layer norm coefficients", g),
                      " are given without the forget gate's, which switch layer norm on");
    }
  }

  // Projection.
  cell->projection_weights = in(layout.projection_weights);
  cell->projection_bias = in(layout.projection_bias);
  EL_KERNEL_CHECK(ctx, node, cell->projection_weights || !cell->projection_bias, which,
                  "a projection bias is given without projection weights");
  if (cell->projection_weights) {
    EL_RETURN_IF_ERROR(CheckWeights(ctx, node, *cell->projection_weights, StrCat(which, "projection weights"), wtype,
                                    n_output, n_cell));
    if (cell->projection_bias) {
      EL_RETURN_IF_ERROR(
          CheckFloatVector(ctx, node, *cell->projection_bias, StrCat(which, "projection bias"), n_output));
    }
  } else {
    EL_KERNEL_CHECK(ctx, node, n_output == n_cell, which, "output width ", n_output, " differs from the ", n_cell,
                    " cells, which needs projection weights");
  }

  // Auxiliary input weights (BIDIRECTIONAL_SEQUENCE_LSTM's stacking with cross links).
  EL_RETURN_IF_ERROR(AllOrNone(ctx, node, which, "auxiliary input weights", cell->aux_input_to_gate, gates));
  EL_KERNEL_CHECK(ctx, node, !cifg || !cell->aux_input_to_gate[0], which,
                  "auxiliary input-to-input weights are given under CIFG, which has no input gate");
  cell->aux = cell->aux_input_to_gate[1] != nullptr;
  if (cell->aux) {
    EL_KERNEL_CHECK(ctx, node, n_aux_input > 0, which, "auxiliary input weights are given without an auxiliary input");
    for (int g : gates) {
      EL_RETURN_IF_ERROR(CheckWeights(ctx, node, *cell->aux_input_to_gate[g], Role(which, "auxiliary input weights", g),
                                      wtype, n_cell, n_aux_input));
    }
  }

  EL_RETURN_IF_ERROR(GetStateInput(ctx, node, layout.output_state, "output state", DataType::kFloat32,
                                   static_cast<int64_t>(n_batch) * n_output, &cell->output_state));
  EL_RETURN_IF_ERROR(GetStateInput(ctx, node, layout.cell_state, "cell state", DataType::kFloat32,
                                   static_cast<int64_t>(n_batch) * n_cell, &cell->cell_state));

  EL_KERNEL_CHECK(ctx, node, options.cell_clip >= 0.f && options.proj_clip >= 0.f, "cell_clip ", options.cell_clip,
                  " and proj_clip ", options.proj_clip, " must not be negative (0 means no clipping)");
  reference::LstmOptions& o = cell->options;
  EL_RETURN_IF_ERROR(GetSequenceActivation(ctx, node, options.activation, /*none_is_identity=*/false, &o.activation));
  o.cell_clip = options.cell_clip;
  o.proj_clip = options.proj_clip;
  o.cifg = cifg;
  o.recurrent_diagonal = diagonal;
  o.asymmetric_quantize_inputs = options.asymmetric_quantize_inputs;
  cell->sizes = {n_input, cell->aux ? n_aux_input : 0, n_cell, n_output};

  cell->hybrid = wtype == DataType::kInt8;
  if (!cell->hybrid) return Status::Ok();
  for (int g : gates) {
    EL_RETURN_IF_ERROR(GetPerTensorWeightScale(ctx, node, *cell->input_to_gate[g],
                                               Role(which, "input weights", g).c_str(), &cell->input_scale[g]));
    if (!diagonal) {
      EL_RETURN_IF_ERROR(GetPerTensorWeightScale(ctx, node, *cell->recurrent_to_gate[g],
                                                 Role(which, "recurrent weights", g).c_str(),
                                                 &cell->recurrent_scale[g]));
    }
    if (cell->aux) {
      EL_RETURN_IF_ERROR(GetPerTensorWeightScale(ctx, node, *cell->aux_input_to_gate[g],
                                                 Role(which, "auxiliary input weights", g).c_str(),
                                                 &cell->aux_scale[g]));
    }
  }
  if (cell->projection_weights) {
    EL_RETURN_IF_ERROR(GetPerTensorWeightScale(ctx, node, *cell->projection_weights,
                                               StrCat(which, "projection weights").c_str(), &cell->projection_scale));
  }
  // The peephole weights times their scale, in float32 as LiteRT recovers them each step.
  for (int g : {0, 1, 3}) {
    const Tensor* p = cell->cell_to_gate[g];
    cell->recovered_peephole[g].clear();
    if (!p) continue;
    EL_KERNEL_CHECK(ctx, node, HasValuesAtPrepare(*p), Role(which, "peephole weights", g), " '", p->name,
                    "' are computed at run time; dynamic-range peephole weights must be constant");
    float scale = 1.f;
    EL_RETURN_IF_ERROR(GetPerTensorWeightScale(ctx, node, *p, Role(which, "peephole weights", g).c_str(), &scale));
    const int8_t* q = p->data_as<int8_t>();
    cell->recovered_peephole[g].resize(n_cell);
    for (int i = 0; i < n_cell; ++i) cell->recovered_peephole[g][i] = scale * static_cast<float>(q[i]);
  }
  return Status::Ok();
}

}  // namespace edgelite
