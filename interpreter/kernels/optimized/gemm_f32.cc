// f32 GEMM: weight packing, the MR x (2 vectors) micro-kernel, and the loops that tile and thread it.
#include "interpreter/kernels/optimized/gemm_f32.h"

#include <algorithm>
#include <array>
#include <utility>

#include "interpreter/kernels/optimized/unary_f32.h"
#include "interpreter/kernels/optimized/vec_f32.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace optimized {
namespace EL_ISA_NS {
namespace {

// Micro-tile: kMR rows of A times one panel of up to kNR = kNV vectors of columns. The accumulators (kMR x kNV
// vectors) stay in registers for the whole k loop: 24 of 32 zmm on AVX-512 (8 rows x 3), 12 of 16 ymm on AVX2
// (6 x 2). 8 x 3 against the 8 x 2 before: 0.95x the time of ResNet-50, 0.97x DenseNet-121, 0.96x MobileNet v2,
// 0.95x MobileNet v3-small on a Sapphire Rapids core (compare_builds, outputs equal): per k it loads 3 weight
// vectors and 8 broadcasts for 24 multiply-adds instead of 2 and 8 for 16. 6 x 4 (64 columns) was 0.96x on
// ResNet-50 but 1.05x on MobileNet v3-small, whose 16- to 48-column layers leave most of a 64-column panel
// empty; 9 x 3 1.02x; 12 x 2 0.98x on ResNet-50. Rows, with two-vector panels: on a Zen 4 core 6 rows beat 8 and
// 12 (measured over MobileNet-v2 1x1 shapes: 6: 81-116 GFLOP/s, 8: 78-116); on the Sapphire Rapids development
// machine 8 rows beat 6 (thread CPU time, 1 thread: 16-column layers, where a panel is one vector and 6 rows give
// 6 FMA chains against the 8 its two FMA ports need, 0.85-0.93x: first 3-channel layers, 96x96x16 1x1; MobileNet
// v3-small 0.95x, face_landmark 0.93x, MobileNet v2 0.99x; outputs unchanged).
// NEON: 6 x 8 columns is 12 of 32 q registers, XNNPACK's choice for Cortex-A cores (not measured here:
// the AArch64 build runs only under emulation).
#if defined(EL_GEMM_MR)
constexpr int kMR = EL_GEMM_MR;  // for tile-size experiments
#elif defined(__AVX512F__)
constexpr int kMR = 8;
#elif defined(__AVX2__) || (defined(__aarch64__) && defined(__ARM_NEON))
constexpr int kMR = 6;
#else
constexpr int kMR = 4;
#endif
constexpr int kW = kVecWidth;
#if defined(EL_GEMM_NV)
constexpr int kNV = EL_GEMM_NV;  // 1 to 4, for tile-size experiments
#elif defined(__AVX512F__)
constexpr int kNV = 3;
#else
constexpr int kNV = 2;
#endif
constexpr int kNR = kNV * kW;
// Column panels are grouped so that one group of packed weights stays in L2 while every row tile of
// the rows being computed streams past it.
constexpr int64_t kPanelGroupBytes = 256 * 1024;

// Width of panel p: full panels are kNR wide; the last holds the remainder rounded up to whole vectors (so a
// 144-column conv wastes no lanes on AVX-512).
inline int PanelWidth(int n, int p) {
  const int rem = n - p * kNR;
  return rem >= kNR ? kNR : (rem + kW - 1) / kW * kW;
}
inline int NumPanels(int n) { return (n + kNR - 1) / kNR; }

// One micro-tile: C[MR, nc] = clamp(bias + A[MR, k] * panel[k, NV*W] (+ D[MR, nc] when `d` is not null, D laid
// out as C)); nc <= NV * W valid columns, and the first `rows` (<= MR) rows stored. Row r of A is `segments` runs
// of `len` floats, the run of segment s at ptrs[s * kMR + r] (a plain matrix is one segment of k floats per row; a
// convolution's taps are one segment each, read in place). LEN, when not 0, is `len` known at compile time: a
// network's first layer reads its 3-channel input by filter rows of 9 or 21 floats, too short a loop to run
// rolled (unrolled, MobileNet v3-small's 224x224x3 -> 16 layer took 0.10 ms instead of 0.14).
template <int MR, int NV, int LEN = 0>
void GemmMicroKernel(int segments, int len, const float* const* ptrs, const float* w, float* c, const float* d,
                     int64_t ldc, int nc, int rows, VecF32 lo, VecF32 hi) {
  VecF32 acc[MR][NV];
  // Every loop over acc fully unrolled, its indices constants, so that acc lives in registers only (with one
  // loop left rolled GCC kept acc in memory too: 16 stores at the start, 16 more and 16 reloads at the end of
  // every tile, a sixth of a K = 16 tile's time).
#pragma GCC unroll 4
  for (int j = 0; j < NV; ++j) {
    const VecF32 b = Load(w + j * kW);
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r) acc[r][j] = b;
  }
  w += NV * kW;
  // acc += A[:, kk] x the panel's row kk.
  auto step = [&](const float* const* ar, int kk) __attribute__((always_inline)) {
    VecF32 b[NV];
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) b[j] = Load(w + j * kW);
    w += NV * kW;
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r) {
      const VecF32 x = Broadcast(ar[r][kk]);
#pragma GCC unroll 4
      for (int j = 0; j < NV; ++j) acc[r][j] = Fma(x, b[j], acc[r][j]);
    }
  };
  // One row has NV chains of multiply-adds only, each waiting out the FMA's latency at every k (a 7x7 layer's
  // 49th row cost what 3.4 rows of a full tile cost; batch-1 FULLY_CONNECTED, MobileNet v3's squeeze-excite
  // convolutions): there k goes four at a time into four partial sums, added at the end.
  VecF32 part[MR == 1 ? 3 : 1][NV];
  if constexpr (MR == 1) {
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) part[0][j] = part[1][j] = part[2][j] = Zero();
  }
  for (int seg = 0; seg < segments; ++seg, ptrs += kMR) {
    const float* ar[MR];
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r) ar[r] = ptrs[r];
    if constexpr (LEN > 0) {
      // A 7x7 filter row (21) as three unrolled runs of 7: a third of the code of 21 (10 KB with three vectors).
      constexpr int kRun = LEN % 7 == 0 ? 7 : LEN;
#pragma GCC unroll 1
      for (int k0 = 0; k0 < LEN; k0 += kRun) {
#pragma GCC unroll 32
        for (int kk = k0; kk < k0 + kRun; ++kk) step(ar, kk);
      }
    } else if constexpr (MR == 1) {
      int kk = 0;
      for (; kk + 4 <= len; kk += 4) {
        VecF32 b[4][NV];
#pragma GCC unroll 4
        for (int u = 0; u < 4; ++u) {
#pragma GCC unroll 4
          for (int j = 0; j < NV; ++j) b[u][j] = Load(w + (u * NV + j) * kW);
        }
        w += 4 * NV * kW;
#pragma GCC unroll 4
        for (int j = 0; j < NV; ++j) {
          acc[0][j] = Fma(Broadcast(ar[0][kk]), b[0][j], acc[0][j]);
          part[0][j] = Fma(Broadcast(ar[0][kk + 1]), b[1][j], part[0][j]);
          part[1][j] = Fma(Broadcast(ar[0][kk + 2]), b[2][j], part[1][j]);
          part[2][j] = Fma(Broadcast(ar[0][kk + 3]), b[3][j], part[2][j]);
        }
      }
      for (; kk < len; ++kk) step(ar, kk);
    } else {
      for (int kk = 0; kk < len; ++kk) step(ar, kk);
    }
  }
  if constexpr (MR == 1) {
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) acc[0][j] = Add(Add(acc[0][j], part[0][j]), Add(part[1][j], part[2][j]));
  }
  // Every vector but the last is full (the panel's width is its columns rounded up to whole vectors); the last holds
  // `last` lanes, stored whole when it is full: a masked store of all lanes was slower than a plain one on a Zen 5
  // core (a K = 16 layer's tiles 1.04x the time), and a test per vector of each row cost such tiles a fifth of their
  // instructions. The row tests are on the unrolled loop's constants, without an early exit (see above).
  const int last = nc - (NV - 1) * kW;
  const bool full = last == kW;
