// TRANSPOSE_CONV: the gradient of a convolution, float32. Inputs: the output shape (int32 [4]), the OHWI
// weights, the NHWC data and an optional bias (version 3); TransposeConvOptions give SAME/VALID padding, strides
// and, from version 4, a fused activation. The packed-GEMM kernel (optimized/transpose_conv_f32) runs with its
// reference twin (reference/transpose_conv.h); int8 (per-channel or per-tensor symmetric weights, int32 bias)
// runs LiteRT's integer arithmetic (reference/integer/transpose_conv.h). The output is dynamic when its shape has
// no values at prepare. int16x8 and dynamic-range (float input, int8 weights) forms are not here yet: prepare
// says so.
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/optimized/transpose_conv_f32.h"
#include "interpreter/kernels/packed_weights.h"
#include "interpreter/kernels/quantization_params.h"
#include "interpreter/kernels/quantization_util.h"
#include "interpreter/kernels/reference/integer/transpose_conv.h"
#include "interpreter/kernels/reference/transpose_conv.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

constexpr int kOutputShape = 0, kWeights = 1, kInput = 2, kBias = 3;

struct TransposeConvData : VariantChoice<TransposeConvData> {
  PaddingKind padding = PaddingKind::kSame;
  int activation = 0;  // the schema's ActivationFunctionType, for the int8 output's clamp
  int stride_h = 1, stride_w = 1;
  ActivationRange range;
  bool shape_at_eval = false;  // the output shape tensor has no values at prepare
  Dims out_dims;               // reserved in prepare so that a dynamic output's eval does not allocate it
  reference::TransposeConvGeometry geometry;  // input and filter sizes in prepare, the output's once known
  // Optimized rows.
  const optimized::TransposeConvF32Kernels* kernels = nullptr;
  optimized::TransposeConvLayout layout;
  PackedWeights weights;
  int scratch = -1;
  // int8 rows: offsets, clamp and per-channel multipliers; the int32 accumulators are the scratch.
  reference::integer::TransposeConvQuantization quant;
  std::vector<int32_t> multiplier;
  std::vector<int> shift;
};

Status Init(KernelContext& ctx, Node& node) {
  auto* d = new TransposeConvData();
  node.user_data = d;
  const auto* o = node.op ? node.op->builtin_options_as_TransposeConvOptions() : nullptr;
  EL_KERNEL_CHECK(ctx, node, o, "TransposeConvOptions are missing");
  d->stride_h = o->stride_h();
  d->stride_w = o->stride_w();
  d->activation = static_cast<int>(o->fused_activation_function());
  EL_RETURN_IF_ERROR(GetPaddingKind(ctx, node, o->padding(), &d->padding));
  return GetActivationRange(ctx, node, o->fused_activation_function(), &d->range);
}

// Reads the output shape, checks it against the input, filter and options, and sets the padding.
Status PlanOutput(KernelContext& ctx, const Node& node, TransposeConvData& d) {
  const Tensor& shape = *ctx.input(node, kOutputShape);
  reference::TransposeConvGeometry& g = d.geometry;
  const int32_t* s = shape.data_as<int32_t>();
  d.out_dims.assign(s, s + 4);
  EL_KERNEL_CHECK(ctx, node, s[0] == g.batch && s[3] == g.out_c && s[1] > 0 && s[2] > 0, "output shape ",
                  DimsToString(d.out_dims), " must be [", g.batch, ", height > 0, width > 0, ", g.out_c,
                  "] (the input's batch, the weights' output channels)");
  const double elements = static_cast<double>(g.batch) * s[1] * s[2] * g.out_c;
  EL_KERNEL_CHECK(ctx, node, s[1] <= (1 << 30) && s[2] <= (1 << 30) && elements <= 1e12, "output shape ",
                  DimsToString(d.out_dims), " is too large");
  // The output's size must be one whose convolution by the same filter and options gives the input's.
  const int conv_h = ComputeOutputSize(d.padding, s[1], g.filter_h, g.stride_h, 1);
  const int conv_w = ComputeOutputSize(d.padding, s[2], g.filter_w, g.stride_w, 1);
  EL_KERNEL_CHECK(ctx, node, conv_h == g.in_h && conv_w == g.in_w, "output shape ", DimsToString(d.out_dims),
                  " does not fit input ", g.in_h, "x", g.in_w, ": a ", g.filter_h, "x", g.filter_w, " ",
                  d.padding == PaddingKind::kSame ? "SAME" : "VALID", " convolution with strides ", g.stride_h, "x",
                  g.stride_w, " over ", s[1], "x", s[2], " gives ", conv_h, "x", conv_w);
  g.out_h = s[1];
  g.out_w = s[2];
  g.pad_top = ComputePaddingBefore(g.stride_h, 1, g.out_h, g.filter_h, g.in_h);
  g.pad_left = ComputePaddingBefore(g.stride_w, 1, g.out_w, g.filter_w, g.in_w);
  return ctx.ResizeTensor(*ctx.output(node, 0), d.out_dims);
}

