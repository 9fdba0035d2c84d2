// The fully connected RNN family: h' = act(W x + R h + b) (reference/rnn.h).
//   RNN: one step; input [batch, depth], weights [units, depth], recurrent weights [units, units], bias
//     [units], hidden state [batch, units] (input 4, a variable tensor the kernel overwrites); output
//     [batch, units].
//   UNIDIRECTIONAL_SEQUENCE_RNN: the same inputs over a sequence [batch, time, depth] (time_major: [time,
//     batch, depth]); every step's output.
//   BIDIRECTIONAL_SEQUENCE_RNN: 12 inputs, a forward (1-4) and a backward (5-8) cell, an optional auxiliary
//     input (9) with each cell's auxiliary weights (10, 11); merge_outputs as BIDIRECTIONAL_SEQUENCE_LSTM, and
//     the auxiliary input without weights is the backward cell's input.
// float32, and dynamic range (float input and state, int8 weights with one scale each; the int8 products
// vectorized per ISA, exactly: optimized/hybrid_matvec.h). The activation is any
// of NONE (identity), RELU, RELU_N1_TO_1, RELU6, TANH.
//
// Where LiteRT's kernels are wrong we compute the operators' meaning: its time-major bidirectional kernel
// offsets the auxiliary input's steps by the input's depth, its batch-major one ignores the backward cell's
// own input, and its dynamic-range time-major bidirectional kernel runs the whole sequence max_time times (LiteRT
// 2.3 crashes there).
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/optimized/hybrid_matvec.h"
#include "interpreter/kernels/quantized_filter.h"
#include "interpreter/kernels/reference/rnn.h"
#include "interpreter/kernels/sequence_util.h"

