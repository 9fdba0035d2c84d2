// What the NEON int8 GEMMs (int8_gemm_neon.cc, int8_gemm_neondot.cc) share around their dot product: the
// vector operations of int8_gemm_tile.h but the multiply, and the driver's traits (int8_gemm_driver.h). A and
// the weights stay signed int8 (both products are signed x signed), so no offset is folded into the bias and
// im2col copies bytes. Micro-tile: 4 rows x a panel of four 4-lane vectors, 16 of the 32 q registers as
// accumulators, 4 weight vectors and a broadcast: each k step loads 4 weight vectors and 4 broadcasts for 16
// dot products (not measured: the AArch64 build runs here only under emulation).
#pragma once

#include <arm_neon.h>

#include <cstring>

#include "interpreter/kernels/optimized/arm/int8_requant_neon.h"
#include "interpreter/kernels/optimized/int8_gemm_driver.h"
#include "interpreter/kernels/optimized/int8_gemm_tile.h"

namespace edgelite {
namespace optimized {
namespace EL_ISA_NS {
namespace int8_gemm {

constexpr int kNeonRows = 4;
constexpr int kNeonVectors = 4;

// Dot supplies kKGroup, kWeightBytes, kMinChains, LoadWeights, BroadcastA and Dot.
template <class Dot>
struct NeonOps : Dot {
  using Vec = int32x4_t;
  using AElem = int8_t;
  static constexpr int kLanes = 4;
  static constexpr int kHeaderBytes = kHeaderSlots * 16;
  static Vec Zero() { return vdupq_n_s32(0); }
  static Vec Set1(int32_t v) { return vdupq_n_s32(v); }
  static Vec Bias(const uint8_t* h) { return Slot(h, kBias); }
  static Vec Add(Vec a, Vec b) { return vaddq_s32(a, b); }
  template <int E>
  static Vec Requant(Vec acc, const uint8_t* h) {
    return Requant4<E>(acc, h);
  }
  template <bool kClamp>
  static void Store(int8_t* dst, Vec v, Vec lo, Vec hi, int n) {
    StoreInt8x4<kClamp>(dst, v, lo, hi, n);
  }
  using Bytes = int8x8_t;
  static Bytes Set1Byte(int32_t v) { return vdup_n_s8(static_cast<int8_t>(v)); }
  template <bool kClamp>
  static void StorePair(int8_t* dst, Vec a, Vec b, Bytes lo, Bytes hi, int n) {
    StoreInt8x8<kClamp>(dst, a, b, lo, hi, n);
  }
};

template <class Dot>
struct NeonTraits {
  using Ops = NeonOps<Dot>;
  using AElem = int8_t;
  using WElem = int8_t;
  static constexpr int kKGroup = Dot::kKGroup;
  static constexpr int kKAlign = Dot::kKGroup;
  static constexpr int kLanes = 4;
  static constexpr int kPanelVectors = kNeonVectors;
  static constexpr int kMR = kNeonRows;
  static constexpr int32_t kAOffset = 0;
  static constexpr bool kLogicalShift = false;
  static constexpr auto kTiles = MakeTileTable<Ops, kLogicalShift, kNeonRows, kNeonVectors>();

  static int8_t Convert(int8_t v) { return v; }
  static void ConvertRow(int8_t* dst, const int8_t* src, int n) { std::memcpy(dst, src, n); }
  static void ConvertShortRun(int8_t* dst, const int8_t* src, int n) { std::memcpy(dst, src, n); }
  static void FillRow(int8_t* dst, int8_t value, int n) { std::memset(dst, value, n); }
  static void BeginBlock() {}
  static void EndBlock() {}
  static TileFn<Ops> Kernel(int e, int mr, int nv) {
    return kTiles[e][(TileRows(mr, kNeonRows) - 1) * kNeonVectors + nv - 1];
  }
};

}  // namespace int8_gemm
}  // namespace EL_ISA_NS
}  // namespace optimized
}  // namespace edgelite
