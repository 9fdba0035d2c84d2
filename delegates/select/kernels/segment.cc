// Reductions by id: Bincount, Unique / UniqueWithCounts (first-occurrence order; shapes known only after
// the run, so the outputs are dynamic), the sorted Segment{Sum,Max,Min,Mean,Prod} (empty segments give
// 0, 1 for Prod, as TF documents) and UnsortedSegment{Sum,Max,Min,Prod} (empty segments give the
// reduction's identity; negative ids are dropped).
#include <algorithm>
#include <limits>
#include <unordered_map>

#include "delegates/select/kernels/common.h"

namespace edgelite::select {
namespace {

// ---- Bincount(arr int32, size int32 scalar, weights T) -> T[size] ----
void BincountCheck(OpContext& c) {
  if (c.input(0).type() != kLiteInt32) c.Fail("arr must be int32, is ", LiteTypeName(c.input(0).type()));
  using Types = TypeList<float, double, int32_t, int64_t>;
  Dispatch(Types{}, c, c.input(2).type(), "weights", [](auto) {});
  c.ExpectOutputType(0, c.input(2).type());
  const TensorView w = c.input(2);
  if (w.num_elements() != 0 && w.shape() != c.input(0).shape()) c.Fail("weights must be empty or have arr's shape");
}

void BincountShape(OpContext& c) {
  const int64_t size = c.InputScalarInt(1);
  if (size < 0) c.Fail("size must be non-negative, is ", size);
  c.ResizeOutput(0, {static_cast<int32_t>(size)});
}

void BincountEval(OpContext& c) {
  const TensorView arr = c.input(0), w = c.input(2), y = c.output(0);
  const int64_t size = y.dim(0), n = arr.num_elements();
  using Types = TypeList<float, double, int32_t, int64_t>;
  Dispatch(Types{}, c, y.type(), "output", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* out = y.data<T>();
    std::fill(out, out + size, T(0));
    const int32_t* ids = arr.data<int32_t>();
    const bool weighted = w.num_elements() != 0;
    for (int64_t i = 0; i < n; ++i) {
      if (ids[i] < 0) c.Fail("arr has a negative value ", ids[i]);
      if (ids[i] < size) out[ids[i]] += weighted ? w.data<T>()[i] : T(1);
    }
  });
}

// ---- Unique(x 1-D) -> y, idx[, count] ----
void UniqueCheck(OpContext& c) {
  const TensorView x = c.input(0);
  if (x.rank() != 1) c.Fail("x must be 1-D, has rank ", x.rank());
  Dispatch(AllTypes{}, c, x.type(), "input 'x'", [](auto) {});
  c.ExpectOutputType(0, x.type());
  const int32_t idx = LiteTypeFromTf(c.FindAttr("out_idx") ? c.AttrType("out_idx") : kTfInt32);
  if (idx != kLiteInt32 && idx != kLiteInt64) c.Unsupported("out_idx", "expected int32 or int64");
  for (int i = 1; i < c.num_outputs(); ++i) c.ExpectOutputType(i, idx);
}

void UniqueShape(OpContext& c) {
  c.ResizeOutput(1, c.input(0).shape());
  if (!c.output(0).info.is_dynamic) c.MarkOutputDynamic(0);
  if (c.num_outputs() == 3 && !c.output(2).info.is_dynamic) c.MarkOutputDynamic(2);
}

void UniqueEval(OpContext& c) {
  const TensorView x = c.input(0);
  const int64_t n = x.num_elements();
  Dispatch(AllTypes{}, c, x.type(), "input 'x'", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* in = x.data<T>();
    // Equality as TF's hash map sees it: -0 == 0, and every NaN is new.
    std::unordered_map<T, int64_t> first;
    std::vector<int64_t> idx(n), counts;
    std::vector<T> values;
    for (int64_t i = 0; i < n; ++i) {
      auto [it, inserted] = first.try_emplace(in[i], static_cast<int64_t>(values.size()));
      if (inserted) {
        values.push_back(in[i]);
        counts.push_back(0);
      }
      idx[i] = it->second;
      ++counts[it->second];
    }
    const int32_t k = static_cast<int32_t>(values.size());
    c.ResizeOutput(0, {k});
    std::copy(values.begin(), values.end(), c.output(0).data<T>());
    for (int o = 1; o < c.num_outputs(); ++o) {
      if (o == 2) c.ResizeOutput(2, {k});
      const TensorView out = c.output(o);
      const std::vector<int64_t>& src = o == 1 ? idx : counts;
      if (out.type() == kLiteInt32) {
        std::copy(src.begin(), src.end(), out.data<int32_t>());
      } else {
        std::copy(src.begin(), src.end(), out.data<int64_t>());
      }
    }
  });
}

// ---- Segment reductions ----
enum class Reduce { kSum, kMax, kMin, kMean, kProd };

template <typename T>
T Identity(Reduce r) {
  switch (r) {
    case Reduce::kMax: return std::numeric_limits<T>::lowest();
    case Reduce::kMin: return std::numeric_limits<T>::max();
    case Reduce::kProd: return T(1);
    default: return T(0);
  }
}

template <typename T>
T Combine(Reduce r, T a, T b) {
  switch (r) {
    case Reduce::kMax: return std::max(a, b);
    case Reduce::kMin: return std::min(a, b);
    case Reduce::kProd: return static_cast<T>(a * b);
    default: return static_cast<T>(a + b);
  }
}

