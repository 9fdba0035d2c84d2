// BATCH_MATMUL: lhs [..., m, k] (stored [..., k, m] when adj_x) times rhs [..., k, n] (stored [..., n, k]
// when adj_y), ranks 2 to 5, batch dimensions broadcast like NumPy. float32: the right-hand side is packed
// into GEMM panels (once at prepare when constant); an adjoint left-hand side is transposed into scratch so
// the GEMM reads rows. int8, int16, int16 x int8, int8 -> int32 and dynamic range (float lhs, int8 rhs) run
// the integer reference (reference/integer/batch_matmul.h), bit-exact with LiteRT's BUILTIN_REF.
#include <utility>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/optimized/gemm_f32.h"
#include "interpreter/kernels/packed_weights.h"
#include "interpreter/kernels/quantization_params.h"
#include "interpreter/kernels/quantized_filter.h"
#include "interpreter/kernels/reference/batch_matmul.h"
#include "interpreter/kernels/reference/integer/batch_matmul.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

constexpr int kMaxRank = 5;

struct BatchMatMulData : VariantChoice<BatchMatMulData> {
  bool adj_x = false, adj_y = false;
  bool asymmetric_quantize_inputs = false;  // dynamic range: lhs rows quantized with a zero point
  // Set in prepare.
  int m = 0, n = 0, k = 0;
  Dims lhs_batch, rhs_batch, out_batch;
  int64_t lhs_batches = 0, rhs_batches = 0;
  std::vector<std::pair<int64_t, int64_t>> operands;  // per output matrix: (lhs matrix, rhs matrix)
  // float32 rows.
  const optimized::GemmF32Kernels* gemm = nullptr;  // the chosen ISA's
  PackedWeights rhs_packed;  // every rhs matrix in GEMM panels
  int lhs_scratch = -1;      // the lhs transposed to [..., m, k] when adj_x
  // Integer rows (PrepareQuantized): zero points, the one multiplier, the output type's range.
  int32_t lhs_zero_point = 0, rhs_zero_point = 0, output_zero_point = 0;
  QuantizedMultiplier multiplier;
  int32_t out_min = 0, out_max = 0;
  // Dynamic-range row (PrepareHybrid).
  std::vector<float> rhs_scales;     // one, or one per output column
  bool hybrid_per_channel = false;
  HybridRowScratch rows;             // each lhs row (k values) quantized
  PackedWeights column_sums;         // int32 sum over k of every rhs column, [rhs matrices, n]

  reference::integer::MatMulShape shape() const {
    reference::integer::MatMulShape s;
    s.m = m, s.n = n, s.k = k, s.adj_x = adj_x, s.adj_y = adj_y;
    s.operands = operands.data();
    s.num_outputs = static_cast<int64_t>(operands.size());
    return s;
  }
};