#pragma GCC unroll 16
  for (int r = 0; r < MR; ++r) {
    if (r >= rows) continue;
    const float* dr = d ? d + r * ldc : nullptr;
    float* cr = c + r * ldc;
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) {
      const bool whole = j < NV - 1 || full;
      if (d) acc[r][j] = Add(acc[r][j], whole ? Load(dr + j * kW) : LoadPartial(dr + j * kW, last));
      const VecF32 v = ClampVec(acc[r][j], lo, hi);
      if (whole) {
        Store(cr + j * kW, v);
      } else {
        StorePartial(cr + j * kW, v, last);
      }
    }
  }
}

using MicroKernelFn = void (*)(int, int, const float* const*, const float*, float*, const float*, int64_t, int, int,
                               VecF32, VecF32);

// The filter-row length a kernel of `nv` vectors unrolls (0: the rolled loop): a first layer's 3x3 rows (9) up to
// two vectors wide (MobileNets' 16 and 32 channels), its 7x7 ones (21) in full panels only (ResNet's and
// DenseNet's 64-channel stems; see below). Each unrolled kernel is 5-7 KB of the core's 2 MB.
constexpr int UnrolledLen(int len, int nv) { return (len == 9 && nv <= 2) || (len == 21 && nv == kNV) ? len : 0; }
template <int MR, int LEN, int... J>
constexpr std::array<MicroKernelFn, kNV> KernelsByWidth(std::integer_sequence<int, J...>) {
  return {GemmMicroKernel<MR, J + 1, UnrolledLen(LEN, J + 1)>...};
}
// [nv - 1]: the MR-row kernels for panels of 1 to kNV vectors, unrolled for rows of LEN where UnrolledLen says.
template <int MR, int LEN = 0>
constexpr std::array<MicroKernelFn, kNV> kKernelsByWidth =
    KernelsByWidth<MR, LEN>(std::make_integer_sequence<int, kNV>());
