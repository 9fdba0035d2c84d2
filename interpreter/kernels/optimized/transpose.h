// Fast transpose. The shape is first reduced (size-1 axes dropped, axes that stay adjacent merged), then
// copied by one of three loops: a single memcpy; rows copied with memcpy when the innermost axis stays
// innermost; otherwise a batch of strided 2-D transposes between the input's innermost axis and the
// output's, in cache-sized tiles built from 8x8 (32-bit) / 4x4 (64-bit) register transposes where the
// ISA has them. The plan is made at prepare (kernels/transpose.cc); the loops are compiled once per
// vector ISA (transpose.cc here). reference/transpose.h is the plain twin.
#pragma once

#include <cstdint>

#include "interpreter/kernels/optimized/vector_isa.h"
#include "interpreter/kernels/reference/transpose.h"

namespace edgelite {

class ThreadPool;

namespace optimized {

using reference::kMaxTransposeRank;

struct TransposePlan {
  enum class Kind { kCopy, kRows, kTiles };
  Kind kind = Kind::kCopy;
  // The reduced problem: input dims and permutation after dropping and merging axes.
  int rank = 0;
  int64_t in_dims[kMaxTransposeRank] = {};
  int perm[kMaxTransposeRank] = {};
  // kTiles: `matrices` 2-D transposes. Matrix rows run along the output's innermost axis (read row_step
  // apart, written contiguously); columns along the input's innermost axis (read contiguously, written
  // col_step apart). The other axes, outermost first, place each matrix.
  int64_t rows = 0, cols = 0, row_step = 0, col_step = 0, matrices = 0;
  int outer_rank = 0;
  int64_t outer_count[kMaxTransposeRank] = {}, outer_in_step[kMaxTransposeRank] = {},
          outer_out_step[kMaxTransposeRank] = {};
};

// Plans the transpose of `in_dims` (rank <= kMaxTransposeRank) by the permutation `perm`.
TransposePlan PlanTranspose(int rank, const int64_t* in_dims, const int* perm);

// Runs the plan on elements of 1, 2, 4 or 8 bytes (run[0..3]), splitting independent work over the pool.
using TransposeFn = void (*)(const TransposePlan& plan, const void* in, void* out, int64_t num_elements,
                             ThreadPool& pool);
struct TransposeKernels {
  TransposeFn run[4];
};

EL_DECLARE_PER_VECTOR_ISA(TransposeKernels, kTranspose)

inline const TransposeKernels* TransposeFor(Isa isa) { return EL_FOR_VECTOR_ISA(isa, kTranspose); }

}  // namespace optimized
}  // namespace edgelite
