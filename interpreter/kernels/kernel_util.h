// Helpers every kernel shares: option parsing of fused activations and padding, output-size and padding
// arithmetic, broadcasting shapes, and input checks that name the node on failure.
#pragma once

#include <algorithm>
#include <initializer_list>
#include <limits>

#include "interpreter/kernel_api.h"
#include "interpreter/kernels/reference/broadcast.h"
#include "interpreter/thread_pool.h"
#include "schema/edgelite_generated.h"

namespace edgelite {

// Clamp bounds of a fused activation; NONE gives (-inf, +inf).
struct ActivationRange {
  float min = -std::numeric_limits<float>::infinity();
  float max = std::numeric_limits<float>::infinity();
};

// Fails for fused activations that are not a clamp (TANH, SIGN_BIT) with an error naming the node.
Status GetActivationRange(KernelContext& ctx, const Node& node, schema::ActivationFunctionType act,
                          ActivationRange* range);

inline float Clamp(float v, const ActivationRange& r) { return std::min(std::max(v, r.min), r.max); }

enum class PaddingKind { kSame, kValid };
Status GetPaddingKind(KernelContext& ctx, const Node& node, schema::Padding padding, PaddingKind* out);

// Output size of a windowed op, as .tflite defines it: SAME -> ceil(in / stride);
// VALID -> ceil((in - dilated_filter + 1) / stride).
int ComputeOutputSize(PaddingKind padding, int in, int filter, int stride, int dilation);

// Padding before the first element (top or left). SAME puts the odd extra pixel after (bottom/right).
int ComputePaddingBefore(int stride, int dilation, int in, int filter, int out);

// NumPy broadcasting of two shapes (aligned at the trailing dimension); false when incompatible.
bool BroadcastShapes(const Dims& a, const Dims& b, Dims* out);

// "[2, 3] and [4]", "[2], [3] and [4]": shapes for messages.
std::string ShapeListToString(const Dims* const* shapes, int count);

// Prepare of a broadcast element-wise op: the NumPy broadcast of every input shape into *out_dims and the
// loop over them into *plan; errors name the node and the shapes.
template <int kInputs>
Status PlanBroadcast(KernelContext& ctx, const Node& node, const Dims* const (&inputs)[kInputs], Dims* out_dims,
                     reference::BroadcastPlanOf<kInputs>* plan) {
  Dims shape = *inputs[0];
  for (int i = 1; i < kInputs; ++i) {
    Dims next;
    if (!BroadcastShapes(shape, *inputs[i], &next)) {
      return ctx.Error(node, StrCat("shapes ", ShapeListToString(inputs, kInputs), " cannot be broadcast together"));
    }
    shape = std::move(next);
  }
  if (!reference::MakeBroadcastPlan<kInputs>(inputs, shape, plan)) {
    return ctx.Error(node, StrCat("broadcasting ", ShapeListToString(inputs, kInputs), " alternates over more than ",
                                  reference::kMaxBroadcastPlanRank, " axes"),
                     StatusCode::kUnsupported);
  }
  *out_dims = std::move(shape);
  return Status::Ok();
}

// Checks for prepare: counts, presence and dtype.
Status CheckInputCount(KernelContext& ctx, const Node& node, int min_count, int max_count);
Status CheckOutputCount(KernelContext& ctx, const Node& node, int count);
// Fails unless tensor `t` has `type`; `what` names it in the message ("input 0", "filter").
Status CheckType(KernelContext& ctx, const Node& node, const Tensor& t, DataType type, const char* what);
// The i-th input, or an error when it is absent.
Status RequireInput(KernelContext& ctx, const Node& node, int i, Tensor** out);
Status RequireOutput(KernelContext& ctx, const Node& node, int i, Tensor** out);

// Fails unless `t` has one of `types`; the message lists them ("expected one of float32, int32, int64").
Status CheckTypeIn(KernelContext& ctx, const Node& node, const Tensor& t, std::initializer_list<DataType> types,
                   const char* what);

// For kernels that only move elements (split, mirror pad, nearest resize): fails unless `t` is float32,
// int32, int64, int8, uint8 or int16. Quantized types are copied bit for bit with their parameters
// unchanged, as the .tflite kernels do.
Status CheckMovableType(KernelContext& ctx, const Node& node, const Tensor& t, const char* what);

// For kernels whose quantized forms are not written yet (issue 17): fails with kUnsupported when `t` is int8,
// uint8 or int16, saying so and naming what does run (`runs`: "float32"), rather than a bare dtype mismatch.
Status RefuseQuantized(KernelContext& ctx, const Node& node, const Tensor& t, const char* runs);

// True when a tensor's values can be read in prepare (model constants and values folded before this
// node). Ops whose output shape comes from such a tensor size their output in prepare; otherwise they
// mark it dynamic and size it in eval.
inline bool HasValuesAtPrepare(const Tensor& t) { return t.is_constant && t.data != nullptr; }

// Element `i` of an int32 or int64 tensor (type checked in prepare). Allocation-free, for eval.
inline int64_t IntValueAt(const Tensor& t, int64_t i) {
  return t.type == DataType::kInt64 ? t.data_as<int64_t>()[i] : t.data_as<int32_t>()[i];
}

// For kernels that move elements without reading them (transpose, slices): calls fn(T()) with the
// unsigned integer type as wide as one element of `type` (1, 2, 4 or 8 bytes); false for other widths.
template <typename Fn>
bool DispatchByElementWidth(DataType type, Fn&& fn) {
  switch (ElementSize(type)) {
    case 1: fn(uint8_t()); return true;
    case 2: fn(uint16_t()); return true;
    case 4: fn(uint32_t()); return true;
    case 8: fn(uint64_t()); return true;
    default: return false;
  }
}

// Reads the values of a 1-D int32 or int64 shape tensor (FILL's dims, BROADCAST_TO's shape, ...) as an output
// shape: every value in [0, 2^31 - 1] and at most 2^40 elements, so byte counts cannot overflow and a bad model
// gets an error naming `what`, not a huge allocation. Allocation-free once `shape` has room (for eval).
Status ReadShapeTensor(KernelContext& ctx, const Node& node, const Tensor& t, const char* what, Dims* shape);
// Prepare of an output shaped by such a tensor `t` (named `what` in messages): checks that it is 1-D and makes
// room in *shape for eval. Sets *known_now when its values can be read now (or it has none: a scalar output);
// otherwise marks `out` dynamic, to be sized at eval.
Status PrepareShapeTensor(KernelContext& ctx, const Node& node, const Tensor& t, const char* what, Tensor& out,
                          Dims* shape, bool* known_now);

// Prologues of prepare: exactly one input and one output (or two inputs and one output), all present.
// A resource handle tensor (VAR_HANDLE's, HASHTABLE's): a resource (or, as LiteRT accepts, an int32) with one
// element, the id, in a subgraph of an interpreter (which holds the resources).
Status CheckResourceHandle(KernelContext& ctx, const Node& node, const Tensor& t);
inline int ResourceHandleId(const Tensor& t) { return t.data_as<int32_t>()[0]; }

Status GetSingleInputOutput(KernelContext& ctx, const Node& node, Tensor** in, Tensor** out);
Status GetTwoInputsOneOutput(KernelContext& ctx, const Node& node, Tensor** a, Tensor** b, Tensor** out);

// Normalizes a possibly negative axis against `rank`; error when out of range.
Status NormalizeAxis(KernelContext& ctx, const Node& node, int axis, int rank, int* out);

// The value of a one-element int32 or int64 axis tensor (ARG_MAX's, CUMSUM's), negative counting from the end;
// an error naming the node when it is outside [-rank, rank). Allocation-free, for eval.
Status ReadAxisTensor(KernelContext& ctx, const Node& node, const Tensor& t, int rank, int* axis);

// Adds the node's scratch tensor on the first call (*index < 0) and sizes it to `elements` of `type`.
Status RequestScratch(KernelContext& ctx, Node& node, DataType type, int64_t elements, int* index);

// True when the environment sets EDGELITE_FORCE_REFERENCE_KERNELS=1: kernels that have an optimized
// variant run their reference twin instead, so tests can compare both through the same model. Read in
// prepare, so it applies to interpreters whose tensors are allocated after it is set.
bool ForceReferenceKernels();

// Reads an int32 or int64 constant/folded 1-D tensor into a vector (for shape, axis, paddings inputs).
Status ReadIntVector(KernelContext& ctx, const Node& node, const Tensor& t, std::vector<int64_t>* out);

// Prepare of an operator that works on rows of the last axis and gives an output of its input's shape
// (SOFTMAX, LOG_SOFTMAX, L2_NORMALIZATION): one input and one output (dtypes are the variant table's to
// check); resizes the output and gives the row count and length. A scalar is refused unless `scalar_is_one_row`, when it is
// one row of one value.
Status PrepareLastAxisRows(KernelContext& ctx, Node& node, bool scalar_is_one_row, int64_t* rows,
                              int64_t* depth);
// The thread pool's cost of one row of `depth` values for a kernel that takes an exp, a root or a division
// per value (SOFTMAX, L2_NORMALIZATION, LOCAL_RESPONSE_NORMALIZATION).
inline double RowCost(int64_t depth) { return static_cast<double>(depth) * ThreadPool::kCostTranscendental; }

// Per-node data of type T: an init that allocates a default T (prepare fills it), and the matching free.
template <typename T>
Status NewNodeData(KernelContext&, Node& node) {
  node.user_data = new T();
  return Status::Ok();
}
template <typename T>
void DeleteNodeData(void* user_data) {
  delete static_cast<T*>(user_data);
}

}  // namespace edgelite
