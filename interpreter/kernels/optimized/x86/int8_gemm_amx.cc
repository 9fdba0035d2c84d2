// int8 convolution / fully-connected GEMM on AMX: tdpbssd multiplies signed bytes by signed bytes, so A is the
// input itself (rows copied into k chunks of 64) and only -z_x * sum(w) joins the bias. Micro-tile: 32 rows x
// 32 columns in four 16x16 int32 accumulator tiles, two A tiles (16 rows x 64 k) and two B tiles (16 k-groups
// of 4 x 16 columns: exactly the VNNI panel layout, read with a 128-byte stride). The accumulators go through
// memory to the AVX-512 requantization of the VNNI kernel. A micro-tile always computes 32 rows (the A block
// is whole row tiles) and stores the valid ones.
// GCC 12 reports its own AVX-512 intrinsics' undefined pass-through operands as maybe-uninitialized
// wherever they inline (the unmasked forms); the warning says nothing about this code.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <array>
#include <cstring>

#include "interpreter/kernels/optimized/int8_gemm_driver.h"
#include "interpreter/kernels/optimized/x86/int8_requant_avx512.h"

namespace edgelite {
namespace optimized {
namespace amx {
namespace {

using int8_gemm::TileArgs;

constexpr int kRows = 32;
constexpr int kVectors = 2;
constexpr size_t kHeaderBytes = int8_gemm::kHeaderSlots * 64;

// The tile configuration (palette 1): every tile 16 rows of 64 bytes.
struct alignas(64) TileConfig {
  uint8_t palette = 1;
  uint8_t start_row = 0;
  uint8_t reserved[14] = {};
  uint16_t colsb[16] = {};
  uint8_t rows[16] = {};
};

void LoadTileConfig() {
  TileConfig cfg;
  for (int t = 0; t < 8; ++t) {
    cfg.colsb[t] = 64;
    cfg.rows[t] = 16;
  }
  _tile_loadconfig(&cfg);
}

// Tiles: 0..3 accumulators (rows 0-15 / 16-31 x columns 0-15 / 16-31), 4 and 5 A, 6 and 7 B.
template <int E, int NV>
void GemmTile(const TileArgs<int8_t>& t) {
  const uint8_t* h = t.panel;
  const uint8_t* w = t.panel + NV * kHeaderBytes;
  constexpr int kBStride = NV * 64;  // bytes between k-groups of the panel
  _tile_zero(0);
  _tile_zero(2);
  if (NV == 2) {
    _tile_zero(1);
    _tile_zero(3);
  }
  for (int kk = 0; kk < t.kp; kk += 64) {
    const uint8_t* wk = w + (kk / 4) * kBStride;
    _tile_loadd(4, t.a + kk, t.lda);
    _tile_loadd(5, t.a + 16 * t.lda + kk, t.lda);
    _tile_loadd(6, wk, kBStride);
    _tile_dpbssd(0, 4, 6);
    _tile_dpbssd(2, 5, 6);
    if (NV == 2) {
      _tile_loadd(7, wk + 64, kBStride);
      _tile_dpbssd(1, 4, 7);
      _tile_dpbssd(3, 5, 7);
    }
  }
  alignas(64) int32_t c[kRows][16 * NV];
  _tile_stored(0, &c[0][0], NV * 64);
  _tile_stored(2, &c[16][0], NV * 64);
  if (NV == 2) {
    _tile_stored(1, &c[0][16], NV * 64);
    _tile_stored(3, &c[16][16], NV * 64);
  }
  const __m512i lo = _mm512_set1_epi32(t.out_min), hi = _mm512_set1_epi32(t.out_max);
  for (int v = 0; v < NV; ++v) {
    const int n = t.nc - v * 16;
    if (n <= 0) break;
    const uint8_t* hv = h + v * kHeaderBytes;
    const __m512i bias = int8_gemm::LoadSlot(hv, int8_gemm::kBias);
    for (int r = 0; r < t.mr; ++r) {
      const __m512i acc = _mm512_add_epi32(_mm512_load_si512(&c[r][16 * v]), bias);
      int8_gemm::StoreInt8x16<int8_gemm::EpilogueClamps(E)>(t.c + r * t.ldc + v * 16, int8_gemm::Requant16<E>(acc, hv),
                                                          lo, hi, n);
    }
  }
}

using TileFn = void (*)(const TileArgs<int8_t>&);

// Null for an epilogue ChooseEpilogue never picks (not instantiated).
template <int E, int NV>
constexpr TileFn TileIfUsed() {
  if constexpr (int8_gemm::EpilogueUsed(E, /*logical_shift=*/false)) {
    return GemmTile<E, NV>;
  } else {
    return nullptr;
  }
}
template <int... E>
constexpr std::array<std::array<TileFn, kVectors>, sizeof...(E)> MakeTable(std::integer_sequence<int, E...>) {
  return {{{{TileIfUsed<E, 1>(), TileIfUsed<E, 2>()}}...}};
}
constexpr auto kTiles = MakeTable(std::make_integer_sequence<int, int8_gemm::kNumEpilogues>());

struct AmxTraits {
  using AElem = int8_t;
  using WElem = int8_t;
  static constexpr int kKGroup = 4;
  static constexpr int kKAlign = 64;
  static constexpr int kLanes = 16;
  static constexpr int kPanelVectors = kVectors;
  static constexpr int kMR = kRows;
  static constexpr int32_t kAOffset = 0;
  static constexpr bool kLogicalShift = false;

  static int8_t Convert(int8_t v) { return v; }
  static void ConvertRow(int8_t* dst, const int8_t* src, int n) {
    int8_gemm::CopyBytes<0>(reinterpret_cast<uint8_t*>(dst), src, n);
  }
  static void ConvertShortRun(int8_t* dst, const int8_t* src, int n) {
    int8_gemm::CopyShortRun<0>(reinterpret_cast<uint8_t*>(dst), src, n);
  }
  static void FillRow(int8_t* dst, int8_t value, int n) {
    int8_gemm::FillBytes(reinterpret_cast<uint8_t*>(dst), static_cast<uint8_t>(value), n);
  }
  static void BeginBlock() { LoadTileConfig(); }
  static void EndBlock() { _tile_release(); }
  static TileFn Kernel(int e, int, int nv) { return kTiles[e][nv - 1]; }
};

}  // namespace

extern const Int8ConvKernels kInt8Conv = int8_gemm::MakeInt8ConvKernels<AmxTraits>();

}  // namespace amx
}  // namespace optimized
}  // namespace edgelite
