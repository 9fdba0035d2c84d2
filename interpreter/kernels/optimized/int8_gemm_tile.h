// The register-blocked micro-kernel of the int8 GEMM (int8_gemm_driver.h), written once over an ISA's vector
// operations and compiled into each ISA's translation unit: MR rows of A times one panel of NV accumulator
// vectors, every accumulator in a register for the whole k loop, then the panel's requantization and the int8
// stores. The ISA supplies O:
//   Vec, AElem, kLanes     the int32 vector, A's element, lanes a vector
//   kKGroup                A elements one dot-product lane sums (one broadcast per row and k step)
//   kWeightBytes           bytes of one vector's weights per k step
//   kHeaderBytes           bytes of one vector's header (kHeaderSlots slots)
//   kMinChains             independent accumulators the dot product's latency needs in flight
//   Zero, Set1, Bias(h), LoadWeights(p), BroadcastA(p), Dot(acc, a, w), Add, Requant<E>(acc, h), where the
//   weights and A's broadcast may be vectors of their own types (NEON's 8-byte int8 operands)
//   Store<kClamp>(dst, v, lo, hi, n); Bytes, Set1Byte, StorePair<kClamp>(dst, a, b, lo8, hi8, n): two vectors'
//   lanes as n (kLanes + 1 .. 2 kLanes) int8 values, clamped to [lo8, hi8] (bytes)
//   optionally kStoresTwoRows and StoreTwoRows<kClamp>(dst, ldc, a0, b0, a1, b1, lo8, hi8, n): StorePair of two
//   consecutive rows at once
#pragma once

#ifndef EL_ISA_NS
#error "int8_gemm_tile.h is for the {x86,arm}/int8_gemm_<isa>.cc sources; CMake sets EL_ISA_NS"
#endif

#include <array>
#include <type_traits>
#include <utility>

#include "interpreter/kernels/optimized/int8_gemm_driver.h"

namespace edgelite {
namespace optimized {
namespace EL_ISA_NS {
namespace int8_gemm {

template <class O, class = void>
struct StoresTwoRows : std::false_type {};
template <class O>
struct StoresTwoRows<O, std::void_t<decltype(O::kStoresTwoRows)>> : std::bool_constant<O::kStoresTwoRows> {};

// With few rows the k loop is one chain of dot products per accumulator: kSplit independent partial sums keep
// enough of them in flight (a FULLY_CONNECTED layer at batch 1, the last rows of a map).
template <class O, int E, int MR, int NV>
void GemmTile(const TileArgs<typename O::AElem>& t) {
  using Vec = typename O::Vec;
  constexpr int kSplit = MR * NV >= O::kMinChains ? 1 : (2 * MR * NV >= O::kMinChains ? 2 : 4);
  constexpr int kStepBytes = NV * O::kWeightBytes;
  const uint8_t* h = t.panel;
  const uint8_t* w = t.panel + NV * O::kHeaderBytes;
  Vec acc[kSplit][MR][NV];
  for (int v = 0; v < NV; ++v) {
    const Vec b = O::Bias(h + v * O::kHeaderBytes);
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r) {
      acc[0][r][v] = b;
      for (int s = 1; s < kSplit; ++s) acc[s][r][v] = O::Zero();
    }
  }
  const typename O::AElem* a[MR];
#pragma GCC unroll 16
  for (int r = 0; r < MR; ++r) a[r] = t.a + r * t.lda;
  using WVec = decltype(O::LoadWeights(t.panel));
  auto step = [&](int s, int kk, const uint8_t* wk) {
    WVec wv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) wv[v] = O::LoadWeights(wk + v * O::kWeightBytes);
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r) {
      const auto x = O::BroadcastA(a[r] + kk);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[s][r][v] = O::Dot(acc[s][r][v], x, wv[v]);
    }
  };
  int kk = 0;
  for (; kk + O::kKGroup * kSplit <= t.kp; kk += O::kKGroup * kSplit, w += kSplit * kStepBytes) {
#pragma GCC unroll 4
    for (int s = 0; s < kSplit; ++s) step(s, kk + O::kKGroup * s, w + s * kStepBytes);
  }
  for (; kk < t.kp; kk += O::kKGroup, w += kStepBytes) step(0, kk, w);
  for (int s = 1; s < kSplit; ++s) {
    for (int r = 0; r < MR; ++r) {
      for (int v = 0; v < NV; ++v) acc[0][r][v] = O::Add(acc[0][r][v], acc[s][r][v]);
    }
  }
  // Every row of a vector is requantized before any row is stored: the int8 stores may alias anything, and
  // between them the compiler would load the vector's header again for every row.
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) {
    if (v * O::kLanes >= t.nc) break;
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r) acc[0][r][v] = O::template Requant<E>(acc[0][r][v], h + v * O::kHeaderBytes);
  }
  // The arguments in locals: the int8 stores may alias t, which would be loaded again after each.
  int8_t* const c = t.c;
  const int64_t ldc = t.ldc;
  const int rows = t.mr, nc = t.nc;
  const Vec lo = O::Set1(t.out_min), hi = O::Set1(t.out_max);
  const typename O::Bytes lo8 = O::Set1Byte(t.out_min), hi8 = O::Set1Byte(t.out_max);
  constexpr bool kClamp = EpilogueClamps(E);
