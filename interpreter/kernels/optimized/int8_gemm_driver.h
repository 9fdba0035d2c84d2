// The ISA-independent part of the int8 convolution (int8_gemm.h), written once and compiled into each
// ISA's translation unit ({x86,arm}/int8_gemm_<isa>.cc include it inside their namespace): panel geometry, weight
// packing with the bias fold, the per-channel requantization constants, im2col, and the loops that block
// and thread the micro-kernel. The ISA file supplies a traits class T with the operand formats and the
// micro-kernels:
//   AElem, WElem       A's element (what the micro-kernel multiplies the weights with) and the weights'
//   kKGroup            k values one dot-product lane sums (vpdpbusd 4, vpmaddwd 2)
//   kKAlign            what kp (k padded) is a multiple of: kKGroup, or a tile's depth
//   kLanes             int32 lanes of one accumulator vector; a panel is kPanelVectors of them
//   kMR                rows of one micro-tile
//   kAOffset           what A adds to an input value (vpdpbusd needs unsigned A: x + 128)
//   kLogicalShift      the requantization's 64-bit shift is logical (AVX2 has no vpsravq)
//   ConvertRow/FillRow input bytes -> A elements, and a run of one A value
//   ConvertShortRun    ConvertRow of n <= 16 bytes where 16 may be read; it may store up to 16 elements, the ones
//                      past n overwritten by the stores of A that follow (or landing past A's last row)
//   Kernel(e, mr, nv)      the micro-kernel for epilogue e, mr rows and a panel of nv vectors
//   BeginBlock/EndBlock    around each thread's run of micro-kernels (AMX loads its tile configuration)
//   kInputIsA          (optional, default false) A's elements are the input's bytes unchanged: a direct
//                      convolution whose rows are whole k steps multiplies the input itself
#pragma once

#ifndef EL_ISA_NS
#error "int8_gemm_driver.h is for the {x86,arm}/int8_gemm_<isa>.cc sources; CMake sets EL_ISA_NS"
#endif

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <type_traits>

