// Index-driven copies: ScatterNd (duplicates add up), TensorScatter{Update,Add,Sub,Max,Min} (a copy of
// the tensor with slices replaced or combined) and GatherV2 with `batch_dims`. Out-of-range indices are
// errors naming the index, as on TF's CPU.
#include <algorithm>
#include <cstring>

#include "delegates/select/kernels/common.h"

namespace edgelite::select {
namespace {

enum class Combine { kUpdate, kAdd, kSub, kMax, kMin };

// Resolves indices [..., index_depth] into flat slice offsets of `shape`; checks updates' shape.
struct ScatterGeometry {
  std::vector<int64_t> offsets;  // element offset of each indexed slice
  int64_t slice = 1;             // elements per slice
};

ScatterGeometry Geometry(const OpContext& c, int indices_input, const TensorView& updates, const Shape& shape) {
  ScatterGeometry g;
  const TensorView indices = c.input(indices_input);
  if (indices.rank() < 1) c.Fail("indices must have rank >= 1");
  const int depth = indices.dim(indices.rank() - 1);
  if (depth > static_cast<int>(shape.size())) c.Fail("index depth ", depth, " exceeds the rank ", shape.size());
  for (size_t d = depth; d < shape.size(); ++d) g.slice *= shape[d];
  const int64_t count = depth ? indices.num_elements() / depth : indices.num_elements();
  // updates must be indices.shape[:-1] + shape[depth:]
  Shape want(indices.info.dims, indices.info.dims + indices.rank() - 1);
  want.insert(want.end(), shape.begin() + depth, shape.end());
  if (updates.shape() != want) c.Fail("updates' shape does not match indices.shape[:-1] + shape[index depth:]");
  const std::vector<int64_t> strides = Strides(shape);
  const std::vector<int64_t> idx = c.InputInts(indices_input);
  g.offsets.resize(count);
  for (int64_t i = 0; i < count; ++i) {
    int64_t off = 0;
    for (int d = 0; d < depth; ++d) {
      const int64_t v = idx[i * depth + d];
      if (v < 0 || v >= shape[d]) c.Fail("indices[", i, "] = ", v, " is out of range [0, ", shape[d], ") in dimension ", d);
      off += v * strides[d];
    }
    g.offsets[i] = off;
  }
  return g;
}

template <Combine kCombine, typename T>
void Apply(T* out, const T* updates, const ScatterGeometry& g) {
  for (size_t i = 0; i < g.offsets.size(); ++i) {
    T* dst = out + g.offsets[i];
    const T* src = updates + i * g.slice;
    for (int64_t k = 0; k < g.slice; ++k) {
      if constexpr (kCombine == Combine::kUpdate) dst[k] = src[k];
      if constexpr (kCombine == Combine::kAdd) dst[k] = static_cast<T>(dst[k] + src[k]);
      if constexpr (kCombine == Combine::kSub) dst[k] = static_cast<T>(dst[k] - src[k]);
      if constexpr (kCombine == Combine::kMax) dst[k] = std::max(dst[k], src[k]);
      if constexpr (kCombine == Combine::kMin) dst[k] = std::min(dst[k], src[k]);
    }
  }
}

// ScatterNd(indices, updates, shape)
void ScatterNdCheck(OpContext& c) {
  Dispatch(IndexTypes{}, c, c.input(0).type(), "indices", [](auto) {});
  Dispatch(RealTypes{}, c, c.input(1).type(), "updates", [](auto) {});
  c.ExpectOutputType(0, c.input(1).type());
}

void ScatterNdShape(OpContext& c) {
  const std::vector<int64_t> dims = c.InputInts(2);
  c.ResizeOutput(0, Shape(dims.begin(), dims.end()));
}

void ScatterNdEval(OpContext& c) {
  const TensorView updates = c.input(1), y = c.output(0);
  const ScatterGeometry g = Geometry(c, 0, updates, y.shape());
  Dispatch(RealTypes{}, c, y.type(), "updates", [&](auto tag) {
    using T = typename decltype(tag)::type;
    std::fill(y.data<T>(), y.data<T>() + y.num_elements(), T(0));
    Apply<Combine::kAdd>(y.data<T>(), updates.data<T>(), g);
  });
}

// TensorScatter*(tensor, indices, updates)
void TensorScatterCheck(OpContext& c) {
  Dispatch(RealTypes{}, c, c.input(0).type(), "tensor", [](auto) {});
  Dispatch(IndexTypes{}, c, c.input(1).type(), "indices", [](auto) {});
  c.ExpectSameType(c.input(0), c.input(2), "tensor", "updates");
  c.ExpectOutputType(0, c.input(0).type());
}

void SameShape(OpContext& c) { c.ResizeOutput(0, c.input(0).shape()); }

template <Combine kCombine>
void TensorScatterEval(OpContext& c) {
  const TensorView tensor = c.input(0), updates = c.input(2), y = c.output(0);
  const ScatterGeometry g = Geometry(c, 1, updates, tensor.shape());
  Dispatch(RealTypes{}, c, y.type(), "tensor", [&](auto tag) {
    using T = typename decltype(tag)::type;
    std::copy(tensor.data<T>(), tensor.data<T>() + tensor.num_elements(), y.data<T>());
    Apply<kCombine>(y.data<T>(), updates.data<T>(), g);
  });
}

// GatherV2(params, indices, axis), attribute batch_dims.
struct GatherGeometry {
  int axis = 0, batch_dims = 0;
  Shape out;
};

GatherGeometry GatherShapeOf(const OpContext& c) {
  const TensorView params = c.input(0), indices = c.input(1);
  GatherGeometry g;
  g.axis = NormalizeAxis(c, c.InputScalarInt(2), params.rank(), "axis");
  int64_t batch_dims = c.AttrInt("batch_dims", 0);
  if (batch_dims < 0) batch_dims += indices.rank();
  if (batch_dims < 0 || batch_dims > indices.rank() || batch_dims > g.axis) {
    c.Unsupported("batch_dims", "must be in [-rank(indices), rank(indices)] and not exceed axis");
  }
  g.batch_dims = static_cast<int>(batch_dims);
  for (int d = 0; d < g.batch_dims; ++d) {
    if (params.dim(d) != indices.dim(d)) c.Fail("params and indices differ in batch dimension ", d);
  }
  const Shape p = params.shape(), i = indices.shape();
  g.out.assign(p.begin(), p.begin() + g.axis);
  g.out.insert(g.out.end(), i.begin() + g.batch_dims, i.end());
  g.out.insert(g.out.end(), p.begin() + g.axis + 1, p.end());
  return g;
}

void GatherCheck(OpContext& c) {
  Dispatch(IndexTypes{}, c, c.input(1).type(), "indices", [](auto) {});
  if (LiteTypeSize(c.input(0).type()) == 0) c.Fail("params has type ", LiteTypeName(c.input(0).type()));
  c.ExpectOutputType(0, c.input(0).type());
}

void GatherShape(OpContext& c) { c.ResizeOutput(0, GatherShapeOf(c).out); }

void GatherEval(OpContext& c) {
  const TensorView params = c.input(0), indices = c.input(1), y = c.output(0);
  const GatherGeometry g = GatherShapeOf(c);
  const Shape p = params.shape(), ishape = indices.shape();
  int64_t batch = 1, outer = 1, inner = 1, per_batch = 1;
  for (int d = 0; d < g.batch_dims; ++d) batch *= p[d];
  for (int d = g.batch_dims; d < g.axis; ++d) outer *= p[d];
  for (size_t d = g.axis + 1; d < p.size(); ++d) inner *= p[d];
  for (size_t d = g.batch_dims; d < ishape.size(); ++d) per_batch *= ishape[d];
  const int64_t axis_size = p[g.axis];
  const std::vector<int64_t> idx = c.InputInts(1);
  const size_t row = inner * LiteTypeSize(params.type());
  const auto* src = static_cast<const uint8_t*>(params.info.data);
  auto* dst = static_cast<uint8_t*>(y.info.data);
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t k = 0; k < per_batch; ++k) {
        const int64_t v = idx[b * per_batch + k];
        if (v < 0 || v >= axis_size) c.Fail("indices[", b * per_batch + k, "] = ", v, " is not in [0, ", axis_size, ")");
        std::memcpy(dst + ((b * outer + o) * per_batch + k) * row, src + ((b * outer + o) * axis_size + v) * row, row);
      }
    }
  }
}

template <Combine k>
KernelDef TensorScatter(const char* op) {
  return KernelDef{op, 3, 3, 1, TensorScatterCheck, SameShape, TensorScatterEval<k>};
}

}  // namespace

const std::vector<KernelDef>& ScatterGatherKernels() {
  static const std::vector<KernelDef> kernels = {
      KernelDef{"ScatterNd", 3, 3, 1, ScatterNdCheck, ScatterNdShape, ScatterNdEval, 1u << 2},
      TensorScatter<Combine::kUpdate>("TensorScatterUpdate"),
      TensorScatter<Combine::kAdd>("TensorScatterAdd"),
      TensorScatter<Combine::kSub>("TensorScatterSub"),
      TensorScatter<Combine::kMax>("TensorScatterMax"),
      TensorScatter<Combine::kMin>("TensorScatterMin"),
      KernelDef{"GatherV2", 3, 3, 1, GatherCheck, GatherShape, GatherEval, 1u << 2},
  };
  return kernels;
}

}  // namespace edgelite::select