// kMicroKernels[full][nv - 1]: one row (a matrix-vector product) or kMR rows, for panels of 1 to kNV vectors.
// A partial tile of 2..kMR-1 rows runs the kMR-row kernel on repeated rows and stores its own: one copy per row
// count would cost 5 KB per ISA for the last tile of each panel.
constexpr const MicroKernelFn* kMicroKernels[2] = {kKernelsByWidth<1>.data(), kKernelsByWidth<kMR>.data()};
// A first layer's filter rows: 3x3 over 3 channels, and 7x7 over 3 (ResNet's and DenseNet's 64-channel stems,
// ResNet-50's 1%; SqueezeNet's 24-channel one, 101x101x3 -> 24, took 0.131 -> ~0.11 ms unrolled, but is a
// two-vector panel on AVX-512, left rolled there since the Winograd convolution needed the room), for the panel
// widths above. The one-row tile keeps the rolled loop.
constexpr const MicroKernelFn* kMicroKernelsLen9[2] = {kKernelsByWidth<1>.data(), kKernelsByWidth<kMR, 9>.data()};
constexpr const MicroKernelFn* kMicroKernelsLen21[2] = {kKernelsByWidth<1>.data(), kKernelsByWidth<kMR, 21>.data()};

// The fused HARD_SWISH over rows x panels [p0, p1) just stored at c (GemmShape::hard_swish): one run when the
// rows are contiguous, else row by row.
void HardSwishTile(const GemmShape& s, float* c, int rows, int p0, int p1) {
  const int col = p0 * kNR, cols = std::min(s.n, p1 * kNR) - col;
  if (s.ldc == cols) {
    kUnaryF32.hard_swish(c, c, static_cast<int64_t>(rows) * cols, 0.f);
    return;
  }
  for (int r = 0; r < rows; ++r) kUnaryF32.hard_swish(c + r * s.ldc + col, c + r * s.ldc + col, cols, 0.f);
}

