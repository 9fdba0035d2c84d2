// LSTM: one step of an LSTM cell, in either of LiteRT's two kernel types.
// FULL: input [batch, depth], the 24 (or 20) inputs of UNIDIRECTIONAL_SEQUENCE_LSTM with its variable
//   state tensors; output [batch, output width]. The same cell code and variant rows (lstm_cell.h).
// BASIC: 5 inputs (input [batch, depth], previous output [batch, units], weights [4 * units, depth + units],
//   bias [4 * units], previous cell state [batch, units]) and 4 outputs (output, new cell state, and the
//   concatenated [input, previous output] and the gates before activation, which LiteRT writes as outputs);
//   gates in the order input, candidate (tanh), forget, output, no clipping; the new output and state are then
//   copied back over the two previous-value inputs, as LiteRT does. float32 only.
#include <algorithm>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/lstm_cell.h"
#include "interpreter/kernels/reference/fully_connected.h"

namespace edgelite {
namespace {

struct LstmOpData {
  bool basic = false;
  LstmNodeData full;
  int batch = 0, depth = 0, units = 0;  // BASIC
};

Status Init(KernelContext& ctx, Node& node) {
  auto* d = new LstmOpData();
  node.user_data = d;
  const auto* o = node.op ? node.op->builtin_options_as_LSTMOptions() : nullptr;
  EL_KERNEL_CHECK(ctx, node, o, "LSTMOptions are missing");
  d->basic = o->kernel_type() == schema::LSTMKernelType_BASIC;
  EL_KERNEL_CHECK(ctx, node, d->basic || o->kernel_type() == schema::LSTMKernelType_FULL, "unknown kernel_type ",
                  static_cast<int>(o->kernel_type()));
  LstmCellOptions& opt = d->full.options;
  opt.activation = o->fused_activation_function();
  opt.cell_clip = o->cell_clip();
  opt.proj_clip = o->proj_clip();
  opt.asymmetric_quantize_inputs = o->asymmetric_quantize_inputs();
  return Status::Ok();
}

Status PrepareFull(KernelContext& ctx, Node& node, LstmNodeData& d) {
  Tensor* input = nullptr;
  Tensor* output = nullptr;
  EL_RETURN_IF_ERROR(PrepareFullLstmNode(ctx, node, d, &input, &output));
  EL_KERNEL_CHECK(ctx, node, input->rank() == 2, "input '", input->name, "' has shape ", DimsToString(input->dims),
                  ", expected [batch, depth]");
  LstmPass& p = d.passes[0];
  p.geometry = {1, input->dim(0), input->dim(1), true};
  EL_RETURN_IF_ERROR(ReadLstmCell(ctx, node, kLstmLayout, d.options, p.geometry.batch, p.geometry.depth, 0, "",
                                  &p.cell));
  p.output_stride = p.cell.sizes.n_output;
  EL_RETURN_IF_ERROR(ctx.ResizeTensor(*output, Dims{p.geometry.batch, p.cell.sizes.n_output}));
  return SelectLstmVariant(ctx, node, d);
}

// ---- BASIC ----
enum BasicInput { kInput = 0, kPrevActivation = 1, kWeights = 2, kBias = 3, kPrevState = 4 };
enum BasicOutput { kActivation = 0, kState = 1, kConcat = 2, kGates = 3 };

Status PrepareBasic(KernelContext& ctx, Node& node, LstmOpData& d) {
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 5, 5));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 4));
  Tensor* t[5] = {};
  for (int i = 0; i < 5; ++i) EL_RETURN_IF_ERROR(RequireInput(ctx, node, i, &t[i]));
  Tensor* out[4] = {};
  for (int i = 0; i < 4; ++i) EL_RETURN_IF_ERROR(RequireOutput(ctx, node, i, &out[i]));
  for (Tensor* x : {t[0], t[1], t[2], t[3], t[4], out[0], out[1], out[2], out[3]}) {
    if (x->type == DataType::kFloat32) continue;
    return ctx.Error(node, StrCat("tensor '", x->name, "' is ", DataTypeName(x->type), ": the BASIC LSTM kernel ",
                                  "runs float32 only (LiteRT's uint8/int16 form is not supported)"),
                     StatusCode::kUnsupported);
  }
  const Tensor& input = *t[kInput];
  EL_KERNEL_CHECK(ctx, node, input.rank() == 2, "input '", input.name, "' has shape ", DimsToString(input.dims),
                  ", expected [batch, depth]");
  d.batch = input.dim(0);
  d.depth = input.dim(1);
  const Tensor& prev = *t[kPrevActivation];
  EL_KERNEL_CHECK(ctx, node, prev.rank() == 2 && prev.dim(0) == d.batch, "previous output '", prev.name,
                  "' has shape ", DimsToString(prev.dims), ", expected [", d.batch, ", units]");
  d.units = prev.dim(1);
  EL_RETURN_IF_ERROR(CheckShape(ctx, node, *t[kWeights], "weights", 4 * d.units, d.depth + d.units));
  EL_RETURN_IF_ERROR(CheckShape(ctx, node, *t[kBias], "bias", 4 * d.units));
  EL_RETURN_IF_ERROR(CheckShape(ctx, node, *t[kPrevState], "previous cell state", d.batch, d.units));
  for (int i : {kPrevActivation, kPrevState}) {
    EL_KERNEL_CHECK(ctx, node, !t[i]->is_constant, "input ", i, " ('", t[i]->name, "') is constant, but the BASIC ",
                    "kernel writes the new output and state back into its previous-value inputs");
  }
  EL_RETURN_IF_ERROR(ctx.ResizeTensor(*out[kActivation], Dims{d.batch, d.units}));
  EL_RETURN_IF_ERROR(ctx.ResizeTensor(*out[kState], Dims{d.batch, d.units}));
  EL_RETURN_IF_ERROR(ctx.ResizeTensor(*out[kConcat], Dims{d.batch, d.depth + d.units}));
  return ctx.ResizeTensor(*out[kGates], Dims{d.batch, 4 * d.units});
}

