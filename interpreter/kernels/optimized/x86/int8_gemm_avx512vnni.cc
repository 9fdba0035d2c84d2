// int8 convolution / fully-connected GEMM for AVX-512 VNNI: vpdpbusd multiplies unsigned bytes by signed
// ones, so A holds x + 128 (x ^ 0x80) and 128 * sum(w) is folded into each channel's bias at packing.
// Micro-tile: kMR rows x a panel of up to two 16-lane vectors, all accumulators in registers for the
// whole k loop.
// GCC 12 reports its own AVX-512 intrinsics' undefined pass-through operands as maybe-uninitialized
// wherever they inline (the unmasked forms); the warning says nothing about this code.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <array>
#include <cstring>
#include <utility>

#include "interpreter/kernels/optimized/x86/int8_gemm_driver.h"
#include "interpreter/kernels/optimized/x86/int8_requant_avx512.h"

namespace edgelite {
namespace optimized {
namespace avx512vnni {
namespace {

using int8_gemm::TileArgs;

// Tile sizes (measured on MobileNet shapes, see benchmarks/README.md): 8 rows x 32 columns keeps 16
// accumulators, two weight vectors and a broadcast in registers; each k step loads 2 weight vectors and 8
// broadcasts for 16 vpdpbusd.
#if defined(EL_INT8_MR)
constexpr int kRows = EL_INT8_MR;  // for tile-size experiments
#else
constexpr int kRows = 8;
#endif
#if defined(EL_INT8_NV)
constexpr int kVectors = EL_INT8_NV;
#else
constexpr int kVectors = 2;
#endif

constexpr size_t kHeaderBytes = int8_gemm::kHeaderSlots * 64;

inline __m512i BroadcastA(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return _mm512_set1_epi32(v);
}

// With few rows the k loop is one chain of vpdpbusd per accumulator (5 cycles each): kSplit independent
// partial sums keep enough of them in flight (a FULLY_CONNECTED layer at batch 1, the last rows of a map).
template <int E, int MR, int NV>
void GemmTile(const TileArgs<uint8_t>& t) {
  constexpr int kSplit = MR * NV >= 8 ? 1 : (MR * NV >= 4 ? 2 : 4);
  const uint8_t* h = t.panel;
  const uint8_t* w = t.panel + NV * kHeaderBytes;
  __m512i acc[kSplit][MR][NV];
  for (int v = 0; v < NV; ++v) {
    const __m512i b = int8_gemm::LoadSlot(h + v * kHeaderBytes, int8_gemm::kBias);
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r) {
      acc[0][r][v] = b;
      for (int s = 1; s < kSplit; ++s) acc[s][r][v] = _mm512_setzero_si512();
    }
  }
  const uint8_t* a[MR];
#pragma GCC unroll 16
  for (int r = 0; r < MR; ++r) a[r] = t.a + r * t.lda;
  auto step = [&](int s, int kk, const uint8_t* wk) {
    __m512i wv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) wv[v] = _mm512_load_si512(wk + v * 64);
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r) {
      const __m512i x = BroadcastA(a[r] + kk);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[s][r][v] = _mm512_dpbusd_epi32(acc[s][r][v], x, wv[v]);
    }
  };
  int kk = 0;
  for (; kk + 4 * kSplit <= t.kp; kk += 4 * kSplit, w += kSplit * NV * 64) {
#pragma GCC unroll 4
    for (int s = 0; s < kSplit; ++s) step(s, kk + 4 * s, w + s * NV * 64);
  }
  for (; kk < t.kp; kk += 4, w += NV * 64) step(0, kk, w);
  for (int s = 1; s < kSplit; ++s) {
    for (int r = 0; r < MR; ++r) {
      for (int v = 0; v < NV; ++v) acc[0][r][v] = _mm512_add_epi32(acc[0][r][v], acc[s][r][v]);
    }
  }
  const __m512i lo = _mm512_set1_epi32(t.out_min), hi = _mm512_set1_epi32(t.out_max);
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) {
    const int n = t.nc - v * 16;
    if (n <= 0) break;
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r) {
      int8_gemm::StoreInt8x16<int8_gemm::EpilogueClamps(E)>(t.c + r * t.ldc + v * 16, int8_gemm::Requant16<E>(acc[0][r][v], h + v * kHeaderBytes), lo,
                              hi, n);
    }
  }
}

