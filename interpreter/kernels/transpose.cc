// TRANSPOSE: permutes the axes of a tensor of rank 0 to 6 by the perm tensor (input 1, int32/int64).
// The copy loop is planned once in prepare (optimized/transpose.h, twin of reference/transpose.h); a perm
// known only at run time makes the output dynamic and the plan is made in eval.
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/optimized/transpose.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

// .tflite runtimes accept up to 6 dimensions (enough for channel shuffles written as 5-D/6-D transposes).
constexpr int kMaxRank = 6;

struct TransposeData {
  optimized::TransposePlan plan;
  Dims out_dims;  // sized in prepare; filled when the perm is read
  // The reference twin instead (EDGELITE_FORCE_REFERENCE_KERNELS=1), on the unreduced problem.
  bool use_reference = false;
  int rank = 0;
  int64_t in_dims[kMaxRank] = {};
  int perm[kMaxRank] = {};
};

Status Init(KernelContext& ctx, Node& node) {
  node.user_data = new TransposeData();
  return Status::Ok();
}

// Reads and checks the permutation, then sizes the output and plans the copy.
Status PlanAndResize(KernelContext& ctx, const Node& node, TransposeData& data, const Tensor& in,
                     const Tensor& perm_tensor, Tensor& out) {
  const int rank = in.rank();
  int* perm = data.perm;
  bool seen[kMaxRank] = {};
  for (int k = 0; k < rank; ++k) {
    const int64_t p = IntValueAt(perm_tensor, k);
    if (p < 0 || p >= rank) {
      return ctx.Error(node, StrCat("perm[", k, "] = ", p, " is out of range for an input of rank ", rank));
    }
    if (seen[p]) return ctx.Error(node, StrCat("perm repeats axis ", p, "; it must be a permutation"));
    seen[p] = true;
    perm[k] = static_cast<int>(p);
  }
  data.rank = rank;
  for (int a = 0; a < rank; ++a) {
    data.in_dims[a] = in.dim(a);
    data.out_dims[a] = in.dim(perm[a]);
  }
  data.plan = optimized::PlanTranspose(rank, data.in_dims, perm);
  return ctx.ResizeTensor(out, data.out_dims);
}

Status Prepare(KernelContext& ctx, Node& node) {
  auto& data = *static_cast<TransposeData*>(node.user_data);
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 2, 2));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor *in, *perm, *out;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &in));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 1, &perm));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &out));
  EL_RETURN_IF_ERROR(CheckTypeIn(ctx, node, *in,
                                 {DataType::kFloat32, DataType::kInt32, DataType::kInt64, DataType::kInt8,
                                  DataType::kUInt8, DataType::kInt16, DataType::kBool},
                                 "input"));
  EL_RETURN_IF_ERROR(CheckType(ctx, node, *out, in->type, "output"));
  EL_RETURN_IF_ERROR(CheckTypeIn(ctx, node, *perm, {DataType::kInt32, DataType::kInt64}, "perm"));
  const int rank = in->rank();
  if (rank > kMaxRank) {
    return ctx.Error(node, StrCat("input rank ", rank, " is not supported (at most ", kMaxRank, ")"),
                     StatusCode::kUnsupported);
  }
  if (perm->dims != Dims{rank}) {
    return ctx.Error(node, StrCat("perm must have shape [", rank, "] for an input of rank ", rank, ", got ",
                                  DimsToString(perm->dims)));
  }
  data.out_dims.assign(rank, 0);
  data.use_reference = ForceReferenceKernels();
  if (!HasValuesAtPrepare(*perm)) {
    ctx.MarkDynamic(*out);
    return Status::Ok();
  }
  return PlanAndResize(ctx, node, data, *in, *perm, *out);
}

template <typename T>
void Run(const TransposeData& data, const Tensor& in, Tensor& out, ThreadPool& pool) {
  if (data.use_reference) {
    reference::Transpose(data.rank, data.in_dims, data.perm, in.data_as<T>(), out.data_as<T>());
    return;
  }
  optimized::Transpose(data.plan, in.data_as<T>(), out.data_as<T>(), in.num_elements(),
                       [&](int64_t total, int64_t min_per_task, const std::function<void(int64_t, int64_t)>& fn) {
                         pool.ParallelFor(total, min_per_task, fn);
                       });
}

Status Eval(KernelContext& ctx, Node& node) {
  auto& data = *static_cast<TransposeData*>(node.user_data);
  const Tensor& in = *ctx.input(node, 0);
  Tensor& out = *ctx.output(node, 0);
  if (out.is_dynamic) EL_RETURN_IF_ERROR(PlanAndResize(ctx, node, data, in, *ctx.input(node, 1), out));
  const bool ran = DispatchByElementWidth(in.type, [&](auto zero) {
    using T = decltype(zero);
    Run<T>(data, in, out, ctx.thread_pool());
  });
  if (!ran) return ctx.Error(node, "unsupported element size", StatusCode::kUnsupported);
  return Status::Ok();
}

}  // namespace

const KernelRegistration* Register_TRANSPOSE() {
  static const KernelRegistration reg = {Init, DeleteNodeData<TransposeData>, Prepare, Eval,
                                        /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace edgelite
