// Data movement that keeps every element: RESHAPE and SQUEEZE (a dense copy; the new shape was set by the
// core's CPU prepare), TRANSPOSE (constant perm, rank up to 6), DEPTH_TO_SPACE / SPACE_TO_DEPTH (NHWC, DCR
// order) and CONCATENATION (any axis and number of inputs, fused clamp). All but RESHAPE are one strided
// copy per input over a view planned here (copy_plan.h).
#include <algorithm>
#include <string>
#include <vector>

#include "delegates/opencl/cl_op.h"
#include "delegates/opencl/ops/copy_plan.h"
#include "schema/edgelite_generated.h"

namespace edgelite {
namespace opencl {
namespace {

constexpr int kMaxTransposeRank = 6;  // as the CPU kernel and .tflite runtimes

// ---- RESHAPE, SQUEEZE ----

bool SupportsReshape(const OpDesc& op, std::string* why) {
  if (!SupportsMove(op, why)) return false;
  // The shape input (when it is a tensor) is only read by the CPU prepare; a computed one would make the
  // output shape known only during invoke.
  if (op.inputs.size() > 1 && op.inputs[1].index >= 0 && !op.inputs[1].is_constant) {
    *why = "the new shape is computed at run time";
    return false;
  }
  return true;
}

bool BuildReshape(const OpDesc& op, std::vector<Launch>* launches, std::string* error) {
  const int64_t n = op.outputs[0].num_elements();
  if (n != op.inputs[0].num_elements()) {
    *error = "output has " + std::to_string(n) + " elements, input " + std::to_string(op.inputs[0].num_elements());
    return false;
  }
  AddDenseCopy(KernelArg::Tensor(op.inputs[0].index), op.outputs[0].index, op.inputs[0].type, n, launches);
  return true;
}

// ---- TRANSPOSE ----

bool SupportsTranspose(const OpDesc& op, std::string* why) {
  if (!SupportsMove(op, why)) return false;
  if (op.inputs.size() != 2) {
    *why = "expects data and perm inputs";
    return false;
  }
  if (!RequireConstantInts(op.inputs[1], "perm", why)) return false;
  if (op.inputs[0].dims.size() > static_cast<size_t>(kMaxTransposeRank)) {
    *why = "rank " + std::to_string(op.inputs[0].dims.size()) + " (at most 6)";
    return false;
  }
  return true;
}

bool BuildTranspose(const OpDesc& op, std::vector<Launch>* launches, std::string* error) {
  const TensorDesc& in = op.inputs[0];
  std::vector<int64_t> perm;
  if (!ReadConstantInts(op.inputs[1], "perm", &perm, error)) return false;
  const size_t rank = in.dims.size();
  if (perm.size() != rank) {
    *error = "perm has " + std::to_string(perm.size()) + " entries for an input of rank " + std::to_string(rank);
    return false;
  }
  const std::vector<int64_t> in_strides = DenseStrides(in.dims);
  std::vector<int32_t> out_dims(rank);
  std::vector<bool> seen(rank, false);
  for (size_t k = 0; k < rank; ++k) {
    if (perm[k] < 0 || perm[k] >= static_cast<int64_t>(rank) || seen[perm[k]]) {
      *error = "perm is not a permutation of the input's axes";
      return false;
    }
    seen[perm[k]] = true;
    out_dims[k] = in.dims[perm[k]];
  }
  const std::vector<int64_t> out_strides = DenseStrides(out_dims);
  std::vector<CopyAxis> axes(rank);
  for (size_t k = 0; k < rank; ++k) axes[k] = {out_dims[k], in_strides[perm[k]], out_strides[k]};
  return AddStridedCopy(axes, 0, 0, KernelArg::Tensor(in.index), op.outputs[0].index, in.type, 0, launches, error);
}

// ---- DEPTH_TO_SPACE, SPACE_TO_DEPTH ----

int BlockSize(const OpDesc& op) {
  if (!op.op) return 0;
  if (op.node->builtin_code == schema::BuiltinOperator_DEPTH_TO_SPACE) {
    const auto* o = op.op->builtin_options_as_DepthToSpaceOptions();
    return o ? o->block_size() : 0;
  }
  const auto* o = op.op->builtin_options_as_SpaceToDepthOptions();
  return o ? o->block_size() : 0;
}

bool SupportsDepthSpace(const OpDesc& op, std::string* why) {
  if (!SupportsMove(op, why)) return false;
  if (op.inputs[0].dims.size() != 4) {
    *why = "input must be 4-D (NHWC)";
    return false;
  }
  if (BlockSize(op) < 1) {
    *why = "block_size must be at least 1";
    return false;
  }
  return true;
}

// The copy over the view [n, h, i, w, j, c] of both tensors, where
// space[n, h*bs + i, w*bs + j, c] = depth[n, h, w, (i*bs + j)*C + c] (the depth tensor is [n, h, w, bs*bs*C]).
bool BuildDepthSpace(const OpDesc& op, std::vector<Launch>* launches, std::string* error) {
  const bool to_space = op.node->builtin_code == schema::BuiltinOperator_DEPTH_TO_SPACE;
  const TensorDesc& depth = to_space ? op.inputs[0] : op.outputs[0];
  const int64_t bs = BlockSize(op);
  if (depth.dims.size() != 4 || depth.dims[3] % (bs * bs) != 0) {
    *error = "depth tensor must be 4-D with a depth divisible by block_size^2";
    return false;
  }
  const int64_t n = depth.dims[0], h = depth.dims[1], w = depth.dims[2], dc = depth.dims[3], c = dc / (bs * bs);
  const int64_t counts[6] = {n, h, bs, w, bs, c};
  const int64_t depth_steps[6] = {h * w * dc, w * dc, bs * c, dc, c, 1};
  const int64_t space_steps[6] = {h * bs * w * bs * c, bs * w * bs * c, w * bs * c, bs * c, c, 1};
  std::vector<CopyAxis> axes(6);
  for (int k = 0; k < 6; ++k) {
    axes[k] = to_space ? CopyAxis{counts[k], depth_steps[k], space_steps[k]}
                       : CopyAxis{counts[k], space_steps[k], depth_steps[k]};
  }
  return AddStridedCopy(axes, 0, 0, KernelArg::Tensor(op.inputs[0].index), op.outputs[0].index, op.inputs[0].type,
                        0, launches, error);
}

// ---- CONCATENATION ----

void ConcatOptions(const OpDesc& op, int* axis, int* act) {
  *axis = 0;
  *act = 0;
  if (const auto* o = op.op ? op.op->builtin_options_as_ConcatenationOptions() : nullptr) {
    *axis = o->axis();
    *act = o->fused_activation_function();
  }
}

bool SupportsConcatenation(const OpDesc& op, std::string* why) {
  if (op.inputs.empty() || op.outputs.size() != 1) {
    *why = "expects inputs and one output";
    return false;
  }
  const int type = op.outputs[0].type;
  for (const TensorDesc& t : op.inputs) {
    if (t.index < 0 || t.type != type || !IsMovableType(type) || !FitsIndex(t.num_elements())) {
      *why = "inputs and output must all be float32 or all int32";
      return false;
    }
  }
  int axis, act;
  ConcatOptions(op, &axis, &act);
  // The CPU kernel clamps for NONE/RELU/RELU_N1_TO_1/RELU6 only; int32 with a clamp is left to it.
  if (act < 0 || act > schema::ActivationFunctionType_RELU6 || (act != 0 && type != kTypeFloat32)) {
    *why = std::string("fused activation ") + schema::EnumNameActivationFunctionType(
                                                  static_cast<schema::ActivationFunctionType>(act)) +
           " on this type";
    return false;
  }
  const int rank = static_cast<int>(op.inputs[0].dims.size());
  if (axis < -rank || axis >= std::max(rank, 1)) {
    *why = "axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank);
    return false;
  }
  return true;
}

// Each input is one strided copy into its slab of the output: [outer, its axis size, inner] with the
// output's axis size as the outer step.
bool BuildConcatenation(const OpDesc& op, std::vector<Launch>* launches, std::string* error) {
  const TensorDesc& out = op.outputs[0];
  const int rank = static_cast<int>(out.dims.size());
  int axis, act;
  ConcatOptions(op, &axis, &act);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank) {
    *error = "axis out of range";
    return false;
  }
  int64_t inner = 1;
  for (int k = axis + 1; k < rank; ++k) inner *= out.dims[k];
  const int64_t out_axis = out.dims[axis];
  int64_t offset = 0;
  for (const TensorDesc& in : op.inputs) {
    if (static_cast<int>(in.dims.size()) != rank) {
      *error = "inputs must have the output's rank";
      return false;
    }
    const int64_t n = in.dims[axis];
    const int64_t outer = n * inner == 0 ? 0 : in.num_elements() / (n * inner);
    const std::vector<CopyAxis> axes = {{outer, n * inner, out_axis * inner}, {n, inner, inner}, {inner, 1, 1}};
    if (!AddStridedCopy(axes, 0, offset * inner, KernelArg::Tensor(in.index), out.index, in.type, act, launches,
                        error)) {
      return false;
    }
    offset += n;
  }
  if (offset != out_axis) {
    *error = "input sizes along the axis do not add up to the output's";
    return false;
  }
  return true;
}

}  // namespace

void AddLayoutBuilders(std::vector<OpBuilder>* all) {
  all->push_back({schema::BuiltinOperator_RESHAPE, SupportsReshape, BuildReshape});
  all->push_back({schema::BuiltinOperator_SQUEEZE, SupportsReshape, BuildReshape});
  all->push_back({schema::BuiltinOperator_TRANSPOSE, SupportsTranspose, BuildTranspose});
  all->push_back({schema::BuiltinOperator_DEPTH_TO_SPACE, SupportsDepthSpace, BuildDepthSpace});
  all->push_back({schema::BuiltinOperator_SPACE_TO_DEPTH, SupportsDepthSpace, BuildDepthSpace});
  all->push_back({schema::BuiltinOperator_CONCATENATION, SupportsConcatenation, BuildConcatenation});
}

}  // namespace opencl
}  // namespace edgelite