namespace edgelite {
namespace {

// One direction: where its tensors sit among the node's inputs and outputs, and where its output rows go.
struct RnnPass {
  int input = 0, weights = 1, recurrent = 2, bias = 3, state = 4, aux_input = -1, aux_weights = -1, output = 0;
  SequenceGeometry geometry;
  bool forward = true;
  int output_stride = 0, output_offset = 0;
  reference::RnnSizes sizes;
  Tensor* state_tensor = nullptr;
  float weights_scale = 1.f, recurrent_scale = 1.f, aux_scale = 1.f;  // dynamic range
  HybridSequenceInputs quantized_inputs;
  int quantized_state = -1;
};

enum class RnnForm { kStep, kSequence, kBidirectional };

struct RnnData : VariantChoice<RnnData> {
  RnnForm form = RnnForm::kStep;
  schema::ActivationFunctionType activation = schema::ActivationFunctionType_NONE;
  reference::SequenceActivation act = reference::SequenceActivation::kIdentity;
  bool asymmetric = false, time_major = false, merge_outputs = false;
  RnnPass passes[2];
  int num_passes = 1;
  reference::HybridMatVecFn hybrid_matvec = reference::HybridMatVecAccumulate;  // the dynamic-range row's
};

template <RnnForm kForm>
Status Init(KernelContext& ctx, Node& node) {
  auto* d = new RnnData();
  node.user_data = d;
  d->form = kForm;
  if (kForm == RnnForm::kStep) {
    const auto* o = node.op ? node.op->builtin_options_as_RNNOptions() : nullptr;
    EL_KERNEL_CHECK(ctx, node, o, "RNNOptions are missing");
    d->activation = o->fused_activation_function();
    d->asymmetric = o->asymmetric_quantize_inputs();
  } else if (kForm == RnnForm::kSequence) {
    const auto* o = node.op ? node.op->builtin_options_as_SequenceRNNOptions() : nullptr;
    EL_KERNEL_CHECK(ctx, node, o, "SequenceRNNOptions are missing");
    d->activation = o->fused_activation_function();
    d->asymmetric = o->asymmetric_quantize_inputs();
    d->time_major = o->time_major();
  } else {
    const auto* o = node.op ? node.op->builtin_options_as_BidirectionalSequenceRNNOptions() : nullptr;
    EL_KERNEL_CHECK(ctx, node, o, "BidirectionalSequenceRNNOptions are missing");
    d->activation = o->fused_activation_function();
    d->asymmetric = o->asymmetric_quantize_inputs();
    d->time_major = o->time_major();
    d->merge_outputs = o->merge_outputs();
  }
  return GetSequenceActivation(ctx, node, d->activation, /*none_is_identity=*/true, &d->act);
}

// Reads and checks one direction's weights, bias and state; `which` prefixes messages.
Status ReadRnnPass(KernelContext& ctx, const Node& node, const char* which, RnnPass* p) {
  const Tensor* input = ctx.input(node, p->input);
  EL_KERNEL_CHECK(ctx, node, input && input->type == DataType::kFloat32, which, "input (input ", p->input,
                  ") must be float32", input ? StrCat(", got ", DataTypeName(input->type)) : std::string(" (missing)"));
  Tensor* weights = nullptr;
  Tensor* recurrent = nullptr;
  Tensor* bias = nullptr;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, p->weights, &weights));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, p->recurrent, &recurrent));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, p->bias, &bias));
  EL_KERNEL_CHECK(ctx, node, weights->rank() == 2, which, "weights '", weights->name, "' have shape ",
                  DimsToString(weights->dims), ", expected [units, input depth]");
  const int units = weights->dim(0);
  const std::string w_role = StrCat(which, "weights"), r_role = StrCat(which, "recurrent weights");
  EL_RETURN_IF_ERROR(CheckShape(ctx, node, *weights, w_role.c_str(), units, p->geometry.depth));
  EL_RETURN_IF_ERROR(CheckShape(ctx, node, *recurrent, r_role.c_str(), units, units));
  EL_RETURN_IF_ERROR(CheckShape(ctx, node, *bias, StrCat(which, "bias").c_str(), units));
  EL_KERNEL_CHECK(ctx, node, weights->type == DataType::kFloat32 || weights->type == DataType::kInt8, which,
                  "weights are ", DataTypeName(weights->type), "; RNN weights are float32, or int8 for dynamic range");
  EL_KERNEL_CHECK(ctx, node, recurrent->type == weights->type, which, "recurrent weights are ",
                  DataTypeName(recurrent->type), " but the weights are ", DataTypeName(weights->type));
  EL_KERNEL_CHECK(ctx, node, bias->type == DataType::kFloat32, which, "bias '", bias->name, "' is ",
                  DataTypeName(bias->type), ", expected float32");
  p->sizes = {p->geometry.depth, 0, units};
  const Tensor* aux_weights = p->aux_weights >= 0 ? ctx.input(node, p->aux_weights) : nullptr;
  if (aux_weights) {
    const Tensor* aux = ctx.input(node, p->aux_input);
    EL_KERNEL_CHECK(ctx, node, aux, which, "auxiliary weights are given without an auxiliary input");
    p->sizes.n_aux_input = aux->dim(2);
    EL_RETURN_IF_ERROR(CheckShape(ctx, node, *aux_weights, StrCat(which, "auxiliary weights").c_str(), units,
                                  p->sizes.n_aux_input));
    EL_KERNEL_CHECK(ctx, node, aux_weights->type == weights->type, which, "auxiliary weights are ",
                    DataTypeName(aux_weights->type), " but the weights are ", DataTypeName(weights->type));
  } else {
    p->aux_input = -1;
  }
  EL_RETURN_IF_ERROR(GetStateInput(ctx, node, p->state, "hidden state", DataType::kFloat32,
                                   static_cast<int64_t>(p->geometry.batch) * units, &p->state_tensor));
  EL_KERNEL_CHECK(ctx, node, p->state_tensor->rank() == 2, "the hidden state '", p->state_tensor->name,
                  "' has shape ", DimsToString(p->state_tensor->dims), ", expected [batch, units]");
  if (weights->type != DataType::kInt8) return Status::Ok();
  EL_RETURN_IF_ERROR(GetPerTensorWeightScale(ctx, node, *weights, w_role.c_str(), &p->weights_scale));
  EL_RETURN_IF_ERROR(GetPerTensorWeightScale(ctx, node, *recurrent, r_role.c_str(), &p->recurrent_scale));
  if (aux_weights) {
    EL_RETURN_IF_ERROR(GetPerTensorWeightScale(ctx, node, *aux_weights, StrCat(which, "auxiliary weights").c_str(),
                                               &p->aux_scale));
  }
  return Status::Ok();
}

