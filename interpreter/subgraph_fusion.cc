// Graph fusion at allocate (the model file is untouched): a separate RELU, RELU6 or RELU_N1_TO_1 becomes the
// fused activation of the float node that produces its input (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD,
// SUB, MUL, DIV), whose kernels clamp as they write; the activation node is then skipped at invoke and its output
// shares its input's arena bytes. Then a float residual ADD (conv output + a tensor of the same shape computed
// earlier, ResNet's and BlazeFace's blocks) becomes the epilogue of that CONV_2D, with the ADD's activation; and
// a float MUL by a constant followed by an ADD of a constant (a batch normalization that no convolution absorbed:
// DenseNet's BN + ReLU before each dense layer) becomes one MUL node running both loops over cache-sized chunks.
// A float HARD_SWISH whose input only it reads becomes the epilogue of the CONV_2D or DEPTHWISE_CONV_2D writing
// that input (MobileNet v3), applied to each output tile while it is in cache.
// A PAD (or PADV2) of the spatial axes whose output only a VALID CONV_2D, DEPTHWISE_CONV_2D or MAX_POOL_2D reads
// becomes that node's padding (Keras' ZeroPadding2D before a strided convolution, an ONNX model's explicit pads):
// the node reads the PAD's input and the padded tensor is never written.
// Every node keeps its inputs and outputs as the model has them, so get_ops_details still lists the skipped
// nodes (with "fused_into") and the producer says what it applies.
#include "interpreter/subgraph.h"

#include <cmath>
#include <limits>
#include <string>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/reference/broadcast.h"

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

// Every input of `n` is a plain float tensor (the integer and hybrid rows clamp otherwise).
bool FloatInputs(const Node& n, const std::deque<Tensor>& tensors) {
  for (int t : n.inputs)
    if (t >= 0 && !PlainFloat(tensors[t])) return false;
  return true;
}

// Who reads what, for both fusions: per tensor the one plan node reading it (-2: several, or the caller), and
// whether it is one of the graph's inputs or outputs, which keep their own bytes.
struct PlanReaders {
  std::vector<int> reader;
  std::vector<bool> boundary;
};
PlanReaders ReadersOf(const std::vector<int>& plan, const std::vector<Node>& nodes, size_t tensors,
                      const std::vector<int>& inputs, const std::vector<int>& outputs) {
  PlanReaders r{std::vector<int>(tensors, -1), std::vector<bool>(tensors, false)};
  auto read = [&](int t, int node) {
    if (t >= 0 && t < static_cast<int>(tensors)) r.reader[t] = r.reader[t] == -1 ? node : -2;
  };
  for (int n : plan)
    for (int t : nodes[n].inputs) read(t, n);
  for (int t : outputs) read(t, -2), r.boundary[t] = true;
  for (int t : inputs) read(t, -2), r.boundary[t] = true;
  return r;
}

// A model tensor whose bytes a fused node may share: plain float, not a graph input or output, a variable or
// a constant.
bool Intermediate(const Tensor& x, int t, int num_model_tensors, const std::vector<bool>& boundary) {
  return t >= 0 && t < num_model_tensors && !boundary[t] && PlainFloat(x) && !x.is_variable &&
         x.allocation != Allocation::kConstant;
}

// An intermediate (above) whose shape is settled at allocate: what the fusions after the prepares may share.
bool SettledIntermediate(const Tensor& x, int t, int num_model_tensors, const std::vector<bool>& boundary) {
  return Intermediate(x, t, num_model_tensors, boundary) && !x.is_dynamic;
}

// Per tensor, whether a fused node's output already shares its bytes. `alias_of` is sized at PlanFusion: the
// temporaries kernels added since alias nothing.
std::vector<bool> AliasHomes(const std::vector<int>& alias_of, size_t tensors) {
  std::vector<bool> aliased(tensors, false);
  for (int home : alias_of)
    if (home >= 0) aliased[home] = true;
  return aliased;
}

// The fused activation of an ADD that a producer's kernels can apply in its place (a clamp), or -1.
int AddClamp(const Node& add) {
  const int activation = add.fused_activation >= 0 ? add.fused_activation : ProducerActivation(add);
  const bool clamp = activation == schema::ActivationFunctionType_NONE ||
                     activation == schema::ActivationFunctionType_RELU ||
                     activation == schema::ActivationFunctionType_RELU6 ||
                     activation == schema::ActivationFunctionType_RELU_N1_TO_1;
  return clamp ? activation : -1;
}