Status Init(KernelContext& ctx, Node& node) {
  auto* data = new BatchMatMulData();
  node.user_data = data;
  if (const auto* o = node.op ? node.op->builtin_options_as_BatchMatMulOptions() : nullptr) {
    data->adj_x = o->adj_x();
    data->adj_y = o->adj_y();
    data->asymmetric_quantize_inputs = o->asymmetric_quantize_inputs();
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
    const double product_cost = ThreadPool::kCostMultiplyAdd * static_cast<double>(d.m) * d.n * d.k;
    pool.ParallelFor(batches, product_cost, [&](int64_t begin, int64_t end, int) {
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

// ---- integer rows ----
// acc = sum (lhs - z_l) * (rhs - z_r); one multiplier QuantizeMultiplier(double(float32(s_l * s_r)) / s_y)
// (LiteRT's GetQuantizedConvolutionMultipler); the output clamps to its type (no fused activation).
Status PrepareQuantized(KernelContext& ctx, Node& node, BatchMatMulData& d) {
  const Tensor& lhs = *ctx.input(node, 0);
  const Tensor& rhs = *ctx.input(node, 1);
  const Tensor& output = *ctx.output(node, 0);
  TensorQuantization lq, rq, yq;
  EL_RETURN_IF_ERROR(GetPerTensorQuantization(ctx, node, lhs, "lhs", &lq));
  EL_RETURN_IF_ERROR(GetPerTensorQuantization(ctx, node, rhs, "rhs", &rq));
  EL_RETURN_IF_ERROR(GetPerTensorQuantization(ctx, node, output, "output", &yq));
  const bool int16 = lhs.type == DataType::kInt16;
  if (int16) {  // int16 kernels are symmetric (LiteRT's prepare)
    EL_RETURN_IF_ERROR(RequireZeroPoint(ctx, node, lhs, "lhs", lq, 0));
    EL_RETURN_IF_ERROR(RequireZeroPoint(ctx, node, rhs, "rhs", rq, 0));
    EL_RETURN_IF_ERROR(RequireZeroPoint(ctx, node, output, "output", yq, 0));
  }
  const float product = lq.scale * rq.scale;
  d.multiplier = QuantizeMultiplier(static_cast<double>(product) / static_cast<double>(yq.scale));
  EL_KERNEL_CHECK(ctx, node, d.multiplier.shift <= (int16 ? 14 : 31), "lhs scale x rhs scale / output scale is ",
                  static_cast<double>(product) / yq.scale, ", too large to requantize");
  d.lhs_zero_point = lq.zero_point;
  d.rhs_zero_point = rq.zero_point;
  d.output_zero_point = yq.zero_point;
  IntegerTypeRange(output.type, &d.out_min, &d.out_max);
  return Status::Ok();
}

template <typename Acc, typename L, typename R>
Status EvalQuantized(KernelContext& ctx, Node& node, BatchMatMulData& d) {
  reference::integer::QuantizedBatchMatMul<Acc>(d.shape(), d.lhs_zero_point, d.rhs_zero_point, d.multiplier,
                                                d.output_zero_point, d.out_min, d.out_max,
                                                ctx.input(node, 0)->data_as<L>(), ctx.input(node, 1)->data_as<R>(),
                                                ctx.output(node, 0)->data_as<L>());
  return Status::Ok();
}

// int8 x int8 -> int32: the raw accumulator; quantization is not read.
Status EvalInt8ToInt32(KernelContext& ctx, Node& node, BatchMatMulData& d) {
  reference::integer::BatchMatMulInt8ToInt32(d.shape(), ctx.input(node, 0)->data_as<int8_t>(),
                                             ctx.input(node, 1)->data_as<int8_t>(),
                                             ctx.output(node, 0)->data_as<int32_t>());
  return Status::Ok();
}

// ---- dynamic-range row: float lhs, int8 rhs kept int8, float output ----
Status PrepareHybrid(KernelContext& ctx, Node& node, BatchMatMulData& d) {
  const Tensor* rhs = ctx.input(node, 1);
  // Per-channel scales run along the output columns (n): the stored rhs's last dimension, or the one before
  // it when adj_y.
  const int column_axis = rhs->rank() - (d.adj_y ? 2 : 1);
  EL_RETURN_IF_ERROR(GetHybridFilterScales(ctx, node, *rhs, column_axis, d.n, &d.rhs_scales, &d.hybrid_per_channel));
  EL_RETURN_IF_ERROR(d.rows.Request(ctx, node, d.lhs_batches * d.m, d.k));
  int32_t* sums_now = nullptr;
  EL_RETURN_IF_ERROR(d.column_sums.Prepare(ctx, node, static_cast<size_t>(d.rhs_batches * d.n), {rhs},
                                           PackingLayout(1, static_cast<int>(d.variant->isa)), &sums_now));
  if (sums_now) reference::integer::RhsColumnSums(d.shape(), d.rhs_batches, rhs->data_as<int8_t>(), sums_now);
  return Status::Ok();
}

Status EvalHybrid(KernelContext& ctx, Node& node, BatchMatMulData& d) {
  const reference::integer::MatMulShape s = d.shape();
  const float* lhs = ctx.input(node, 0)->data_as<float>();
  const int8_t* rhs = ctx.input(node, 1)->data_as<int8_t>();
  int8_t* quantized = d.rows.quantized(ctx);
  float* scales = d.rows.scales(ctx);
  int32_t* zero_points = d.rows.zero_points(ctx);
  // Row i of lhs matrix a: k values, consecutive or (adj_x) m apart.
  const int64_t matrix = static_cast<int64_t>(d.m) * d.k;
  for (int64_t a = 0; a < d.lhs_batches; ++a) {
    for (int i = 0; i < d.m; ++i) {
      const int64_t row = a * d.m + i;
      reference::integer::QuantizeRow(d.asymmetric_quantize_inputs, lhs + a * matrix + (d.adj_x ? i : i * d.k), d.k,
                                      d.adj_x ? d.m : 1, quantized + row * d.k, scales + row, zero_points + row);
    }
  }
  int32_t* sums = d.column_sums.data<int32_t>(ctx);
  if (d.column_sums.pack_at_eval()) reference::integer::RhsColumnSums(s, d.rhs_batches, rhs, sums);
  reference::integer::HybridBatchMatMul(s, d.hybrid_per_channel, quantized, scales, zero_points, rhs, sums,
                                        d.rhs_scales.data(), ctx.output(node, 0)->data_as<float>());
  return Status::Ok();
}

constexpr TypeSignature kF32Types{{kF32, kF32}, {kF32}};
constexpr TypeSignature kInt8Types{{kI8, kI8}, {kI8}};
constexpr TypeSignature kInt8ToInt32Types{{kI8, kI8}, {kI32}};
constexpr TypeSignature kInt16Types{{kI16, kI16}, {kI16}};
constexpr TypeSignature kInt16x8Types{{kI16, kI8}, {kI16}};
constexpr TypeSignature kHybridTypes{{kF32, kI8}, {kF32}};

const KernelVariant<BatchMatMulData> kVariants[] = {
    EL_VECTOR_ISA_ROWS("float32", kF32Types, nullptr, PrepareF32, EvalF32),
    {"float32", kF32Types, Isa::kReference, nullptr, nullptr, EvalF32Reference},
    {"int8", kInt8Types, Isa::kReference, nullptr, PrepareQuantized, EvalQuantized<int32_t, int8_t, int8_t>},
    {"int8 to int32", kInt8ToInt32Types, Isa::kReference, nullptr, nullptr, EvalInt8ToInt32},
    {"int16", kInt16Types, Isa::kReference, nullptr, PrepareQuantized, EvalQuantized<int64_t, int16_t, int16_t>},
    {"int16x8", kInt16x8Types, Isa::kReference, nullptr, PrepareQuantized, EvalQuantized<int64_t, int16_t, int8_t>},
    {"hybrid int8", kHybridTypes, Isa::kReference, nullptr, PrepareHybrid, EvalHybrid},
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
  d->operands.clear();
  reference::ForEachBroadcastIndex(d->lhs_batch, d->rhs_batch, d->out_batch,
                                   [&](int64_t, int64_t il, int64_t ir) { d->operands.emplace_back(il, ir); });
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
