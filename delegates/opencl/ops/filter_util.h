// Host-side helpers of the compute-heavy builders (ops/conv.cc, fully_connected.cc, pool.cc, mean.cc):
// type checks with a reason, constant weights read as float (float32 or float16), fused activations,
// TFLite's padding arithmetic and launch-size rounding. The plugin never links the core, so the padding
// rule (kernels/kernel_util.cc ComputePaddingBefore) is restated here and tested against NumPy.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "delegates/opencl/cl_op.h"

namespace edgelite {
namespace opencl {
namespace filter_util {

constexpr int kFloat32 = 0;
constexpr int kFloat16 = 1;
constexpr int kInt32 = 2;
constexpr int kInt64 = 4;

inline bool Fail(std::string* why, std::string message) {
  if (why) *why = std::move(message);
  return false;
}

inline size_t DivUp(size_t a, size_t b) { return (a + b - 1) / b; }

inline std::string DimsText(const std::vector<int32_t>& dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

// An activation tensor the device can hold: float32 (stored as half in fp16 partitions).
inline bool IsFloatActivation(const TensorDesc& t, const char* role, std::string* why) {
  if (t.index < 0) return Fail(why, std::string(role) + " is missing");
  if (t.type != kFloat32) return Fail(why, std::string(role) + " has type " + std::to_string(t.type) + ", not float32");
  return true;
}

// A weight the builder repacks on the host: a constant float32 or float16 tensor. `required` false lets
// an omitted optional input (a bias) through.
inline bool IsFloatConstant(const TensorDesc& t, const char* role, bool required, std::string* why) {
  if (t.index < 0) return required ? Fail(why, std::string(role) + " is missing") : true;
  if (t.type != kFloat32 && t.type != kFloat16) {
    return Fail(why, std::string(role) + " has type " + std::to_string(t.type) + ", not float32 or float16");
  }
  if (!t.is_constant) return Fail(why, std::string(role) + " is not constant (weights are repacked once at prepare)");
  return true;
}

// IEEE half to float (normals, subnormals, infinities, NaN).
inline float HalfToFloat(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  uint32_t exponent = (h >> 10) & 0x1fu, mantissa = h & 0x3ffu, bits;
  if (exponent == 0x1f) {
    bits = sign | 0x7f800000u | (mantissa << 13);
  } else if (exponent == 0) {
    if (mantissa == 0) {
      bits = sign;
    } else {  // subnormal: shift the mantissa up until its leading one is the implicit bit
      int e = -1;
      do { ++e; mantissa <<= 1; } while ((mantissa & 0x400u) == 0);
      bits = sign | static_cast<uint32_t>(127 - 15 - e) << 23 | (mantissa & 0x3ffu) << 13;
    }
  } else {
    bits = sign | (exponent + 127 - 15) << 23 | mantissa << 13;
  }
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

// The values of a constant float32/float16 tensor as float; false when its data is absent or short.
inline bool ReadFloats(const TensorDesc& t, std::vector<float>* out, std::string* error) {
  const int64_t n = t.num_elements();
  const size_t element = t.type == kFloat16 ? 2 : 4;
  if (!t.data || t.bytes < static_cast<size_t>(n) * element) {
    return Fail(error, "constant tensor " + std::to_string(t.index) + " has no data for its " + std::to_string(n) +
                           " elements");
  }
  out->resize(static_cast<size_t>(n));
  if (t.type == kFloat16) {
    const auto* h = static_cast<const uint16_t*>(t.data);
    for (int64_t i = 0; i < n; ++i) (*out)[i] = HalfToFloat(h[i]);
  } else {
    std::memcpy(out->data(), t.data, static_cast<size_t>(n) * 4);
  }
  return true;
}

// .tflite fused activations the kernels apply (el_activate in kernels/common.cl): NONE, RELU,
// RELU_N1_TO_1, RELU6, as the CPU kernels (GetActivationRange) accept.
inline bool IsSupportedActivation(int act, std::string* why) {
  if (act >= 0 && act <= 3) return true;
  return Fail(why, "fused activation " + std::to_string(act) + " is not supported");
}

// TFLite's padding before the first row/column: half the total (the odd pixel goes after), computed from
// the output size the core's prepare chose; 0 for VALID.
inline int PaddingBefore(int stride, int dilation, int in, int filter, int out) {
  const int effective = (filter - 1) * dilation + 1;
  const int total = (out - 1) * stride + effective - in;
  return total > 0 ? total / 2 : 0;
}

// Output size of a window (the core's ComputeOutputSize): SAME = ceil(in / stride); VALID counts the
// placements of the dilated window.
inline int WindowOutputSize(bool same, int in, int filter, int stride, int dilation) {
  const int effective = (filter - 1) * dilation + 1;
  return same ? (in + stride - 1) / stride : (in - effective + stride) / stride;
}

inline void Define(Launch* l, const char* name, int64_t value) { l->defines.emplace_back(name, std::to_string(value)); }

// Filter [out_c][inner] (inner = KH * KW * in_c per group, or a FULLY_CONNECTED row) repacked for
// kernels/conv2d.cl and fully_connected.cl: blocks of 4 output channels, [block][inner][4], each group's
// channels padded to a multiple of 4 (zeros) so that a block never spans two groups.
inline std::vector<float> PackFilterBlocks(const std::vector<float>& filter, int out_c, int inner, int groups) {
  const int per_group = out_c / groups, blocks_per_group = static_cast<int>(DivUp(per_group, 4));
  std::vector<float> packed(static_cast<size_t>(groups) * blocks_per_group * inner * 4, 0.f);
  for (int oc = 0; oc < out_c; ++oc) {
    const int g = oc / per_group, local = oc % per_group;
    const size_t block = static_cast<size_t>(g) * blocks_per_group + local / 4;
    const float* src = filter.data() + static_cast<size_t>(oc) * inner;
    float* dst = packed.data() + block * inner * 4 + local % 4;
    for (int t = 0; t < inner; ++t) dst[static_cast<size_t>(t) * 4] = src[t];
  }
  return packed;
}

// Bias in the blocks of PackFilterBlocks, [block][4]; zeros when the bias is omitted (empty).
inline std::vector<float> PackBiasBlocks(const std::vector<float>& bias, int out_c, int groups) {
  const int per_group = out_c / groups, blocks_per_group = static_cast<int>(DivUp(per_group, 4));
  std::vector<float> packed(static_cast<size_t>(groups) * blocks_per_group * 4, 0.f);
  if (bias.empty()) return packed;
  for (int oc = 0; oc < out_c; ++oc) {
    const int g = oc / per_group, local = oc % per_group;
    packed[(static_cast<size_t>(g) * blocks_per_group + local / 4) * 4 + local % 4] = bias[oc];
  }
  return packed;
}

// The optional bias (input 2) as float, checked to hold one value per output channel.
inline bool ReadBias(const OpDesc& op, int out_c, std::vector<float>* bias, std::string* error) {
  bias->clear();
  if (op.inputs.size() < 3 || op.inputs[2].index < 0) return true;
  if (!ReadFloats(op.inputs[2], bias, error)) return false;
  if (static_cast<int>(bias->size()) != out_c) {
    return Fail(error, "bias has " + std::to_string(bias->size()) + " values for " + std::to_string(out_c) +
                           " output channels");
  }
  return true;
}

// One launch of kernels/fully_connected.cl: `rows` rows of `depth` inputs times filter blocks packed by
// PackFilterBlocks (groups 1), giving `units` outputs per row. Shared by FULLY_CONNECTED and CONV_2D's 1x1 path.
inline Launch GemmLaunch(int input, int output, int64_t rows, int depth, int units, int act,
                         const std::vector<float>& packed_filter, const std::vector<float>& packed_bias) {
  Launch l;
  l.file = "fully_connected.cl";
  const int blocks = static_cast<int>(DivUp(units, 4));
  const int rows_per_item = rows >= 4 ? 4 : static_cast<int>(rows);
  Define(&l, "ROWS", rows);
  Define(&l, "DEPTH", depth);
  Define(&l, "UNITS", units);
  Define(&l, "NUM_BLOCKS", blocks);
  Define(&l, "RB", rows_per_item);
  Define(&l, "ACT", act);
  Define(&l, "DEPTH_VEC4", depth % 4 == 0);
  l.args = {KernelArg::Tensor(input), KernelArg::Floats(packed_filter.data(), packed_filter.size()),
            KernelArg::Floats(packed_bias.data(), packed_bias.size()), KernelArg::Tensor(output)};
  l.work_dim = 2;
  l.global = {{static_cast<size_t>(blocks), DivUp(static_cast<size_t>(rows), rows_per_item), 1}};
  return l;
}

}  // namespace filter_util
}  // namespace opencl
}  // namespace edgelite