// `producer` (writing t0, the ADD's other input) takes in `add`: it adds `addend` and clamps with the ADD's
// `activation`; the ADD, and any activation fused into it, become the producer's, and the ADD's output shares t0.
void TakeAdd(Node& producer, const Node& add, int addend, int activation, int t0, std::vector<int>& fused_into,
             std::vector<int>& alias_of) {
  const int p = producer.index, a = add.index, t1 = add.outputs[0];
  producer.fused_addend = addend;
  if (activation != schema::ActivationFunctionType_NONE) producer.fused_activation = static_cast<int8_t>(activation);
  fused_into[a] = p;
  for (int& f : fused_into)
    if (f == a) f = p;
  alias_of[t1] = t0;
  for (int& h : alias_of)
    if (h == t1) h = t0;
}

// The extent of the (dilated) window of a VALID CONV_2D, DEPTHWISE_CONV_2D or MAX_POOL_2D, whose padding a fused PAD
// may become; false for other nodes and other paddings.
bool ValidWindowExtent(const Node& n, const std::deque<Tensor>& tensors, int* extent_h, int* extent_w) {
  if (!n.op || n.inputs.empty()) return false;
  int filter_h = 0, filter_w = 0, dilation_h = 1, dilation_w = 1;
  schema::Padding padding = schema::Padding_SAME;
  auto filter_of = [&](auto* o) {
    if (!o || n.inputs.size() < 2 || n.inputs[1] < 0 || tensors[n.inputs[1]].rank() != 4) return false;
    filter_h = tensors[n.inputs[1]].dim(1), filter_w = tensors[n.inputs[1]].dim(2);
    dilation_h = o->dilation_h_factor(), dilation_w = o->dilation_w_factor(), padding = o->padding();
    return true;
  };
  switch (n.builtin_code) {
    case schema::BuiltinOperator_CONV_2D:
      if (!filter_of(n.op->builtin_options_as_Conv2DOptions())) return false;
      break;
    case schema::BuiltinOperator_DEPTHWISE_CONV_2D:
      if (!filter_of(n.op->builtin_options_as_DepthwiseConv2DOptions())) return false;
      break;
    case schema::BuiltinOperator_MAX_POOL_2D: {
      const auto* o = n.op->builtin_options_as_Pool2DOptions();
      if (!o) return false;
      filter_h = o->filter_height(), filter_w = o->filter_width(), padding = o->padding();
      break;
    }
    default: return false;
  }
  if (padding != schema::Padding_VALID || filter_h <= 0 || filter_w <= 0 || dilation_h <= 0 || dilation_w <= 0) {
    return false;
  }
  *extent_h = static_cast<int>(std::min<int64_t>((filter_h - 1) * static_cast<int64_t>(dilation_h) + 1, 1 << 24));
  *extent_w = static_cast<int>(std::min<int64_t>((filter_w - 1) * static_cast<int64_t>(dilation_w) + 1, 1 << 24));
  return true;
}

// Whether padding with `pad`'s fill is what `consumer`'s kernels do for the positions outside their input: zero for
// a convolution (int8: the zero point, which the integer kernels leave out of the sums), for a max pool a value no
// input is below (float: -inf, or the lowest finite float, which ONNX models pad with: the two differ only for a
// window whose input cells are all -inf, where the fused pool gives -inf as the ONNX MaxPool does; int8: -128).
bool FillMatches(const Node& pad, const Node& consumer, const Tensor& padded, const std::deque<Tensor>& tensors) {
  const bool pool = consumer.builtin_code == schema::BuiltinOperator_MAX_POOL_2D;
  const bool int8 = padded.type == DataType::kInt8;
  const int64_t zero_point = int8 ? padded.quant.zero_point[0] : 0;
  const Tensor* value = pad.inputs.size() > 2 && pad.inputs[2] >= 0 ? &tensors[pad.inputs[2]] : nullptr;
  if (!value) return !pool || (int8 && zero_point == std::numeric_limits<int8_t>::min());  // 0, or the zero point
  if (!value->is_constant || !value->data || value->num_elements() != 1 || value->type != padded.type) return false;
  if (int8) {
    const int v = value->data_as<int8_t>()[0];
    return pool ? v == std::numeric_limits<int8_t>::min() : v == zero_point;
  }
  const float v = value->data_as<float>()[0];
  if (pool) return v == -std::numeric_limits<float>::infinity() || v == std::numeric_limits<float>::lowest();
  return v == 0.0f && !std::signbit(v);
}

}  // namespace