#include "interpreter/kernels/optimized/int8_gemm.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace optimized {
namespace EL_ISA_NS {
namespace int8_gemm {

enum class Stage { kMultiplier, kMultiplierLeftShift, kDoubleScale, kBoundedMultiplier };

// The output stage of one layer, chosen at plan time (and kBoundedMultiplier at packing), as one index
// E = stage * 4 + clamp * 2 + add_after that micro-kernels take as a template argument: `clamp` is off when the
// activation range is the whole int8 range (the saturating narrowing clamps), `add_after` off when the zero point
// is folded into the add term of the fused multiplier (AVX-512, every right shift at most 23: then
// zp * 2^(31 + r) fits beside the product).
constexpr int kNumEpilogues = 16;
constexpr int EpilogueIndex(Stage s, bool clamp, bool add_after) {
  return static_cast<int>(s) * 4 + (clamp ? 2 : 0) + (add_after ? 1 : 0);
}
constexpr Stage EpilogueStage(int e) { return static_cast<Stage>(e / 4); }
constexpr bool EpilogueClamps(int e) { return (e & 2) != 0; }
constexpr bool EpilogueAddsAfter(int e) { return (e & 1) != 0; }
constexpr int kMaxFoldedShift = 23;

// Only the epilogues ChooseEpilogue can return are instantiated (each is a grid of micro-kernels, the bulk of
// the module's int8 code): every epilogue clamps (a clamp to the whole int8 range changes nothing after the
// saturating narrowing, and two min/max per stored vector are lost in the k loop), the multiplier stage always
// takes the left shift (a shift by 0 where a channel has none: exact, one vpsllvd per stored vector), the
// double-scale stage always adds after, and a logical shift (AVX2) never folds the zero point. The bounded
// multiplier folds it always, on the ISAs that have it (`bounded`).
constexpr bool EpilogueUsed(int e, bool logical_shift, bool bounded = false) {
  if (EpilogueStage(e) == Stage::kBoundedMultiplier) return bounded && EpilogueClamps(e) && !EpilogueAddsAfter(e);
  return EpilogueClamps(e) && EpilogueStage(e) != Stage::kMultiplier &&
         (EpilogueAddsAfter(e) || (!logical_shift && EpilogueStage(e) != Stage::kDoubleScale));
}

inline int ChooseEpilogue(const Int8OutputStage& s, int channels, bool logical_shift) {
  const bool clamp = true;
  if (s.scale) return EpilogueIndex(Stage::kDoubleScale, clamp, true);
  bool fold = !logical_shift;
  for (int c = 0; c < channels; ++c) fold = fold && -s.shift[c] <= kMaxFoldedShift;
  return EpilogueIndex(Stage::kMultiplierLeftShift, clamp, !fold);
}

// The header of one accumulator vector in a panel: kHeaderSlots vectors of kLanes 32-bit words.
//  0 bias (folded)  1 multiplier  2 multiplier of the odd lanes, moved to the even words  3/4 add, even/odd
//  lanes (int64)  5/6 what negative products subtract (int64)  7/8 right shift (int64)  9 left shift
//  10 what is added after the shift (the output zero point, and the logical shift's offset)
// The double-scale stage keeps its scales (double) in slots 1 and 2: lanes 0..kLanes/2-1, then the rest; the
// bounded multiplier its add terms and shifts (int32, BoundedMultiplier) in slots 3, 4 and 7.
enum Slot { kBias = 0, kMult, kMultOdd, kAddEven, kAddOdd, kNegEven, kNegOdd, kShiftEven, kShiftOdd, kLeft, kAfter };
constexpr int kBoundedAdd = kAddEven, kBoundedAddNegative = kAddOdd, kBoundedShift = kShiftEven;
constexpr int kHeaderSlots = 11;

// MultiplyByQuantizedMultiplier(x, m, s) in one rounding step, exactly: with left = max(s, 0), r =
// max(-s, 0) and x' = x << left (wrapping, as the reference's int32 shift),
//   RDBPOT(SRDHM(x', m), r) = floor((x' * m + add - (x' * m < 0 ? neg : 0)) / 2^(31 + r)),
//   add = 2^30 + (r > 0 ? 2^(30 + r) : 0),  neg = r > 0 ? 2^31 : 0.
// Why: SRDHM (ties toward +infinity) is floor((x' m + 2^30) / 2^31) for either sign; RDBPOT by r (ties away
// from zero) is floor((y + 2^(r-1)) / 2^r) for y >= 0 and floor((y + 2^(r-1) - 1) / 2^r) for y < 0, and y
// has the sign of x' m; nested floors of divisions by integers compose. |x' m| < 2^62 and add < 2^62, so
// the sum fits int64. A logical 64-bit shift (AVX2) takes the sum plus 2^62, which adds 2^(31 - r) to the
// quotient; the `after` term takes it away again (mod 2^32, where the result lives).
struct FusedMultiplier {
  int64_t add = 0, neg = 0;
  int64_t shift = 31;
  int32_t left = 0;
  int32_t after = 0;  // added to the low 32 bits of the shifted sum, zero point included
};

// With fold_zero_point (r <= kMaxFoldedShift, arithmetic shift) the zero point joins the add term as
// zp * 2^(31 + r), which adds exactly zp to the quotient: |zp * 2^(31 + r)| <= 2^61, so the sum stays in int64.
inline FusedMultiplier MakeFusedMultiplier(int shift, int32_t zero_point, bool logical, bool fold_zero_point) {
  FusedMultiplier f;
  const int r = shift < 0 ? -shift : 0;
  f.left = shift > 0 ? shift : 0;
  f.add = (int64_t{1} << 30) + (r > 0 ? int64_t{1} << (30 + r) : 0);
  f.neg = r > 0 ? int64_t{1} << 31 : 0;
  f.shift = 31 + r;
  int64_t after = zero_point;
  if (fold_zero_point) {
    f.add += static_cast<int64_t>(zero_point) * (int64_t{1} << (31 + r));
    after = 0;
  }
  if (logical) {
    f.add += int64_t{1} << 62;
    after -= int64_t{1} << (31 - r);
  }
  f.after = static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(after)));
  return f;
}

