// int8 convolution / fully-connected GEMM for AVX-512 VNNI: vpdpbusd multiplies unsigned bytes by signed
// ones, so the micro-kernel flips A's broadcasts to x + 128 (x ^ 0x80) and 128 * sum(w) is folded into each
// channel's bias at packing. A holds the input's bytes unchanged: a 1x1 convolution multiplies the input itself.
// Micro-tile: kMR rows x a panel of up to two 16-lane vectors, all accumulators in registers for the
// whole k loop.
// GCC 12 reports its own AVX-512 intrinsics' undefined pass-through operands as maybe-uninitialized
// wherever they inline (the unmasked forms); the warning says nothing about this code.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <cstring>

#include "interpreter/kernels/optimized/int8_gemm_driver.h"
#include "interpreter/kernels/optimized/int8_gemm_tile.h"
#include "interpreter/kernels/optimized/x86/int8_requant_avx512.h"

namespace edgelite {
namespace optimized {
namespace avx512vnni {
namespace {

// Tile: 8 rows x 32 columns keeps 16 accumulators, two weight vectors and a broadcast in registers; each k
// step loads 2 weight vectors and 8 broadcasts for 16 vpdpbusd. MobileNet v2's convolutions
// (benchmarks/int8_kernel_bench, best of five on the shared 2-core machine, which varies by 20%): 8x2 2.57 ms,
// 6x2 2.63, 4x4 2.94, 12x2 3.04. Panels of two vectors also waste the least on 24- and 144-channel layers.
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

// The micro-kernel's vector operations (int8_gemm_tile.h).
struct VnniOps {
  using Vec = __m512i;
  using AElem = uint8_t;
  static constexpr int kLanes = 16;
  static constexpr int kKGroup = 4;
  static constexpr int kWeightBytes = 64;
  static constexpr int kHeaderBytes = int8_gemm::kHeaderSlots * 64;
  static constexpr int kMinChains = 8;  // vpdpbusd: 5 cycles, two a cycle
  static Vec Zero() { return _mm512_setzero_si512(); }
  static Vec Set1(int32_t v) { return _mm512_set1_epi32(v); }
  static Vec Bias(const uint8_t* h) { return int8_gemm::LoadSlot(h, int8_gemm::kBias); }
  static Vec LoadWeights(const uint8_t* p) { return _mm512_load_si512(p); }
  // A holds the input's bytes; vpdpbusd's unsigned operand is x + 128, x ^ 0x80 (one vpxord with the broadcast
  // load folded in).
  static Vec BroadcastA(const uint8_t* p) {
    int32_t v;
    std::memcpy(&v, p, 4);
    return _mm512_xor_si512(_mm512_set1_epi32(v), _mm512_set1_epi32(static_cast<int32_t>(0x80808080u)));
  }
  static Vec Dot(Vec acc, Vec a, Vec w) { return _mm512_dpbusd_epi32(acc, a, w); }
  static Vec Add(Vec a, Vec b) { return _mm512_add_epi32(a, b); }
  template <int E>
  static Vec Requant(Vec acc, const uint8_t* h) {
    return int8_gemm::Requant16<E>(acc, h);
  }
  template <bool kClamp>
  static void Store(int8_t* dst, Vec v, Vec lo, Vec hi, int n) {
    int8_gemm::StoreInt8x16<kClamp>(dst, v, lo, hi, n);
  }
  using Bytes = __m512i;  // the clamp's bounds for two rows; one row's are the low half
  static Bytes Set1Byte(int32_t v) { return _mm512_set1_epi8(static_cast<char>(v)); }
  template <bool kClamp>
  static void StorePair(int8_t* dst, Vec a, Vec b, Bytes lo, Bytes hi, int n) {
    int8_gemm::StoreInt8x32<kClamp>(dst, a, b, _mm512_castsi512_si256(lo), _mm512_castsi512_si256(hi), n);
  }
  static constexpr bool kStoresTwoRows = true;
  template <bool kClamp>
  static void StoreTwoRows(int8_t* dst, int64_t ldc, Vec a0, Vec b0, Vec a1, Vec b1, Bytes lo, Bytes hi, int n) {
    int8_gemm::StoreInt8x32TwoRows<kClamp>(dst, ldc, a0, b0, a1, b1, lo, hi, n);
  }
};

constexpr auto kTiles = int8_gemm::MakeTileTable<VnniOps, /*kLogicalShift=*/false, kRows, kVectors, /*kBounded=*/true>();
using TileFn = int8_gemm::TileFn<VnniOps>;

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
  static constexpr bool kInputIsA = true;

  static uint8_t Convert(int8_t v) { return static_cast<uint8_t>(v); }
  static void ConvertRow(uint8_t* dst, const int8_t* src, int n) { int8_gemm::CopyBytes<0>(dst, src, n); }
  // All 16 bytes, unmasked (int8_gemm_driver.h): a masked store costs more, and im2col of the 3-channel first
  // layer is three of these a row.
  static void ConvertShortRun(uint8_t* dst, const int8_t* src, int /*n*/) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst), _mm_loadu_si128(reinterpret_cast<const __m128i*>(src)));
  }
  static void FillRow(uint8_t* dst, uint8_t value, int n) { int8_gemm::FillBytes(dst, value, n); }
  static void BeginBlock() {}
  static void EndBlock() {}
  static TileFn Kernel(int e, int mr, int nv) {
    return kTiles[e][(int8_gemm::TileRows(mr, kRows) - 1) * kVectors + nv - 1];
  }
};

}  // namespace

extern const Int8ConvKernels kInt8Conv = int8_gemm::MakeInt8ConvKernels<VnniTraits>();

}  // namespace avx512vnni
}  // namespace optimized
}  // namespace edgelite
