// Reference BATCH_MATMUL: out[..., m, n] = sum_k lhs[..., m, k] * rhs[..., k, n], with lhs stored as
// [..., k, m] when adj_x and rhs as [..., n, k] when adj_y; batch dimensions broadcast like NumPy.
#pragma once

#include <cstdint>
#include <vector>

#include "interpreter/kernels/reference/broadcast.h"

namespace edgelite {
namespace reference {

// lhs_batch, rhs_batch and out_batch are the dimensions before the last two.
inline void BatchMatMul(const std::vector<int32_t>& lhs_batch, const std::vector<int32_t>& rhs_batch,
                        const std::vector<int32_t>& out_batch, int m, int n, int k, bool adj_x, bool adj_y,
                        const float* lhs, const float* rhs, float* output) {
  ForEachBroadcastIndex(lhs_batch, rhs_batch, out_batch, [&](int64_t o, int64_t il, int64_t ir) {
    const float* a = lhs + il * m * k;
    const float* b = rhs + ir * k * n;
    float* c = output + o * m * n;
    for (int i = 0; i < m; ++i) {
      for (int j = 0; j < n; ++j) {
        float total = 0.f;
        for (int kk = 0; kk < k; ++kk) {
          const float x = adj_x ? a[static_cast<int64_t>(kk) * m + i] : a[static_cast<int64_t>(i) * k + kk];
          const float y = adj_y ? b[static_cast<int64_t>(j) * k + kk] : b[static_cast<int64_t>(kk) * n + j];
          total += x * y;
        }
        c[static_cast<int64_t>(i) * n + j] = total;
      }
    }
  });
}

}  // namespace reference
}  // namespace edgelite