// MultiplyByQuantizedMultiplier(x, m, s) + zp for s <= 0 in 32-bit lanes, exactly, where |x| is known small
// enough (BoundedMultiplier): with r = -s and z = floor(x m / 2^30) (the product's bits 30..61),
//   floor((x m + add - (x m < 0 ? neg : 0)) / 2^(31 + r)) = floor((z + a - (z < 0 ? 2 : 0)) / 2^(1 + r)),
//   a = 1 + 2^r + zp 2^(1 + r) (r > 0; 1 + 2 zp and no 2 for r = 0),
// FusedMultiplier's form (zero point folded) with every term but the product a multiple of 2^30: the product's
// low 30 bits never reach the quotient, and x m < 0 exactly when z < 0.
struct BoundedMultiplier {
  int64_t add = 0, add_negative = 0;  // a, and a - 2 (r > 0)
  int32_t shift = 1;                  // 1 + r
};

inline BoundedMultiplier MakeBoundedMultiplier(int shift, int32_t zero_point) {
  BoundedMultiplier b;
  const int r = -shift;
  b.add = 1 + (r > 0 ? int64_t{1} << r : 0) + static_cast<int64_t>(zero_point) * (int64_t{2} << r);
  b.add_negative = b.add - (r > 0 ? 2 : 0);
  b.shift = 1 + r;
  return b;
}

// Whether channel c's accumulators, at most `bound` in magnitude, may take the bounded multiplier: no left shift,
// and z + a in int32 (|z| <= 2 bound, as m < 2^31).
inline bool BoundedMultiplierFits(const Int8OutputStage& s, int c, int64_t bound) {
  if (s.scale || s.shift[c] > 0 || s.shift[c] < -30) return false;
  const BoundedMultiplier b = MakeBoundedMultiplier(s.shift[c], s.output_zero_point);
  return 2 * bound + std::max(std::abs(b.add), std::abs(b.add_negative)) < (int64_t{1} << 31);
}

// Micro-kernel arguments: rows [0, mr) of A (lda elements apart, kp of them used) times one panel; nc of
// the panel's columns are stored (lda and ldc in elements).
template <typename AElem>
struct TileArgs {
  const AElem* a;
  int64_t lda;
  const uint8_t* panel;
  int kp;
  int8_t* c;
  int64_t ldc;
  int nc;
  int mr;  // rows to store: at most the kernel's row count (TileRows), rows past mr computed on scratch, not stored
  int32_t out_min, out_max;
};

template <class T>
struct Geometry {
  static constexpr int kPanelWidth = T::kPanelVectors * T::kLanes;
  static constexpr size_t kSlotBytes = T::kLanes * 4;
  static constexpr size_t kHeaderBytes = kHeaderSlots * kSlotBytes;  // per vector

  static int NumPanels(int n) { return (n + kPanelWidth - 1) / kPanelWidth; }
  // Vectors of panel p: full panels have kPanelVectors; the last holds the remainder in whole vectors.
  static int PanelVectors(int n, int p) {
    const int rem = n - p * kPanelWidth;
    return rem >= kPanelWidth ? T::kPanelVectors : (rem + T::kLanes - 1) / T::kLanes;
  }
  static size_t PanelBytes(int nv, int kp) {
    return nv * (kHeaderBytes + static_cast<size_t>(T::kLanes) * kp * sizeof(typename T::WElem));
  }
  // Bytes of one group's panels; panel p starts at p * PanelBytes(kPanelVectors, kp).
  static size_t GroupBytes(int n, int kp) {
    const int panels = NumPanels(n);
    if (panels == 0) return 0;
    return (panels - 1) * PanelBytes(T::kPanelVectors, kp) + PanelBytes(PanelVectors(n, panels - 1), kp);
  }
};

template <class T, class = void>
struct InputIsA : std::false_type {};
template <class T>
struct InputIsA<T, std::void_t<decltype(T::kInputIsA)>> : std::bool_constant<T::kInputIsA> {};

// The packed weights begin with the epilogue they were packed for (an int, PackedEpilogue), then the panels.
constexpr size_t kPackedPrefixBytes = 64;

inline int64_t RoundUpTo(int64_t x, int64_t m) { return (x + m - 1) / m * m; }
inline int64_t OutputPixels(const WindowGeometry& g) { return static_cast<int64_t>(g.batch) * g.out_h * g.out_w; }

// Column panels are grouped so that one group of packed weights stays in L2 while the row tiles of a block
// stream past it; A blocks are sized for L2 as well.
constexpr int64_t kPanelGroupBytes = 512 * 1024;
constexpr int64_t kBlockBytes = 96 * 1024;
// The thread pool's cost of one int8 multiply-add (four per float lane of a vector multiply-add, about).
constexpr double kMacCost = ThreadPool::kCostMultiplyAdd / 4;

