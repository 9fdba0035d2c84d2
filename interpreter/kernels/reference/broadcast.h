// Broadcast index arithmetic shared by element-wise reference kernels: for an output of rank R, the
// strides to step each input with (0 along broadcast dimensions). Plain math, no framework types.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace edgelite {
namespace reference {

// Strides (in elements) of `in_dims` seen through a broadcast to `out_dims`; in_dims is right-aligned.
inline std::vector<int64_t> BroadcastStrides(const std::vector<int32_t>& in_dims,
                                             const std::vector<int32_t>& out_dims) {
  const size_t rank = out_dims.size();
  std::vector<int64_t> strides(rank, 0);
  int64_t stride = 1;
  for (size_t i = 0; i < in_dims.size(); ++i) {
    const size_t in_axis = in_dims.size() - 1 - i;
    const size_t out_axis = rank - 1 - i;
    strides[out_axis] = in_dims[in_axis] == 1 ? 0 : stride;
    stride *= in_dims[in_axis];
  }
  return strides;
}

// When `b` broadcasts to `out_dims` along leading axes only (b's shape without its leading 1s is a suffix
// of out_dims), the element count of that suffix: the output is then out/inner blocks, each lined up
// with all of b. 0 when b broadcasts any other way.
inline int64_t TrailingBroadcastSize(const std::vector<int32_t>& out_dims, const std::vector<int32_t>& b_dims) {
  size_t lead = 0;
  while (lead < b_dims.size() && b_dims[lead] == 1) ++lead;
  const size_t core = b_dims.size() - lead;
  if (core > out_dims.size()) return 0;
  int64_t inner = 1;
  for (size_t i = 0; i < core; ++i) {
    if (b_dims[lead + i] != out_dims[out_dims.size() - core + i]) return 0;
    inner *= b_dims[lead + i];
  }
  return inner;
}

// Calls fn(out_index, a_index, b_index) for every output element of a broadcast binary op.
template <typename Fn>
void ForEachBroadcastIndex(const std::vector<int32_t>& a_dims, const std::vector<int32_t>& b_dims,
                           const std::vector<int32_t>& out_dims, Fn&& fn) {
  const size_t rank = out_dims.size();
  const std::vector<int64_t> sa = BroadcastStrides(a_dims, out_dims);
  const std::vector<int64_t> sb = BroadcastStrides(b_dims, out_dims);
  int64_t total = 1;
  for (int32_t d : out_dims) total *= d;
  std::vector<int32_t> idx(rank, 0);
  int64_t ia = 0, ib = 0;
  for (int64_t o = 0; o < total; ++o) {
    fn(o, ia, ib);
    for (size_t ax = rank; ax-- > 0;) {  // odometer increment, innermost axis first
      ia += sa[ax];
      ib += sb[ax];
      if (++idx[ax] < out_dims[ax]) break;
      ia -= sa[ax] * out_dims[ax];
      ib -= sb[ax] * out_dims[ax];
      idx[ax] = 0;
    }
  }
}

// A broadcast element-wise op's loop over kInputs inputs, planned once in prepare (eval then steps it without
// allocating): output axes of size 1 are dropped and neighbouring axes that every input reads the same way (each
// either walks or repeats both) are merged, so a same-shape op is one axis and a per-channel one two.
constexpr int kMaxBroadcastPlanRank = 8;
template <int kInputs>
struct BroadcastPlanOf {
  int rank = 0;  // merged axes, outermost first (0 for a single element)
  int64_t dims[kMaxBroadcastPlanRank] = {};
  int64_t strides[kInputs][kMaxBroadcastPlanRank] = {};  // per input; 0 where it repeats
  int64_t total = 0;  // output elements
};
// The binary ops' plan: inputs a and b.
using BroadcastPlan = BroadcastPlanOf<2>;

// Plans `inputs` (right-aligned, NumPy rules, already checked to broadcast to `out_dims`). False when more
// than kMaxBroadcastPlanRank merged axes remain (an alternating pattern of broadcast axes that deep; no model
// has one).
template <int kInputs>
bool MakeBroadcastPlan(const std::vector<int32_t>* const (&inputs)[kInputs], const std::vector<int32_t>& out_dims,
                       BroadcastPlanOf<kInputs>* plan) {
  *plan = BroadcastPlanOf<kInputs>();
  plan->total = 1;
  for (int32_t d : out_dims) plan->total *= d;
  const size_t rank = out_dims.size();
  // Per output axis: its size and whether each input walks it; merged while the pattern stays the same.
  int64_t dims[64];
  bool walks[64][kInputs];
  int n = 0;
  for (size_t axis = 0; axis < rank; ++axis) {
    const int64_t size = out_dims[axis];
    if (size == 1) continue;
    bool w[kInputs];
    bool same = n > 0;
    for (int i = 0; i < kInputs; ++i) {
      const std::vector<int32_t>& in = *inputs[i];
      const size_t lead = rank - in.size();
      w[i] = axis >= lead && in[axis - lead] != 1;
      same = same && walks[n - 1][i] == w[i];
    }
    if (same) {
      dims[n - 1] *= size;
      continue;
    }
    if (n == 64) return false;
    dims[n] = size;
    for (int i = 0; i < kInputs; ++i) walks[n][i] = w[i];
    ++n;
  }
  if (n > kMaxBroadcastPlanRank) return false;
  plan->rank = n;
  for (int i = 0; i < kInputs; ++i) {
    int64_t stride = 1;
    for (int k = n - 1; k >= 0; --k) {
      plan->strides[i][k] = walks[k][i] ? stride : 0;
      if (walks[k][i]) stride *= dims[k];
    }
  }
  for (int k = 0; k < n; ++k) plan->dims[k] = dims[k];
  return true;
}

inline bool MakeBroadcastPlan(const std::vector<int32_t>& a_dims, const std::vector<int32_t>& b_dims,
                              const std::vector<int32_t>& out_dims, BroadcastPlan* plan) {
  return MakeBroadcastPlan<2>({&a_dims, &b_dims}, out_dims, plan);
}

namespace broadcast_internal {
template <int kInputs, typename Fn, size_t... I>
inline void Call(Fn& fn, int64_t o, const int64_t* base, const int64_t* step, int64_t i, std::index_sequence<I...>) {
  fn(o, (base[I] + i * step[I])...);
}
}  // namespace broadcast_internal

// Calls fn(out_index, input_index...) (one index per input) for the output elements [begin, end) of `plan`,
// the innermost axis in a tight loop.
template <int kInputs, typename Fn>
void ForEachBroadcastIndex(const BroadcastPlanOf<kInputs>& plan, int64_t begin, int64_t end, Fn&& fn) {
  using Seq = std::make_index_sequence<kInputs>;
  if (begin >= end) return;
  int64_t pos[kInputs] = {};
  if (plan.rank == 0) {
    broadcast_internal::Call<kInputs>(fn, int64_t{0}, pos, pos, 0, Seq());
    return;
  }
  const int last = plan.rank - 1;
  int64_t idx[kMaxBroadcastPlanRank];
  for (int64_t rest = begin, k = last; k >= 0; --k) {
    idx[k] = rest % plan.dims[k];
    rest /= plan.dims[k];
    for (int i = 0; i < kInputs; ++i) pos[i] += idx[k] * plan.strides[i][k];
  }
  const int64_t inner = plan.dims[last];
  int64_t step[kInputs];
  for (int i = 0; i < kInputs; ++i) step[i] = plan.strides[i][last];
  int64_t o = begin;
  while (o < end) {
    // The rest of the current innermost row.
    const int64_t run = std::min(inner - idx[last], end - o);
    for (int64_t r = 0; r < run; ++r) broadcast_internal::Call<kInputs>(fn, o + r, pos, step, r, Seq());
    o += run;
    if (o >= end) break;
    // Back to the row's start, then the odometer step of the outer axes.
    for (int i = 0; i < kInputs; ++i) pos[i] -= idx[last] * step[i];
    idx[last] = 0;
    for (int k = last - 1; k >= 0; --k) {
      for (int i = 0; i < kInputs; ++i) pos[i] += plan.strides[i][k];
      if (++idx[k] < plan.dims[k]) break;
      for (int i = 0; i < kInputs; ++i) pos[i] -= plan.strides[i][k] * plan.dims[k];
      idx[k] = 0;
    }
  }
}

}  // namespace reference
}  // namespace edgelite
