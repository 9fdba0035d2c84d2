// UNIDIRECTIONAL_SEQUENCE_LSTM: one LSTM cell over a sequence, [batch, time, depth] (or [time, batch, depth]
// with time_major), 24 inputs as lstm_shared.h lists them (the older 20 end before the layer norm
// coefficients); the output state (input 18) and cell state (input 19) are variable tensors the kernel reads
// and overwrites, so they carry over from one invoke to the next until reset_all_variables. Output: every
// step's output, [.., output width]. Peephole, projection (with clipping), layer norm, CIFG and 1-D
// (diagonal) recurrent weights; float32 and dynamic range (lstm_cell.h, lstm_runner.cc).
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/lstm_cell.h"

namespace edgelite {
namespace {

Status Init(KernelContext& ctx, Node& node) {
  auto* d = new LstmNodeData();
  node.user_data = d;
  const auto* o = node.op ? node.op->builtin_options_as_UnidirectionalSequenceLSTMOptions() : nullptr;
  EL_KERNEL_CHECK(ctx, node, o, "UnidirectionalSequenceLSTMOptions are missing");
  d->options.activation = o->fused_activation_function();
  d->options.cell_clip = o->cell_clip();
  d->options.proj_clip = o->proj_clip();
  d->options.asymmetric_quantize_inputs = o->asymmetric_quantize_inputs();
  d->options.allow_diagonal_recurrent = true;
  d->time_major = o->time_major();
  return Status::Ok();
}

Status Prepare(KernelContext& ctx, Node& node) {
  auto* d = static_cast<LstmNodeData*>(node.user_data);
  Tensor* input = nullptr;
  Tensor* output = nullptr;
  EL_RETURN_IF_ERROR(PrepareFullLstmNode(ctx, node, *d, &input, &output));
  LstmPass& p = d->passes[0];
  EL_RETURN_IF_ERROR(GetSequenceGeometry(ctx, node, *input, d->time_major, &p.geometry));
  EL_RETURN_IF_ERROR(ReadLstmCell(ctx, node, kLstmLayout, d->options, p.geometry.batch, p.geometry.depth, 0, "",
                                  &p.cell));
  p.output_stride = p.cell.sizes.n_output;
  Dims out_dims = input->dims;
  out_dims.back() = p.cell.sizes.n_output;
  EL_RETURN_IF_ERROR(ctx.ResizeTensor(*output, out_dims));
  return SelectLstmVariant(ctx, node, *d);
}

}  // namespace

const KernelRegistration* Register_UNIDIRECTIONAL_SEQUENCE_LSTM() {
  static const KernelRegistration reg{Init, DeleteNodeData<LstmNodeData>, Prepare, EvalSelectedVariant<LstmNodeData>};
  return &reg;
}

}  // namespace edgelite
