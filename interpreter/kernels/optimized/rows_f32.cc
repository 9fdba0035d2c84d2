// Softmax, log-softmax and L2 normalization rows, compiled once per vector ISA: the same passes per row
// as the reference (max, exp and sum, scale or subtract; sum of squares, divide), each a vector loop.
#include "interpreter/kernels/optimized/rows_f32.h"

#include <algorithm>
#include <cmath>

#include "interpreter/kernels/optimized/reduce_loops.h"
#include "interpreter/kernels/optimized/transcendental_f32.h"
#include "interpreter/kernels/reference/l2_normalization.h"

namespace edgelite {
namespace optimized {
namespace EL_ISA_NS {
namespace {

void SoftmaxRows(const float* in, float* out, int64_t row_begin, int64_t row_end, int64_t depth, float beta) {
  for (int64_t r = row_begin; r < row_end; ++r) {
    const float* x = in + r * depth;
    float* y = out + r * depth;
    const float max = MaxRow(x, depth);
    for (int64_t c = 0; c < depth; ++c) y[c] = ExpF((x[c] - max) * beta);
    const float scale = 1.f / SumRow<float>(y, depth);
    for (int64_t c = 0; c < depth; ++c) y[c] *= scale;
  }
}

// The exps go through `out` to be summed; one libm log per row.
void LogSoftmaxRows(const float* in, float* out, int64_t row_begin, int64_t row_end, int64_t depth) {
  for (int64_t r = row_begin; r < row_end; ++r) {
    const float* x = in + r * depth;
    float* y = out + r * depth;
    const float max = MaxRow(x, depth);
    for (int64_t c = 0; c < depth; ++c) y[c] = ExpF(x[c] - max);
    const float log_sum = std::log(SumRow<float>(y, depth));
    for (int64_t c = 0; c < depth; ++c) y[c] = x[c] - max - log_sum;
  }
}

// The squares go through `out` to be summed.
void L2NormalizeRows(const float* in, float* out, int64_t row_begin, int64_t row_end, int64_t depth, float lo,
                     float hi) {
  for (int64_t r = row_begin; r < row_end; ++r) {
    const float* x = in + r * depth;
    float* y = out + r * depth;
    for (int64_t c = 0; c < depth; ++c) y[c] = x[c] * x[c];
    const float norm = std::max(std::sqrt(SumRow<float>(y, depth)), reference::kL2NormEpsilon);
    for (int64_t c = 0; c < depth; ++c) y[c] = reference::ClampToRange(x[c] / norm, lo, hi);
  }
}

}  // namespace

extern const RowsF32Kernels kRowsF32 = {SoftmaxRows, LogSoftmaxRows, L2NormalizeRows};

}  // namespace EL_ISA_NS
}  // namespace optimized
}  // namespace edgelite