// Rows [row_begin, row_end) x panels [panel_begin, panel_end). With `ptrs` A is indirect (gemm_f32.h's
// layout, its first tile at row_begin), else the matrix `a`. Out of line: every entry point shares one copy.
__attribute__((noinline)) void GemmBlock(const GemmShape& s, const float* a, const float* const* ptrs, int segments,
                                         const float* packed_w, float* c, int row_begin, int row_end, int panel_begin,
                                         int panel_end) {
  const VecF32 lo = Broadcast(s.out_min), hi = Broadcast(s.out_max);
  const int64_t panel_stride = static_cast<int64_t>(s.k + 1) * kNR;  // floats per full panel
  const int group = static_cast<int>(
      std::max<int64_t>(1, kPanelGroupBytes / (panel_stride * static_cast<int64_t>(sizeof(float)))));
  const int len = ptrs ? s.k / segments : s.k;
  for (int p0 = panel_begin; p0 < panel_end; p0 += group) {
    const int p1 = std::min(panel_end, p0 + group);
    for (int row = row_begin; row < row_end; row += kMR) {
      const int mr = std::min(kMR, row_end - row);
      const float* rows[kMR];
      const float* const* tile = ptrs ? ptrs + static_cast<int64_t>(row - row_begin) * segments : rows;
      if (!ptrs) {
        for (int r = 0; r < kMR; ++r) rows[r] = a + (row + std::min(r, mr - 1)) * s.lda;
      }
      if (row + kMR < row_end) {
        const int next = std::min(kMR, row_end - row - kMR);
        const float* const* next_tile = ptrs ? tile + static_cast<int64_t>(kMR) * segments + (segments - 1) * kMR : nullptr;
        for (int r = 0; r < next; ++r) {
          const float* ar = ptrs ? next_tile[r] : a + (row + kMR + r) * s.lda;
          for (int kk = 0; kk < len; kk += 16) __builtin_prefetch(ar + kk, 0, 2);
        }
      }
      const MicroKernelFn* kernels =
          (len == 9 ? kMicroKernelsLen9 : len == 21 ? kMicroKernelsLen21 : kMicroKernels)[mr > 1];
      float* cr = c + row * s.ldc;
      const float* dr = s.addend ? s.addend + row * s.ldc : nullptr;
      for (int p = p0; p < p1; ++p) {
        const int col = p * kNR;
        const int nv = PanelWidth(s.n, p) / kW;
        kernels[nv - 1](ptrs ? segments : 1, len, tile, packed_w + p * panel_stride, cr + col, dr ? dr + col : nullptr,
                        s.ldc, std::min(kNR, s.n - col), mr, lo, hi);
      }
      if (s.hard_swish) HardSwishTile(s, cr, mr, p0, p1);
    }
  }
}

size_t PackedGemmWeightsSize(int n, int k) {
  const int panels = NumPanels(n);
  if (panels == 0) return 0;
  const size_t full = static_cast<size_t>(panels - 1) * (k + 1) * kNR;
  return full + static_cast<size_t>(k + 1) * PanelWidth(n, panels - 1);
}

void PackGemmWeights(const float* w, int64_t stride_n, int64_t stride_k, const float* bias, int n, int k,
                     float* packed) {
  for (int p = 0; p < NumPanels(n); ++p) {
    const int width = PanelWidth(n, p);
    const int col = p * kNR;
    const int valid = std::min(width, n - col);
    float* dst = packed + static_cast<size_t>(p) * (k + 1) * kNR;
    for (int j = 0; j < width; ++j) dst[j] = (j < valid && bias) ? bias[col + j] : 0.f;
    dst += width;
    // Sixteen k at a time, each source row's sixteen read together: a [n, k] matrix's rows are k floats apart, and
    // with k = 1024 the panel's 48 rows are 4 KB apart, all in one L1 set, so reading one value of each per k missed
    // on every load (MobileNet v3-small's 1024 -> 1000 layer took 2.7 ms to pack, 0.4 ms blocked).
    // The rows are also prefetched four blocks ahead: 48 interleaved streams are more than the hardware
    // prefetcher follows, and a model's weights come cold from the file (1000 x 1024 from a fresh mapping:
    // 1.4 -> 0.85 ms on a Zen 4 core).
    constexpr int kKBlock = 16, kPrefetchBlocks = 4;
    for (int k0 = 0; k0 < k; k0 += kKBlock, dst += static_cast<int64_t>(kKBlock) * width) {
      const int kn = std::min(kKBlock, k - k0);
      for (int j = 0; j < width; ++j) {
        if (j >= valid) {
          for (int u = 0; u < kn; ++u) dst[u * width + j] = 0.f;
          continue;
        }
        const float* src = w + (col + j) * stride_n + k0 * stride_k;
        if (stride_k == 1) __builtin_prefetch(src + kPrefetchBlocks * kKBlock, 0, 0);
        for (int u = 0; u < kn; ++u) dst[u * width + j] = src[u * stride_k];
      }
    }
  }
}

void GemmF32Rows(const GemmShape& s, const float* a, const float* packed_w, float* c, int row_begin,
                 int row_end) {
  GemmBlock(s, a, nullptr, 1, packed_w, c, row_begin, row_end, 0, NumPanels(s.n));
}