// Bytes of one thread's A block. Whole row tiles: a micro-kernel may read (not store) rows past the last one;
// and 16 elements more, which ConvertShortRun may store past the last row.
template <class T>
int64_t BlockStride(const Int8ConvLayout& l) {
  const int64_t elements = RoundUpTo(l.block_rows, T::kMR) * l.kp + 16;
  return RoundUpTo(elements * static_cast<int64_t>(sizeof(typename T::AElem)), 64);
}

template <class T>
Int8ConvLayout Plan(const WindowGeometry& g, int filter_in_c, const Int8OutputStage& stage, int num_threads) {
  using Geo = Geometry<T>;
  Int8ConvLayout l;
  l.groups = g.in_c / filter_in_c;
  l.k = g.filter_h * g.filter_w * filter_in_c;
  l.kp = static_cast<int>(RoundUpTo(l.k, T::kKAlign));
  l.n = g.out_c / l.groups;
  l.direct = g.filter_h == 1 && g.filter_w == 1 && g.stride_h == 1 && g.stride_w == 1 && g.pad_top == 0 &&
             g.pad_left == 0 && g.out_h == g.in_h && g.out_w == g.in_w;
  l.input_is_a = l.direct && InputIsA<T>::value && l.kp == filter_in_c;
  l.epilogue = ChooseEpilogue(stage, g.out_c, T::kLogicalShift);
  l.out_min = stage.out_min;
  l.out_max = stage.out_max;
  l.packed_bytes = kPackedPrefixBytes + Geo::GroupBytes(l.n, l.kp) * l.groups;

  const int64_t m = OutputPixels(g);
  const int64_t row_tiles = (m + T::kMR - 1) / T::kMR;
  const int threads = std::max(1, num_threads);  // the pool decides at run time whether they all work
  const size_t elem = sizeof(typename T::AElem);
  const int64_t fit = std::max<int64_t>(T::kMR, kBlockBytes / (static_cast<int64_t>(l.kp) * elem) / T::kMR * T::kMR);
  if (threads > 1 && row_tiles < 2 * threads && Geo::NumPanels(l.n) >= 2) {
    // Few rows (a FULLY_CONNECTED layer, a convolution on a 1x1 map): share out the weights instead.
    l.split_panels = true;
    l.rows_per_task = m;
    l.block_rows = static_cast<int>(std::min<int64_t>(m, fit));
  } else {
    l.rows_per_task = std::max<int64_t>(T::kMR, RoundUpTo((m + threads - 1) / threads, T::kMR));
    l.block_rows = static_cast<int>(std::max<int64_t>(T::kMR, std::min(fit, l.rows_per_task)));
  }
  l.scratch_bytes = static_cast<size_t>(BlockStride<T>(l) * (l.split_panels ? 1 : threads));
  return l;
}

// Writes the header of one accumulator vector of kLanes lanes: lane j is output channel channel0 + j with
// the folded bias folded[j], for j < valid; the other lanes stay zero.
template <int kLanes, bool kLogicalShift>
void PackHeader(uint8_t* h, int valid, const int64_t* folded, const Int8OutputStage& stage, int channel0,
                int epilogue) {
  const bool fold = !EpilogueAddsAfter(epilogue);
  const bool bounded = EpilogueStage(epilogue) == Stage::kBoundedMultiplier;
  constexpr size_t kSlotBytes = kLanes * 4;
  std::memset(h, 0, kHeaderSlots * kSlotBytes);
  auto slot32 = [&](int s) { return reinterpret_cast<int32_t*>(h + s * kSlotBytes); };
  auto slot64 = [&](int s) { return reinterpret_cast<int64_t*>(h + s * kSlotBytes); };
  auto slotf64 = [&](int s) { return reinterpret_cast<double*>(h + s * kSlotBytes); };
  for (int lane = 0; lane < valid; ++lane) {
    const int c = channel0 + lane;
    // In int32 arithmetic mod 2^32, as the reference's accumulator.
    slot32(kBias)[lane] = static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(folded[lane])));
    if (stage.scale) {
      slotf64(lane < kLanes / 2 ? kMult : kMultOdd)[lane % (kLanes / 2)] = stage.scale[c];
      slot32(kAfter)[lane] = stage.output_zero_point;
      continue;
    }
    slot32(kMult)[lane] = stage.multiplier[c];
    if (lane % 2 == 1) slot32(kMultOdd)[lane - 1] = stage.multiplier[c];
    if (bounded) {
      const BoundedMultiplier b = MakeBoundedMultiplier(stage.shift[c], stage.output_zero_point);
      slot32(kBoundedAdd)[lane] = static_cast<int32_t>(b.add);
      slot32(kBoundedAddNegative)[lane] = static_cast<int32_t>(b.add_negative);
      slot32(kBoundedShift)[lane] = b.shift;
      continue;
    }
    const FusedMultiplier f = MakeFusedMultiplier(stage.shift[c], stage.output_zero_point, kLogicalShift, fold);
    const int odd = lane % 2;  // even lanes go to the *Even slots, at qword lane / 2
    slot64(kAddEven + odd)[lane / 2] = f.add;
    slot64(kNegEven + odd)[lane / 2] = f.neg;
    slot64(kShiftEven + odd)[lane / 2] = f.shift;
    slot32(kLeft)[lane] = f.left;
    slot32(kAfter)[lane] = f.after;
  }
}

