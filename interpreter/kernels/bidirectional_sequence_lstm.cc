// BIDIRECTIONAL_SEQUENCE_LSTM: a forward and a backward LSTM cell over one sequence (48 inputs: each cell's
// 17 weights and biases, then the four variable state tensors, the optional auxiliary input and each cell's
// auxiliary weights). The backward cell walks time from the end. With merge_outputs both directions write
// output 0, forward values first in each row; otherwise output 0 is the forward and output 1 the backward one.
// The auxiliary input has LiteRT's two uses: with auxiliary weights (stacking with cross links) both cells
// add its products; without them (stacking without cross links) it is the backward cell's input.
// Peephole, projection and CIFG as UNIDIRECTIONAL_SEQUENCE_LSTM; no layer norm. time_major defaults to true.
//
// Where LiteRT's kernel is wrong we compute the operator's meaning: batch-major with merge_outputs and batch > 1
// offsets its state rows by the merged output width (reading past the state).
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/lstm_cell.h"

namespace edgelite {
namespace {

constexpr int kAuxInput = 39;

Status Init(KernelContext& ctx, Node& node) {
  auto* d = new LstmNodeData();
  node.user_data = d;
  const auto* o = node.op ? node.op->builtin_options_as_BidirectionalSequenceLSTMOptions() : nullptr;
  EL_KERNEL_CHECK(ctx, node, o, "BidirectionalSequenceLSTMOptions are missing");
  d->options.activation = o->fused_activation_function();
  d->options.cell_clip = o->cell_clip();
  d->options.proj_clip = o->proj_clip();
  d->options.asymmetric_quantize_inputs = o->asymmetric_quantize_inputs();
  d->time_major = o->time_major();
  d->merge_outputs = o->merge_outputs();
  return Status::Ok();
}

Status Prepare(KernelContext& ctx, Node& node) {
  auto* d = static_cast<LstmNodeData*>(node.user_data);
  EL_KERNEL_CHECK(ctx, node, node.inputs.size() == 48, "expects 48 inputs, got ", node.inputs.size());
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, d->merge_outputs ? 1 : 2));
  Tensor* input = nullptr;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &input));
  EL_RETURN_IF_ERROR(RefuseIntegerLstm(ctx, node, *input));
  SequenceGeometry geometry;
  EL_RETURN_IF_ERROR(GetSequenceGeometry(ctx, node, *input, d->time_major, &geometry));
  const Tensor* aux = ctx.input(node, kAuxInput);
  const bool cross_links = ctx.input(node, 41) != nullptr || ctx.input(node, 45) != nullptr;
  if (aux) {
    EL_KERNEL_CHECK(ctx, node, aux->rank() == 3 && aux->dim(0) == input->dim(0) && aux->dim(1) == input->dim(1),
                    "auxiliary input '", aux->name, "' has shape ", DimsToString(aux->dims),
                    "; it must match the input's ", DimsToString(input->dims), " in all but the last dimension");
    EL_KERNEL_CHECK(ctx, node, aux->type == DataType::kFloat32, "auxiliary input '", aux->name, "' is ",
                    DataTypeName(aux->type), ", expected float32");
  }
  // Without auxiliary weights the auxiliary input is the backward cell's input.
  const bool backward_reads_aux = aux && !cross_links;
  const int aux_depth = aux && cross_links ? aux->dim(2) : 0;
  d->num_passes = 2;
  for (int i = 0; i < 2; ++i) {
    LstmPass& p = d->passes[i];
    p.input = i == 1 && backward_reads_aux ? kAuxInput : 0;
    p.aux_input = cross_links ? kAuxInput : -1;
    p.geometry = geometry;
    if (p.input == kAuxInput) p.geometry.depth = aux->dim(2);
    p.forward = i == 0;
    EL_RETURN_IF_ERROR(ReadLstmCell(ctx, node, kBidirectionalLstmLayouts[i], d->options, geometry.batch,
                                    p.geometry.depth, aux_depth, i == 0 ? "forward " : "backward ", &p.cell));
  }
  EL_KERNEL_CHECK(ctx, node, d->passes[0].cell.aux == d->passes[1].cell.aux,
                  "auxiliary input weights are given for one cell only; give them for both or neither");
  const int fw_width = d->passes[0].cell.sizes.n_output, bw_width = d->passes[1].cell.sizes.n_output;
  Dims dims = input->dims;
  for (int i = 0; i < 2; ++i) {
    LstmPass& p = d->passes[i];
    p.output = d->merge_outputs ? 0 : i;
    p.output_stride = d->merge_outputs ? fw_width + bw_width : p.cell.sizes.n_output;
    p.output_offset = d->merge_outputs && i == 1 ? fw_width : 0;
    if (i == 1 && d->merge_outputs) continue;
    Tensor* output = nullptr;
    EL_RETURN_IF_ERROR(RequireOutput(ctx, node, i, &output));
    dims.back() = p.output_stride;
    EL_RETURN_IF_ERROR(ctx.ResizeTensor(*output, dims));
  }
  return SelectLstmVariant(ctx, node, *d);
}

}  // namespace

const KernelRegistration* Register_BIDIRECTIONAL_SEQUENCE_LSTM() {
  static const KernelRegistration reg{Init, DeleteNodeData<LstmNodeData>, Prepare, EvalSelectedVariant<LstmNodeData>};
  return &reg;
}

}  // namespace edgelite
