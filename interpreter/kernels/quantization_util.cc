// The prepare-time parts of the shared integer arithmetic: multipliers, activation ranges, lookup tables.
#include "interpreter/kernels/quantization_util.h"

#include <algorithm>

namespace edgelite {

QuantizedMultiplier QuantizeMultiplier(double real) {
  QuantizedMultiplier out;
  if (real == 0.0 || !std::isfinite(real)) return out;
  int shift = 0;
  const double q = std::frexp(real, &shift);
  int64_t q_fixed = static_cast<int64_t>(std::round(q * static_cast<double>(int64_t{1} << 31)));
  if (q_fixed == (int64_t{1} << 31)) {
    q_fixed /= 2;
    ++shift;
  }
  if (shift < -31) return out;  // flushes to zero, as LiteRT does
  out.multiplier = static_cast<int32_t>(q_fixed);
  out.shift = shift;
  return out;
}

int16_t DownScaleInt32ToInt16Multiplier(int32_t multiplier) {
  constexpr int32_t kRoundingOffset = 1 << 15;
  if (multiplier >= std::numeric_limits<int32_t>::max() - kRoundingOffset) return std::numeric_limits<int16_t>::max();
  return static_cast<int16_t>((multiplier + kRoundingOffset) >> 16);
}

bool CheckedLog2(float x, int* log2_result) {
  const float x_log2 = std::log(x) * (1.0f / std::log(2.0f));
  const float rounded = std::round(x_log2);
  *log2_result = static_cast<int>(rounded);
  return std::abs(x_log2 - rounded) < 1e-3f;
}

bool QuantizedActivationRange(int activation, float scale, int32_t zero_point, int32_t type_min, int32_t type_max,
                              int32_t* lo, int32_t* hi) {
  bool fits = true;
  auto quantize = [&](float v) {
    const double q = static_cast<double>(zero_point) + static_cast<double>(std::round(v / scale));
    if (!(q >= std::numeric_limits<int32_t>::min() && q <= std::numeric_limits<int32_t>::max())) fits = false;
    return fits ? zero_point + FloatToInt32LikeX86(static_cast<double>(std::round(v / scale))) : 0;
  };
  int32_t a = type_min, b = type_max;
  switch (static_cast<QuantizedActivation>(activation)) {
    case QuantizedActivation::kRelu: a = std::max(type_min, quantize(0.f)); break;
    case QuantizedActivation::kRelu6:
      a = std::max(type_min, quantize(0.f));
      b = std::min(type_max, quantize(6.f));
      break;
    case QuantizedActivation::kReluN1To1:
      a = std::max(type_min, quantize(-1.f));
      b = std::min(type_max, quantize(1.f));
      break;
    default: break;  // the whole range
  }
  *lo = fits ? a : type_min;
  *hi = fits ? b : type_max;
  return fits;
}

void PopulateLut8(FloatFunction f, float input_scale, int32_t input_zero_point, float output_scale,
                  int32_t output_zero_point, bool is_signed, uint8_t table[256]) {
  const int32_t type_min = is_signed ? -128 : 0, type_max = is_signed ? 127 : 255;
  const float inverse_scale = 1.0f / output_scale;
  for (int32_t q = type_min; q <= type_max; ++q) {
    const float dequantized = input_scale * static_cast<float>(q - input_zero_point);
    const float rescaled = std::round(f(dequantized) * inverse_scale);
    const int32_t quantized = FloatToInt32LikeX86(static_cast<double>(rescaled + static_cast<float>(output_zero_point)));
    table[q - type_min] = static_cast<uint8_t>(std::min(std::max(quantized, type_min), type_max));
  }
}

namespace {

// The interpolated table over [input_min, input_max] -> [output_min, output_max] in the arithmetic of T.
template <typename T, typename F>
void PopulateInterpolated(F f, T input_min, T input_max, T output_min, T output_max, int16_t table[513]) {
  const T step = (input_max - input_min) / T(512);
  const T half_step = step / T(2);
  const T scaling_inv = T(65536) / (output_max - output_min);
  auto clamp16 = [](T v) { return static_cast<int16_t>(std::min<T>(std::max<T>(v, T(-32768)), T(32767))); };
  for (int i = 0; i < 512; ++i) {
    const T at = input_min + static_cast<T>(i) * step;
    const T val = f(at);
    const T val_midpoint = f(at + half_step);
    const T val_next = f(input_min + static_cast<T>(i + 1) * step);
    const T sample = std::round(val * scaling_inv);
    const T midpoint_interp = std::round((val_next * scaling_inv + std::round(val * scaling_inv)) / T(2));
    const T midpoint_err = midpoint_interp - std::round(val_midpoint * scaling_inv);
    const T bias = std::round(midpoint_err / T(2));
    table[i] = clamp16(sample - bias);
  }
  table[512] = clamp16(std::round(f(input_max) * scaling_inv));
}

}  // namespace

void PopulateLutInt16(FloatFunction f, float input_scale, int32_t input_zero_point, float output_scale,
                      int32_t output_zero_point, int16_t table[513]) {
  const float input_min = input_scale * static_cast<float>(-32768 - input_zero_point);
  const float input_max = input_scale * static_cast<float>(32767 - input_zero_point);
  const float output_min = output_scale * static_cast<float>(-32768 - output_zero_point);
  const float output_max = output_scale * static_cast<float>(32767 - output_zero_point);
  PopulateInterpolated<float>(f, input_min, input_max, output_min, output_max, table);
}

void PopulateLutInt16Double(DoubleFunction f, double input_min, double input_max, double output_min,
                            double output_max, int16_t table[513]) {
  PopulateInterpolated<double>(f, input_min, input_max, output_min, output_max, table);
}

}  // namespace edgelite