// ---- rows ----

Status EvalFloat(KernelContext& ctx, Node& node, RnnData& d) {
  for (int i = 0; i < d.num_passes; ++i) {
    const RnnPass& p = d.passes[i];
    const reference::RnnSizes& s = p.sizes;
    const float* input = ctx.input(node, p.input)->data_as<float>();
    const float* aux = p.aux_input >= 0 ? ctx.input(node, p.aux_input)->data_as<float>() : nullptr;
    const float* aux_weights = aux ? ctx.input(node, p.aux_weights)->data_as<float>() : nullptr;
    const float* weights = ctx.input(node, p.weights)->data_as<float>();
    const float* recurrent = ctx.input(node, p.recurrent)->data_as<float>();
    const float* bias = ctx.input(node, p.bias)->data_as<float>();
    float* output = ctx.output(node, p.output)->data_as<float>();
    float* state = p.state_tensor->data_as<float>();
    ForEachSequenceStep(p.geometry, p.forward, [&](int, int b, int64_t row) {
      reference::RnnStepFloat(weights, aux_weights, recurrent, bias, s, d.act, input + row * s.n_input,
                              aux ? aux + row * s.n_aux_input : nullptr, state + static_cast<int64_t>(b) * s.units,
                              output + row * p.output_stride + p.output_offset);
    });
  }
  return Status::Ok();
}

Status PrepareHybrid(KernelContext& ctx, Node& node, RnnData& d) {
  d.hybrid_matvec = d.variant->isa == Isa::kReference ? reference::HybridMatVecAccumulate
                                                      : optimized::HybridMatVecFor(d.variant->isa)->accumulate;
  for (int i = 0; i < d.num_passes; ++i) {
    RnnPass& p = d.passes[i];
    EL_RETURN_IF_ERROR(
        p.quantized_inputs.Request(ctx, node, p.geometry.rows(), p.sizes.n_input, p.sizes.n_aux_input));
    EL_RETURN_IF_ERROR(RequestScratch(ctx, node, DataType::kInt8, p.sizes.units, &p.quantized_state));
  }
  return Status::Ok();
}

Status EvalHybrid(KernelContext& ctx, Node& node, RnnData& d) {
  for (int i = 0; i < d.num_passes; ++i) {
    RnnPass& p = d.passes[i];
    const reference::RnnSizes& s = p.sizes;
    const float* input = ctx.input(node, p.input)->data_as<float>();
    const float* aux = p.aux_input >= 0 ? ctx.input(node, p.aux_input)->data_as<float>() : nullptr;
    p.quantized_inputs.Quantize(ctx, d.asymmetric, input, aux);
    reference::RnnHybridWeights w;
    w.weights = {ctx.input(node, p.weights)->data_as<int8_t>(), p.weights_scale};
    if (aux) w.aux_weights = {ctx.input(node, p.aux_weights)->data_as<int8_t>(), p.aux_scale};
    w.recurrent = {ctx.input(node, p.recurrent)->data_as<int8_t>(), p.recurrent_scale};
    w.bias = ctx.input(node, p.bias)->data_as<float>();
    float* output = ctx.output(node, p.output)->data_as<float>();
    float* state = p.state_tensor->data_as<float>();
    int8_t* quantized_state = ctx.tensor(p.quantized_state)->data_as<int8_t>();
    ForEachSequenceStep(p.geometry, p.forward, [&](int, int b, int64_t row) {
      const HybridSequenceInputs::Step in = p.quantized_inputs.At(ctx, row);
      reference::RnnStepHybrid(w, s, d.act, d.asymmetric, in.input, in.input_is_zero, aux ? &in.aux : nullptr,
                               in.aux_is_zero,
                               state + static_cast<int64_t>(b) * s.units,
                               output + row * p.output_stride + p.output_offset, quantized_state, d.hybrid_matvec);
    });
  }
  return Status::Ok();
}