// Writes the headers and weights of one panel: columns [col, col + valid) of the [n, k] row-major weights
// `w`, in nv vectors. Weights go in k steps of kKGroup: for each step, each column's kKGroup values side by
// side (the dot-product lane's operand), zero past k and past the valid columns. The bias absorbs the input
// zero point: sum w (x - z) = sum w (x + offset) - (z + offset) sum w.
template <class T>
void PackPanel(const Int8ConvLayout& l, int epilogue, const int8_t* w, const int32_t* bias, int col, int valid,
               int nv, int32_t input_zero_point, const Int8OutputStage& stage, int channel0, uint8_t* dst) {
  using Geo = Geometry<T>;
  constexpr int L = T::kLanes, G = T::kKGroup;
  for (int v = 0; v < nv; ++v) {
    int64_t folded[L];
    const int lanes = std::max(0, std::min(L, valid - v * L));
    for (int lane = 0; lane < lanes; ++lane) {
      const int j = v * L + lane;
      const int8_t* row = w + static_cast<int64_t>(col + j) * l.k;
      int64_t sum = 0;
      for (int kk = 0; kk < l.k; ++kk) sum += row[kk];
      folded[lane] = (bias ? bias[channel0 + j] : 0) - (static_cast<int64_t>(input_zero_point) + T::kAOffset) * sum;
    }
    PackHeader<L, T::kLogicalShift>(dst + v * Geo::kHeaderBytes, lanes, folded, stage, channel0 + v * L, epilogue);
  }
  auto* weights = reinterpret_cast<typename T::WElem*>(dst + nv * Geo::kHeaderBytes);
  const int width = nv * L;
  std::memset(weights, 0, static_cast<size_t>(width) * l.kp * sizeof(typename T::WElem));
  for (int kg = 0; kg < l.kp; kg += G) {
    for (int j = 0; j < valid; ++j) {
      const int8_t* row = w + static_cast<int64_t>(col + j) * l.k;
      for (int i = 0; i < G && kg + i < l.k; ++i) weights[j * G + i] = static_cast<typename T::WElem>(row[kg + i]);
    }
    weights += width * G;
  }
}

// The epilogue the packed weights run with: the plan's, or the bounded multiplier where the ISA has it and every
// channel's accumulator |bias + sum w (x - z)| <= |bias| + 255 sum |w| lets it (which the weights decide, so
// packing does: the choice heads the packed weights).
template <class T>
int PackedEpilogue(const Int8ConvLayout& l, const int8_t* filter, const int32_t* bias, const Int8OutputStage& stage) {
  const int bounded = EpilogueIndex(Stage::kBoundedMultiplier, true, false);
  if (stage.scale || !T::Kernel(bounded, T::kMR, T::kPanelVectors)) return l.epilogue;
  const int out_c = l.n * l.groups;
  for (int c = 0; c < out_c; ++c) {
    const int8_t* row = filter + static_cast<int64_t>(c) * l.k;
    int64_t sum = 0;
    for (int kk = 0; kk < l.k; ++kk) sum += std::abs(row[kk]);
    const int64_t bound = (bias ? std::abs(static_cast<int64_t>(bias[c])) : 0) + 255 * sum;
    if (!BoundedMultiplierFits(stage, c, bound)) return l.epilogue;
  }
  return bounded;
}

