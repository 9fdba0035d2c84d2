// reference::HybridMatVecAccumulate compiled once per vector ISA: per row, sum_k w * q and sum_k w in 32-bit
// vector lanes, then dot = sum(w * q) - zp * sum(w), equal to the reference's sum_k w * (q - zp) modulo 2^32,
// and the same float32 scaling.
#include "interpreter/kernels/optimized/hybrid_matvec.h"

namespace edgelite {
namespace optimized {
namespace EL_ISA_NS {
namespace {

// Columns summed per block: int16 x int16 products summed in int32 lanes (the compiler's pmaddwd pattern)
// cannot overflow within a block of this many columns (127 * 128 * 2^16 < 2^31); blocks add up in uint32, which
// wraps as LiteRT's int32 sums do.
constexpr int kBlock = 1 << 16;

void Accumulate(const reference::QuantizedMatrix& w, int rows, int cols, const reference::QuantizedVector& q,
                float* acc) {
  const float scale = q.scale * w.scale;
  const int8_t* x = q.values;
  for (int r = 0; r < rows; ++r) {
    const int8_t* row = w.values + static_cast<int64_t>(r) * cols;
    uint32_t dot = 0, sum = 0;
    for (int begin = 0; begin < cols; begin += kBlock) {
      const int end = cols - begin < kBlock ? cols : begin + kBlock;
      int32_t block_dot = 0, block_sum = 0;
      for (int k = begin; k < end; ++k) {
        block_dot += static_cast<int16_t>(row[k]) * static_cast<int16_t>(x[k]);
        block_sum += row[k];
      }
      dot += static_cast<uint32_t>(block_dot);
      sum += static_cast<uint32_t>(block_sum);
    }
    // sum_k w * (q - zp) = sum(w * q) - zp * sum(w), modulo 2^32.
    const uint32_t total = dot - static_cast<uint32_t>(q.zero_point) * sum;
    acc[r] += static_cast<float>(static_cast<int32_t>(total)) * scale;
  }
}

}  // namespace

extern const HybridMatVecKernels kHybridMatVec = {Accumulate};

}  // namespace EL_ISA_NS
}  // namespace optimized
}  // namespace edgelite
