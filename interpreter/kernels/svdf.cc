// SVDF: input [batch, input size], feature weights [filters, input size], time weights [filters, memory],
// optional bias [units] (units = filters / rank), state [batch, filters * memory] (input 4, a variable tensor
// the kernel updates each invoke); output [batch, units] (reference/svdf.h).
//   float32; dynamic range (float input, int8 feature weights with one scale, the time weights int8 as LiteRT
//   reads them, dequantized once, or float32); full integer (int8 input and output, int8 feature weights, int16
//   time weights and state, int32 bias: LiteRT's reference arithmetic, which needs the activation RELU and
//   clamps to int8 without applying it otherwise).
#include <vector>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/variant_types.h"
#include "interpreter/kernels/optimized/hybrid_matvec.h"
#include "interpreter/kernels/quantization_params.h"
#include "interpreter/kernels/quantized_filter.h"
#include "interpreter/kernels/reference/svdf.h"
#include "interpreter/kernels/sequence_util.h"

namespace edgelite {
namespace {

enum SvdfInput { kInput = 0, kWeightsFeature = 1, kWeightsTime = 2, kBias = 3, kState = 4 };

struct SvdfData : VariantChoice<SvdfData> {
  int rank = 0;
  schema::ActivationFunctionType activation = schema::ActivationFunctionType_NONE;
  bool asymmetric = false;
  reference::SequenceActivation act = reference::SequenceActivation::kIdentity;
  reference::SvdfSizes sizes;
  Tensor* state = nullptr;
  int scratch = -1;
  // Dynamic range.
  float feature_scale = 1.f;
  std::vector<float> dequantized_time;  // int8 time weights times their scale
  HybridRowScratch rows;
  reference::HybridMatVecFn matvec = reference::HybridMatVecAccumulate;
  // Full integer.
  int32_t input_zero_point = 0, output_zero_point = 0;
  QuantizedMultiplier to_state, to_output;
};

Status Init(KernelContext& ctx, Node& node) {
  auto* d = new SvdfData();
  node.user_data = d;
  const auto* o = node.op ? node.op->builtin_options_as_SVDFOptions() : nullptr;
  EL_KERNEL_CHECK(ctx, node, o, "SVDFOptions are missing");
  d->rank = o->rank();
  d->activation = o->fused_activation_function();
  d->asymmetric = o->asymmetric_quantize_inputs();
  return GetSequenceActivation(ctx, node, d->activation, /*none_is_identity=*/true, &d->act);
}

Status RequestFloatScratch(KernelContext& ctx, Node& node, SvdfData& d) {
  return RequestScratch(ctx, node, DataType::kFloat32, static_cast<int64_t>(d.sizes.batch) * d.sizes.filters,
                        &d.scratch);
}

const float* Data(const Tensor* t) { return t ? t->data_as<float>() : nullptr; }

Status EvalFloat(KernelContext& ctx, Node& node, SvdfData& d) {
  reference::SvdfFloat(d.sizes, ctx.input(node, kInput)->data_as<float>(),
                       ctx.input(node, kWeightsFeature)->data_as<float>(),
                       ctx.input(node, kWeightsTime)->data_as<float>(), Data(ctx.input(node, kBias)), d.act,
                       d.state->data_as<float>(), ctx.tensor(d.scratch)->data_as<float>(),
                       ctx.output(node, 0)->data_as<float>());
  return Status::Ok();
}

Status PrepareHybrid(KernelContext& ctx, Node& node, SvdfData& d) {
  d.matvec = d.variant->isa == Isa::kReference ? reference::HybridMatVecAccumulate
                                               : optimized::HybridMatVecFor(d.variant->isa)->accumulate;
  EL_RETURN_IF_ERROR(RequestFloatScratch(ctx, node, d));
  EL_RETURN_IF_ERROR(GetPerTensorWeightScale(ctx, node, *ctx.input(node, kWeightsFeature), "feature weights",
                                             &d.feature_scale));
  const Tensor& time = *ctx.input(node, kWeightsTime);
  d.dequantized_time.clear();
  if (time.type == DataType::kInt8) {
    EL_KERNEL_CHECK(ctx, node, HasValuesAtPrepare(time), "int8 time weights '", time.name,
                    "' are computed at run time; dynamic-range time weights must be constant");
    float scale = 1.f;
    EL_RETURN_IF_ERROR(GetPerTensorWeightScale(ctx, node, time, "time weights", &scale));
    d.dequantized_time.resize(time.num_elements());
    for (size_t i = 0; i < d.dequantized_time.size(); ++i) {
      d.dequantized_time[i] = static_cast<float>(time.data_as<int8_t>()[i]) * scale;
    }
  }
  return d.rows.Request(ctx, node, d.sizes.batch, d.sizes.input_size);
}

Status EvalHybrid(KernelContext& ctx, Node& node, SvdfData& d) {
  const float* input = ctx.input(node, kInput)->data_as<float>();
  d.rows.QuantizeRows(ctx, d.asymmetric, input, d.sizes.batch, d.sizes.input_size);
  const float* time =
      d.dequantized_time.empty() ? ctx.input(node, kWeightsTime)->data_as<float>() : d.dequantized_time.data();
  reference::SvdfHybrid(d.sizes, input, d.rows.quantized(ctx), d.rows.scales(ctx), d.rows.zero_points(ctx),
                        ctx.input(node, kWeightsFeature)->data_as<int8_t>(), d.feature_scale, time,
                        Data(ctx.input(node, kBias)), d.act, d.state->data_as<float>(),
                        ctx.tensor(d.scratch)->data_as<float>(), ctx.output(node, 0)->data_as<float>(), d.matvec);
  return Status::Ok();
}

Status PrepareInteger(KernelContext& ctx, Node& node, SvdfData& d) {
  EL_KERNEL_CHECK(ctx, node, d.activation == schema::ActivationFunctionType_RELU,
                  "the int8 SVDF kernel needs the activation RELU (LiteRT's requirement), got ",
                  schema::EnumNameActivationFunctionType(d.activation));
  TensorQuantization in, feature, time, state, out;
  EL_RETURN_IF_ERROR(GetPerTensorQuantization(ctx, node, *ctx.input(node, kInput), "input", &in));
  EL_RETURN_IF_ERROR(GetPerTensorQuantization(ctx, node, *ctx.input(node, kWeightsFeature), "feature weights",
                                              &feature));
  EL_RETURN_IF_ERROR(GetPerTensorQuantization(ctx, node, *ctx.input(node, kWeightsTime), "time weights", &time));
  EL_RETURN_IF_ERROR(GetPerTensorQuantization(ctx, node, *d.state, "state", &state));
  EL_RETURN_IF_ERROR(RequireZeroPoint(ctx, node, *d.state, "state", state, 0));
  EL_RETURN_IF_ERROR(GetPerTensorQuantization(ctx, node, *ctx.output(node, 0), "output", &out));
  d.input_zero_point = in.zero_point;
  d.output_zero_point = out.zero_point;
  // LiteRT forms both effective scales in float32 before QuantizeMultiplier.
  d.to_state = QuantizeMultiplier(static_cast<double>(in.scale * feature.scale / state.scale));
  d.to_output = QuantizeMultiplier(static_cast<double>(state.scale * time.scale / out.scale));
  return RequestScratch(ctx, node, DataType::kInt32, static_cast<int64_t>(d.sizes.batch) * d.sizes.filters,
                        &d.scratch);
}

Status EvalInteger(KernelContext& ctx, Node& node, SvdfData& d) {
  const Tensor* bias = ctx.input(node, kBias);
  reference::SvdfInteger(d.sizes, ctx.input(node, kInput)->data_as<int8_t>(), d.input_zero_point,
                         ctx.input(node, kWeightsFeature)->data_as<int8_t>(),
                         ctx.input(node, kWeightsTime)->data_as<int16_t>(), bias ? bias->data_as<int32_t>() : nullptr,
                         d.to_state, d.to_output, d.output_zero_point, d.state->data_as<int16_t>(),
                         ctx.tensor(d.scratch)->data_as<int32_t>(), ctx.output(node, 0)->data_as<int8_t>());
  return Status::Ok();
}

constexpr TypeSignature kHybridTypes{{kF32, kI8, kI8 | kF32, kF32, kF32}, {kF32}};

const KernelVariant<SvdfData> kVariants[] = {
    {"float32", {{kF32, kF32, kF32, kF32, kF32}, {kF32}}, Isa::kReference, nullptr, RequestFloatScratch, EvalFloat},
    EL_VECTOR_ISA_ROWS("hybrid int8", kHybridTypes, nullptr, PrepareHybrid, EvalHybrid),
    {"hybrid int8", kHybridTypes, Isa::kReference, nullptr, PrepareHybrid, EvalHybrid},
    {"int8", {{kI8, kI8, kI16, kI32, kI16}, {kI8}}, Isa::kReference, nullptr, PrepareInteger, EvalInteger},
};

Status Prepare(KernelContext& ctx, Node& node) {
  auto* d = static_cast<SvdfData*>(node.user_data);
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 5, 5));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor *input = nullptr, *feature = nullptr, *time = nullptr, *output = nullptr;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, kInput, &input));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, kWeightsFeature, &feature));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, kWeightsTime, &time));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &output));
  EL_KERNEL_CHECK(ctx, node, input->rank() == 2, "input '", input->name, "' has shape ", DimsToString(input->dims),
                  ", expected [batch, input size]");
  EL_KERNEL_CHECK(ctx, node, feature->rank() == 2, "feature weights '", feature->name, "' have shape ",
                  DimsToString(feature->dims), ", expected [filters, input size]");
  EL_KERNEL_CHECK(ctx, node, time->rank() == 2, "time weights '", time->name, "' have shape ",
                  DimsToString(time->dims), ", expected [filters, memory]");
  reference::SvdfSizes& s = d->sizes;
  s.batch = input->dim(0);
  s.input_size = input->dim(1);
  s.filters = feature->dim(0);
  s.memory = time->dim(1);
  s.rank = d->rank;
  EL_KERNEL_CHECK(ctx, node, s.rank > 0 && s.filters % s.rank == 0, "rank ", s.rank, " must be positive and divide ",
                  "the ", s.filters, " filters");
  EL_KERNEL_CHECK(ctx, node, s.memory > 0, "time weights '", time->name, "' have no memory (shape ",
                  DimsToString(time->dims), ")");
  EL_RETURN_IF_ERROR(CheckShape(ctx, node, *feature, "feature weights", s.filters, s.input_size));
  EL_RETURN_IF_ERROR(CheckShape(ctx, node, *time, "time weights", s.filters, s.memory));
  if (const Tensor* bias = ctx.input(node, kBias)) EL_RETURN_IF_ERROR(CheckShape(ctx, node, *bias, "bias", s.units()));
  Tensor* state = ctx.input(node, kState);
  EL_KERNEL_CHECK(ctx, node, state, "input 4 (the state) is missing");
  EL_RETURN_IF_ERROR(GetStateInput(ctx, node, kState, "state", state->type,
                                   static_cast<int64_t>(s.batch) * s.filters * s.memory, &d->state));
  EL_KERNEL_CHECK(ctx, node, state->rank() == 2 && state->dim(0) == s.batch, "the state '", state->name,
                  "' has shape ", DimsToString(state->dims), ", expected [", s.batch, ", ", s.filters * s.memory, "]");
  EL_RETURN_IF_ERROR(ctx.ResizeTensor(*output, Dims{s.batch, s.units()}));
  return SelectVariant(ctx, node, kVariants, *d);
}

}  // namespace

const KernelRegistration* Register_SVDF() {
  static const KernelRegistration reg{Init, DeleteNodeData<SvdfData>, Prepare, EvalSelectedVariant<SvdfData>};
  return &reg;
}

}  // namespace edgelite

EL_KERNEL_TYPES(SVDF, kVariants)
