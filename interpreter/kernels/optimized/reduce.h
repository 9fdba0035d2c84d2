// Reductions laid out once for fast loops: axes of size 1 are dropped and neighbouring axes with the
// same role merged, so MEAN over H, W of NHWC becomes rows of C-vectors to combine, and a reduction over
// the last axes becomes contiguous runs to fold. The plan is made at prepare (kernels/reduce.cc); the
// loops are compiled once per vector ISA (reduce.cc here, over reduce_loops.h).
#pragma once

#include <cstdint>
#include <vector>

#include "interpreter/kernels/optimized/vector_isa.h"
#include "interpreter/kernels/reference/integer/reduce.h"

namespace edgelite {

class ThreadPool;

namespace optimized {

// How a reduction runs, computed once in prepare. After merging, the input is a sequence of groups;
// the last one ("inner") is contiguous. Outer kept groups number the output rows, outer reduced groups
// are the loop each output row runs over.
struct ReducePlan {
  bool inner_reduced = false;  // true: each output sums runs of `inner`; false: adds vectors of `inner`
  int64_t inner = 1;
  std::vector<int64_t> kept_size, kept_stride;  // outer kept groups (input strides)
  std::vector<int64_t> red_size, red_stride;    // outer reduced groups
  int64_t rows = 1;       // product of kept_size
  int64_t red_count = 1;  // product of red_size
};

ReducePlan MakeReducePlan(const std::vector<int32_t>& dims, const std::vector<bool>& reduced);

enum class ReduceKind { kSum, kMean, kProd, kMax, kMin };
constexpr int kNumReduceKinds = 5;

// out = the fold of each output's inputs over a non-empty input laid out by `plan`; MEAN divides by
// `count`. Sums and products may round differently from the in-order fold (lanes reassociate them); MAX
// and MIN give exactly its result. SUM and REDUCE_PROD wrap for integers; MEAN accumulates integers in
// int64 and divides with truncation.
using ReduceFn = void (*)(const ReducePlan& plan, const void* in, void* out, int64_t count, ThreadPool& pool);

// Quantized MEAN and SUM: each output's raw values summed in int32 (wrapping; lanes reassociate the sum,
// which integers allow) and finished by reference::integer::FinishQuantizedSum.
using QuantizedSumFn = void (*)(const ReducePlan& plan, const void* in, void* out,
                                const reference::integer::QuantizedSumParams& params, ThreadPool& pool);

// fn: indexed by ReduceKind, then by dtype: float32, int32, int64. The integer ones by dtype int8, uint8, int16:
// quantized sums, and MAX / MIN of the raw values. int32, int64, float PROD, the int16 sums and the raw MAX / MIN
// are in the baseline table only (null in the others: vector_isa.h's kBaselineBuild).
struct ReduceKernels {
  ReduceFn fn[kNumReduceKinds][3];
  QuantizedSumFn quantized_sum[3];
  ReduceFn max_int[3], min_int[3];
};

EL_DECLARE_PER_VECTOR_ISA(ReduceKernels, kReduce)

inline const ReduceKernels* ReduceFor(Isa isa) { return EL_FOR_VECTOR_ISA_WITH_BASELINE(isa, kReduce); }

}  // namespace optimized
}  // namespace edgelite