template <bool kSorted>
void SegmentCheck(OpContext& c) {
  const TensorView data = c.input(0), ids = c.input(1);
  Dispatch(RealTypes{}, c, data.type(), "input 'data'", [](auto) {});
  Dispatch(IndexTypes{}, c, ids.type(), "segment_ids", [](auto) {});
  c.ExpectOutputType(0, data.type());
  if (kSorted) {
    if (ids.rank() != 1 || data.rank() < 1 || ids.dim(0) != data.dim(0)) {
      c.Fail("segment_ids must be 1-D with data's first dimension");
    }
  } else {
    if (ids.rank() > data.rank()) c.Fail("segment_ids has a higher rank than data");
    for (int d = 0; d < ids.rank(); ++d) {
      if (ids.dim(d) != data.dim(d)) c.Fail("segment_ids' shape must be a prefix of data's shape");
    }
    if (c.input(2).num_elements() != 1) c.Fail("num_segments must be a scalar");
  }
}

template <bool kSorted>
void SegmentShape(OpContext& c) {
  const TensorView data = c.input(0), ids = c.input(1);
  int64_t segments;
  if (kSorted) {
    const std::vector<int64_t> v = c.InputInts(1);
    for (size_t i = 0; i < v.size(); ++i) {
      if (v[i] < 0) c.Fail("segment_ids[", i, "] = ", v[i], " is negative");
      if (i && v[i] < v[i - 1]) c.Fail("segment_ids are not sorted: segment_ids[", i, "] = ", v[i], " < ", v[i - 1]);
    }
    segments = v.empty() ? 0 : v.back() + 1;
  } else {
    segments = c.InputScalarInt(2);
    if (segments < 0) c.Fail("num_segments must be non-negative, is ", segments);
  }
  Shape out{static_cast<int32_t>(segments)};
  const Shape shape = data.shape();
  out.insert(out.end(), shape.begin() + (kSorted ? 1 : ids.rank()), shape.end());
  c.ResizeOutput(0, out);
}

template <bool kSorted, Reduce kReduce>
void SegmentEval(OpContext& c) {
  const TensorView data = c.input(0), ids_t = c.input(1), y = c.output(0);
  const std::vector<int64_t> ids = c.InputInts(1);
  const int64_t segments = y.dim(0);
  const int64_t inner = segments ? y.num_elements() / segments : 0;
  if (kSorted) {  // ids may have changed since prepare when they are not constant
    for (size_t i = 1; i < ids.size(); ++i) {
      if (ids[i] < ids[i - 1]) c.Fail("segment_ids are not sorted at ", i);
    }
  }
  Dispatch(RealTypes{}, c, data.type(), "input 'data'", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* in = data.data<T>();
    T* out = y.data<T>();
    const Reduce init = kSorted && kReduce != Reduce::kProd ? Reduce::kSum : kReduce;
    std::vector<int64_t> count(segments, 0);
    for (int64_t s = 0; s < segments; ++s) {
      const T start = Identity<T>(kReduce == Reduce::kMean ? Reduce::kSum : kReduce);
      std::fill(out + s * inner, out + (s + 1) * inner, start);
    }
    for (size_t i = 0; i < ids.size(); ++i) {
      const int64_t s = ids[i];
      if (s < 0) {
        if (kSorted) c.Fail("segment_ids[", i, "] = ", s, " is negative");
        continue;
      }
      if (s >= segments) c.Fail("segment_ids[", i, "] = ", s, " is out of range [0, ", segments, ")");
      ++count[s];
      for (int64_t k = 0; k < inner; ++k) out[s * inner + k] = Combine(kReduce, out[s * inner + k], in[i * inner + k]);
    }
    for (int64_t s = 0; s < segments; ++s) {
      for (int64_t k = 0; k < inner; ++k) {
        T& v = out[s * inner + k];
        if (count[s] == 0) v = Identity<T>(init);
        else if (kReduce == Reduce::kMean) v = static_cast<T>(v / static_cast<T>(count[s]));
      }
    }
  });
  (void)ids_t;
}

template <Reduce r>
KernelDef Sorted(const char* op) {
  return KernelDef{op, 2, 2, 1, SegmentCheck<true>, SegmentShape<true>, SegmentEval<true, r>, 1u << 1};
}
template <Reduce r>
KernelDef Unsorted(const char* op) {
  return KernelDef{op, 3, 3, 1, SegmentCheck<false>, SegmentShape<false>, SegmentEval<false, r>, 1u << 2};
}

}  // namespace

const std::vector<KernelDef>& SegmentKernels() {
  static const std::vector<KernelDef> kernels = {
      KernelDef{"Bincount", 3, 3, 1, BincountCheck, BincountShape, BincountEval, 1u << 1},
      KernelDef{"Unique", 1, 1, 2, UniqueCheck, UniqueShape, UniqueEval},
      KernelDef{"UniqueWithCounts", 1, 1, 3, UniqueCheck, UniqueShape, UniqueEval},
      Sorted<Reduce::kSum>("SegmentSum"),
      Sorted<Reduce::kMax>("SegmentMax"),
      Sorted<Reduce::kMin>("SegmentMin"),
      Sorted<Reduce::kMean>("SegmentMean"),
      Sorted<Reduce::kProd>("SegmentProd"),
      Unsorted<Reduce::kSum>("UnsortedSegmentSum"),
      Unsorted<Reduce::kMax>("UnsortedSegmentMax"),
      Unsorted<Reduce::kMin>("UnsortedSegmentMin"),
      Unsorted<Reduce::kProd>("UnsortedSegmentProd"),
  };
  return kernels;
}

}  // namespace edgelite::select
