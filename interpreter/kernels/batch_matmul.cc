// BATCH_MATMUL (float32): lhs [..., m, k] (stored [..., k, m] when adj_x) times rhs [..., k, n] (stored
// [..., n, k] when adj_y), ranks 2 to 5, batch dimensions broadcast like NumPy. The right-hand side is
// packed into GEMM panels (once at prepare when constant); an adjoint left-hand side is transposed into
// scratch so the GEMM reads rows.
#include <utility>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/optimized/gemm_f32.h"
#include "interpreter/kernels/packed_weights.h"
#include "interpreter/kernels/reference/batch_matmul.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

constexpr int kMaxRank = 5;

struct BatchMatMulData : VariantChoice<BatchMatMulData> {
  bool adj_x = false, adj_y = false;
  // Set in prepare.
  int m = 0, n = 0, k = 0;
  Dims lhs_batch, rhs_batch, out_batch;
  int64_t lhs_batches = 0, rhs_batches = 0;
  std::vector<std::pair<int64_t, int64_t>> operands;  // per output matrix: (lhs matrix, rhs matrix)
  const optimized::GemmF32Kernels* gemm = nullptr;  // the chosen ISA's
  PackedWeights rhs_packed;  // every rhs matrix in GEMM panels
  int lhs_scratch = -1;      // the lhs transposed to [..., m, k] when adj_x
};

Status Init(KernelContext& ctx, Node& node) {
  auto* data = new BatchMatMulData();
  node.user_data = data;
  if (const auto* o = node.op ? node.op->builtin_options_as_BatchMatMulOptions() : nullptr) {
    data->adj_x = o->adj_x();
    data->adj_y = o->adj_y();
  }
  return Status::Ok();
}

// Packs every rhs matrix: element (column j, depth kk) of the GEMM's weights is rhs[kk, j], or rhs[j, kk]
// when adj_y.
void PackRhs(const BatchMatMulData& d, const float* rhs, float* packed) {
  const size_t per_matrix = d.gemm->packed_size(d.n, d.k);
  const int64_t stride_n = d.adj_y ? d.k : 1, stride_k = d.adj_y ? 1 : d.n;
  for (int64_t b = 0; b < d.rhs_batches; ++b) {
    d.gemm->pack(rhs + b * d.n * d.k, stride_n, stride_k, nullptr, d.n, d.k, packed + b * per_matrix);
  }
}

Status PrepareF32(KernelContext& ctx, Node& node, BatchMatMulData& d) {
  const Tensor* rhs = ctx.input(node, 1);
  d.gemm = optimized::GemmF32For(d.variant->isa);
  d.operands.clear();
  reference::ForEachBroadcastIndex(d.lhs_batch, d.rhs_batch, d.out_batch,
                                   [&](int64_t, int64_t il, int64_t ir) { d.operands.emplace_back(il, ir); });
  EL_RETURN_IF_ERROR(RequestScratch(ctx, node, DataType::kFloat32, d.adj_x ? d.lhs_batches * d.m * d.k : 0,
                                    &d.lhs_scratch));
  float* pack_now = nullptr;
  EL_RETURN_IF_ERROR(d.rhs_packed.Prepare(ctx, node, d.rhs_batches * d.gemm->packed_size(d.n, d.k), {rhs},
                                          PackingLayout(1, static_cast<int>(d.variant->isa)), &pack_now));
  if (pack_now) PackRhs(d, rhs->data_as<float>(), pack_now);
  return Status::Ok();
}

