// Host-side planning shared by the data-movement builders (layout.cc, resize.cc, dequantize.cc): element
// types a copy moves, int values of constant inputs, and copies over a strided index space turned into
// one launch of kernels/strided_copy.cl (or a dense kernels/copy.cl). Inputs are passed as their tensor's
// buffer: the partition executor uploads constant tensors once at prepare.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "delegates/opencl/cl_op.h"

namespace edgelite {
namespace opencl {

constexpr int kTypeFloat32 = 0;
constexpr int kTypeFloat16 = 1;
constexpr int kTypeInt32 = 2;
constexpr int kTypeUInt8 = 3;
constexpr int kTypeInt64 = 4;
constexpr int kTypeInt16 = 7;
constexpr int kTypeInt8 = 9;

// Axes strided_copy.cl and pad.cl index (D0..D7).
constexpr int kMaxCopyAxes = 8;

// Kernels index with int: tensors of 2^31 elements or more stay on the CPU.
inline bool FitsIndex(int64_t n) { return n < std::numeric_limits<int32_t>::max(); }

// float32 tensors are `real` on the device, int32 tensors int; the copy kernels move both.
inline bool IsMovableType(int type) { return type == kTypeFloat32 || type == kTypeInt32; }

// Adds the ELEM define the copy kernels read for non-real elements.
inline void AddElementDefine(int type, Launch* launch) {
  if (type == kTypeInt32) launch->defines.push_back({"ELEM", "int"});
}

// Checks the input/output pair of a pure data movement: same movable type, indexable sizes.
inline bool SupportsMove(const OpDesc& op, std::string* why) {
  if (op.inputs.empty() || op.outputs.size() != 1) {
    *why = "expects a data input and one output";
    return false;
  }
  const TensorDesc& in = op.inputs[0];
  if (!IsMovableType(in.type)) {
    *why = "only float32 and int32 data are moved on the device, got type " + std::to_string(in.type);
    return false;
  }
  if (op.outputs[0].type != in.type) {
    *why = "output type differs from the input's";
    return false;
  }
  if (!FitsIndex(in.num_elements())) {
    *why = "more than 2^31 elements";
    return false;
  }
  return true;
}

// Whether `t` is a constant int32/int64 input (a shape, perm, paddings, begin...): supports asks this,
// build then reads the values.
inline bool RequireConstantInts(const TensorDesc& t, const char* what, std::string* why) {
  if (t.index < 0) {
    *why = std::string(what) + " is missing";
    return false;
  }
  if (!t.is_constant) {
    *why = std::string(what) + " must be a constant (its values set the kernel at prepare)";
    return false;
  }
  if (t.type != kTypeInt32 && t.type != kTypeInt64) {
    *why = std::string(what) + " must be int32 or int64";
    return false;
  }
  return true;
}

inline bool ReadConstantInts(const TensorDesc& t, const char* what, std::vector<int64_t>* values,
                             std::string* why) {
  if (!RequireConstantInts(t, what, why)) return false;
  const int64_t n = t.num_elements();
  const size_t width = t.type == kTypeInt32 ? 4 : 8;
  if (!t.data || t.bytes < static_cast<size_t>(n) * width) {
    *why = std::string(what) + " has no values";
    return false;
  }
  values->resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    (*values)[i] = t.type == kTypeInt32 ? static_cast<const int32_t*>(t.data)[i]
                                        : static_cast<const int64_t*>(t.data)[i];
  }
  return true;
}

inline std::vector<int64_t> DenseStrides(const std::vector<int32_t>& dims) {
  std::vector<int64_t> strides(dims.size());
  int64_t s = 1;
  for (size_t k = dims.size(); k-- > 0;) {
    strides[k] = s;
    s *= dims[k];
  }
  return strides;
}

// copy.cl over `n` elements of `in` into `out` (nothing when n is 0: OpenCL has no empty launches).
inline void AddDenseCopy(KernelArg in, int out_tensor, int type, int64_t n, std::vector<Launch>* launches) {
  if (n == 0) return;
  Launch l;
  l.file = "copy.cl";
  AddElementDefine(type, &l);
  l.args = {std::move(in), KernelArg::Tensor(out_tensor), KernelArg::Int(static_cast<int32_t>(n))};
  l.global = {{static_cast<size_t>(n), 1, 1}};
  launches->push_back(std::move(l));
}

// One axis of a strided copy: `count` indices, each moving the input by in_step and the output by out_step.
struct CopyAxis {
  int64_t count, in_step, out_step;
};

// out[out_base + sum idx_k * out_step_k] = in[in_base + sum idx_k * in_step_k] over the axes (outermost
// first), as one launch of strided_copy.cl. Axes of count 1 are dropped and an axis that continues the one
// inside it in both tensors is merged into it, so a transpose that only moves unit axes is a plain copy.
// `act` is a fused activation (float only). Adds nothing for an empty index space.
inline bool AddStridedCopy(std::vector<CopyAxis> axes, int64_t in_base, int64_t out_base, KernelArg in,
                           int out_tensor, int type, int act, std::vector<Launch>* launches, std::string* error) {
  std::vector<CopyAxis> merged;  // innermost first
  int64_t total = 1;
  for (size_t k = axes.size(); k-- > 0;) {
    const CopyAxis& a = axes[k];
    total *= a.count;
    if (a.count == 1) continue;
    if (!merged.empty()) {
      CopyAxis& inner = merged.back();
      if (a.in_step == inner.in_step * inner.count && a.out_step == inner.out_step * inner.count) {
        inner.count *= a.count;
        continue;
      }
    }
    merged.push_back(a);
  }
  if (total == 0) return true;
  if (merged.size() > static_cast<size_t>(kMaxCopyAxes)) {
    *error = "the copy needs " + std::to_string(merged.size()) + " axes (strided_copy.cl has 8)";
    return false;
  }
  if (!FitsIndex(total)) {
    *error = "more than 2^31 elements";
    return false;
  }
  Launch l;
  l.file = "strided_copy.cl";
  AddElementDefine(type, &l);
  l.defines.push_back({"IBASE", std::to_string(in_base)});
  l.defines.push_back({"OBASE", std::to_string(out_base)});
  l.defines.push_back({"TOTAL", std::to_string(total)});
  if (act != 0) l.defines.push_back({"ACT", std::to_string(act)});
  // Kernel axis k = kMaxCopyAxes - 1 is the innermost; unused outer axes have count 1.
  for (int k = 0; k < kMaxCopyAxes; ++k) {
    const size_t from_inner = static_cast<size_t>(kMaxCopyAxes - 1 - k);
    const CopyAxis a = from_inner < merged.size() ? merged[from_inner] : CopyAxis{1, 0, 0};
    const std::string n = std::to_string(k);
    l.defines.push_back({"D" + n, std::to_string(a.count)});
    l.defines.push_back({"IS" + n, std::to_string(a.in_step)});
    l.defines.push_back({"OS" + n, std::to_string(a.out_step)});
  }
  l.args = {std::move(in), KernelArg::Tensor(out_tensor)};
  l.global = {{static_cast<size_t>(total), 1, 1}};
  launches->push_back(std::move(l));
  return true;
}

}  // namespace opencl
}  // namespace edgelite