constexpr TypeSignature kF32Types{{kF32, kF32, kF32, kF32, kF32, kAnyType}, {kF32}};
constexpr TypeSignature kHybridTypes{{kF32, kI8, kI8, kF32, kF32, kAnyType}, {kF32}};

const KernelVariant<RnnData> kVariants[] = {
    {"float32", kF32Types, Isa::kReference, nullptr, nullptr, EvalFloat},
    EL_VECTOR_ISA_ROWS("hybrid int8", kHybridTypes, nullptr, PrepareHybrid, EvalHybrid),
    {"hybrid int8", kHybridTypes, Isa::kReference, nullptr, PrepareHybrid, EvalHybrid},
};

// ---- prepare of each form ----

Status PrepareStep(KernelContext& ctx, Node& node, RnnData& d, const Tensor& input) {
  EL_KERNEL_CHECK(ctx, node, input.rank() == 2, "input '", input.name, "' has shape ", DimsToString(input.dims),
                  ", expected [batch, depth]");
  RnnPass& p = d.passes[0];
  p.geometry = {1, input.dim(0), input.dim(1), true};
  EL_RETURN_IF_ERROR(ReadRnnPass(ctx, node, "", &p));
  p.output_stride = p.sizes.units;
  return ctx.ResizeTensor(*ctx.output(node, 0), Dims{p.geometry.batch, p.sizes.units});
}

Status PrepareSequence(KernelContext& ctx, Node& node, RnnData& d, const Tensor& input) {
  RnnPass& p = d.passes[0];
  EL_RETURN_IF_ERROR(GetSequenceGeometry(ctx, node, input, d.time_major, &p.geometry));
  EL_RETURN_IF_ERROR(ReadRnnPass(ctx, node, "", &p));
  p.output_stride = p.sizes.units;
  Dims dims = input.dims;
  dims.back() = p.sizes.units;
  return ctx.ResizeTensor(*ctx.output(node, 0), dims);
}

constexpr int kBidirectionalAuxInput = 9;

