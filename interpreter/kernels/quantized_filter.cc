// Quantization checks and prepare-time arithmetic shared by the integer and dynamic-range filter kernels.
#include "interpreter/kernels/quantized_filter.h"

#include <cmath>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/quantization_params.h"
#include "interpreter/kernels/quantization_util.h"

namespace edgelite {

reference::integer::FilterQuantization QuantizedFilterParams::view() const {
  reference::integer::FilterQuantization q;
  q.input_offset = input_offset;
  q.filter_offset = filter_offset;
  q.output_offset = output_offset;
  q.act_min = act_min;
  q.act_max = act_max;
  q.multiplier = multiplier.data();
  q.shift = shift.data();
  q.scale = scale.data();
  return q;
}

namespace {

// The bias's zero points must be 0: every kernel adds the raw bias to the accumulator.
Status CheckBiasZeroPoint(KernelContext& ctx, const Node& node, const Tensor& bias) {
  for (int64_t zp : bias.quant.zero_point) {
    if (zp != 0) {
      return ctx.Error(node, StrCat("bias '", bias.name, "' has zero point ", zp,
                                    "; a quantized bias must have zero point 0"));
    }
  }
  return Status::Ok();
}

// GetQuantizedConvolutionMultipler's check: the bias must be quantized with (about) s_x * s_w, or adding it to
// the accumulator misplaces it. A bias without quantization counts as scale 0, as in LiteRT.
Status CheckBiasScale(KernelContext& ctx, const Node& node, const Tensor& bias, double product_scale,
                      float output_scale) {
  const double bias_scale = bias.quant.scale.empty() ? 0.0 : static_cast<double>(bias.quant.scale[0]);
  const double drift = std::abs(product_scale - bias_scale) / static_cast<double>(output_scale);
  if (!(drift <= 0.02)) {
    return ctx.Error(node, StrCat("bias '", bias.name, "' has scale ", bias_scale, ", but input scale x filter ",
                                  "scale is ", product_scale, " (they may differ by at most 2% of the output scale ",
                                  output_scale, ")"));
  }
  return Status::Ok();
}

}  // namespace

Status PrepareQuantizedFilter(KernelContext& ctx, const Node& node, const FilterQuantizationSpec& spec,
                              QuantizedFilterParams* out) {
  const Tensor& input = *ctx.input(node, 0);
  const Tensor& filter = *ctx.input(node, 1);
  const Tensor* bias = ctx.input(node, 2);
  const Tensor& output = *ctx.output(node, 0);
  TensorQuantization in_q, out_q;
  EL_RETURN_IF_ERROR(GetPerTensorQuantization(ctx, node, input, "input", &in_q));
  EL_RETURN_IF_ERROR(GetPerTensorQuantization(ctx, node, output, "output", &out_q));
  const bool int16 = input.type == DataType::kInt16;
  if (int16) {
    EL_RETURN_IF_ERROR(RequireZeroPoint(ctx, node, input, "input", in_q, 0));
    EL_RETURN_IF_ERROR(RequireZeroPoint(ctx, node, output, "output", out_q, 0));
  }
  const bool per_channel = filter.quant.scale.size() > 1;
  if (per_channel && input.type != DataType::kInt8 && !int16) {
    return ctx.Error(node, StrCat("filter '", filter.name, "' is quantized per channel, which needs int8 or int16 ",
                                  "inputs (input '", input.name, "' is ", DataTypeName(input.type), ")"),
                     StatusCode::kUnsupported);
  }
  const bool legacy = spec.legacy_per_tensor && !per_channel;
  std::vector<float> filter_scales;
  std::vector<int32_t> filter_zero_points;
  EL_RETURN_IF_ERROR(GetPerChannelQuantization(ctx, node, filter, "filter", spec.channel_axis, spec.channels,
                                               /*symmetric=*/!legacy, &filter_scales, &filter_zero_points));
  if (bias) EL_RETURN_IF_ERROR(CheckBiasZeroPoint(ctx, node, *bias));

  out->input_offset = -in_q.zero_point;
  out->filter_offset = legacy ? -filter_zero_points[0] : 0;
  out->output_offset = out_q.zero_point;
  out->multiplier.assign(spec.channels, 0);
  out->shift.assign(spec.channels, 0);
  out->scale.assign(spec.channels, 0.0);
  const double in_scale = in_q.scale, out_scale = out_q.scale;
  if (legacy) {
    // The product in float32, as GetQuantizedConvolutionMultipler forms it; the bias check uses doubles.
    const float product = in_q.scale * filter_scales[0];
    if (bias) EL_RETURN_IF_ERROR(CheckBiasScale(ctx, node, *bias, in_scale * filter_scales[0], out_q.scale));
    const QuantizedMultiplier m = QuantizeMultiplier(static_cast<double>(product) / out_scale);
    out->multiplier.assign(spec.channels, m.multiplier);
    out->shift.assign(spec.channels, m.shift);
  }
  // The int32 multiply shifts left in int32; the int64 one needs 15 - shift in [1, 62].
  const int max_shift = int16 ? 14 : 31;
  for (int c = 0; c < spec.channels; ++c) {
    const double effective = in_scale * static_cast<double>(filter_scales[c]) / out_scale;
    out->scale[c] = effective;
    if (!legacy) {
      const QuantizedMultiplier m = QuantizeMultiplier(effective);
      out->multiplier[c] = m.multiplier;
      out->shift[c] = m.shift;
    }
    if (out->shift[c] > max_shift) {
      return ctx.Error(node, StrCat("input scale x filter scale / output scale is ", effective, " for channel ", c,
                                    ", too large to requantize (output '", output.name, "' has scale ",
                                    out_q.scale, ")"),
                       StatusCode::kUnsupported);
    }
  }
  return GetQuantizedActivationRange(ctx, node, static_cast<int>(spec.activation), output, out_q, &out->act_min,
                                     &out->act_max);
}

bool Int16AccumulatesInInt64(const Tensor* bias, schema::TensorType quantized_bias_type) {
  return bias ? bias->type == DataType::kInt64 : quantized_bias_type != schema::TensorType_INT32;
}

Status CheckQuantizedBiasType(KernelContext& ctx, const Node& node, const Tensor* bias,
                              schema::TensorType quantized_bias_type) {
  if (quantized_bias_type == schema::TensorType_FLOAT32) return Status::Ok();  // the default: unset
  EL_KERNEL_CHECK(ctx, node,
                  quantized_bias_type == schema::TensorType_INT32 || quantized_bias_type == schema::TensorType_INT64,
                  "quantized_bias_type is ", schema::EnumNameTensorType(quantized_bias_type),
                  "; an int16 kernel's bias is INT32 or INT64");
  const DataType named = quantized_bias_type == schema::TensorType_INT32 ? DataType::kInt32 : DataType::kInt64;
  EL_KERNEL_CHECK(ctx, node, !bias || bias->type == named, "bias '", bias ? bias->name : "", "' is ",
                  bias ? DataTypeName(bias->type) : "", " but the options' quantized_bias_type says ",
                  schema::EnumNameTensorType(quantized_bias_type));
  return Status::Ok();
}

Status GetHybridFilterScales(KernelContext& ctx, const Node& node, const Tensor& filter, int axis, int channels,
                             std::vector<float>* scales, bool* per_channel) {
  EL_RETURN_IF_ERROR(GetPerChannelQuantization(ctx, node, filter, "filter", axis, channels, /*symmetric=*/true,
                                               scales, nullptr));
  if (per_channel) *per_channel = filter.quant.scale.size() > 1;
  return Status::Ok();
}

Status HybridRowScratch::Request(KernelContext& ctx, Node& node, int64_t rows, int64_t row_length) {
  EL_RETURN_IF_ERROR(RequestScratch(ctx, node, DataType::kInt8, rows * row_length, &quantized_));
  EL_RETURN_IF_ERROR(RequestScratch(ctx, node, DataType::kFloat32, rows, &scales_));
  return RequestScratch(ctx, node, DataType::kInt32, rows, &zero_points_);
}

void HybridRowScratch::QuantizeRows(KernelContext& ctx, bool asymmetric, const float* input, int64_t rows,
                                    int row_length) const {
  int8_t* q = quantized(ctx);
  float* s = scales(ctx);
  int32_t* zp = zero_points(ctx);
  for (int64_t r = 0; r < rows; ++r) {
    reference::integer::QuantizeRow(asymmetric, input + r * row_length, row_length, 1, q + r * row_length, s + r,
                                    zp + r);
  }
}

}  // namespace edgelite
