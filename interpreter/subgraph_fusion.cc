// Graph fusion at allocate (the model file is untouched): a separate RELU, RELU6 or RELU_N1_TO_1 becomes the
// fused activation of the float node that produces its input (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD,
// SUB, MUL, DIV), whose kernels clamp as they write; the activation node is then skipped at invoke and its output
// shares its input's arena bytes. Every node keeps its inputs and outputs as the model has them, so
// get_ops_details still lists the activation (with "fused_into") and the producer says what it applies.
#include "interpreter/subgraph.h"

#include "schema/edgelite_generated.h"

namespace edgelite {
namespace {

using schema::ActivationFunctionType;

// The producer's own fused activation, for the float kernels that take their clamp from GetActivationRange
// (kernel_util.h); -1 for every other node (their clamp, if any, is not read from there).
int ProducerActivation(const Node& n) {
  if (!n.op) return -1;
#define EL_ACTIVATION_OF(CODE, OPTIONS)                                              \
  case schema::BuiltinOperator_##CODE:                                               \
    if (auto* o = n.op->builtin_options_as_##OPTIONS()) return o->fused_activation_function(); \
    return -1;
  switch (n.builtin_code) {
    EL_ACTIVATION_OF(CONV_2D, Conv2DOptions)
    EL_ACTIVATION_OF(DEPTHWISE_CONV_2D, DepthwiseConv2DOptions)
    EL_ACTIVATION_OF(FULLY_CONNECTED, FullyConnectedOptions)
    EL_ACTIVATION_OF(ADD, AddOptions)
    EL_ACTIVATION_OF(SUB, SubOptions)
    EL_ACTIVATION_OF(MUL, MulOptions)
    EL_ACTIVATION_OF(DIV, DivOptions)
    default: return -1;
  }
#undef EL_ACTIVATION_OF
}

// The fused activation an activation node stands for; -1 for other nodes.
int ActivationOfNode(const Node& n) {
  switch (n.builtin_code) {
    case schema::BuiltinOperator_RELU: return schema::ActivationFunctionType_RELU;
    case schema::BuiltinOperator_RELU6: return schema::ActivationFunctionType_RELU6;
    case schema::BuiltinOperator_RELU_N1_TO_1: return schema::ActivationFunctionType_RELU_N1_TO_1;
    default: return -1;
  }
}

// `second` applied after `first`, as one fused activation, or -1 where no single one is the same clamp.
int Compose(int first, int second) {
  if (first == schema::ActivationFunctionType_NONE || first == second) return second;
  const auto relu = schema::ActivationFunctionType_RELU, relu6 = schema::ActivationFunctionType_RELU6;
  if ((first == relu && second == relu6) || (first == relu6 && second == relu)) return relu6;
  return -1;
}

bool PlainFloat(const Tensor& t) { return t.type == DataType::kFloat32 && t.quant.empty(); }

}  // namespace

void Subgraph::PlanFusion() {
  fused_into_.assign(nodes_.size(), -1);
  alias_of_.assign(tensors_.size(), -1);
  for (Node& n : nodes_) n.fused_activation = -1;
  if (options_.preserve_all_tensors) return;  // every intermediate keeps its own values
  // Per tensor: the one plan node reading it, -2 when several (or the caller) do.
  std::vector<int> reader(tensors_.size(), -1);
  auto read = [&](int t, int node) {
    if (t >= 0 && t < static_cast<int>(reader.size())) reader[t] = reader[t] == -1 ? node : -2;
  };
  for (int n : plan_)
    for (int t : nodes_[n].inputs) read(t, n);
  std::vector<bool> boundary(tensors_.size(), false);  // the graph's inputs and outputs keep their own bytes
  for (int t : outputs_) read(t, -2), boundary[t] = true;
  for (int t : inputs_) read(t, -2), boundary[t] = true;
  auto intermediate = [&](int t) {
    const Tensor& x = tensors_[t];
    return t < num_model_tensors_ && !boundary[t] && PlainFloat(x) && !x.is_variable &&
           x.allocation != Allocation::kConstant;
  };
  for (int p : plan_) {
    Node& producer = nodes_[p];
    const int own = ProducerActivation(producer);
    if (own < 0 || node_delegate(p) || producer.outputs.size() != 1 || CanFold(producer)) continue;
    bool float_inputs = true;
    for (int t : producer.inputs)
      if (t >= 0 && !PlainFloat(tensors_[t])) float_inputs = false;  // the integer and hybrid rows clamp otherwise
    const int t0 = producer.outputs[0];
    if (!float_inputs || t0 < 0 || !intermediate(t0) || reader[t0] < 0) continue;
    Node& activation = nodes_[reader[t0]];
    const int fused = Compose(own, ActivationOfNode(activation));
    if (fused < 0 || node_delegate(activation.index) || activation.inputs.size() != 1 ||
        activation.outputs.size() != 1)
      continue;
    const int t1 = activation.outputs[0];
    if (t1 < 0 || !intermediate(t1)) continue;
    producer.fused_activation = static_cast<int8_t>(fused);
    fused_into_[activation.index] = p;
    alias_of_[t1] = t0;
  }
}

void Subgraph::DropUnfusable() {
  for (size_t a = 0; a < fused_into_.size(); ++a) {
    const int p = fused_into_[a];
    if (p < 0) continue;
    const Node& activation = nodes_[a];
    const int t0 = activation.inputs[0], t1 = activation.outputs[0];
    // Folded (its producer's inputs became constants at prepare) or shaped at invoke: the activation runs as
    // a node of its own again. Its producer may still clamp the same way; the clamp applied twice is the same.
    if (folded_[a] || folded_[p] || prepare_at_eval_[a] || prepare_at_eval_[p] || tensors_[t0].is_dynamic ||
        tensors_[t1].is_dynamic) {
      fused_into_[a] = -1;
      alias_of_[t1] = -1;
    }
  }
}

Status Subgraph::ShareAliasedTensors() {
  for (size_t t = 0; t < alias_of_.size(); ++t) {
    if (alias_of_[t] < 0) continue;
    Tensor& alias = tensors_[t];
    const Tensor& home = tensors_[alias_of_[t]];
    if (home.allocation != Allocation::kArena || alias.RequiredBytes() != home.RequiredBytes()) {
      return Internal(StrCat("fused activation output '", alias.name, "' cannot share the bytes of '", home.name, "'"));
    }
    alias.data = home.data;
    alias.bytes = home.bytes;
    alias.allocation = Allocation::kArena;
  }
  return Status::Ok();
}

}  // namespace edgelite
