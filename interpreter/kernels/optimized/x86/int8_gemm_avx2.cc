// int8 convolution / fully-connected GEMM for AVX2: A and the weights sign-extended to int16, vpmaddwd
// sums pairs of products into int32 exactly (vpmaddubsw would saturate its int16 pair sums), vpaddd
// accumulates. Micro-tile: 6 rows x a panel of up to two 8-lane vectors (12 accumulators of 16 ymm); rows
// from 3 to 6 measured within this machine's noise.
#include <immintrin.h>

#include <cstring>

#include "interpreter/kernels/optimized/int8_gemm_driver.h"
#include "interpreter/kernels/optimized/int8_gemm_tile.h"
#include "interpreter/kernels/optimized/x86/int8_requant_avx2.h"

namespace edgelite {
namespace optimized {
namespace avx2 {
namespace {

#if defined(EL_INT8_MR)
constexpr int kRows = EL_INT8_MR;  // for tile-size experiments
#else
constexpr int kRows = 6;
#endif
constexpr int kVectors = 2;

// The micro-kernel's vector operations (int8_gemm_tile.h).
struct Avx2Ops {
  using Vec = __m256i;
  using AElem = int16_t;
  static constexpr int kLanes = 8;
  static constexpr int kKGroup = 2;
  static constexpr int kWeightBytes = 32;
  static constexpr int kHeaderBytes = int8_gemm::kHeaderSlots * 32;
  static constexpr int kMinChains = 6;
  static Vec Zero() { return _mm256_setzero_si256(); }
  static Vec Set1(int32_t v) { return _mm256_set1_epi32(v); }
  static Vec Bias(const uint8_t* h) { return int8_gemm::Slot(h, int8_gemm::kBias); }
  static Vec LoadWeights(const uint8_t* p) { return _mm256_load_si256(reinterpret_cast<const __m256i*>(p)); }
  static Vec BroadcastA(const int16_t* p) {
    int32_t v;
    std::memcpy(&v, p, 4);
    return _mm256_set1_epi32(v);
  }
  static Vec Dot(Vec acc, Vec a, Vec w) { return _mm256_add_epi32(acc, _mm256_madd_epi16(a, w)); }
  static Vec Add(Vec a, Vec b) { return _mm256_add_epi32(a, b); }
  template <int E>
  static Vec Requant(Vec acc, const uint8_t* h) {
    return int8_gemm::Requant8<E>(acc, h);
  }
  template <bool kClamp>
  static void Store(int8_t* dst, Vec v, Vec lo, Vec hi, int n) {
    int8_gemm::StoreInt8x8<kClamp>(dst, v, lo, hi, n);
  }
  using Bytes = __m128i;
  static Bytes Set1Byte(int32_t v) { return _mm_set1_epi8(static_cast<char>(v)); }
  template <bool kClamp>
  static void StorePair(int8_t* dst, Vec a, Vec b, Bytes lo, Bytes hi, int n) {
    int8_gemm::StoreInt8x16<kClamp>(dst, a, b, lo, hi, n);
  }
};

constexpr auto kTiles = int8_gemm::MakeTileTable<Avx2Ops, /*kLogicalShift=*/true, kRows, kVectors, /*kBounded=*/true>();
using TileFn = int8_gemm::TileFn<Avx2Ops>;

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
  static TileFn Kernel(int e, int mr, int nv) {
    return kTiles[e][(int8_gemm::TileRows(mr, kRows) - 1) * kVectors + nv - 1];
  }
};

}  // namespace

extern const Int8ConvKernels kInt8Conv = int8_gemm::MakeInt8ConvKernels<Avx2Traits>();

}  // namespace avx2
}  // namespace optimized
}  // namespace edgelite
