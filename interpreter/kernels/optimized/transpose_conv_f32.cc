// f32 TRANSPOSE_CONV: per-tap packing, banded GEMMs into the (pixel, tap, oc) matrix, and the gathering col2im
// with bias and clamp.
#include "interpreter/kernels/optimized/transpose_conv_f32.h"

#include <algorithm>
#include <limits>

#include "interpreter/kernels/optimized/gemm_f32.h"
#include "interpreter/kernels/optimized/vec_f32.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace optimized {
namespace EL_ISA_NS {
namespace {

// A band's matrix is sized to stay in the last-level cache between the GEMM that writes it and the col2im that
// reads it.
constexpr int64_t kBandBytes = 1 << 20;
// Output channels the col2im accumulates at once: this many vectors stay in registers.
constexpr int kGatherVectors = 4;

inline int64_t FloorDiv(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
inline int64_t CeilDiv(int64_t a, int64_t b) { return -FloorDiv(-a, b); }

TransposeConvLayout PlanTransposeConv(const TransposeConvGeometry& g) {
  TransposeConvLayout l;
  l.taps = g.filter_h * g.filter_w;
  l.packed_floats = kGemmF32.packed_size(g.out_c, g.in_c) * l.taps;
  const int64_t row_floats = static_cast<int64_t>(g.in_w) * l.taps * g.out_c;  // one input row's contributions
  // A band of R input rows covers R * stride_h - filter_h + 1 output rows whatever their alignment, so it needs
  // R >= ceil(filter_h / stride_h) to cover one; four times that keeps the rows recomputed where bands meet
  // (filter_h - 1 output rows' worth) under a third of the work.
  const int64_t min_rows = 4 * CeilDiv(g.filter_h, g.stride_h);
  const int64_t fit = kBandBytes / std::max<int64_t>(1, row_floats * static_cast<int64_t>(sizeof(float)));
  l.band_rows = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(g.in_h, std::max(min_rows, fit))));
  l.scratch_floats = static_cast<size_t>(l.band_rows) * row_floats;
  return l;
}

void PackTransposeConv(const TransposeConvGeometry& g, const TransposeConvLayout& l, const float* filter,
                       float* packed) {
  const size_t per_tap = kGemmF32.packed_size(g.out_c, g.in_c);
  // Tap t of an OHWI filter is the [out_c, in_c] matrix at filter + t * in_c with rows taps * in_c apart.
  for (int t = 0; t < l.taps; ++t) {
    kGemmF32.pack(filter + static_cast<int64_t>(t) * g.in_c, static_cast<int64_t>(l.taps) * g.in_c, 1, nullptr,
                  g.out_c, g.in_c, packed + t * per_tap);
  }
}

// out[0..n) = clamp(bias + sum of the `count` rows srcs[i][0..n)).
inline void GatherChannels(const float* const* srcs, int count, const float* bias, int n, VecF32 lo, VecF32 hi,
                           float* out) {
  for (int c0 = 0; c0 < n; c0 += kGatherVectors * kVecWidth) {
    VecF32 acc[kGatherVectors];
    const int width = std::min(n - c0, kGatherVectors * kVecWidth);
    const int full = width / kVecWidth, tail = width % kVecWidth;
    for (int v = 0; v < full; ++v) acc[v] = bias ? Load(bias + c0 + v * kVecWidth) : Zero();
    if (tail) acc[full] = bias ? LoadPartial(bias + c0 + full * kVecWidth, tail) : Zero();
    for (int i = 0; i < count; ++i) {
      const float* s = srcs[i] + c0;
      for (int v = 0; v < full; ++v) acc[v] = Add(acc[v], Load(s + v * kVecWidth));
      if (tail) acc[full] = Add(acc[full], LoadPartial(s + full * kVecWidth, tail));
    }
    for (int v = 0; v < full; ++v) Store(out + c0 + v * kVecWidth, ClampVec(acc[v], lo, hi));
    if (tail) StorePartial(out + c0 + full * kVecWidth, ClampVec(acc[full], lo, hi), tail);
  }
}

// The band's matrix for input rows [y_lo, y_lo + rows) of one image: row (y - y_lo) * in_w + x holds, per tap,
// that pixel's out_c contributions.
void BandGemm(const TransposeConvGeometry& g, const TransposeConvLayout& l, const float* image, const float* packed,
              int y_lo, int rows, float* band, ThreadPool& pool) {
  const int m = rows * g.in_w;
  const int n = l.taps * g.out_c;
  const size_t per_tap = kGemmF32.packed_size(g.out_c, g.in_c);
  const float inf = std::numeric_limits<float>::infinity();
  const GemmShape s{m, g.out_c, g.in_c, g.in_c, n, -inf, inf};
  const float* a = image + static_cast<int64_t>(y_lo) * g.in_w * g.in_c;
  // Blocks of rows, each through every tap while its rows of A are in cache.
  const int tile = kGemmF32.row_tile;
  const int block = std::max(tile, static_cast<int>(RoundUp(std::min(m, 64), tile)));
  const int64_t blocks = (m + block - 1) / block;
  const double block_cost = ThreadPool::kCostMultiplyAdd * static_cast<double>(block) * n * g.in_c;
  pool.ParallelFor(blocks, block_cost, [&](int64_t b0, int64_t b1, int) {
                     for (int64_t b = b0; b < b1; ++b) {
                       const int r0 = static_cast<int>(b * block), r1 = std::min(m, r0 + block);
                       for (int t = 0; t < l.taps; ++t) {
                         kGemmF32.rows(s, a, packed + t * per_tap, band + t * g.out_c, r0, r1);
                       }
                     }
                   });
}

// Output rows [oy0, oy1) of one image from the band of input rows starting at y_lo.
void BandCol2im(const TransposeConvGeometry& g, const TransposeConvLayout& l, const float* band, int y_lo, int y_hi,
                int oy0, int oy1, const float* bias, float* image_out, float out_min, float out_max,
                ThreadPool& pool) {
  const VecF32 lo = Broadcast(out_min), hi = Broadcast(out_max);
  const int64_t band_row = static_cast<int64_t>(l.taps) * g.out_c;  // floats per pixel of the band matrix
  // An output row sums the taps landing on each of its values (vectorized over channels).
  const double row_cost = ThreadPool::kCostVectorValue * static_cast<double>(g.out_w) * g.out_c;
  pool.ParallelFor(oy1 - oy0, row_cost, [&](int64_t r0, int64_t r1, int) {
    const float* srcs[kMaxTransposeConvTapsPerPixel];
    for (int64_t r = r0; r < r1; ++r) {
      const int oy = oy0 + static_cast<int>(r);
      float* out_row = image_out + static_cast<int64_t>(oy) * g.out_w * g.out_c;
      for (int ox = 0; ox < g.out_w; ++ox) {
        int count = 0;
        // The taps that land here: ky = oy + pad_top - y * stride_h for whole y in the band, likewise kx.
        const int ty = oy + g.pad_top, tx = ox + g.pad_left;
        for (int ky = ty % g.stride_h; ky < g.filter_h; ky += g.stride_h) {
          const int y = (ty - ky) / g.stride_h;
          if (ty - ky < 0 || y < y_lo || y > y_hi) continue;
          for (int kx = tx % g.stride_w; kx < g.filter_w; kx += g.stride_w) {
            const int x = (tx - kx) / g.stride_w;
            if (tx - kx < 0 || x >= g.in_w) continue;
            srcs[count++] = band + ((static_cast<int64_t>(y) - y_lo) * g.in_w + x) * band_row +
                            (static_cast<int64_t>(ky) * g.filter_w + kx) * g.out_c;
          }
        }
        GatherChannels(srcs, count, bias, g.out_c, lo, hi, out_row + static_cast<int64_t>(ox) * g.out_c);
      }
    }
  });
}

void TransposeConvF32(const TransposeConvGeometry& g, const TransposeConvLayout& l, const float* input,
                      const float* packed, const float* bias, float* output, float* scratch, float out_min,
                      float out_max, ThreadPool& pool) {
  if (g.out_h == 0 || g.out_w == 0 || g.out_c == 0) return;
  // Output rows per band: all of them when the whole image fits, else what band_rows input rows cover.
  const int band_out = l.band_rows >= g.in_h ? g.out_h : l.band_rows * g.stride_h - g.filter_h + 1;
  for (int b = 0; b < g.batch; ++b) {
    const float* image = input + static_cast<int64_t>(b) * g.in_h * g.in_w * g.in_c;
    float* image_out = output + static_cast<int64_t>(b) * g.out_h * g.out_w * g.out_c;
    for (int oy0 = 0; oy0 < g.out_h; oy0 += band_out) {
      const int oy1 = std::min(g.out_h, oy0 + band_out);
      // The input rows whose taps reach output rows [oy0, oy1).
      const int y_lo = static_cast<int>(std::max<int64_t>(0, CeilDiv(oy0 + g.pad_top - g.filter_h + 1, g.stride_h)));
      const int y_hi = static_cast<int>(std::min<int64_t>(g.in_h - 1, FloorDiv(oy1 - 1 + g.pad_top, g.stride_h)));
      if (y_lo <= y_hi) BandGemm(g, l, image, packed, y_lo, y_hi - y_lo + 1, scratch, pool);
      BandCol2im(g, l, scratch, y_lo, y_hi, oy0, oy1, bias, image_out, out_min, out_max, pool);
    }
  }
}

}  // namespace

extern const TransposeConvF32Kernels kTransposeConvF32 = {PlanTransposeConv, PackTransposeConv, TransposeConvF32};

}  // namespace EL_ISA_NS
}  // namespace optimized
}  // namespace edgelite
