// SOFTMAX (SoftmaxOptions.beta) and LOG_SOFTMAX along the last axis of float32 tensors: one work-group per
// row (kernels/softmax.cl), the max and the sum reduced in local memory.
#include <string>
#include <vector>

#include "delegates/opencl/cl_op.h"
#include "delegates/opencl/ops/copy_plan.h"
#include "schema/edgelite_generated.h"

namespace edgelite {
namespace opencl {
namespace {

// Work-items per row: enough to cover short rows, at most 64 (a size every OpenCL GPU runs).
constexpr int kMaxRowGroup = 64;

bool SupportsSoftmax(const OpDesc& op, std::string* why) {
  if (op.inputs.size() != 1 || op.outputs.size() != 1) {
    *why = "expects one input and one output";
    return false;
  }
  const TensorDesc& in = op.inputs[0];
  if (in.type != kTypeFloat32 || op.outputs[0].type != kTypeFloat32) {
    *why = "only float32 runs on the device";
    return false;
  }
  if (in.dims.empty()) {
    *why = "a scalar input has no axis to normalize";
    return false;
  }
  if (!FitsIndex(in.num_elements())) {
    *why = "more than 2^31 elements";
    return false;
  }
  return true;
}

bool BuildSoftmax(const OpDesc& op, std::vector<Launch>* launches, std::string* error) {
  const TensorDesc& in = op.inputs[0];
  if (in.dims.empty()) {
    *error = "a scalar input has no axis to normalize";
    return false;
  }
  const int64_t depth = in.dims.back();
  if (depth == 0 || in.num_elements() == 0) return true;
  const int64_t rows = in.num_elements() / depth;
  int local = 1;
  while (local < depth && local < kMaxRowGroup) local *= 2;
  const bool log = op.node->builtin_code == schema::BuiltinOperator_LOG_SOFTMAX;
  // .tflite leaves beta 0 when SOFTMAX has no options table; so does the CPU kernel.
  float beta = 0.f;
  if (const auto* o = (!log && op.op) ? op.op->builtin_options_as_SoftmaxOptions() : nullptr) beta = o->beta();
  Launch l;
  l.file = "softmax.cl";
  l.defines = {{"DEPTH", std::to_string(depth)}, {"LOCAL", std::to_string(local)}};
  if (log) l.defines.push_back({"LOG", "1"});
  l.args = {KernelArg::Tensor(in.index), KernelArg::Tensor(op.outputs[0].index), KernelArg::Float(beta)};
  l.global = {{static_cast<size_t>(rows * local), 1, 1}};
  l.local = {{static_cast<size_t>(local), 1, 1}};
  launches->push_back(std::move(l));
  return true;
}

}  // namespace

void AddSoftmaxBuilders(std::vector<OpBuilder>* all) {
  all->push_back({schema::BuiltinOperator_SOFTMAX, SupportsSoftmax, BuildSoftmax});
  all->push_back({schema::BuiltinOperator_LOG_SOFTMAX, SupportsSoftmax, BuildSoftmax});
}

}  // namespace opencl
}  // namespace edgelite