template <class T>
void Pack(const Int8ConvLayout& l, const int8_t* filter, const int32_t* bias, int32_t input_zero_point,
          const Int8OutputStage& stage, void* packed) {
  using Geo = Geometry<T>;
  const int epilogue = PackedEpilogue<T>(l, filter, bias, stage);
  std::memset(packed, 0, kPackedPrefixBytes);
  std::memcpy(packed, &epilogue, sizeof(epilogue));
  auto* dst = static_cast<uint8_t*>(packed) + kPackedPrefixBytes;
  const size_t full = Geo::PanelBytes(T::kPanelVectors, l.kp);
  for (int grp = 0; grp < l.groups; ++grp) {
    const int8_t* w = filter + static_cast<int64_t>(grp) * l.n * l.k;
    for (int p = 0; p < Geo::NumPanels(l.n); ++p) {
      const int col = p * Geo::kPanelWidth;
      PackPanel<T>(l, epilogue, w, bias, col, std::min(Geo::kPanelWidth, l.n - col), Geo::PanelVectors(l.n, p),
                   input_zero_point, stage, grp * l.n + col, dst + p * full);
    }
    dst += Geo::GroupBytes(l.n, l.kp);
  }
}

// C[rows, n] for `rows` rows of A (lda elements apart) over panels [p_begin, p_end) of one group.
template <class T>
void GemmBlock(const Int8ConvLayout& l, int epilogue, const typename T::AElem* a, int64_t lda, int rows,
               const uint8_t* panels, int8_t* c, int64_t ldc, int p_begin, int p_end) {
  using Geo = Geometry<T>;
  const size_t full = Geo::PanelBytes(T::kPanelVectors, l.kp);
  const int group = static_cast<int>(std::max<int64_t>(1, kPanelGroupBytes / static_cast<int64_t>(full)));
  TileArgs<typename T::AElem> t;
  t.lda = lda;
  t.kp = l.kp;
  t.ldc = ldc;
  t.out_min = l.out_min;
  t.out_max = l.out_max;
  T::BeginBlock();
  for (int p0 = p_begin; p0 < p_end; p0 += group) {
    const int p1 = std::min(p_end, p0 + group);
    for (int row = 0; row < rows; row += T::kMR) {
      const int mr = std::min(T::kMR, rows - row);
      t.a = a + row * lda;
      for (int p = p0; p < p1; ++p) {
        const int col = p * Geo::kPanelWidth;
        t.panel = panels + p * full;
        t.c = c + row * ldc + col;
        t.nc = std::min(Geo::kPanelWidth, l.n - col);
        t.mr = mr;
        T::Kernel(epilogue, mr, Geo::PanelVectors(l.n, p))(t);
      }
    }
  }
  T::EndBlock();
}

