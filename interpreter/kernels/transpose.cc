// TRANSPOSE: permutes the axes of a tensor of rank 0 to 8 by the perm tensor (input 1, int32/int64).
// The copy loop is planned once in prepare (optimized/transpose.h, twin of reference/transpose.h); a perm
// known only at run time makes the output dynamic and the plan is made in eval.
#include <algorithm>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/variant_types.h"
#include "interpreter/kernels/optimized/transpose.h"
#include "interpreter/kernels/reference/transpose.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

// LiteRT accepts up to 8 dimensions (TRANSPOSE version 8; 5-D/6-D are versions 4/6).
constexpr int kMaxRank = 8;
static_assert(kMaxRank <= reference::kMaxTransposeRank, "the plan and the reference twin hold kMaxRank axes");

struct TransposeData : VariantChoice<TransposeData> {
  optimized::TransposePlan plan;
  Dims out_dims;  // sized in prepare; filled when the perm is read
  // The unreduced problem, for the reference twin.
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

// Index of an element width in TransposeKernels::run.
int WidthIndex(DataType type) {
  switch (ElementSize(type)) {
    case 1: return 0;
    case 2: return 1;
    case 4: return 2;
    default: return 3;
  }
}

Status EvalOptimized(KernelContext& ctx, Node& node, TransposeData& data) {
  const Tensor& in = *ctx.input(node, 0);
  Tensor& out = *ctx.output(node, 0);
  if (out.is_dynamic) EL_RETURN_IF_ERROR(PlanAndResize(ctx, node, data, in, *ctx.input(node, 1), out));
  optimized::TransposeFor(data.variant->isa)->run[WidthIndex(in.type)](data.plan, in.data, out.data,
                                                                        in.num_elements(), ctx.thread_pool());
  return Status::Ok();
}

Status EvalReference(KernelContext& ctx, Node& node, TransposeData& data) {
  const Tensor& in = *ctx.input(node, 0);
  Tensor& out = *ctx.output(node, 0);
  if (out.is_dynamic) EL_RETURN_IF_ERROR(PlanAndResize(ctx, node, data, in, *ctx.input(node, 1), out));
  DispatchByElementWidth(in.type, [&](auto zero) {
    using T = decltype(zero);
    reference::Transpose(data.rank, data.in_dims, data.perm, in.data_as<T>(), out.data_as<T>());
  });
  return Status::Ok();
}

// Elements move bit for bit, so one row per ISA serves every dtype of each width (LiteRT, too, transposes
// any type by its width: float16 is version 9, float64 every version).
constexpr TypeSignature kTypes{{kFixedSizeTypes, kIndexTypes}, {kSameAsInput0}};

const KernelVariant<TransposeData> kVariants[] = {
    EL_VECTOR_ISA_ROWS("elements", kTypes, nullptr, nullptr, EvalOptimized),
    {"elements", kTypes, Isa::kReference, nullptr, nullptr, EvalReference},
};

Status Prepare(KernelContext& ctx, Node& node) {
  auto& data = *static_cast<TransposeData*>(node.user_data);
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 2, 2));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor *in, *perm, *out;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &in));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &out));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 1, &perm));
  EL_RETURN_IF_ERROR(SelectVariant(ctx, node, kVariants, data));
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
  if (!HasValuesAtPrepare(*perm)) {
    ctx.MarkDynamic(*out);
    return Status::Ok();
  }
  return PlanAndResize(ctx, node, data, *in, *perm, *out);
}

}  // namespace

namespace optimized {

// Plans the transpose of `in_dims` (rank <= kMaxTransposeRank) by the permutation `perm`.
TransposePlan PlanTranspose(int rank, const int64_t* in_dims, const int* perm) {
  TransposePlan plan;
  // Size-1 axes move nothing: drop them and renumber the remaining input axes.
  int kept_index[kMaxTransposeRank];
  int64_t dims[kMaxTransposeRank];
  int r = 0;
  for (int a = 0; a < rank; ++a) {
    kept_index[a] = in_dims[a] == 1 ? -1 : r;
    if (in_dims[a] != 1) dims[r++] = in_dims[a];
  }
  int p[kMaxTransposeRank];
  int pr = 0;
  for (int k = 0; k < rank; ++k)
    if (kept_index[perm[k]] >= 0) p[pr++] = kept_index[perm[k]];
  // Output axes k, k+1 reading input axes j, j+1 form one contiguous axis: merge such runs.
  int group_first[kMaxTransposeRank];  // input axis starting each merged group, in output order
  int64_t group_size[kMaxTransposeRank];
  int groups = 0;
  for (int k = 0; k < r; ++k) {
    if (groups > 0 && p[k] == p[k - 1] + 1) {
      group_size[groups - 1] *= dims[p[k]];
    } else {
      group_first[groups] = p[k];
      group_size[groups] = dims[p[k]];
      ++groups;
    }
  }
  // The merged input axes are the groups ordered by where they start in the input.
  plan.rank = groups;
  for (int g = 0; g < groups; ++g) {
    int input_axis = 0;
    for (int h = 0; h < groups; ++h) input_axis += group_first[h] < group_first[g];
    plan.perm[g] = input_axis;
    plan.in_dims[input_axis] = group_size[g];
  }
  const int n = plan.rank;
  if (n <= 1) {
    plan.kind = TransposePlan::Kind::kCopy;
    return plan;
  }
  if (plan.perm[n - 1] == n - 1) {
    plan.kind = TransposePlan::Kind::kRows;
    return plan;
  }
  plan.kind = TransposePlan::Kind::kTiles;
  int64_t in_strides[kMaxTransposeRank], out_strides[kMaxTransposeRank];
  in_strides[n - 1] = out_strides[n - 1] = 1;
  for (int a = n - 1; a > 0; --a) {
    in_strides[a - 1] = in_strides[a] * plan.in_dims[a];
    out_strides[a - 1] = out_strides[a] * plan.in_dims[plan.perm[a]];
  }
  const int out_pos_of_last = static_cast<int>(std::find(plan.perm, plan.perm + n, n - 1) - plan.perm);
  plan.rows = plan.in_dims[plan.perm[n - 1]];
  plan.row_step = in_strides[plan.perm[n - 1]];
  plan.cols = plan.in_dims[n - 1];
  plan.col_step = out_strides[out_pos_of_last];
  plan.matrices = 1;
  for (int k = 0; k < n - 1; ++k) {
    if (k == out_pos_of_last) continue;
    plan.outer_count[plan.outer_rank] = plan.in_dims[plan.perm[k]];
    plan.outer_in_step[plan.outer_rank] = in_strides[plan.perm[k]];
    plan.outer_out_step[plan.outer_rank] = out_strides[k];
    plan.matrices *= plan.in_dims[plan.perm[k]];
    ++plan.outer_rank;
  }
  return plan;
}

}  // namespace optimized

const KernelRegistration* Register_TRANSPOSE() {
  static const KernelRegistration reg = {Init, DeleteNodeData<TransposeData>, Prepare,
                                        EvalSelectedVariant<TransposeData>, /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace edgelite

EL_KERNEL_TYPES(TRANSPOSE, kVariants)
