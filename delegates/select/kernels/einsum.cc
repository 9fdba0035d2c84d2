// Einsum for one or two operands with TF's general equations: explicit or implicit output, ellipsis
// with broadcasting, repeated labels within an operand (diagonals) and labels summed away. The plan
// (each operand's stride per label) is made at prepare; eval walks the output and, for each element,
// the summed labels. Direct loops, not a GEMM: a fallback for ops the builtins do not cover.
#include <algorithm>
#include <map>
#include <string>

#include "delegates/select/kernels/common.h"

namespace edgelite::select {
namespace {

constexpr int kEllipsisBase = 1000;  // label ids of ellipsis dimensions: kEllipsisBase + position

struct EinsumPlan : KernelState {
  Shape out_shape;
  std::vector<int32_t> out_sizes, sum_sizes;                      // per output / summed label
  std::vector<std::vector<int64_t>> out_strides, sum_strides;     // [operand][label]
  std::vector<int64_t> sum_offsets[2];                            // operand offset of each summed index
};

// Splits one operand's subscripts into label ids, with -1 where the ellipsis stands.
std::vector<int> ParseLabels(const OpContext& c, const std::string& s) {
  std::vector<int> labels;
  bool ellipsis = false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.compare(i, 3, "...") == 0) {
      if (ellipsis) c.Fail("equation has two ellipses in one operand: '", s, "'");
      ellipsis = true;
      labels.push_back(-1);
      i += 2;
    } else if (std::isalpha(static_cast<unsigned char>(s[i]))) {
      labels.push_back(static_cast<unsigned char>(s[i]));
    } else {
      c.Fail("equation has an invalid character '", s[i], "'");
    }
  }
  return labels;
}