Status PrepareBidirectional(KernelContext& ctx, Node& node, RnnData& d, const Tensor& input) {
  SequenceGeometry geometry;
  EL_RETURN_IF_ERROR(GetSequenceGeometry(ctx, node, input, d.time_major, &geometry));
  const Tensor* aux = ctx.input(node, kBidirectionalAuxInput);
  const bool fw_aux = ctx.input(node, 10) != nullptr, bw_aux = ctx.input(node, 11) != nullptr;
  EL_KERNEL_CHECK(ctx, node, fw_aux == bw_aux,
                  "auxiliary weights are given for one cell only; give them for both or neither");
  if (aux) {
    EL_KERNEL_CHECK(ctx, node, aux->rank() == 3 && aux->dim(0) == input.dim(0) && aux->dim(1) == input.dim(1),
                    "auxiliary input '", aux->name, "' has shape ", DimsToString(aux->dims),
                    "; it must match the input's ", DimsToString(input.dims), " in all but the last dimension");
    EL_KERNEL_CHECK(ctx, node, aux->type == DataType::kFloat32, "auxiliary input '", aux->name, "' is ",
                    DataTypeName(aux->type), ", expected float32");
  }
  const bool backward_reads_aux = aux && !fw_aux;
  int widths[2] = {0, 0};
  for (int i = 0; i < 2; ++i) {
    RnnPass& p = d.passes[i];
    p.input = i == 1 && backward_reads_aux ? kBidirectionalAuxInput : 0;
    p.weights = 1 + 4 * i;
    p.recurrent = 2 + 4 * i;
    p.bias = 3 + 4 * i;
    p.state = 4 + 4 * i;
    p.aux_input = fw_aux ? kBidirectionalAuxInput : -1;
    p.aux_weights = fw_aux ? 10 + i : -1;
    p.geometry = geometry;
    if (p.input == kBidirectionalAuxInput) p.geometry.depth = aux->dim(2);
    p.forward = i == 0;
    EL_RETURN_IF_ERROR(ReadRnnPass(ctx, node, i == 0 ? "forward " : "backward ", &p));
    widths[i] = p.sizes.units;
  }
  Dims dims = input.dims;
  for (int i = 0; i < 2; ++i) {
    RnnPass& p = d.passes[i];
    p.output = d.merge_outputs ? 0 : i;
    p.output_stride = d.merge_outputs ? widths[0] + widths[1] : widths[i];
    p.output_offset = d.merge_outputs && i == 1 ? widths[0] : 0;
    if (i == 1 && d.merge_outputs) continue;
    Tensor* output = nullptr;
    EL_RETURN_IF_ERROR(RequireOutput(ctx, node, i, &output));
    dims.back() = p.output_stride;
    EL_RETURN_IF_ERROR(ctx.ResizeTensor(*output, dims));
  }
  return Status::Ok();
}

Status Prepare(KernelContext& ctx, Node& node) {
  auto* d = static_cast<RnnData*>(node.user_data);
  const bool bidirectional = d->form == RnnForm::kBidirectional;
  const int inputs = bidirectional ? 12 : 5;
  EL_KERNEL_CHECK(ctx, node, static_cast<int>(node.inputs.size()) == inputs, "expects ", inputs, " inputs, got ",
                  node.inputs.size());
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, bidirectional && !d->merge_outputs ? 2 : 1));
  Tensor* input = nullptr;
  Tensor* output = nullptr;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &input));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &output));
  EL_RETURN_IF_ERROR(RefuseQuantized(ctx, node, *input, "float32 input (float32 or int8 weights)"));
  d->num_passes = bidirectional ? 2 : 1;
  switch (d->form) {
    case RnnForm::kStep: EL_RETURN_IF_ERROR(PrepareStep(ctx, node, *d, *input)); break;
    case RnnForm::kSequence: EL_RETURN_IF_ERROR(PrepareSequence(ctx, node, *d, *input)); break;
    case RnnForm::kBidirectional: EL_RETURN_IF_ERROR(PrepareBidirectional(ctx, node, *d, *input)); break;
  }
  return SelectVariant(ctx, node, kVariants, *d);
}

}  // namespace

const KernelRegistration* Register_RNN() {
  static const KernelRegistration reg{Init<RnnForm::kStep>, DeleteNodeData<RnnData>, Prepare,
                                      EvalSelectedVariant<RnnData>};
  return &reg;
}

const KernelRegistration* Register_UNIDIRECTIONAL_SEQUENCE_RNN() {
  static const KernelRegistration reg{Init<RnnForm::kSequence>, DeleteNodeData<RnnData>, Prepare,
                                      EvalSelectedVariant<RnnData>};
  return &reg;
}

const KernelRegistration* Register_BIDIRECTIONAL_SEQUENCE_RNN() {
  static const KernelRegistration reg{Init<RnnForm::kBidirectional>, DeleteNodeData<RnnData>, Prepare,
                                      EvalSelectedVariant<RnnData>};
  return &reg;
}

}  // namespace edgelite