void GemmF32Indirect(const GemmShape& s, int segments, const float* const* ptrs, const float* packed_w, float* c) {
  GemmBlock(s, nullptr, ptrs, segments, packed_w, c, 0, s.m, 0, NumPanels(s.n));
}

void GemmF32(const GemmShape& s, const float* a, const float* packed_w, float* c, ThreadPool& pool) {
  // Cells of one row tile x one panel: kMR * kNR * k multiply-adds. The pool says how many tiles the work
  // pays for. Of the ways to cut row_tiles x panels into at most that many tiles (and at least one per
  // thread), those whose busiest thread has at most kSpanSlack times the fewest output values, and of them the
  // one that cuts the panels least, then the most even, then the one that reads least (with the rows cut in rr and
  // the panels in cc, A is read cc times and the weights rr times). Balance first: 14x14x576 -> 96 (25 row tiles,
  // 3 panels) read least as 3 one-panel tiles, 2 of them on one thread of two, 1.28x the time of an even split.
  // Then whole rows: the next operator (a depthwise convolution, an ADD, the next 1x1) splits by rows too, and a
  // thread reading rows it wrote finds them in its own core's cache; with 14x14x96 -> 576 split 6 + 6 panels (an even
  // 196 x 288 each, 5% fewer values than 13 + 12 row tiles) the depthwise layer after it read half its input from
  // the other core and ran slower at 2 threads than at 1 (Zen 4: MobileNet v2 at 2 threads 0.97x, v3-small 0.95x,
  // the face detector 0.99x the time with rows preferred, compare_builds).
  constexpr double kSpanSlack = 1.05;
  const int64_t row_tiles = (s.m + kMR - 1) / kMR, panels = NumPanels(s.n);
  const int64_t tiles = pool.TilesFor(row_tiles * panels, ThreadPool::kCostMultiplyAdd * kMR * kNR * s.k);
  // visit(rows_each, cols_each, cc, span, read) for each candidate cut, in units of row tiles x panels.
  auto for_each_cut = [&](auto&& visit) {
    for (int64_t r = 1; r <= std::min(row_tiles, tiles); ++r) {
      const int64_t rows_each = (row_tiles + r - 1) / r, rr = (row_tiles + rows_each - 1) / rows_each;
      for (int64_t c = 1; c <= std::min(panels, tiles / r); ++c) {
        const int64_t cols_each = (panels + c - 1) / c, cc = (panels + cols_each - 1) / cols_each;
        if (rr * cc < std::min<int64_t>(tiles, pool.num_threads())) continue;  // too few to keep all threads busy
        const double span =
            ThreadPool::BusiestThreadCells(pool.num_threads(), s.m, s.n, rows_each * kMR, cols_each * kNR);
        visit(rows_each, cols_each, cc, span, static_cast<double>(cc) * s.m + static_cast<double>(rr) * s.n);
      }
    }
  };
  double least_span = -1;
  for_each_cut([&](int64_t, int64_t, int64_t, double span, double) {
    if (least_span < 0 || span < least_span) least_span = span;
  });
  int64_t tile_rows = row_tiles, tile_cols = panels, best_cc = 0;
  double best_span = -1, best_read = 0;
  for_each_cut([&](int64_t rows_each, int64_t cols_each, int64_t cc, double span, double read) {
    if (span > least_span * kSpanSlack) return;
    if (best_span < 0 || cc < best_cc ||
        (cc == best_cc && (span < best_span || (span == best_span && read < best_read)))) {
      best_cc = cc, best_span = span, best_read = read, tile_rows = rows_each, tile_cols = cols_each;
    }
  });
  pool.ParallelForTiles(row_tiles, panels, tile_rows, tile_cols,
                        [&](int64_t r0, int64_t r1, int64_t p0, int64_t p1, int) {
                          GemmBlock(s, a, nullptr, 1, packed_w, c, static_cast<int>(r0 * kMR),
                                    static_cast<int>(std::min<int64_t>(r1 * kMR, s.m)), static_cast<int>(p0),
                                    static_cast<int>(p1));
                        });
}

}  // namespace

extern const GemmF32Kernels kGemmF32 = {PackedGemmWeightsSize, PackGemmWeights, GemmF32Rows, GemmF32,
                                         GemmF32Indirect, kMR};

}  // namespace EL_ISA_NS
}  // namespace optimized
}  // namespace edgelite