void Plan(OpContext& c) {
  std::string eq = c.AttrString("equation");
  eq.erase(std::remove(eq.begin(), eq.end(), ' '), eq.end());
  const size_t arrow = eq.find("->");
  const std::string lhs = eq.substr(0, arrow);
  std::vector<std::string> terms;
  for (size_t start = 0;;) {
    const size_t comma = lhs.find(',', start);
    terms.push_back(lhs.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  const int n = c.num_inputs();
  if (static_cast<int>(terms.size()) != n) c.Fail("equation '", eq, "' has ", terms.size(), " operands, node has ", n);
  // Expand ellipses to per-position labels (aligned right across operands) and collect label sizes.
  std::vector<std::vector<int>> labels(n);
  std::map<int, int32_t> size;
  int ellipsis_rank = 0;
  for (int k = 0; k < n; ++k) {
    const std::vector<int> raw = ParseLabels(c, terms[k]);
    const int rank = c.input(k).rank();
    const bool has_ellipsis = std::count(raw.begin(), raw.end(), -1) > 0;
    const int e = rank - (static_cast<int>(raw.size()) - (has_ellipsis ? 1 : 0));
    if (e < 0 || (!has_ellipsis && e != 0)) c.Fail("operand ", k, " has rank ", rank, ", equation term '", terms[k], "' does not match");
    ellipsis_rank = std::max(ellipsis_rank, e);
  }
  for (int k = 0; k < n; ++k) {
    const std::vector<int> raw = ParseLabels(c, terms[k]);
    const TensorView t = c.input(k);
    const int e = t.rank() - (static_cast<int>(raw.size()) - (std::count(raw.begin(), raw.end(), -1) ? 1 : 0));
    for (int l : raw) {
      if (l == -1) {
        for (int p = ellipsis_rank - e; p < ellipsis_rank; ++p) labels[k].push_back(kEllipsisBase + p);
      } else {
        labels[k].push_back(l);
      }
    }
    for (int d = 0; d < t.rank(); ++d) {
      const int l = labels[k][d];
      auto it = size.find(l);
      if (it == size.end() || it->second == 1) {
        size[l] = t.dim(d);
      } else if (t.dim(d) != it->second && !(l >= kEllipsisBase && t.dim(d) == 1)) {
        c.Fail("label '", l < kEllipsisBase ? std::string(1, static_cast<char>(l)) : std::string("..."),
               "' has sizes ", it->second, " and ", t.dim(d));
      }
    }
  }
  std::vector<int> out;
  if (arrow != std::string::npos) {
    for (int l : ParseLabels(c, eq.substr(arrow + 2))) {
      if (l == -1) {
        for (int p = 0; p < ellipsis_rank; ++p) out.push_back(kEllipsisBase + p);
      } else {
        if (!size.count(l)) c.Fail("output label '", static_cast<char>(l), "' appears in no operand");
        if (std::count(out.begin(), out.end(), l)) c.Fail("output label '", static_cast<char>(l), "' is repeated");
        out.push_back(l);
      }
    }
  } else {  // implicit: ellipsis, then the labels seen exactly once, in alphabetical order
    for (int p = 0; p < ellipsis_rank; ++p) out.push_back(kEllipsisBase + p);
    std::map<int, int> count;
    for (const auto& ls : labels) for (int l : ls) if (l < kEllipsisBase) ++count[l];
    for (const auto& [l, k] : count) if (k == 1) out.push_back(l);
  }
  std::vector<int> summed;
  for (const auto& [l, s] : size) {
    if (std::find(out.begin(), out.end(), l) == out.end()) summed.push_back(l);
  }
  auto& plan = c.State<EinsumPlan>();
  plan = EinsumPlan();
  plan.out_strides.assign(n, {});
  plan.sum_strides.assign(n, {});
  for (int l : out) {
    plan.out_shape.push_back(size[l]);
    plan.out_sizes.push_back(size[l]);
  }
  for (int l : summed) plan.sum_sizes.push_back(size[l]);
  for (int k = 0; k < n; ++k) {
    const TensorView t = c.input(k);
    const std::vector<int64_t> strides = Strides(t.shape());
    auto stride_of = [&](int l) {
      int64_t s = 0;  // repeated labels add their strides: the walk stays on the diagonal
      for (int d = 0; d < t.rank(); ++d) if (labels[k][d] == l && t.dim(d) != 1) s += strides[d];
      return s;
    };
    for (int l : out) plan.out_strides[k].push_back(stride_of(l));
    for (int l : summed) plan.sum_strides[k].push_back(stride_of(l));
    // Offsets of every summed index combination, walked once per output element.
    std::vector<int64_t>& offsets = plan.sum_offsets[k];
    offsets.assign(1, 0);
    for (size_t s = 0; s < summed.size(); ++s) {
      std::vector<int64_t> next;
      next.reserve(offsets.size() * plan.sum_sizes[s]);
      for (int64_t base : offsets)
        for (int32_t v = 0; v < plan.sum_sizes[s]; ++v) next.push_back(base + v * plan.sum_strides[k][s]);
      offsets.swap(next);
    }
  }
  c.ResizeOutput(0, plan.out_shape);
}

void Check(OpContext& c) {
  using EinsumTypes = TypeList<float, double, int32_t, int64_t>;
  Dispatch(EinsumTypes{}, c, c.input(0).type(), "input 0", [](auto) {});
  if (c.num_inputs() == 2) c.ExpectSameType(c.input(0), c.input(1), "input 0", "input 1");
  c.ExpectOutputType(0, c.input(0).type());
  c.AttrString("equation");
}

void Eval(OpContext& c) {
  const auto& plan = c.State<EinsumPlan>();
  const TensorView y = c.output(0);
  const int n = c.num_inputs();
  using EinsumTypes = TypeList<float, double, int32_t, int64_t>;
  Dispatch(EinsumTypes{}, c, y.type(), "output", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using Acc = std::conditional_t<std::is_floating_point_v<T>, double, T>;
    const T* a = c.input(0).data<T>();
    const T* b = n == 2 ? c.input(1).data<T>() : nullptr;
    T* out = y.data<T>();
    const int rank = static_cast<int>(plan.out_sizes.size());
    const int64_t total = NumElements(plan.out_shape);
    std::vector<int32_t> counter(rank, 0);
    int64_t base_a = 0, base_b = 0;
    const auto& sa = plan.sum_offsets[0];
    const auto& sb = plan.sum_offsets[n == 2 ? 1 : 0];
    for (int64_t i = 0; i < total; ++i) {
      Acc acc = 0;
      if (n == 2) {
        for (size_t s = 0; s < sa.size(); ++s) acc += static_cast<Acc>(a[base_a + sa[s]]) * b[base_b + sb[s]];
      } else {
        for (size_t s = 0; s < sa.size(); ++s) acc += a[base_a + sa[s]];
      }
      out[i] = static_cast<T>(acc);
      for (int d = rank - 1; d >= 0; --d) {
        base_a += plan.out_strides[0][d];
        if (n == 2) base_b += plan.out_strides[1][d];
        if (++counter[d] < plan.out_sizes[d]) break;
        base_a -= plan.out_strides[0][d] * plan.out_sizes[d];
        if (n == 2) base_b -= plan.out_strides[1][d] * plan.out_sizes[d];
        counter[d] = 0;
      }
    }
  });
}

}  // namespace

const std::vector<KernelDef>& EinsumKernels() {
  static const std::vector<KernelDef> kernels = {KernelDef{"Einsum", 1, 2, 1, Check, Plan, Eval}};
  return kernels;
}

}  // namespace edgelite::select