using TileFn = void (*)(const TileArgs<uint8_t>&);

// Every (rows, vectors) pair of one epilogue, at (mr - 1) * kVectors + nv - 1.
template <int E, int... I>
constexpr std::array<TileFn, sizeof...(I)> MakeTiles(std::integer_sequence<int, I...>) {
  return {{GemmTile<E, I / kVectors + 1, I % kVectors + 1>...}};
}
template <int... E>
constexpr std::array<std::array<TileFn, kRows * kVectors>, sizeof...(E)> MakeTable(std::integer_sequence<int, E...>) {
  return {{MakeTiles<E>(std::make_integer_sequence<int, kRows * kVectors>())...}};
}
constexpr auto kTiles = MakeTable(std::make_integer_sequence<int, int8_gemm::kNumEpilogues>());

struct VnniTraits {
  using AElem = uint8_t;
  using WElem = int8_t;
  static constexpr int kKGroup = 4;
  static constexpr int kKAlign = 4;
  static constexpr int kLanes = 16;
  static constexpr int kPanelVectors = kVectors;
  static constexpr int kMR = kRows;
  static constexpr int32_t kAOffset = 128;
  static constexpr bool kLogicalShift = false;

  static uint8_t Convert(int8_t v) { return static_cast<uint8_t>(v) ^ 0x80; }
  static void ConvertRow(uint8_t* dst, const int8_t* src, int n) {
    const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
    int i = 0;
    for (; i + 64 <= n; i += 64) {
      _mm512_storeu_si512(dst + i, _mm512_xor_si512(_mm512_loadu_si512(src + i), flip));
    }
    if (n - i > 16) {
      const __mmask64 m = (uint64_t{1} << (n - i)) - 1;
      _mm512_mask_storeu_epi8(dst + i, m, _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, src + i), flip));
    } else if (i < n) {
      // Short runs (im2col of a few channels) with 16-byte accesses: a 64-byte masked access touches every
      // cache line its full width spans, whatever the mask.
      const __mmask16 m = static_cast<__mmask16>((1u << (n - i)) - 1);
      _mm_mask_storeu_epi8(dst + i, m, _mm_xor_si128(_mm_maskz_loadu_epi8(m, src + i), _mm512_castsi512_si128(flip)));
    }
  }
  // n <= 16 values, where 16 bytes from src may be read.
  static void ConvertShortRun(uint8_t* dst, const int8_t* src, int n) {
    const __m128i v = _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src)),
                                    _mm_set1_epi8(static_cast<char>(0x80)));
    _mm_mask_storeu_epi8(dst, static_cast<__mmask16>((1u << n) - 1), v);
  }
  static void FillRow(uint8_t* dst, uint8_t value, int n) {
    const __m512i v = _mm512_set1_epi8(static_cast<char>(value));
    int i = 0;
    for (; i + 64 <= n; i += 64) _mm512_storeu_si512(dst + i, v);
    if (n - i > 16) {
      _mm512_mask_storeu_epi8(dst + i, (uint64_t{1} << (n - i)) - 1, v);
    } else if (i < n) {
      _mm_mask_storeu_epi8(dst + i, static_cast<__mmask16>((1u << (n - i)) - 1), _mm512_castsi512_si128(v));
    }
  }
  static void BeginBlock() {}
  static void EndBlock() {}
  static TileFn Kernel(int e, int mr, int nv) { return kTiles[e][(mr - 1) * kVectors + nv - 1]; }
};

}  // namespace

extern const Int8ConvKernels kInt8Conv = int8_gemm::MakeInt8ConvKernels<VnniTraits>();

}  // namespace avx512vnni
}  // namespace optimized
}  // namespace edgelite
