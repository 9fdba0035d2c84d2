// Data movement that selects or adds elements: STRIDED_SLICE (constant begin/end/strides, every mask and
// the offset option, resolved by the CPU kernel's own reference code), SLICE (constant begin/size), and
// PAD / PADV2 (constant fill) / MIRROR_PAD (REFLECT, SYMMETRIC) with constant paddings (kernels/pad.cl).
#include <string>
#include <vector>

#include "delegates/opencl/cl_op.h"
#include "delegates/opencl/ops/copy_plan.h"
#include "interpreter/kernels/reference/strided_slice.h"
#include "schema/edgelite_generated.h"

namespace edgelite {
namespace opencl {
namespace {

// ---- STRIDED_SLICE, SLICE ----

bool SupportsSliceInputs(const OpDesc& op, std::string* why) {
  if (!SupportsMove(op, why)) return false;
  const bool strided = op.node->builtin_code == schema::BuiltinOperator_STRIDED_SLICE;
  static const char* const kNames[] = {"", "begin", strided ? "end" : "size", "strides"};
  const size_t count = strided ? 4 : 3;
  if (op.inputs.size() != count) {
    *why = "expects " + std::to_string(count) + " inputs";
    return false;
  }
  for (size_t i = 1; i < count; ++i) {
    if (!RequireConstantInts(op.inputs[i], kNames[i], why)) return false;
  }
  if (op.inputs[0].dims.size() > static_cast<size_t>(reference::kMaxStridedSliceRank)) {
    *why = "input rank above 8";
    return false;
  }
  return true;
}

// The resolved slice as the strided copy over the input axes; the output is dense in the same order
// (new axes and shrunk axes only change its shape).
bool AddSliceCopy(const OpDesc& op, const reference::StridedSlicePlan& plan, std::vector<Launch>* launches,
                  std::string* error) {
  const TensorDesc& in = op.inputs[0];
  const std::vector<int64_t> in_strides = DenseStrides(in.dims);
  std::vector<CopyAxis> axes(plan.rank);
  int64_t base = 0, out_step = 1, total = 1;
  for (int a = plan.rank - 1; a >= 0; --a) {
    const reference::SliceAxis& s = plan.axes[a];
    base += s.start * in_strides[a];
    axes[a] = {s.count, s.stride * in_strides[a], out_step};
    out_step *= s.count;
    total *= s.count;
  }
  if (total != op.outputs[0].num_elements()) {
    *error = "the slice has " + std::to_string(total) + " elements but the output " +
             std::to_string(op.outputs[0].num_elements());
    return false;
  }
  if (total == 0) return true;
  return AddStridedCopy(axes, base, 0, KernelArg::Tensor(in.index), op.outputs[0].index, in.type, 0, launches, error);
}

bool BuildStridedSlice(const OpDesc& op, std::vector<Launch>* launches, std::string* error) {
  std::vector<int64_t> begin, end, strides;
  if (!ReadConstantInts(op.inputs[1], "begin", &begin, error) || !ReadConstantInts(op.inputs[2], "end", &end, error) ||
      !ReadConstantInts(op.inputs[3], "strides", &strides, error)) {
    return false;
  }
  reference::StridedSliceSpec spec;
  spec.count = static_cast<int>(begin.size());
  if (spec.count > reference::kMaxStridedSliceSpec || end.size() != begin.size() || strides.size() != begin.size()) {
    *error = "begin, end and strides must have the same length (at most 32)";
    return false;
  }
  for (int i = 0; i < spec.count; ++i) {
    spec.begin[i] = begin[i];
    spec.end[i] = end[i];
    spec.strides[i] = strides[i];
  }
  if (const auto* o = op.op ? op.op->builtin_options_as_StridedSliceOptions() : nullptr) {
    spec.begin_mask = o->begin_mask();
    spec.end_mask = o->end_mask();
    spec.ellipsis_mask = o->ellipsis_mask();
    spec.new_axis_mask = o->new_axis_mask();
    spec.shrink_axis_mask = o->shrink_axis_mask();
    spec.offset = o->offset();
  }
  const TensorDesc& in = op.inputs[0];
  reference::StridedSlicePlan plan;
  if (!reference::ResolveStridedSlice(static_cast<int>(in.dims.size()), in.dims.data(), spec, &plan, error)) {
    return false;
  }
  return AddSliceCopy(op, plan, launches, error);
}

// SLICE: stride 1 from begin, `size` elements per axis (-1: to the end), checked as the CPU prepare does.
bool BuildSlice(const OpDesc& op, std::vector<Launch>* launches, std::string* error) {
  const TensorDesc& in = op.inputs[0];
  std::vector<int64_t> begin, size;
  if (!ReadConstantInts(op.inputs[1], "begin", &begin, error) ||
      !ReadConstantInts(op.inputs[2], "size", &size, error)) {
    return false;
  }
  const int rank = static_cast<int>(in.dims.size());
  if (begin.size() != static_cast<size_t>(rank) || size.size() != static_cast<size_t>(rank)) {
    *error = "begin and size need one entry per input axis";
    return false;
  }
  reference::StridedSlicePlan plan;
  plan.rank = rank;
  for (int a = 0; a < rank; ++a) {
    const int64_t dim = in.dims[a], b = begin[a];
    const int64_t n = size[a] == -1 ? dim - b : size[a];
    if (b < 0 || b > dim || n < 0 || n > dim - b) {
      *error = "begin and size do not fit axis " + std::to_string(a);
      return false;
    }
    plan.axes[a] = reference::SliceAxis{dim, b, 1, n};
  }
  return AddSliceCopy(op, plan, launches, error);
}

// ---- PAD, PADV2, MIRROR_PAD ----

// pad.cl's MODE: 0 constant, 1 REFLECT, 2 SYMMETRIC.
int PadMode(const OpDesc& op) {
  if (op.node->builtin_code != schema::BuiltinOperator_MIRROR_PAD) return 0;
  const auto* o = op.op ? op.op->builtin_options_as_MirrorPadOptions() : nullptr;
  return (o ? o->mode() : schema::MirrorPadMode_REFLECT) == schema::MirrorPadMode_SYMMETRIC ? 2 : 1;
}

bool SupportsPad(const OpDesc& op, std::string* why) {
  if (!SupportsMove(op, why)) return false;
  if (op.inputs.size() < 2) {
    *why = "expects a paddings input";
    return false;
  }
  if (!RequireConstantInts(op.inputs[1], "paddings", why)) return false;
  if (op.inputs.size() > 2 && op.inputs[2].index >= 0 &&
      (op.inputs[2].type != op.inputs[0].type || op.inputs[2].num_elements() != 1)) {
    *why = "constant_values must be one value of the input's type";
    return false;
  }
  if (op.inputs[0].dims.size() > static_cast<size_t>(kMaxCopyAxes)) {
    *why = "input rank above 8";
    return false;
  }
  if (op.node->builtin_code == schema::BuiltinOperator_MIRROR_PAD && op.op) {
    const auto* o = op.op->builtin_options_as_MirrorPadOptions();
    if (o && o->mode() != schema::MirrorPadMode_REFLECT && o->mode() != schema::MirrorPadMode_SYMMETRIC) {
      *why = "unknown mirror pad mode";
      return false;
    }
  }
  return true;
}

// pad.cl indexes the output; adjacent axes without padding are merged (an NHWC spatial pad becomes
// [N, H, W*C]-like views with fewer divisions per element), then the list is filled to 8 axes.
bool BuildPad(const OpDesc& op, std::vector<Launch>* launches, std::string* error) {
  const TensorDesc& in = op.inputs[0];
  std::vector<int64_t> pads;
  if (!ReadConstantInts(op.inputs[1], "paddings", &pads, error)) return false;
  const size_t rank = in.dims.size();
  if (pads.size() != 2 * rank) {
    *error = "paddings must have shape [rank, 2]";
    return false;
  }
  const int mode = PadMode(op);
  struct PadAxis {
    int64_t size, before, after;
  };
  std::vector<PadAxis> axes;
  for (size_t a = 0; a < rank; ++a) {
    const int64_t d = in.dims[a], b = pads[2 * a], e = pads[2 * a + 1];
    const int64_t limit = mode == 1 ? d - 1 : d;
    if (b < 0 || e < 0 || (mode != 0 && (b > limit || e > limit))) {
      *error = "paddings of axis " + std::to_string(a) + " are negative or too large to mirror";
      return false;
    }
    if (!axes.empty() && b == 0 && e == 0 && axes.back().before == 0 && axes.back().after == 0) {
      axes.back().size *= d;
    } else {
      axes.push_back({d, b, e});
    }
  }
  const int64_t total = op.outputs[0].num_elements();
  if (total == 0) return true;
  if (axes.size() > static_cast<size_t>(kMaxCopyAxes) || !FitsIndex(total)) {
    *error = "too many axes or elements";
    return false;
  }
  axes.insert(axes.begin(), kMaxCopyAxes - axes.size(), PadAxis{1, 0, 0});
  Launch l;
  l.file = "pad.cl";
  AddElementDefine(in.type, &l);
  l.defines.push_back({"MODE", std::to_string(mode)});
  l.defines.push_back({"TOTAL", std::to_string(total)});
  int64_t in_step = 1;
  for (int k = kMaxCopyAxes - 1; k >= 0; --k) {
    const std::string n = std::to_string(k);
    const PadAxis& a = axes[k];
    l.defines.push_back({"D" + n, std::to_string(a.size + a.before + a.after)});
    l.defines.push_back({"N" + n, std::to_string(a.size)});
    l.defines.push_back({"B" + n, std::to_string(a.before)});
    l.defines.push_back({"IS" + n, std::to_string(in_step)});
    in_step *= a.size;
  }
  // The fill: PADV2's constant_values tensor, or a one-value blob of 0 (MIRROR_PAD reads none).
  KernelArg fill;
  if (op.inputs.size() > 2 && op.inputs[2].index >= 0) {
    fill = KernelArg::Tensor(op.inputs[2].index);
  } else if (in.type == kTypeInt32) {
    const int32_t zero = 0;
    fill = KernelArg::Ints(&zero, 1);
  } else {
    const float zero = 0.f;
    fill = KernelArg::Floats(&zero, 1);
  }
  l.args = {KernelArg::Tensor(in.index), std::move(fill), KernelArg::Tensor(op.outputs[0].index)};
  l.global = {{static_cast<size_t>(total), 1, 1}};
  launches->push_back(std::move(l));
  return true;
}

}  // namespace

void AddSlicePadBuilders(std::vector<OpBuilder>* all) {
  all->push_back({schema::BuiltinOperator_STRIDED_SLICE, SupportsSliceInputs, BuildStridedSlice});
  all->push_back({schema::BuiltinOperator_SLICE, SupportsSliceInputs, BuildSlice});
  all->push_back({schema::BuiltinOperator_PAD, SupportsPad, BuildPad});
  all->push_back({schema::BuiltinOperator_PADV2, SupportsPad, BuildPad});
  all->push_back({schema::BuiltinOperator_MIRROR_PAD, SupportsPad, BuildPad});
}

}  // namespace opencl
}  // namespace edgelite
