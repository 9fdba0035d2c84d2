// DEQUANTIZE of constants (float16 weights, int8/uint8 per-tensor or per-channel, int16 per-tensor): the
// float values are computed once here, with the CPU kernel's own routines (reference/dequantize.h), and
// the launch copies that blob (uploaded once at prepare) into the output buffer. Inputs known only at run
// time stay on the CPU.
#include <string>
#include <vector>

#include "delegates/opencl/cl_op.h"
#include "delegates/opencl/ops/copy_plan.h"
#include "interpreter/kernels/reference/dequantize.h"
#include "schema/edgelite_generated.h"

namespace edgelite {
namespace opencl {
namespace {

bool SupportsDequantize(const OpDesc& op, std::string* why) {
  if (op.inputs.size() != 1 || op.outputs.size() != 1) {
    *why = "expects one input and one output";
    return false;
  }
  const TensorDesc& in = op.inputs[0];
  if (!in.is_constant) {
    *why = "only constant inputs (weights) are dequantized on the device";
    return false;
  }
  if (op.outputs[0].type != kTypeFloat32) {
    *why = "output must be float32";
    return false;
  }
  if (!FitsIndex(in.num_elements())) {
    *why = "more than 2^31 elements";
    return false;
  }
  switch (in.type) {
    case kTypeFloat16: return true;
    case kTypeInt8:
    case kTypeUInt8:
    case kTypeInt16: break;
    default: *why = "input type " + std::to_string(in.type) + " is not float16, int8, uint8 or int16"; return false;
  }
  if (in.num_scales < 1 || !in.scales || !in.zero_points) {
    *why = "input has no quantization";
    return false;
  }
  if (in.type == kTypeInt16 && (in.num_scales != 1 || in.zero_points[0] != 0)) {
    *why = "int16 needs per-tensor quantization with zero point 0 (as LiteRT)";
    return false;
  }
  return true;
}

template <typename Q>
bool Dequantize(const TensorDesc& in, std::vector<float>* out, std::string* error) {
  const int64_t n = in.num_elements();
  const Q* q = static_cast<const Q*>(in.data);
  if (in.num_scales == 1) {
    reference::DequantizePerTensor(q, out->data(), n, in.scales[0], static_cast<int32_t>(in.zero_points[0]));
    return true;
  }
  const int axis = in.quantized_dimension;
  if (axis < 0 || axis >= static_cast<int>(in.dims.size()) || in.dims[axis] != in.num_scales) {
    *error = "per-channel quantization does not match the input's shape";
    return false;
  }
  int64_t outer = 1, inner = 1;
  for (int k = 0; k < axis; ++k) outer *= in.dims[k];
  for (size_t k = axis + 1; k < in.dims.size(); ++k) inner *= in.dims[k];
  const std::vector<int32_t> zero_points(in.zero_points, in.zero_points + in.num_scales);
  reference::DequantizePerChannel(q, out->data(), outer, in.num_scales, inner, in.scales, zero_points.data());
  return true;
}

bool BuildDequantize(const OpDesc& op, std::vector<Launch>* launches, std::string* error) {
  const TensorDesc& in = op.inputs[0];
  const int64_t n = in.num_elements();
  static const size_t kWidth[] = {4, 2, 4, 1, 8, 0, 0, 2, 0, 1};  // bytes per element, by TensorType
  if (!in.data || in.type < 0 || in.type > kTypeInt8 || in.bytes < static_cast<size_t>(n) * kWidth[in.type]) {
    *error = "the constant input has no values";
    return false;
  }
  if (op.outputs[0].num_elements() != n) {
    *error = "output size differs from the input's";
    return false;
  }
  std::vector<float> values(static_cast<size_t>(n));
  bool ok = true;
  switch (in.type) {
    case kTypeFloat16: reference::HalfToFloat(static_cast<const uint16_t*>(in.data), values.data(), n); break;
    case kTypeInt8: ok = Dequantize<int8_t>(in, &values, error); break;
    case kTypeUInt8: ok = Dequantize<uint8_t>(in, &values, error); break;
    case kTypeInt16: ok = Dequantize<int16_t>(in, &values, error); break;
    default: *error = "unsupported input type"; return false;
  }
  if (!ok) return false;
  AddDenseCopy(KernelArg::Floats(values.data(), values.size()), op.outputs[0].index, kTypeFloat32, n, launches);
  return true;
}

}  // namespace

void AddDequantizeBuilders(std::vector<OpBuilder>* all) {
  all->push_back({schema::BuiltinOperator_DEQUANTIZE, SupportsDequantize, BuildDequantize});
}

}  // namespace opencl
}  // namespace edgelite
