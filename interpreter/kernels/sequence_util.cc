#include "interpreter/kernels/sequence_util.h"

#include "interpreter/kernels/quantization_params.h"

namespace edgelite {

Status GetSequenceActivation(KernelContext& ctx, const Node& node, schema::ActivationFunctionType act,
                             bool none_is_identity, reference::SequenceActivation* out) {
  using reference::SequenceActivation;
  switch (act) {
    case schema::ActivationFunctionType_RELU: *out = SequenceActivation::kRelu; return Status::Ok();
    case schema::ActivationFunctionType_RELU_N1_TO_1: *out = SequenceActivation::kReluN1To1; return Status::Ok();
    case schema::ActivationFunctionType_RELU6: *out = SequenceActivation::kRelu6; return Status::Ok();
    case schema::ActivationFunctionType_TANH: *out = SequenceActivation::kTanh; return Status::Ok();
    case schema::ActivationFunctionType_NONE:
      if (none_is_identity) {
        *out = SequenceActivation::kIdentity;
        return Status::Ok();
      }
      return ctx.Error(node,
                       "activation NONE is not supported: LiteRT's LSTM kernels apply no function for it and leave "
                       "the gate's partial sums in place, so there is no result to match; use TANH (Keras' default)",
                       StatusCode::kUnsupported);
    default:
      return ctx.Error(node, StrCat("activation ", schema::EnumNameActivationFunctionType(act), " (",
                                    static_cast<int>(act), ") is not supported by this operator"),
                       StatusCode::kUnsupported);
  }
}

Status GetStateInput(KernelContext& ctx, const Node& node, int i, const char* what, DataType type, int64_t elements,
                     Tensor** out) {
  Tensor* t = ctx.input(node, i);
  EL_KERNEL_CHECK(ctx, node, t, "input ", i, " (the ", what, ") is missing");
  EL_KERNEL_CHECK(ctx, node, t->is_variable, "input ", i, " (the ", what, ", '", t->name,
                  "') must be a variable tensor: the kernel keeps its state there across invokes");
  EL_KERNEL_CHECK(ctx, node, t->type == type, "the ", what, " '", t->name, "' is ", DataTypeName(t->type),
                  ", expected ", DataTypeName(type));
  EL_KERNEL_CHECK(ctx, node, t->num_elements() == elements, "the ", what, " '", t->name, "' has shape ",
                  DimsToString(t->dims), " (", t->num_elements(), " values), expected ", elements,
                  " (batch x units)");
  *out = t;
  return Status::Ok();
}

Status GetSequenceGeometry(KernelContext& ctx, const Node& node, const Tensor& input, bool time_major,
                           SequenceGeometry* out) {
  EL_KERNEL_CHECK(ctx, node, input.rank() == 3, "input '", input.name, "' has shape ", DimsToString(input.dims),
                  ": a sequence is 3-D, ", time_major ? "[time, batch, depth]" : "[batch, time, depth]");
  out->time_major = time_major;
  out->max_time = time_major ? input.dim(0) : input.dim(1);
  out->batch = time_major ? input.dim(1) : input.dim(0);
  out->depth = input.dim(2);
  return Status::Ok();
}

Status CheckShape(KernelContext& ctx, const Node& node, const Tensor& t, const char* what, int dim0, int dim1) {
  const bool ok = dim1 < 0 ? t.rank() == 1 && t.dim(0) == dim0 : t.rank() == 2 && t.dim(0) == dim0 && t.dim(1) == dim1;
  if (ok) return Status::Ok();
  return ctx.Error(node, dim1 < 0 ? StrCat(what, " '", t.name, "' has shape ", DimsToString(t.dims), ", expected [",
                                           dim0, "]")
                                  : StrCat(what, " '", t.name, "' has shape ", DimsToString(t.dims), ", expected [",
                                           dim0, ", ", dim1, "]"));
}

Status GetPerTensorWeightScale(KernelContext& ctx, const Node& node, const Tensor& weights, const char* what,
                               float* scale) {
  TensorQuantization q;
  EL_RETURN_IF_ERROR(GetPerTensorQuantization(ctx, node, weights, what, &q));
  EL_KERNEL_CHECK(ctx, node, q.zero_point == 0, what, " '", weights.name, "' has zero point ", q.zero_point,
                  "; dynamic-range weights are symmetric (zero point 0)");
  *scale = q.scale;
  return Status::Ok();
}

Status HybridSequenceInputs::Request(KernelContext& ctx, Node& node, int64_t rows, int n_input, int n_aux) {
  rows_ = rows;
  n_input_ = n_input;
  n_aux_ = n_aux;
  EL_RETURN_IF_ERROR(input_rows_.Request(ctx, node, rows, n_input));
  return n_aux > 0 ? aux_rows_.Request(ctx, node, rows, n_aux) : Status::Ok();
}

void HybridSequenceInputs::Quantize(KernelContext& ctx, bool asymmetric, const float* input, const float* aux) {
  input_ = input;
  aux_ = n_aux_ > 0 ? aux : nullptr;
  input_rows_.QuantizeRows(ctx, asymmetric, input, rows_, n_input_);
  if (aux_) aux_rows_.QuantizeRows(ctx, asymmetric, aux_, rows_, n_aux_);
}

HybridSequenceInputs::Step HybridSequenceInputs::At(KernelContext& ctx, int64_t row) const {
  Step s;
  s.input = {input_rows_.quantized(ctx) + row * n_input_, input_rows_.scales(ctx)[row],
             input_rows_.zero_points(ctx)[row]};
  s.input_is_zero = reference::IsZeroVector(input_ + row * n_input_, n_input_);
  if (aux_) {
    s.aux = {aux_rows_.quantized(ctx) + row * n_aux_, aux_rows_.scales(ctx)[row], aux_rows_.zero_points(ctx)[row]};
    s.aux_is_zero = reference::IsZeroVector(aux_ + row * n_aux_, n_aux_);
  }
  return s;
}

}  // namespace edgelite
