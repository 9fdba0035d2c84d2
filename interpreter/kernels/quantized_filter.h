// Prepare of the integer and dynamic-range rows of the filter operators (CONV_2D, DEPTHWISE_CONV_2D,
// FULLY_CONNECTED; BATCH_MATMUL's dynamic range uses the row scratch): the quantization of input, filter, bias
// and output read and checked once, with LiteRT's checks where they protect the arithmetic, and what eval
// needs computed from it (docs/integer_kernels.md section 2).
#pragma once

#include <vector>

#include "interpreter/kernels/conv_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/reference/integer/requantize.h"
#include "interpreter/kernels/reference/integer/row_quantization.h"

namespace edgelite {

// The dtypes of the filter operators' integer and dynamic-range rows: (input, filter, bias) -> output.
constexpr TypeSignature kFilterInt8Types{{kI8, kI8, kI32}, {kI8}};
constexpr TypeSignature kFilterUInt8Types{{kU8, kU8, kI32}, {kU8}};
constexpr TypeSignature kFilterInt16Int64BiasTypes{{kI16, kI8, kI64}, {kI16}};
constexpr TypeSignature kFilterInt16Int32BiasTypes{{kI16, kI8, kI32}, {kI16}};
constexpr TypeSignature kFilterHybridTypes{{kF32, kI8, kF32}, {kF32}};

// What the integer rows of a filter operator compute from the tensors' quantization.
struct QuantizedFilterParams {
  int32_t input_offset = 0;   // -z_x
  int32_t filter_offset = 0;  // -z_w: only where the filter's zero point is used (see legacy_per_tensor)
  int32_t output_offset = 0;  // z_y
  int32_t act_min = 0, act_max = 0;  // the fused activation's clamp in output units, zero point included
  // Per output channel (a per-tensor filter repeats its value): QuantizeMultiplier of the effective scale
  // (what the integer output stage multiplies by), and the effective scale in double, double(s_x) *
  // double(s_w[c]) / double(s_y) (FULLY_CONNECTED's floating-point output stage).
  std::vector<int32_t> multiplier;
  std::vector<int> shift;
  std::vector<double> scale;

  // The view the reference math (and optimized micro-kernels) read; valid while this object lives unchanged.
  reference::integer::FilterQuantization view() const;
};

struct FilterQuantizationSpec {
  int channels = 0;      // output channels: the length of every per-channel array
  int channel_axis = 0;  // the filter dimension per-channel scales run along (0 for OHWI and FC, 3 for depthwise)
  // How a per-tensor filter is read. false (int8/int16 CONV_2D, DEPTHWISE_CONV_2D): as per-channel scales that
  // happen to be equal, zero point 0, multipliers from double products. true (uint8 convolutions and every
  // per-tensor FULLY_CONNECTED, LiteRT's GetQuantizedConvolutionMultipler): the filter zero point is used, the
  // multiplier comes from the float32 product s_x * s_w, and the bias scale must be s_x * s_w within 2% of s_y.
  bool legacy_per_tensor = false;
  schema::ActivationFunctionType activation = schema::ActivationFunctionType_NONE;
};

// Reads and checks the quantization of the node's input 0, filter (input 1), bias (input 2, optional) and output
// (8- or 16-bit input and output of one dtype, an int8 or uint8 filter): scales finite and positive, zero points
// in range, per-channel scales only for int8/int16 inputs and along spec.channel_axis with spec.channels of
// them, symmetric filters where the zero point is not used, int16 input and output zero points 0, bias zero
// points 0, multipliers whose shift the output stage can apply. Fills `out`.
Status PrepareQuantizedFilter(KernelContext& ctx, const Node& node, const FilterQuantizationSpec& spec,
                              QuantizedFilterParams* out);

// int16x8 CONV_2D and FULLY_CONNECTED accumulate in int64 with an int64 bias, in int32 with an int32 bias;
// without a bias the options' quantized_bias_type decides (INT32: int32; left at its default LiteRT takes
// int64). LiteRT goes by the option alone and reads an int32 bias left at the default as int64 (past its end),
// so we go by the bias's dtype; an option that names another type than the bias's fails here.
bool Int16AccumulatesInInt64(const Tensor* bias, schema::TensorType quantized_bias_type);
// The `applies` of an int16x8 row with an int64 accumulator (Data has quantized_bias_type; the bias is input 2).
template <typename Data>
bool UsesInt64Accumulator(const Data& d, const Node& node, KernelContext& ctx) {
  return Int16AccumulatesInInt64(ctx.input(node, 2), d.quantized_bias_type);
}
Status CheckQuantizedBiasType(KernelContext& ctx, const Node& node, const Tensor* bias,
                              schema::TensorType quantized_bias_type);

// The scales of the int8 weights of a dynamic-range kernel (float input and output): one per output channel
// along `axis` (a per-tensor scale repeated `channels` times), zero points 0. *per_channel (if not null): the
// tensor had one scale per channel.
Status GetHybridFilterScales(KernelContext& ctx, const Node& node, const Tensor& filter, int axis, int channels,
                             std::vector<float>* scales, bool* per_channel);

// The scratch of a dynamic-range kernel's row quantizer, sized in prepare: the input quantized row by row
// (int8), and each row's scale and zero point.
class HybridRowScratch {
 public:
  Status Request(KernelContext& ctx, Node& node, int64_t rows, int64_t row_length);
  int8_t* quantized(KernelContext& ctx) const { return ctx.tensor(quantized_)->data_as<int8_t>(); }
  float* scales(KernelContext& ctx) const { return ctx.tensor(scales_)->data_as<float>(); }
  int32_t* zero_points(KernelContext& ctx) const { return ctx.tensor(zero_points_)->data_as<int32_t>(); }
  // Quantizes `rows` consecutive rows of `row_length` floats into the scratch.
  void QuantizeRows(KernelContext& ctx, bool asymmetric, const float* input, int64_t rows, int row_length) const;

 private:
  int quantized_ = -1, scales_ = -1, zero_points_ = -1;
};

}  // namespace edgelite