bool FewTapsPerPixel(const TransposeConvData& d, const Node&, KernelContext&) {
  const auto& g = d.geometry;
  const int64_t rows = (g.filter_h + g.stride_h - 1) / g.stride_h, cols = (g.filter_w + g.stride_w - 1) / g.stride_w;
  return rows * cols <= optimized::kMaxTransposeConvTapsPerPixel;
}

Status PrepareF32(KernelContext& ctx, Node& node, TransposeConvData& d) {
  const Tensor* weights = ctx.input(node, kWeights);
  d.kernels = optimized::TransposeConvF32For(d.variant->isa);
  d.layout = d.kernels->plan(d.geometry);
  EL_RETURN_IF_ERROR(
      RequestScratch(ctx, node, DataType::kFloat32, static_cast<int64_t>(d.layout.scratch_floats), &d.scratch));
  float* pack_now = nullptr;
  EL_RETURN_IF_ERROR(d.weights.Prepare(ctx, node, d.layout.packed_floats, {weights},
                                       PackingLayout(1, static_cast<int>(d.variant->isa)), &pack_now));
  if (pack_now) d.kernels->pack(d.geometry, d.layout, weights->data_as<float>(), pack_now);
  return Status::Ok();
}

Status EvalF32(KernelContext& ctx, Node& node, TransposeConvData& d) {
  if (d.shape_at_eval) EL_RETURN_IF_ERROR(PlanOutput(ctx, node, d));
  const Tensor& weights = *ctx.input(node, kWeights);
  const Tensor* bias = ctx.input(node, kBias);
  float* packed = d.weights.data(ctx);
  if (d.weights.pack_at_eval()) d.kernels->pack(d.geometry, d.layout, weights.data_as<float>(), packed);
  d.kernels->run(d.geometry, d.layout, ctx.input(node, kInput)->data_as<float>(), packed,
                 bias ? bias->data_as<float>() : nullptr, ctx.output(node, 0)->data_as<float>(),
                 ctx.tensor(d.scratch)->data_as<float>(), d.range.min, d.range.max, ctx.thread_pool());
  return Status::Ok();
}

Status EvalF32Reference(KernelContext& ctx, Node& node, TransposeConvData& d) {
  if (d.shape_at_eval) EL_RETURN_IF_ERROR(PlanOutput(ctx, node, d));
  const Tensor* bias = ctx.input(node, kBias);
  reference::TransposeConv2D(d.geometry, ctx.input(node, kInput)->data_as<float>(),
                             ctx.input(node, kWeights)->data_as<float>(), bias ? bias->data_as<float>() : nullptr,
                             ctx.output(node, 0)->data_as<float>(), d.range.min, d.range.max);
  return Status::Ok();
}

// int8: s_x * s_w[c] / s_y per output channel (in double, as LiteRT), the output's zero point and clamp.
Status PrepareInt8(KernelContext& ctx, Node& node, TransposeConvData& d) {
  const Tensor& input = *ctx.input(node, kInput);
  const Tensor& weights = *ctx.input(node, kWeights);
  const Tensor& out = *ctx.output(node, 0);
  TensorQuantization qx, qy;
  EL_RETURN_IF_ERROR(GetPerTensorQuantization(ctx, node, input, "input", &qx));
  EL_RETURN_IF_ERROR(GetPerTensorQuantization(ctx, node, out, "output", &qy));
  std::vector<float> scales;
  EL_RETURN_IF_ERROR(GetPerChannelQuantization(ctx, node, weights, "weights", 0, d.geometry.out_c,
                                               /*symmetric=*/true, &scales, nullptr));
  d.multiplier.resize(scales.size());
  d.shift.resize(scales.size());
  for (size_t c = 0; c < scales.size(); ++c) {
    const QuantizedMultiplier m = QuantizeMultiplier(static_cast<double>(qx.scale) * scales[c] / qy.scale);
    d.multiplier[c] = m.multiplier;
    d.shift[c] = m.shift;
  }
  d.quant.input_offset = -qx.zero_point;
  d.quant.output_offset = qy.zero_point;
  d.quant.multiplier = d.multiplier.data();
  d.quant.shift = d.shift.data();
  EL_RETURN_IF_ERROR(GetQuantizedActivationRange(ctx, node, d.activation, out, qy, &d.quant.act_min,
                                                 &d.quant.act_max));
  // The int32 accumulators, one per output value: sized now when the output's shape is known (PlanOutput runs
  // again after selection, to the same result), else added now and sized at eval.
  if (d.shape_at_eval) return RequestScratch(ctx, node, DataType::kInt32, 1, &d.scratch);
  EL_RETURN_IF_ERROR(PlanOutput(ctx, node, d));
  return RequestScratch(ctx, node, DataType::kInt32, NumElements(d.out_dims), &d.scratch);
}