Status EvalF32(KernelContext& ctx, Node& node, BatchMatMulData& d) {
  const float* lhs = ctx.input(node, 0)->data_as<float>();
  const float* rhs = ctx.input(node, 1)->data_as<float>();
  float* output = ctx.output(node, 0)->data_as<float>();
  float* packed = d.rhs_packed.data(ctx);
  if (d.rhs_packed.pack_at_eval()) PackRhs(d, rhs, packed);
  if (d.adj_x) {
    float* rows = ctx.tensor(d.lhs_scratch)->data_as<float>();
    for (int64_t b = 0; b < d.lhs_batches; ++b) {
      const float* src = lhs + b * d.m * d.k;  // [k, m]
      float* dst = rows + b * d.m * d.k;       // [m, k]
      for (int64_t kk = 0; kk < d.k; ++kk)
        for (int64_t i = 0; i < d.m; ++i) dst[i * d.k + kk] = src[kk * d.m + i];
    }
    lhs = rows;
  }
  constexpr float kInf = std::numeric_limits<float>::infinity();
  const optimized::GemmShape s{d.m, d.n, d.k, d.k, d.n, -kInf, kInf};
  const size_t per_matrix = d.gemm->packed_size(d.n, d.k);
  const int64_t matrix = static_cast<int64_t>(d.m) * d.k, out_matrix = static_cast<int64_t>(d.m) * d.n;
  ThreadPool& pool = ctx.thread_pool();
  const int64_t batches = static_cast<int64_t>(d.operands.size());
  if (batches >= pool.num_threads()) {
    // Enough matrices to give every thread whole products.
    pool.ParallelFor(batches, 1, [&](int64_t begin, int64_t end) {
      for (int64_t o = begin; o < end; ++o) {
        d.gemm->rows(s, lhs + d.operands[o].first * matrix, packed + d.operands[o].second * per_matrix,
                     output + o * out_matrix, 0, d.m);
      }
    });
  } else {
    for (int64_t o = 0; o < batches; ++o) {
      d.gemm->gemm(s, lhs + d.operands[o].first * matrix, packed + d.operands[o].second * per_matrix,
                   output + o * out_matrix, pool);
    }
  }
  return Status::Ok();
}

Status EvalF32Reference(KernelContext& ctx, Node& node, BatchMatMulData& d) {
  reference::BatchMatMul(d.lhs_batch, d.rhs_batch, d.out_batch, d.m, d.n, d.k, d.adj_x, d.adj_y,
                         ctx.input(node, 0)->data_as<float>(), ctx.input(node, 1)->data_as<float>(),
                         ctx.output(node, 0)->data_as<float>());
  return Status::Ok();
}

constexpr TypeSignature kF32Types{{kF32, kF32}, {kF32}};

const KernelVariant<BatchMatMulData> kVariants[] = {
    EL_VECTOR_ISA_ROWS("float32", kF32Types, nullptr, PrepareF32, EvalF32),
    {"float32", kF32Types, Isa::kReference, nullptr, nullptr, EvalF32Reference},
};

Status Prepare(KernelContext& ctx, Node& node) {
  auto* d = static_cast<BatchMatMulData*>(node.user_data);
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 2, 2));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor *lhs, *rhs, *output;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &lhs));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 1, &rhs));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &output));
  for (const Tensor* t : {lhs, rhs}) {
    EL_KERNEL_CHECK(ctx, node, t->rank() >= 2 && t->rank() <= kMaxRank, "operand '", t->name, "' has rank ",
                    t->rank(), " (shape ", DimsToString(t->dims), "); BATCH_MATMUL takes ranks 2 to ", kMaxRank);
  }
  const int lr = lhs->rank(), rr = rhs->rank();
  d->m = d->adj_x ? lhs->dim(lr - 1) : lhs->dim(lr - 2);
  d->k = d->adj_x ? lhs->dim(lr - 2) : lhs->dim(lr - 1);
  const int rhs_k = d->adj_y ? rhs->dim(rr - 1) : rhs->dim(rr - 2);
  d->n = d->adj_y ? rhs->dim(rr - 2) : rhs->dim(rr - 1);
  EL_KERNEL_CHECK(ctx, node, d->k == rhs_k, "inner dimensions differ: lhs ", DimsToString(lhs->dims),
                  (d->adj_x ? " (adj_x)" : ""), " has depth ", d->k, ", rhs ", DimsToString(rhs->dims),
                  (d->adj_y ? " (adj_y)" : ""), " has depth ", rhs_k);
  d->lhs_batch.assign(lhs->dims.begin(), lhs->dims.end() - 2);
  d->rhs_batch.assign(rhs->dims.begin(), rhs->dims.end() - 2);
  EL_KERNEL_CHECK(ctx, node, BroadcastShapes(d->lhs_batch, d->rhs_batch, &d->out_batch), "batch dimensions of ",
                  DimsToString(lhs->dims), " and ", DimsToString(rhs->dims), " cannot be broadcast together");
  d->lhs_batches = NumElements(d->lhs_batch);
  d->rhs_batches = NumElements(d->rhs_batch);
  Dims out_dims = d->out_batch;
  out_dims.push_back(d->m);
  out_dims.push_back(d->n);
  EL_RETURN_IF_ERROR(ctx.ResizeTensor(*output, out_dims));
  return SelectVariant(ctx, node, kVariants, *d);
}

}  // namespace

const KernelRegistration* Register_BATCH_MATMUL() {
  static const KernelRegistration reg{Init, DeleteNodeData<BatchMatMulData>, Prepare,
                                      EvalSelectedVariant<BatchMatMulData>};
  return &reg;
}

}  // namespace edgelite
