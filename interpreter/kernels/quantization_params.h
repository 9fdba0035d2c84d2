// Reading a tensor's quantization in prepare, checked: scales present, finite and positive, zero points
// within the tensor's type, per-channel arrays as long as the quantized dimension. Every failure names the
// node, the tensor's role and its name, so a bad model fails in prepare with a message, never in eval.
#pragma once

#include <vector>

#include "interpreter/kernel_api.h"

namespace edgelite {

struct TensorQuantization {
  float scale = 0.f;
  int32_t zero_point = 0;
};

// The per-tensor parameters of `t` (named `role` in messages: "input", "filter", "output").
Status GetPerTensorQuantization(KernelContext& ctx, const Node& node, const Tensor& t, const char* role,
                                TensorQuantization* out);

// The scales of `t` along `axis`: one (per-tensor, repeated `channels` times) or `channels` of them, with
// quantized_dimension == axis. `zero_points` may be null; when given it gets one per channel. With
// `symmetric` every zero point must be 0 (weights of int8 kernels).
Status GetPerChannelQuantization(KernelContext& ctx, const Node& node, const Tensor& t, const char* role, int axis,
                                 int channels, bool symmetric, std::vector<float>* scales,
                                 std::vector<int32_t>* zero_points);

// The same along `t`'s own quantized_dimension, for operators that take whichever axis the model gives
// (QUANTIZE outputs, DEQUANTIZE inputs): fails unless that dimension lies within t's rank. *axis gets it; a
// per-tensor `t` gives one entry and axis 0.
Status GetPerChannelQuantizationOwnAxis(KernelContext& ctx, const Node& node, const Tensor& t, const char* role,
                                        int* axis, std::vector<float>* scales, std::vector<int32_t>* zero_points);

// Whether `a` and `b` have the same quantization: the same scales and zero points (a missing zero point
// reads as 0; two tensors without parameters agree).
bool SameQuantization(const Tensor& a, const Tensor& b);

// Fails unless `t` (named `role`) has the quantization of `ref` (named `ref_role`): for operators that copy
// quantized values without rescaling and whose LiteRT kernel checks it (CONCATENATION int8, PACK, PADV2's
// constant).
Status RequireSameQuantization(KernelContext& ctx, const Node& node, const Tensor& t, const char* role,
                               const Tensor& ref, const char* ref_role);

// Fails unless `q`'s zero point is `expected` (int16 kernels need 0; SOFTMAX int8 outputs -128).
Status RequireZeroPoint(KernelContext& ctx, const Node& node, const Tensor& t, const char* role,
                        const TensorQuantization& q, int32_t expected);

// The clamp of a fused activation on the quantized output `t` (QuantizedActivationRange over t's type);
// fails naming the output when a bound does not fit int32 (a scale too small for the activation's range).
Status GetQuantizedActivationRange(KernelContext& ctx, const Node& node, int activation, const Tensor& t,
                                   const TensorQuantization& q, int32_t* lo, int32_t* hi);

// The smallest and largest values of an integer type (int8, uint8, int16, int32).
void IntegerTypeRange(DataType type, int32_t* lo, int32_t* hi);

}  // namespace edgelite