Status EvalInt8(KernelContext& ctx, Node& node, TransposeConvData& d) {
  if (d.shape_at_eval) {
    EL_RETURN_IF_ERROR(PlanOutput(ctx, node, d));
    EL_RETURN_IF_ERROR(RequestScratch(ctx, node, DataType::kInt32, NumElements(d.out_dims), &d.scratch));
  }
  const Tensor* bias = ctx.input(node, kBias);
  reference::integer::TransposeConv2D(d.geometry, d.quant, ctx.input(node, kInput)->data_as<int8_t>(),
                                      ctx.input(node, kWeights)->data_as<int8_t>(),
                                      bias ? bias->data_as<int32_t>() : nullptr,
                                      ctx.output(node, 0)->data_as<int8_t>(),
                                      ctx.tensor(d.scratch)->data_as<int32_t>());
  return Status::Ok();
}

constexpr TypeSignature kF32Types{{kI32, kF32, kF32, kF32}, {kF32}};
constexpr TypeSignature kI8Types{{kI32, kI8, kI8, kI32}, {kI8}};
const KernelVariant<TransposeConvData> kVariants[] = {
    EL_VECTOR_ISA_ROWS("float32", kF32Types, FewTapsPerPixel, PrepareF32, EvalF32,
                       "at most 256 filter taps reaching each output pixel"),
    {"float32", kF32Types, Isa::kReference, nullptr, nullptr, EvalF32Reference},
    {"int8", kI8Types, Isa::kReference, nullptr, PrepareInt8, EvalInt8},
};

Status Prepare(KernelContext& ctx, Node& node) {
  auto& d = *static_cast<TransposeConvData*>(node.user_data);
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 3, 4));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor *shape, *weights, *input, *out;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, kOutputShape, &shape));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, kWeights, &weights));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, kInput, &input));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &out));
  const Tensor* bias = ctx.input(node, kBias);
  if (input->type != DataType::kInt8) {
    EL_RETURN_IF_ERROR(RefuseQuantized(ctx, node, *input, "float32 and int8 inputs and weights"));
    EL_RETURN_IF_ERROR(RefuseQuantized(ctx, node, *weights, "float32 and int8 inputs and weights"));
  }
  EL_KERNEL_CHECK(ctx, node, shape->rank() == 1 && shape->num_elements() == 4, "output shape '", shape->name,
                  "' must be a vector of 4 values, got shape ", DimsToString(shape->dims));
  EL_KERNEL_CHECK(ctx, node, input->rank() == 4, "input '", input->name, "' must be 4-D (NHWC), got shape ",
                  DimsToString(input->dims));
  EL_KERNEL_CHECK(ctx, node, weights->rank() == 4, "weights '", weights->name, "' must be 4-D (OHWI), got shape ",
                  DimsToString(weights->dims));
  EL_KERNEL_CHECK(ctx, node, d.stride_h > 0 && d.stride_w > 0 && d.stride_h <= 65536 && d.stride_w <= 65536,
                  "strides ", d.stride_h, "x", d.stride_w, " must be 1 to 65536");
  EL_KERNEL_CHECK(ctx, node, input->dim(1) > 0 && input->dim(2) > 0 && input->dim(3) > 0, "input '", input->name,
                  "' of shape ", DimsToString(input->dims), " has an empty dimension");
  EL_KERNEL_CHECK(ctx, node, weights->dim(0) > 0 && weights->dim(1) > 0 && weights->dim(2) > 0, "weights '",
                  weights->name, "' of shape ", DimsToString(weights->dims), " have an empty dimension");
  EL_KERNEL_CHECK(ctx, node, weights->dim(3) == input->dim(3), "weights '", weights->name, "' ",
                  DimsToString(weights->dims), " take ", weights->dim(3), " input channels, the input has ",
                  input->dim(3));
  EL_KERNEL_CHECK(ctx, node, !bias || bias->num_elements() == weights->dim(0), "bias '", bias ? bias->name : "",
                  "' has ", bias ? bias->num_elements() : 0, " values, expected one per output channel (",
                  weights->dim(0), ")");
  reference::TransposeConvGeometry& g = d.geometry;
  g = reference::TransposeConvGeometry();
  g.batch = input->dim(0);
  g.in_h = input->dim(1);
  g.in_w = input->dim(2);
  g.in_c = input->dim(3);
  g.out_c = weights->dim(0);
  g.filter_h = weights->dim(1);
  g.filter_w = weights->dim(2);
  g.stride_h = d.stride_h;
  g.stride_w = d.stride_w;
  d.out_dims.reserve(4);
  // The output shape's type is the variant table's to check: select first, then read the shape.
  d.shape_at_eval = !HasValuesAtPrepare(*shape);
  EL_RETURN_IF_ERROR(SelectVariant(ctx, node, kVariants, d));
  if (d.shape_at_eval) {
    ctx.MarkDynamic(*out);
    return Status::Ok();
  }
  return PlanOutput(ctx, node, d);
}

}  // namespace

const KernelRegistration* Register_TRANSPOSE_CONV() {
  static const KernelRegistration reg{Init, DeleteNodeData<TransposeConvData>, Prepare,
                                      EvalSelectedVariant<TransposeConvData>};
  return &reg;
}

}  // namespace edgelite