void Subgraph::PlanFusion() {
  fused_into_.assign(nodes_.size(), -1);
  alias_of_.assign(tensors_.size(), -1);
  for (Node& n : nodes_) {
    n.fused_activation = -1, n.fused_addend = -1, n.fused_hard_swish = false;
    n.fused_pad = Node::FusedPad();
  }
  if (options_.preserve_all_tensors) return;  // every intermediate keeps its own values
  const PlanReaders readers = ReadersOf(plan_, nodes_, tensors_.size(), inputs_, outputs_);
  const std::vector<int>& reader = readers.reader;
  auto intermediate = [&](int t) { return Intermediate(tensors_[t], t, num_model_tensors_, readers.boundary); };
  for (int p : plan_) {
    Node& producer = nodes_[p];
    const int own = ProducerActivation(producer);
    if (own < 0 || node_delegate(p) || producer.outputs.size() != 1 || CanFold(producer)) continue;
    const int t0 = producer.outputs[0];
    if (!FloatInputs(producer, tensors_) || t0 < 0 || !intermediate(t0) || reader[t0] < 0) continue;
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

bool Subgraph::RunsUnfused(int n) const {
  return !folded_[n] && fused_into_[n] < 0 && !prepare_at_eval_[n] && !node_delegate(n);
}

void Subgraph::FuseHardSwishes() {
  if (options_.preserve_all_tensors) return;
  const PlanReaders readers = ReadersOf(plan_, nodes_, tensors_.size(), inputs_, outputs_);
  auto intermediate = [&](int t) { return SettledIntermediate(tensors_[t], t, num_model_tensors_, readers.boundary); };
  const std::vector<bool> aliased = AliasHomes(alias_of_, tensors_.size());
  std::vector<int> writer(tensors_.size(), -1);
  for (int n : plan_)
    for (int t : nodes_[n].outputs)
      if (t >= 0 && t < static_cast<int>(writer.size())) writer[t] = n;
  for (int h : plan_) {
    const Node& swish = nodes_[h];
    if (swish.builtin_code != schema::BuiltinOperator_HARD_SWISH || !RunsUnfused(h) || swish.inputs.size() != 1 ||
        swish.outputs.size() != 1) {
      continue;
    }
    const int t0 = swish.inputs[0], t1 = swish.outputs[0];
    if (t0 < 0 || t1 < 0 || !intermediate(t0) || !intermediate(t1) || aliased[t0] || readers.reader[t0] != h ||
        writer[t0] < 0 || tensors_[t1].dims != tensors_[t0].dims) {
      continue;
    }
    // The producer's float rows (optimized and reference) apply it; its own activation stays first, as in the graph.
    Node& producer = nodes_[writer[t0]];
    const bool conv = producer.builtin_code == schema::BuiltinOperator_CONV_2D ||
                      producer.builtin_code == schema::BuiltinOperator_DEPTHWISE_CONV_2D;
    const bool float_row = producer.variant_name && std::string(producer.variant_name) == "float32";
    if (!conv || !float_row || !RunsUnfused(producer.index) || producer.outputs.size() != 1 ||
        producer.fused_addend >= 0 || !FloatInputs(producer, tensors_)) {
      continue;
    }
    producer.fused_hard_swish = true;
    fused_into_[h] = producer.index;
    alias_of_[t1] = t0;
  }
}

Status Subgraph::FusePads() {
  if (options_.preserve_all_tensors) return Status::Ok();
  const PlanReaders readers = ReadersOf(plan_, nodes_, tensors_.size(), inputs_, outputs_);
  const std::vector<bool> aliased = AliasHomes(alias_of_, tensors_.size());
  // The PAD's input and output: plain float, or int8 of one scale and zero point, the same for both (PAD copies
  // the raw values; the consumer reads the input with the output's quantization).
  auto same_kind = [](const Tensor& a, const Tensor& b) {
    if (PlainFloat(a) && PlainFloat(b)) return true;
    return a.type == DataType::kInt8 && b.type == DataType::kInt8 && a.quant.scale.size() == 1 &&
           a.quant.zero_point.size() == 1 && b.quant.scale == a.quant.scale && b.quant.zero_point == a.quant.zero_point;
  };
  for (int p : plan_) {
    const Node& pad = nodes_[p];
    const bool is_pad = pad.builtin_code == schema::BuiltinOperator_PAD ||
                        pad.builtin_code == schema::BuiltinOperator_PADV2;
    if (!is_pad || !RunsUnfused(p) || pad.inputs.size() < 2 || pad.outputs.size() != 1) continue;
    const int t0 = pad.inputs[0], t1 = pad.outputs[0], pt = pad.inputs[1];
    if (t0 < 0 || t1 < 0 || pt < 0 || t1 >= num_model_tensors_ || readers.boundary[t1] || aliased[t1] ||
        alias_of_[t1] >= 0 || tensors_[t1].is_variable || readers.reader[t1] < 0) {
      continue;
    }
    const Tensor &in = tensors_[t0], &out = tensors_[t1], &paddings = tensors_[pt];
    if (in.is_dynamic || out.is_dynamic || in.rank() != 4 || out.rank() != 4 || !same_kind(in, out) ||
        !paddings.is_constant || !paddings.data || paddings.dims != Dims{4, 2} ||
        (paddings.type != DataType::kInt32 && paddings.type != DataType::kInt64)) {
      continue;
    }
    int64_t amounts[8];
    for (int i = 0; i < 8; ++i) amounts[i] = IntValueAt(paddings, i);
    Node& consumer = nodes_[readers.reader[t1]];
    const int c = consumer.index;
    int extent_h = 0, extent_w = 0;
    const char* variant = consumer.variant_name;
    const bool kernel_row = variant && (std::string(variant) == (PlainFloat(out) ? "float32" : "int8") ||
                                        (!PlainFloat(out) && std::string(variant) == "int8 multiplier 1"));
    if (!RunsUnfused(c) || !kernel_row || consumer.inputs[0] != t1 || consumer.fused_pad.input >= 0 ||
        !ValidWindowExtent(consumer, tensors_, &extent_h, &extent_w) || !FillMatches(pad, consumer, out, tensors_)) {
      continue;
    }
    // Batch and channels unpadded; each spatial side padded by less than the window, so that every window still
    // covers an input cell (a max pool of padding alone would differ) and the kernels' border handling, made for
    // SAME padding, covers it.
    bool fits = amounts[0] == 0 && amounts[1] == 0 && amounts[6] == 0 && amounts[7] == 0;
    for (int i = 2; i < 6; ++i) fits = fits && amounts[i] >= 0 && amounts[i] < (i < 4 ? extent_h : extent_w);
    if (!fits || in.dim(1) <= 0 || in.dim(2) <= 0 || out.dim(0) != in.dim(0) || out.dim(3) != in.dim(3) ||
        out.dim(1) != in.dim(1) + amounts[2] + amounts[3] || out.dim(2) != in.dim(2) + amounts[4] + amounts[5]) {
      continue;
    }
    consumer.fused_pad = {t0, static_cast<int>(amounts[2]), static_cast<int>(amounts[3]), static_cast<int>(amounts[4]),
                          static_cast<int>(amounts[5])};
    fused_into_[p] = c;
    EL_RETURN_IF_ERROR(PrepareNode(consumer));  // the geometry over the PAD's input
  }
  return Status::Ok();
}

Status Subgraph::FuseResidualAdds() {
  if (options_.preserve_all_tensors) return Status::Ok();
  const int nodes = static_cast<int>(nodes_.size()), tensors = static_cast<int>(tensors_.size());
  const PlanReaders readers = ReadersOf(plan_, nodes_, tensors_.size(), inputs_, outputs_);
  const std::vector<int>& reader = readers.reader;
  // Per tensor the node writing it; per node its step in the plan.
  std::vector<int> writer(tensors, -1), step(nodes, -1);
  for (size_t i = 0; i < plan_.size(); ++i) {
    const Node& n = nodes_[plan_[i]];
    step[n.index] = static_cast<int>(i);
    for (int t : n.outputs)
      if (t >= 0 && t < tensors) writer[t] = n.index;
  }
  auto plain = [&](int t) {
    const Tensor& x = tensors_[t];
    return PlainFloat(x) && !x.is_dynamic && !x.is_variable;
  };
  auto intermediate = [&](int t) { return SettledIntermediate(tensors_[t], t, num_model_tensors_, readers.boundary); };
  std::vector<bool> aliased = AliasHomes(alias_of_, tensors_.size());
  // A CONV_2D that can take an ADD of its output: float, no activation of its own, the ADD its one reader.
  auto fusable_conv = [&](int t0) {
    const int p = t0 >= 0 && t0 < tensors ? writer[t0] : -1;
    if (p < 0) return false;
    const Node& conv = nodes_[p];
    if (conv.builtin_code != schema::BuiltinOperator_CONV_2D || !RunsUnfused(p) || conv.outputs.size() != 1 ||
        conv.fused_hard_swish || !FloatInputs(conv, tensors_)) {
      return false;
    }
    const int own = conv.fused_activation >= 0 ? conv.fused_activation : ProducerActivation(conv);
    return own == schema::ActivationFunctionType_NONE && intermediate(t0) && !aliased[t0] && reader[t0] >= 0;
  };
  const std::vector<int> order = plan_;  // plan_ may change below
  for (int a : order) {
    Node& add = nodes_[a];
    if (add.builtin_code != schema::BuiltinOperator_ADD || !RunsUnfused(a) || add.inputs.size() != 2 ||
        add.outputs.size() != 1 || add.inputs[0] == add.inputs[1]) {
      continue;
    }
    // Of two convolutions, the later one: the other's output is there when it runs.
    int k = -1;
    for (int i = 0; i < 2; ++i) {
      if (fusable_conv(add.inputs[i]) && (k < 0 || step[writer[add.inputs[i]]] > step[writer[add.inputs[k]]])) k = i;
    }
    if (k < 0) continue;
    const int t0 = add.inputs[k], x = add.inputs[1 - k], t1 = add.outputs[0];
    const int p = writer[t0];
    Node& conv = nodes_[p];
    if (x < 0 || !plain(x) || !intermediate(t1) || tensors_[x].dims != tensors_[t0].dims ||
        tensors_[t1].dims != tensors_[t0].dims) {
      continue;
    }
    const int activation = AddClamp(add);  // the clamps the convolution's kernels apply (GetActivationRange)
    if (activation < 0) continue;
    // The other input must be there when the convolution runs: a constant, a graph input, or written before.
    // Written after it (BlazeFace's pooled and channel-padded shortcut comes after the block's convolutions),
    // the convolution moves to just before the ADD: nothing in between reads its output, and its inputs stay.
    const int home = HomeTensor(x);
    const int w = home < tensors ? writer[home] : -1;
    TakeAdd(conv, add, x, activation, t0, fused_into_, alias_of_);
    aliased[t0] = true;
    if (w >= 0 && step[w] > step[p]) {
      plan_.erase(plan_.begin() + step[p]);
      plan_.insert(plan_.begin() + step[a] - 1, p);
      for (size_t i = 0; i < plan_.size(); ++i) step[plan_[i]] = static_cast<int>(i);
    }
    EL_RETURN_IF_ERROR(PrepareNode(conv));  // the ADD's activation range
  }
  return Status::Ok();
}

Status Subgraph::FuseScaleShifts() {
  if (options_.preserve_all_tensors) return Status::Ok();
  const PlanReaders readers = ReadersOf(plan_, nodes_, tensors_.size(), inputs_, outputs_);
  auto intermediate = [&](int t) { return SettledIntermediate(tensors_[t], t, num_model_tensors_, readers.boundary); };
  auto constant = [&](int t) {
    return t >= 0 && PlainFloat(tensors_[t]) && tensors_[t].allocation == Allocation::kConstant;
  };
  std::vector<bool> aliased = AliasHomes(alias_of_, tensors_.size());
  for (int m : plan_) {
    Node& mul = nodes_[m];
    if (mul.builtin_code != schema::BuiltinOperator_MUL || !RunsUnfused(m) || mul.inputs.size() != 2 ||
        mul.outputs.size() != 1 || mul.fused_addend >= 0 || !FloatInputs(mul, tensors_) ||
        !constant(mul.inputs[1])) {
      continue;
    }
    const int own = mul.fused_activation >= 0 ? mul.fused_activation : ProducerActivation(mul);
    const int t0 = mul.outputs[0];
    if (own != schema::ActivationFunctionType_NONE || t0 < 0 || !intermediate(t0) || aliased[t0] ||
        readers.reader[t0] < 0 || tensors_[mul.inputs[0]].dims != tensors_[t0].dims) {
      continue;
    }
    Node& add = nodes_[readers.reader[t0]];
    const int a = add.index;
    if (add.builtin_code != schema::BuiltinOperator_ADD || !RunsUnfused(a) || add.inputs.size() != 2 ||
        add.outputs.size() != 1 || add.fused_addend >= 0 || add.inputs[0] == add.inputs[1]) {
      continue;
    }
    const int x = add.inputs[0] == t0 ? add.inputs[1] : add.inputs[0], t1 = add.outputs[0];
    // The shift repeats along the leading axes (one value per channel, or one in all): the MUL's kernel adds it
    // chunk by chunk.
    if (!constant(x) || t1 < 0 || !intermediate(t1) || tensors_[t1].dims != tensors_[t0].dims ||
        reference::TrailingBroadcastSize(tensors_[t0].dims, tensors_[x].dims) <= 0) {
      continue;
    }
    const int activation = AddClamp(add);
    if (activation < 0) continue;
    TakeAdd(mul, add, x, activation, t0, fused_into_, alias_of_);
    aliased[t0] = true;
    EL_RETURN_IF_ERROR(PrepareNode(mul));  // the shift's loop and the ADD's activation range
  }
  return Status::Ok();
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
