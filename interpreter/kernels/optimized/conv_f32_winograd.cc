// Winograd F(2x2, 3x3) convolution (conv_f32_winograd.h): per block of output tiles, the input transform into
// 16 matrices V[pos] of [tiles, in_c], 16 GEMMs M[pos] = V[pos] U[pos] with the transformed filter U packed like
// any GEMM's weights, and the output transform of M into the 2x2 tiles (with the fused ADD, clamp and
// HARD_SWISH). The transforms are additions over channel vectors (NHWC keeps a pixel's channels contiguous).
#include "interpreter/kernels/optimized/conv_f32_winograd.h"

#include <algorithm>
#include <limits>
#include <cstdlib>

#include "interpreter/kernels/optimized/gemm_f32.h"
#include "interpreter/kernels/optimized/unary_f32.h"
#include "interpreter/kernels/optimized/vec_f32.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace optimized {
namespace EL_ISA_NS {
namespace {

constexpr int kW = kVecWidth;
constexpr int kPositions = 16;  // of the 4x4 transformed tile
// The bias goes into the GEMM of position (1, 1): the output transform adds M[1][1] with coefficient +1 into
// each of the tile's four outputs, so it reaches each of them once, at no cost.
constexpr int kBiasPosition = 5;
// The harmonic mean of the input and output channels below which the GEMMs are too thin for the transforms'
// memory traffic to pay: Inception's 20 -> 48 and 16 / 24 -> 24 ran 1.06x slower, DenseNet's 128 -> 32 (51)
// 0.77x the direct path's time.
constexpr int kMinChannels = 40;
// Tiles per image below which the direct GEMM is faster (7x7 outputs are 16 tiles, 64 outputs computed for 49):
// 0.92x the time of the direct path for 7x7x512 -> 512, whose 9.4 MB of weights the direct path streams once
// per 8 output rows, but 1.14x for DenseNet's 7x7x128 -> 32.
constexpr int kMinTiles = 32;
constexpr int kMinTilesLargeFilter = 16;
// Per block of tiles: V and M for all 16 positions, sized to stay in L2 between the transforms and the GEMMs.
#ifndef EL_WG_KB
#define EL_WG_KB 512
#endif
constexpr int64_t kBlockBytes = EL_WG_KB * 1024;

struct TileGrid {
  int tiles_h, tiles_w;
  explicit TileGrid(const WindowGeometry& g) : tiles_h((g.out_h + 1) / 2), tiles_w((g.out_w + 1) / 2) {}
  int64_t per_image() const { return static_cast<int64_t>(tiles_h) * tiles_w; }
};

// V = B^T d B for tiles [t0, t0 + nt), B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]: position p of tile t, channel
// c at v[(p * tb + t) * in_c + c]. Taps in the padding read `zeros` (in_c zero floats), so the loop has no branch.
__attribute__((optimize("O2"))) void TransformInput(const WindowGeometry& g, const float* input, const float* zeros, int64_t t0, int nt, int tb,
                    float* v) {
  const TileGrid grid(g);
  const int c_in = g.in_c;
  const int64_t pos_stride = static_cast<int64_t>(tb) * c_in;
  for (int t = 0; t < nt; ++t) {
    const int64_t tile = t0 + t;
    const int b = static_cast<int>(tile / grid.per_image());
    const int rem = static_cast<int>(tile % grid.per_image());
    const int iy0 = 2 * (rem / grid.tiles_w) - g.pad_top, ix0 = 2 * (rem % grid.tiles_w) - g.pad_left;
    const float* px[4][4];
    for (int i = 0; i < 4; ++i) {
      const int iy = iy0 + i;
      for (int j = 0; j < 4; ++j) {
        const int ix = ix0 + j;
        px[i][j] = iy >= 0 && iy < g.in_h && ix >= 0 && ix < g.in_w
                       ? input + ((static_cast<int64_t>(b) * g.in_h + iy) * g.in_w + ix) * c_in
                       : zeros;
      }
    }
    float* dst = v + static_cast<int64_t>(t) * c_in;
    for (int c = 0; c < c_in; c += kW) {
      const int w = std::min(kW, c_in - c);
      VecF32 d[4][4];
      for (int i = 0; i < 4; ++i) {
        for (int j = 0; j < 4; ++j) d[i][j] = LoadUpTo(px[i][j] + c, w);
      }
      VecF32 x[4][4];  // B^T d
      for (int j = 0; j < 4; ++j) {
        x[0][j] = Sub(d[0][j], d[2][j]);
        x[1][j] = Add(d[1][j], d[2][j]);
        x[2][j] = Sub(d[2][j], d[1][j]);
        x[3][j] = Sub(d[1][j], d[3][j]);
      }
      for (int i = 0; i < 4; ++i) {  // (B^T d) B
        const VecF32 r[4] = {Sub(x[i][0], x[i][2]), Add(x[i][1], x[i][2]), Sub(x[i][2], x[i][1]),
                             Sub(x[i][1], x[i][3])};
        for (int j = 0; j < 4; ++j) StoreUpTo(dst + (i * 4 + j) * pos_stride + c, r[j], w);
      }
    }
  }
}

// Y = A^T M A for tiles [t0, t0 + nt), A^T = [1 1 1 0; 0 1 -1 -1], then the fused ADD, the clamp and HARD_SWISH;
// the outputs of a tile past the image's last row or column (odd sizes) are not stored.
__attribute__((optimize("O2"))) void TransformOutput(const WindowGeometry& g, const float* m, int64_t t0, int nt, int tb, const float* addend,
                     float* output, float out_min, float out_max, bool hard_swish) {
  const TileGrid grid(g);
  const int c_out = g.out_c;
  const int64_t pos_stride = static_cast<int64_t>(tb) * c_out;
  const VecF32 lo = Broadcast(out_min), hi = Broadcast(out_max);
  for (int t = 0; t < nt; ++t) {
    const int64_t tile = t0 + t;
    const int b = static_cast<int>(tile / grid.per_image());
    const int rem = static_cast<int>(tile % grid.per_image());
    const int oy0 = 2 * (rem / grid.tiles_w), ox0 = 2 * (rem % grid.tiles_w);
    const int rows = std::min(2, g.out_h - oy0), cols = std::min(2, g.out_w - ox0);
    int64_t at[2][2];  // output offsets of the tile's pixels
    for (int i = 0; i < 2; ++i) {
      for (int j = 0; j < 2; ++j) at[i][j] = ((static_cast<int64_t>(b) * g.out_h + oy0 + i) * g.out_w + ox0 + j) * c_out;
    }
    const float* src = m + static_cast<int64_t>(t) * c_out;
    for (int c = 0; c < c_out; c += kW) {
      const int w = std::min(kW, c_out - c);
      VecF32 s[2][4];  // A^T M
      for (int j = 0; j < 4; ++j) {
        VecF32 mm[4];
        for (int i = 0; i < 4; ++i) {
          mm[i] = LoadUpTo(src + (i * 4 + j) * pos_stride + c, w);
        }
        s[0][j] = Add(Add(mm[0], mm[1]), mm[2]);
        s[1][j] = Sub(Sub(mm[1], mm[2]), mm[3]);
      }
      for (int i = 0; i < rows; ++i) {
        const VecF32 y[2] = {Add(Add(s[i][0], s[i][1]), s[i][2]), Sub(Sub(s[i][1], s[i][2]), s[i][3])};
        for (int j = 0; j < cols; ++j) {
          VecF32 r = y[j];
          const int64_t o = at[i][j] + c;
          if (addend) r = Add(r, LoadUpTo(addend + o, w));
          StoreUpTo(output + o, ClampVec(r, lo, hi), w);
        }
      }
    }
    if (hard_swish) {
      for (int i = 0; i < rows; ++i) {
        for (int j = 0; j < cols; ++j) kUnaryF32.hard_swish(output + at[i][j], output + at[i][j], c_out, 0.f);
      }
    }
  }
}

int64_t VFloats(const ConvGemmLayout& l, int c_in) { return RoundUp(int64_t{kPositions} * l.winograd_tiles * c_in, 16); }
int64_t MFloats(const ConvGemmLayout& l, int c_out) {
  return RoundUp(int64_t{kPositions} * l.winograd_tiles * c_out, 16);
}

}  // namespace

bool PlanWinograd(const WindowGeometry& g, int num_threads, ConvGemmLayout* l) {
  if (g.filter_h != 3 || g.filter_w != 3 || g.stride_h != 1 || g.stride_w != 1 || g.dilation_h != 1 ||
      g.dilation_w != 1 || l->groups != 1 ||
      int64_t{g.in_c} * g.out_c * 2 < int64_t{kMinChannels} * (g.in_c + g.out_c)) {
    return false;
  }
  const int64_t filter_bytes = int64_t{kPositions} * g.in_c * g.out_c * static_cast<int64_t>(sizeof(float));
  const bool large_filter = filter_bytes > 2 * kBlockBytes;
  if (TileGrid(g).per_image() < (large_filter ? kMinTilesLargeFilter : kMinTiles)) return false;
  const int64_t tiles = g.batch * TileGrid(g).per_image();
  const int row_tile = kGemmF32.row_tile;
  const int64_t tile_bytes = int64_t{kPositions} * (g.in_c + g.out_c) * static_cast<int64_t>(sizeof(float));
  const int64_t per_thread = RoundUp((tiles + num_threads - 1) / num_threads, row_tile);
  // Blocks whose V and M stay in L2, unless the transformed filter outgrows it: every block streams all of it
  // (14x14x256: 4 MB against 16 tiles' 0.5 MB of V and M), so then one block per thread.
  int64_t tb = large_filter
                   ? per_thread
                   : std::min(per_thread, std::max<int64_t>(row_tile, kBlockBytes / tile_bytes / row_tile * row_tile));
  const int64_t blocks = (tiles + tb - 1) / tb;  // evened out, so that the last block is not a sliver
  tb = RoundUp((tiles + blocks - 1) / blocks, row_tile);
  l->winograd = true;
  l->winograd_tiles = static_cast<int>(tb);
  l->packed_floats = kPositions * kGemmF32.packed_size(l->n, g.in_c);
  l->task_scratch_floats = VFloats(*l, g.in_c) + MFloats(*l, g.out_c) + RoundUp(g.in_c, 16);
  l->scratch_floats = static_cast<size_t>(num_threads) * l->task_scratch_floats;
  return true;
}

// Scalar and run once per filter: built for size.
__attribute__((optimize("Os"))) void PackWinograd(const ConvGemmLayout& l, const float* filter, const float* bias, float* packed) {
  const int c_in = l.k / 9, c_out = l.n;
  // U = G g G^T, G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1], in double so that each U is the rounded exact value.
  // malloc, not std::vector: a template instantiated here would be a weak symbol built with this ISA's flags
  // that the linker may pick for every caller (scripts/check_isa_isolation.py). Out of memory leaves NaNs.
  const size_t count = static_cast<size_t>(kPositions) * c_out * c_in;
  float* u = static_cast<float*>(std::malloc(count * sizeof(float)));
  if (!u) {
    const size_t n = kPositions * kGemmF32.packed_size(c_out, c_in);
    for (size_t i = 0; i < n; ++i) packed[i] = std::numeric_limits<float>::quiet_NaN();
    return;
  }
  for (int co = 0; co < c_out; ++co) {
    for (int ci = 0; ci < c_in; ++ci) {
      double gg[4][3];  // G g
      for (int kx = 0; kx < 3; ++kx) {
        const double g0 = filter[((co * 3 + 0) * 3 + kx) * static_cast<int64_t>(c_in) + ci];
        const double g1 = filter[((co * 3 + 1) * 3 + kx) * static_cast<int64_t>(c_in) + ci];
        const double g2 = filter[((co * 3 + 2) * 3 + kx) * static_cast<int64_t>(c_in) + ci];
        gg[0][kx] = g0, gg[1][kx] = (g0 + g1 + g2) / 2, gg[2][kx] = (g0 - g1 + g2) / 2, gg[3][kx] = g2;
      }
      for (int i = 0; i < 4; ++i) {
        const double r[4] = {gg[i][0], (gg[i][0] + gg[i][1] + gg[i][2]) / 2, (gg[i][0] - gg[i][1] + gg[i][2]) / 2,
                             gg[i][2]};
        for (int j = 0; j < 4; ++j) {
          u[(static_cast<size_t>(i * 4 + j) * c_out + co) * c_in + ci] = static_cast<float>(r[j]);
        }
      }
    }
  }
  const size_t per_position = kGemmF32.packed_size(c_out, c_in);
  for (int p = 0; p < kPositions; ++p) {
    kGemmF32.pack(u + static_cast<size_t>(p) * c_out * c_in, c_in, 1, p == kBiasPosition ? bias : nullptr,
                  c_out, c_in, packed + p * per_position);
  }
  std::free(u);
}

void RunWinograd(const WindowGeometry& g, const ConvGemmLayout& l, const float* input, const float* packed,
                 const float* addend, float* output, float* scratch, float out_min, float out_max, bool hard_swish,
                 ThreadPool& pool) {
  const int64_t tiles = g.batch * TileGrid(g).per_image();
  if (tiles == 0) return;
  const int tb = l.winograd_tiles, c_in = g.in_c, c_out = g.out_c;
  const size_t per_position = kGemmF32.packed_size(c_out, c_in);
  constexpr float kInf = std::numeric_limits<float>::infinity();
  const double block_cost = static_cast<double>(tb) * kPositions *
                            (static_cast<double>(c_in) * c_out * ThreadPool::kCostMultiplyAdd +
                             (c_in + c_out) * ThreadPool::kCostVectorValue);
  // Each block, transforms and GEMMs, on one thread with its own V and M: no hand-off between the steps.
  pool.ParallelFor((tiles + tb - 1) / tb, block_cost, [&](int64_t b_begin, int64_t b_end, int thread) {
    float* v = scratch + static_cast<int64_t>(thread) * l.task_scratch_floats;
    float* m = v + VFloats(l, c_in);
    float* zeros = m + MFloats(l, c_out);
    ZeroFloats(zeros, c_in);
    for (int64_t blk = b_begin; blk < b_end; ++blk) {
      const int64_t t0 = blk * tb;
      const int nt = static_cast<int>(std::min<int64_t>(tb, tiles - t0));
      TransformInput(g, input, zeros, t0, nt, tb, v);
      GemmShape s{nt, c_out, c_in, c_in, c_out, -kInf, kInf};
      for (int p = 0; p < kPositions; ++p) {
        kGemmF32.rows(s, v + static_cast<int64_t>(p) * tb * c_in, packed + p * per_position,
                      m + static_cast<int64_t>(p) * tb * c_out, 0, nt);
      }
      TransformOutput(g, m, t0, nt, tb, addend, output, out_min, out_max, hard_swish);
    }
  });
}

}  // namespace EL_ISA_NS
}  // namespace optimized
}  // namespace edgelite