// Rows [row0, row0 + rows) of group grp's A: each output pixel's receptive field in (ky, kx, channel)
// order, the OHWI filter's; taps in the padding hold the input zero point (so they add nothing, as the
// reference skips them), and k..kp zeros. Rows go out in order (ConvertShortRun's stores past a row's end land
// in the next one before it is written).
template <class T>
void Im2col(const WindowGeometry& g, int filter_in_c, int grp, const int8_t* input, int32_t input_zero_point,
            int64_t row0, int rows, int kp, typename T::AElem* dst) {
  using AElem = typename T::AElem;
  const AElem pad = T::Convert(static_cast<int8_t>(input_zero_point));
  const int k = g.filter_h * g.filter_w * filter_in_c;
  const int64_t per_image = static_cast<int64_t>(g.out_h) * g.out_w;
  int b = static_cast<int>(row0 / per_image);
  int oy = static_cast<int>(row0 % per_image) / g.out_w;
  int ox = static_cast<int>(row0 % per_image) % g.out_w;
  const bool contiguous = filter_in_c == g.in_c && g.dilation_w == 1;
  const int row_len = g.filter_w * filter_in_c;
  const int64_t row_step = static_cast<int64_t>(g.dilation_h) * g.in_w * g.in_c;
  const int64_t short_reach = (g.filter_h - 1) * row_step + 16;  // what ConvertShortRun reads of a window
  // Output columns whose windows lie within the input's width (with contiguous, dilation_w is 1).
  const int ox_first = (g.pad_left + g.stride_w - 1) / g.stride_w;
  const int ox_end = g.in_w - g.filter_w + g.pad_left >= 0 ? (g.in_w - g.filter_w + g.pad_left) / g.stride_w + 1 : 0;
  // The window of output pixel (oy, ox) where it may cross the padding.
  auto edge_window = [&](const int8_t* image, int iy0, int ix0, AElem* out) {
    for (int ky = 0; ky < g.filter_h; ++ky, out += row_len) {
      const int iy = iy0 + ky * g.dilation_h;
      if (iy < 0 || iy >= g.in_h) {
        T::FillRow(out, pad, row_len);
      } else if (contiguous) {
        const int x0 = std::max(ix0, 0), x1 = std::min(ix0 + g.filter_w, g.in_w);
        const int before = (x0 - ix0) * g.in_c;
        const int valid = std::max(x1 - x0, 0) * g.in_c;
        if (before > 0) T::FillRow(out, pad, before);
        if (valid > 0) T::ConvertRow(out + before, image + (static_cast<int64_t>(iy) * g.in_w + x0) * g.in_c, valid);
        if (before + valid < row_len) T::FillRow(out + before + valid, pad, row_len - before - valid);
      } else {
        for (int kx = 0; kx < g.filter_w; ++kx) {
          const int ix = ix0 + kx * g.dilation_w;
          if (ix < 0 || ix >= g.in_w) {
            T::FillRow(out + kx * filter_in_c, pad, filter_in_c);
          } else {
            T::ConvertRow(out + kx * filter_in_c, image + (static_cast<int64_t>(iy) * g.in_w + ix) * g.in_c,
                          filter_in_c);
          }
        }
      }
    }
  };
  for (int r = 0; r < rows;) {
    // The pixels of output row oy from ox on: the window rows are known once, the columns [ox_first, ox_end)
    // are inside the input, one run of input per filter row.
    const int8_t* image = input + static_cast<int64_t>(b) * g.in_h * g.in_w * g.in_c + grp * filter_in_c;
    const int8_t* image_end = image - grp * filter_in_c + static_cast<int64_t>(g.in_h) * g.in_w * g.in_c;
    const int iy0 = oy * g.stride_h - g.pad_top;
    const int8_t* window_row = image + static_cast<int64_t>(iy0) * g.in_w * g.in_c;
    const int run_end = static_cast<int>(std::min<int64_t>(g.out_w, ox + static_cast<int64_t>(rows - r)));
    const bool rows_inside = contiguous && iy0 >= 0 && iy0 + (g.filter_h - 1) * g.dilation_h < g.in_h;
    const int inside_begin = rows_inside ? std::min(std::max(ox, ox_first), run_end) : run_end;
    const int inside_end = rows_inside ? std::max(std::min(run_end, ox_end), inside_begin) : run_end;
    for (; ox < run_end; ++ox, ++r, dst += kp) {
      const int ix0 = ox * g.stride_w - g.pad_left;
      if (ox < inside_begin || ox >= inside_end) {
        edge_window(image, iy0, ix0, dst);
      } else {
        const int8_t* src = window_row + static_cast<int64_t>(ix0) * g.in_c;
        AElem* out = dst;
        if (row_len <= 16 && src + short_reach <= image_end) {
          for (int ky = 0; ky < g.filter_h; ++ky, out += row_len, src += row_step) T::ConvertShortRun(out, src, row_len);
        } else {
          for (int ky = 0; ky < g.filter_h; ++ky, out += row_len, src += row_step) T::ConvertRow(out, src, row_len);
        }
      }
      if (kp > k) T::FillRow(dst + k, AElem(0), kp - k);
    }
    if (ox == g.out_w) {
      ox = 0;
      if (++oy == g.out_h) {
        oy = 0;
        ++b;
      }
    }
  }
}

// Rows [row0, row0 + rows) of group grp's A when A is the input itself (1x1, stride 1).
template <class T>
void ConvertRows(const WindowGeometry& g, int filter_in_c, int grp, const int8_t* input, int64_t row0, int rows,
                 int kp, typename T::AElem* dst) {
  const int8_t* src = input + row0 * g.in_c + grp * filter_in_c;
  for (int r = 0; r < rows; ++r, src += g.in_c, dst += kp) {
    T::ConvertRow(dst, src, filter_in_c);
    if (kp > filter_in_c) T::FillRow(dst + filter_in_c, typename T::AElem(0), kp - filter_in_c);
  }
}

