// int8 convolution / fully-connected GEMM for AVX2: A and the weights sign-extended to int16, vpmaddwd
// sums pairs of products into int32 exactly (vpmaddubsw would saturate its int16 pair sums), vpaddd
// accumulates. Micro-tile: 6 rows x a panel of up to two 8-lane vectors (12 accumulators of 16 ymm).
#include <immintrin.h>

#include <array>
#include <cstring>
#include <utility>

#include "interpreter/kernels/optimized/x86/int8_gemm_driver.h"
#include "interpreter/kernels/optimized/x86/int8_requant_avx2.h"

namespace edgelite {
namespace optimized {
namespace avx2 {
namespace {

using int8_gemm::TileArgs;
using int8_gemm::Slot;
using int8_gemm::StoreInt8x8;
using int8_gemm::Requant8;

#if defined(EL_INT8_MR)
constexpr int kRows = EL_INT8_MR;  // for tile-size experiments
#else
constexpr int kRows = 6;
#endif
constexpr int kVectors = 2;
constexpr size_t kHeaderBytes = int8_gemm::kHeaderSlots * 32;

inline __m256i BroadcastPair(const int16_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return _mm256_set1_epi32(v);
}

// With few rows the k loop is one chain per accumulator: kSplit independent partial sums keep enough of them
// in flight (a FULLY_CONNECTED layer at batch 1, the last rows of a map).
template <int E, int MR, int NV>
void GemmTile(const TileArgs<int16_t>& t) {
  constexpr int kSplit = MR * NV >= 6 ? 1 : (MR * NV >= 3 ? 2 : 4);
  const uint8_t* h = t.panel;
  const auto* w = reinterpret_cast<const int16_t*>(t.panel + NV * kHeaderBytes);
  __m256i acc[kSplit][MR][NV];
  for (int v = 0; v < NV; ++v) {
    const __m256i b = Slot(h + v * kHeaderBytes, int8_gemm::kBias);
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r) {
      acc[0][r][v] = b;
      for (int s = 1; s < kSplit; ++s) acc[s][r][v] = _mm256_setzero_si256();
    }
  }
  const int16_t* a[MR];
#pragma GCC unroll 16
  for (int r = 0; r < MR; ++r) a[r] = t.a + r * t.lda;
  auto step = [&](int s, int kk, const int16_t* wk) {
    __m256i wv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) wv[v] = _mm256_load_si256(reinterpret_cast<const __m256i*>(wk + v * 16));
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r) {
      const __m256i x = BroadcastPair(a[r] + kk);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[s][r][v] = _mm256_add_epi32(acc[s][r][v], _mm256_madd_epi16(x, wv[v]));
    }
  };
  int kk = 0;
  for (; kk + 2 * kSplit <= t.kp; kk += 2 * kSplit, w += kSplit * NV * 16) {
#pragma GCC unroll 4
    for (int s = 0; s < kSplit; ++s) step(s, kk + 2 * s, w + s * NV * 16);
  }
  for (; kk < t.kp; kk += 2, w += NV * 16) step(0, kk, w);
  for (int s = 1; s < kSplit; ++s) {
    for (int r = 0; r < MR; ++r) {
      for (int v = 0; v < NV; ++v) acc[0][r][v] = _mm256_add_epi32(acc[0][r][v], acc[s][r][v]);
    }
  }
  const __m256i lo = _mm256_set1_epi32(t.out_min), hi = _mm256_set1_epi32(t.out_max);
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) {
    const int n = t.nc - v * 8;
    if (n <= 0) break;
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r) {
      StoreInt8x8<int8_gemm::EpilogueClamps(E)>(t.c + r * t.ldc + v * 8, Requant8<E>(acc[0][r][v], h + v * kHeaderBytes), lo, hi, n);
    }
  }
}

using TileFn = void (*)(const TileArgs<int16_t>&);

template <int E, int... I>
constexpr std::array<TileFn, sizeof...(I)> MakeTiles(std::integer_sequence<int, I...>) {
  return {{GemmTile<E, I / kVectors + 1, I % kVectors + 1>...}};
}
template <int... E>
constexpr std::array<std::array<TileFn, kRows * kVectors>, sizeof...(E)> MakeTable(std::integer_sequence<int, E...>) {
  return {{MakeTiles<E>(std::make_integer_sequence<int, kRows * kVectors>())...}};
}
constexpr auto kTiles = MakeTable(std::make_integer_sequence<int, int8_gemm::kNumEpilogues>());

struct Avx2Traits {
  using AElem = int16_t;
  using WElem = int16_t;
  static constexpr int kKGroup = 2;
  static constexpr int kKAlign = 2;
  static constexpr int kLanes = 8;
  static constexpr int kPanelVectors = kVectors;
  static constexpr int kMR = kRows;
  static constexpr int32_t kAOffset = 0;
  static constexpr bool kLogicalShift = true;

  static int16_t Convert(int8_t v) { return v; }
  static void ConvertRow(int16_t* dst, const int8_t* src, int n) {
    int i = 0;
    for (; i + 16 <= n; i += 16) {
      const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), _mm256_cvtepi8_epi16(b));
    }
    for (; i < n; ++i) dst[i] = src[i];
  }
  static void ConvertShortRun(int16_t* dst, const int8_t* src, int n) { ConvertRow(dst, src, n); }
  static void FillRow(int16_t* dst, int16_t value, int n) {
    const __m256i v = _mm256_set1_epi16(value);
    int i = 0;
    for (; i + 16 <= n; i += 16) _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), v);
    for (; i < n; ++i) dst[i] = value;
  }
  static void BeginBlock() {}
  static void EndBlock() {}
  static TileFn Kernel(int e, int mr, int nv) { return kTiles[e][(mr - 1) * kVectors + nv - 1]; }
};

}  // namespace

extern const Int8ConvKernels kInt8Conv = int8_gemm::MakeInt8ConvKernels<Avx2Traits>();

}  // namespace avx2
}  // namespace optimized
}  // namespace edgelite