#pragma GCC unroll 4
  for (int v = 0; v < NV; v += 2) {
    const int n = nc - v * O::kLanes;
    if (n <= 0) break;
    if (v + 1 < NV && n > O::kLanes) {
      // Two vectors of a row narrow together (two packs and a permute, the clamp on bytes): fewer operations
      // than narrowing each.
      const int pair = n < 2 * O::kLanes ? n : 2 * O::kLanes;
      if constexpr (StoresTwoRows<O>::value) {
#pragma GCC unroll 16
        for (int r = 0; r < MR; r += 2) {
          if (r >= rows) break;
          int8_t* dst = c + r * ldc + v * O::kLanes;
          const int r1 = r + 1 < MR ? r + 1 : r;  // in bounds where MR is odd; then r + 1 >= rows
          if (r + 1 < rows) {
            O::template StoreTwoRows<kClamp>(dst, ldc, acc[0][r][v], acc[0][r][v + 1], acc[0][r1][v],
                                             acc[0][r1][v + 1], lo8, hi8, pair);
          } else {
            O::template StorePair<kClamp>(dst, acc[0][r][v], acc[0][r][v + 1], lo8, hi8, pair);
          }
        }
      } else {
#pragma GCC unroll 16
        for (int r = 0; r < MR; ++r) {
          if (r >= rows) break;
          O::template StorePair<kClamp>(c + r * ldc + v * O::kLanes, acc[0][r][v], acc[0][r][v + 1], lo8, hi8,
                                        pair);
        }
      }
      continue;
    }
#pragma GCC unroll 16
    for (int r = 0; r < MR; ++r) {
      if (r >= rows) break;
      O::template Store<kClamp>(c + r * ldc + v * O::kLanes, acc[0][r][v], lo, hi, n);
    }
    break;  // a vector of fewer lanes is the panel's last
  }
}

template <class O>
using TileFn = void (*)(const TileArgs<typename O::AElem>&);

// The row count of the micro-kernel that runs a tile of mr rows (of at most kMR): 1, 2, 4 or kMR. A tile of 3
// rows runs the 4-row kernel, which computes a row more (A's scratch always holds whole kMR-row blocks, so the
// row exists) and stores 3. Row counts between cost a few more dot products in a block's last tile only, and
// halve the micro-kernels built; 1 and 2 stay exact for FULLY_CONNECTED at batch 1 and 2.
constexpr int TileRows(int mr, int kMR) { return mr <= 2 ? mr : (mr <= 4 && kMR > 4 ? 4 : kMR); }

// A micro-kernel, or null for an epilogue ChooseEpilogue never picks or a row count TileRows never returns
// (then it is not instantiated). kBounded: the ISA's Requant has Stage::kBoundedMultiplier.
template <class O, bool kLogicalShift, bool kBounded, int E, int MR, int NV, int kMR>
constexpr TileFn<O> TileIfUsed() {
  if constexpr (EpilogueUsed(E, kLogicalShift, kBounded) && TileRows(MR, kMR) == MR) {
    return GemmTile<O, E, MR, NV>;
  } else {
    return nullptr;
  }
}

// kTiles[e][(TileRows(mr, MR) - 1) * NV + nv - 1]: every used epilogue, row count and vector count up to NV.
template <class O, bool kLogicalShift, bool kBounded, int MR, int NV, int E, int... I>
constexpr std::array<TileFn<O>, sizeof...(I)> MakeTileRow(std::integer_sequence<int, I...>) {
  return {{TileIfUsed<O, kLogicalShift, kBounded, E, I / NV + 1, I % NV + 1, MR>()...}};
}
template <class O, bool kLogicalShift, bool kBounded, int MR, int NV, int... E>
constexpr std::array<std::array<TileFn<O>, MR * NV>, sizeof...(E)> MakeTileTable(std::integer_sequence<int, E...>) {
  return {{MakeTileRow<O, kLogicalShift, kBounded, MR, NV, E>(std::make_integer_sequence<int, MR * NV>())...}};
}
template <class O, bool kLogicalShift, int MR, int NV, bool kBounded = false>
constexpr auto MakeTileTable() {
  return MakeTileTable<O, kLogicalShift, kBounded, MR, NV>(std::make_integer_sequence<int, kNumEpilogues>());
}

}  // namespace int8_gemm
}  // namespace EL_ISA_NS
}  // namespace optimized
}  // namespace edgelite