template <class T>
void Run(const WindowGeometry& g, const Int8ConvLayout& l, const int8_t* input, int32_t input_zero_point,
         const void* packed, int8_t* output, void* scratch, ThreadPool& pool) {
  using AElem = typename T::AElem;
  using Geo = Geometry<T>;
  const int64_t m = OutputPixels(g);
  if (m == 0) return;
  const int filter_in_c = g.in_c / l.groups;
  int epilogue;
  std::memcpy(&epilogue, packed, sizeof(epilogue));
  const auto* panels = static_cast<const uint8_t*>(packed) + kPackedPrefixBytes;
  const size_t group_bytes = Geo::GroupBytes(l.n, l.kp);
  const int64_t block_stride = BlockStride<T>(l);
  // Group grp's A for rows [row, row + rows): with input_is_a the input itself, but for a last partial tile (its
  // micro-kernel may read rows past the last), which goes into `a` as every row does otherwise. Returns the rows
  // the input holds.
  auto fill = [&](int grp, int64_t row, int rows, AElem* a) {
    const int from_input = l.input_is_a ? rows / T::kMR * T::kMR : 0;
    if (from_input == rows) return from_input;
    if (l.direct) {
      ConvertRows<T>(g, filter_in_c, grp, input, row + from_input, rows - from_input, l.kp, a);
    } else {
      Im2col<T>(g, filter_in_c, grp, input, input_zero_point, row, rows, l.kp, a);
    }
    return from_input;
  };
  auto multiply = [&](int grp, int64_t row, int rows, int from_input, const AElem* a, int p_begin, int p_end) {
    const uint8_t* p = panels + grp * group_bytes;
    int8_t* c = output + row * g.out_c + grp * l.n;
    if constexpr (InputIsA<T>::value) {
      if (from_input > 0) {
        const auto* rows_in = reinterpret_cast<const AElem*>(input + row * g.in_c + grp * filter_in_c);
        GemmBlock<T>(l, epilogue, rows_in, g.in_c, from_input, p, c, g.out_c, p_begin, p_end);
      }
    }
    if (rows > from_input) {
      GemmBlock<T>(l, epilogue, a, l.kp, rows - from_input, p, c + from_input * g.out_c, g.out_c, p_begin, p_end);
    }
  };
  if (l.split_panels) {
    auto* a = static_cast<AElem*>(scratch);
    const int panels_per_group = Geo::NumPanels(l.n);
    for (int64_t row = 0; row < m; row += l.block_rows) {
      const int rows = static_cast<int>(std::min<int64_t>(l.block_rows, m - row));
      for (int grp = 0; grp < l.groups; ++grp) {
        const int from_input = fill(grp, row, rows, a);
        const double panel_cost = kMacCost * rows * l.kp * l.n / panels_per_group;
        pool.ParallelFor(panels_per_group, panel_cost, [&](int64_t b, int64_t e, int) {
          multiply(grp, row, rows, from_input, a, static_cast<int>(b), static_cast<int>(e));
        });
      }
    }
    return;
  }
  // Tiles of whole row tiles go to whichever thread is free; each converts its rows into its own A block.
  const double tile_cost = kMacCost * T::kMR * l.kp * l.n * l.groups;
  pool.ParallelFor((m + T::kMR - 1) / T::kMR, tile_cost, [&](int64_t t_begin, int64_t t_end, int thread) {
    auto* a = reinterpret_cast<AElem*>(static_cast<uint8_t*>(scratch) + thread * block_stride);
    const int64_t end = std::min(m, t_end * T::kMR);
    for (int64_t row = t_begin * T::kMR; row < end; row += l.block_rows) {
      const int rows = static_cast<int>(std::min<int64_t>(l.block_rows, end - row));
      for (int grp = 0; grp < l.groups; ++grp) {
        multiply(grp, row, rows, fill(grp, row, rows, a), a, 0, Geo::NumPanels(l.n));
      }
    }
  });
}

template <class T>
constexpr Int8ConvKernels MakeInt8ConvKernels() {
  return {Plan<T>, Pack<T>, Run<T>};
}

}  // namespace int8_gemm
}  // namespace EL_ISA_NS
}  // namespace optimized
}  // namespace edgelite
