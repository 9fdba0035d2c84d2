// MEAN and SUM on the device (kernels/mean.cl): float32, any constant axes (negative or repeated, an empty
// list reduces nothing), keep_dims (which changes only the output shape the core's prepare set). The input
// shape is reduced on the host to at most 4 kept and 4 reduced axes with their strides.
#include <string>
#include <vector>

#include "delegates/opencl/cl_op.h"
#include "delegates/opencl/ops/filter_util.h"
#include "schema/edgelite_generated.h"

namespace edgelite {
namespace opencl {
namespace {

using namespace filter_util;  // NOLINT: this file's vocabulary

constexpr size_t kMaxGroups = 4;  // kept and reduced axis groups the kernel walks

// Which input axes are reduced, from the constant axis tensor.
bool ReducedAxes(const OpDesc& op, std::vector<bool>* reduced, std::string* why) {
  const TensorDesc& axis = op.inputs[1];
  const int rank = static_cast<int>(op.inputs[0].dims.size());
  if (axis.type != kInt32 && axis.type != kInt64) return Fail(why, "axis input is not int32 or int64");
  if (axis.dims.size() > 1) return Fail(why, "axis input has shape " + DimsText(axis.dims) + ", not a scalar or 1-D");
  reduced->assign(rank, false);
  const int64_t n = axis.num_elements();
  if (n == 0) return true;
  if (!axis.is_constant) return Fail(why, "axis input is not constant");
  const size_t element = axis.type == kInt64 ? 8 : 4;
  if (!axis.data || axis.bytes < static_cast<size_t>(n) * element) return Fail(why, "axis input has no data");
  for (int64_t i = 0; i < n; ++i) {
    const int64_t a = axis.type == kInt64 ? static_cast<const int64_t*>(axis.data)[i] : static_cast<const int32_t*>(axis.data)[i];
    if (a < -rank || a >= (rank == 0 ? 1 : rank)) return Fail(why, "axis " + std::to_string(a) + " is out of range for rank " + std::to_string(rank));
    const int64_t normalized = a < 0 ? a + rank : a;
    if (normalized < rank) (*reduced)[normalized] = true;  // rank 0: axis 0 / -1 reduce nothing
  }
  return true;
}

struct AxisGroup {
  bool reduced;
  int64_t size, stride;
};

// Neighbouring axes of one kind merged (size-1 axes dropped): row-major, so a merged group's stride is its
// innermost axis's.
std::vector<AxisGroup> MergeAxes(const std::vector<int32_t>& dims, const std::vector<bool>& reduced) {
  std::vector<AxisGroup> groups;
  int64_t stride = 1;
  for (size_t i = dims.size(); i-- > 0;) {
    if (dims[i] != 1) {
      if (!groups.empty() && groups.back().reduced == reduced[i]) {
        groups.back().size *= dims[i];
      } else {
        groups.push_back({reduced[i], dims[i], stride});
      }
    }
    stride *= dims[i];
  }
  return {groups.rbegin(), groups.rend()};
}

bool SupportsReduce(const OpDesc& op, std::string* why) {
  if (op.inputs.size() != 2 || op.outputs.size() != 1) return Fail(why, "expects input, axis and one output");
  if (!IsFloatActivation(op.inputs[0], "input", why) || !IsFloatActivation(op.outputs[0], "output", why)) return false;
  if (op.inputs[0].dims.size() > 2 * kMaxGroups) return Fail(why, "input rank over 8");
  std::vector<bool> reduced;
  return ReducedAxes(op, &reduced, why);
}

bool BuildReduce(const OpDesc& op, bool mean, std::vector<Launch>* launches, std::string* error) {
  std::vector<bool> reduced;
  if (!ReducedAxes(op, &reduced, error)) return false;
  const auto& dims = op.inputs[0].dims;
  int64_t outputs = 1, count = 1;
  for (size_t i = 0; i < dims.size(); ++i) (reduced[i] ? count : outputs) *= dims[i];
  if (op.outputs[0].num_elements() != outputs) {
    return Fail(error, "output shape " + DimsText(op.outputs[0].dims) + " does not hold " + std::to_string(outputs) + " values");
  }
  if (outputs == 0) return true;
  const std::vector<AxisGroup> groups = MergeAxes(dims, reduced);
  std::vector<AxisGroup> kept, summed;
  for (const AxisGroup& g : groups) (g.reduced ? summed : kept).push_back(g);
  Launch l;
  l.file = "mean.cl";
  // Groups fill slots 0..3 from the end: slot 3 is the innermost (fastest) axis.
  for (size_t slot = 0; slot < kMaxGroups; ++slot) {
    const std::string s = std::to_string(slot);
    const size_t from_end = kMaxGroups - 1 - slot;
    const bool has_kept = from_end < kept.size(), has_summed = from_end < summed.size();
    const AxisGroup k = has_kept ? kept[kept.size() - 1 - from_end] : AxisGroup{false, 1, 0};
    const AxisGroup r = has_summed ? summed[summed.size() - 1 - from_end] : AxisGroup{true, 1, 0};
    l.defines.emplace_back("KS" + s, std::to_string(k.size));
    l.defines.emplace_back("KT" + s, std::to_string(k.stride));
    l.defines.emplace_back("RS" + s, std::to_string(r.size));
    l.defines.emplace_back("RT" + s, std::to_string(r.stride));
  }
  Define(&l, "OUTPUTS", outputs);
  l.defines.emplace_back("DIVISOR", std::to_string(mean ? count : 1) + ".0f");
  l.args = {KernelArg::Tensor(op.inputs[0].index), KernelArg::Tensor(op.outputs[0].index)};
  l.work_dim = 1;
  l.global = {{static_cast<size_t>(outputs), 1, 1}};
  launches->push_back(std::move(l));
  return true;
}

bool BuildMean(const OpDesc& op, std::vector<Launch>* launches, std::string* error) {
  return BuildReduce(op, true, launches, error);
}

bool BuildSum(const OpDesc& op, std::vector<Launch>* launches, std::string* error) {
  return BuildReduce(op, false, launches, error);
}

}  // namespace

void AddMeanBuilders(std::vector<OpBuilder>* all) {
  all->push_back({schema::BuiltinOperator_MEAN, SupportsReduce, BuildMean});
  all->push_back({schema::BuiltinOperator_SUM, SupportsReduce, BuildSum});
}

}  // namespace opencl
}  // namespace edgelite
