// Reading an int8 filter operator's quantization at prepare.
#include "interpreter/kernels/filter_quantization.h"

#include "interpreter/kernels/quantization_params.h"
#include "interpreter/kernels/quantization_util.h"

namespace edgelite {

Status GetInt8FilterQuantization(KernelContext& ctx, const Node& node, const Tensor& input, const Tensor& filter,
                                 const Tensor& output, int axis, int channels, int activation,
                                 Int8FilterQuantization* out) {
  TensorQuantization x, y;
  EL_RETURN_IF_ERROR(GetPerTensorQuantization(ctx, node, input, "input", &x));
  EL_RETURN_IF_ERROR(GetPerTensorQuantization(ctx, node, output, "output", &y));
  std::vector<float> w;
  EL_RETURN_IF_ERROR(GetPerChannelQuantization(ctx, node, filter, "filter", axis, channels, true, &w, nullptr));
  out->input_zero_point = x.zero_point;
  out->output_zero_point = y.zero_point;
  QuantizedActivationRange(activation, y.scale, y.zero_point, -128, 127, &out->out_min, &out->out_max);
  out->multiplier.resize(channels);
  out->shift.resize(channels);
  out->scale.resize(channels);
  for (int c = 0; c < channels; ++c) {
    const double real = static_cast<double>(x.scale) * static_cast<double>(w[c]) / static_cast<double>(y.scale);
    const QuantizedMultiplier m = QuantizeMultiplier(real);
    out->multiplier[c] = m.multiplier;
    out->shift[c] = m.shift;
    out->scale[c] = real;
  }
  return Status::Ok();
}

}  // namespace edgelite