Status EvalBasic(KernelContext& ctx, Node& node, const LstmOpData& d) {
  const int total = d.depth + d.units, u = d.units;
  const float* x = ctx.input(node, kInput)->data_as<float>();
  float* prev_activation = ctx.input(node, kPrevActivation)->data_as<float>();
  float* prev_state = ctx.input(node, kPrevState)->data_as<float>();
  float* activation = ctx.output(node, kActivation)->data_as<float>();
  float* state = ctx.output(node, kState)->data_as<float>();
  float* concat = ctx.output(node, kConcat)->data_as<float>();
  float* gates = ctx.output(node, kGates)->data_as<float>();
  for (int b = 0; b < d.batch; ++b) {
    std::copy_n(x + static_cast<int64_t>(b) * d.depth, d.depth, concat + static_cast<int64_t>(b) * total);
    std::copy_n(prev_activation + static_cast<int64_t>(b) * u, u, concat + static_cast<int64_t>(b) * total + d.depth);
  }
  reference::FullyConnected(d.batch, 4 * u, total, concat, ctx.input(node, kWeights)->data_as<float>(),
                            ctx.input(node, kBias)->data_as<float>(), gates, -std::numeric_limits<float>::infinity(),
                            std::numeric_limits<float>::infinity());
  for (int b = 0; b < d.batch; ++b) {
    const float* g = gates + static_cast<int64_t>(b) * 4 * u;
    for (int c = 0; c < u; ++c) {
      const int64_t i = static_cast<int64_t>(b) * u + c;
      const float input_gate = reference::Logistic(g[c]);
      const float candidate = reference::Tanh(g[u + c]);
      const float forget_gate = reference::Logistic(g[2 * u + c]);
      const float output_gate = reference::Logistic(g[3 * u + c]);
      state[i] = input_gate * candidate + forget_gate * prev_state[i];
      activation[i] = output_gate * reference::Tanh(state[i]);
    }
  }
  const int64_t n = static_cast<int64_t>(d.batch) * u;
  std::copy_n(activation, n, prev_activation);
  std::copy_n(state, n, prev_state);
  return Status::Ok();
}

Status Prepare(KernelContext& ctx, Node& node) {
  auto* d = static_cast<LstmOpData*>(node.user_data);
  return d->basic ? PrepareBasic(ctx, node, *d) : PrepareFull(ctx, node, d->full);
}

Status Eval(KernelContext& ctx, Node& node) {
  auto* d = static_cast<LstmOpData*>(node.user_data);
  return d->basic ? EvalBasic(ctx, node, *d) : d->full.variant->eval(ctx, node, d->full);
}

}  // namespace

const KernelRegistration* Register_LSTM() {
  static const KernelRegistration reg{Init, DeleteNodeData<LstmOpData>, Prepare, Eval};
  return &reg;
}

}  // namespace edgelite
