// LiteRT builtins with no TF op in this library to share: BUCKETIZE (bucket = how many boundaries are <=
// the value, boundaries sorted; int32 out), REAL / IMAG / COMPLEX_ABS (complex64 -> float32, complex128 ->
// float64) and MATRIX_SET_DIAG (the input with its main diagonal, of length min(rows, cols), replaced),
// EMBEDDING_LOOKUP_SPARSE; and
// LiteRT's custom NumericVerify: float32 dequantize(input) - reference, the input int8, uint8, int16 or
// float16 (dequantized as LiteRT 2.3.0's kernel does, see VerifyEval; LiteRT only logs large differences,
// so the tolerance in its options changes nothing here either).
#include <algorithm>
#include <cmath>
#include <complex>
#include <cstring>
#include <vector>

#include "delegates/select/builtins/custom_ops.h"

namespace edgelite::select {
namespace {

using BucketTypes = TypeList<float, double, int32_t, int64_t>;

void BucketizeCheck(OpContext& c) {
  Dispatch(BucketTypes{}, c, c.input(0).type(), "input", [](auto) {});
  c.ExpectOutputType(0, kLiteInt32);
  const AttrValue* b = c.FindAttr("boundaries");
  if (b && !std::is_sorted(b->list.f.begin(), b->list.f.end())) c.Fail("boundaries must be sorted");
}

void SameShapeAsInput(OpContext& c) { c.ResizeOutput(0, c.input(0).shape()); }

void BucketizeEval(OpContext& c) {
  const AttrValue* attr = c.FindAttr("boundaries");
  const std::vector<float> none;
  const std::vector<float>& bounds = attr ? attr->list.f : none;
  const TensorView x = c.input(0);
  int32_t* out = c.output(0).data<int32_t>();
  Dispatch(BucketTypes{}, c, x.type(), "input", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* in = x.data<T>();
    for (int64_t i = 0; i < x.num_elements(); ++i) {
      // Compared as LiteRT does: the value against each float boundary, in the value's type promoted.
      out[i] = static_cast<int32_t>(std::upper_bound(bounds.begin(), bounds.end(), in[i],
                                                     [](T v, float b) { return v < b; }) - bounds.begin());
    }
  });
}

enum class Part { kReal, kImag, kAbs };

template <Part part>
void ComplexCheck(OpContext& c) {
  const int32_t t = c.input(0).type();
  if (t != kLiteComplex64 && t != kLiteComplex128) {
    c.Fail("input has type ", LiteTypeName(t), "; this kernel takes complex64 or complex128");
  }
  c.ExpectOutputType(0, t == kLiteComplex64 ? kLiteFloat32 : kLiteFloat64);
}

template <Part part>
void ComplexEval(OpContext& c) {
  const TensorView x = c.input(0);
  Dispatch(TypeList<std::complex<float>, std::complex<double>>{}, c, x.type(), "input", [&](auto tag) {
    using C = typename decltype(tag)::type;
    using R = typename C::value_type;
    const C* in = x.data<C>();
    R* out = c.output(0).data<R>();
    for (int64_t i = 0; i < x.num_elements(); ++i) {
      out[i] = part == Part::kReal ? in[i].real() : part == Part::kImag ? in[i].imag() : std::abs(in[i]);
    }
  });
}

void SetDiagCheck(OpContext& c) {
  const TensorView x = c.input(0), d = c.input(1);
  if (x.rank() < 2) c.Fail("input must have rank >= 2, has ", x.rank());
  c.ExpectSameType(x, d, "input", "diagonal");
  c.ExpectOutputType(0, x.type());
  if (LiteTypeSize(x.type()) == 0) c.Fail("input has type ", LiteTypeName(x.type()));
  Shape want = x.shape();
  want.pop_back();
  want.back() = std::min(x.dim(x.rank() - 2), x.dim(x.rank() - 1));
  if (d.shape() != want) c.Fail("diagonal must have the input's batch shape and min(rows, cols) entries");
}

void SetDiagEval(OpContext& c) {
  const TensorView x = c.input(0), d = c.input(1), y = c.output(0);
  const size_t elem = LiteTypeSize(x.type());
  const int64_t rows = x.dim(x.rank() - 2), cols = x.dim(x.rank() - 1), len = std::min(rows, cols);
  const int64_t batch = rows > 0 && cols > 0 ? x.num_elements() / (rows * cols) : 0;
  auto* out = static_cast<uint8_t*>(y.info.data);
  const auto* diag = static_cast<const uint8_t*>(d.info.data);
  std::memmove(out, x.info.data, x.num_elements() * elem);
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t i = 0; i < len; ++i) {
      std::memcpy(out + ((b * rows + i) * cols + i) * elem, diag + (b * len + i) * elem, elem);
    }
  }
}

void VerifyCheck(OpContext& c) {
  const TensorView q = c.input(0), ref = c.input(1);
  const int32_t t = q.type();
  if (t != kLiteInt8 && t != kLiteUint8 && t != kLiteInt16 && t != kLiteFloat16) {
    c.Fail("input has type ", LiteTypeName(t), "; this kernel takes int8, uint8, int16 or float16");
  }
  if (t != kLiteFloat16 && q.info.num_scales != 1) c.Fail("the quantized input needs one scale");
  if (ref.type() != kLiteFloat32 || ref.shape() != q.shape()) c.Fail("reference must be float32 of the input's shape");
  c.ExpectOutputType(0, kLiteFloat32);
}

float HalfToFloat(uint16_t h) {
  const uint32_t sign = (h >> 15) & 1, exp = (h >> 10) & 0x1f, man = h & 0x3ff;
  const float v = exp == 0 ? std::ldexp(static_cast<float>(man), -24)
                  : exp == 31 ? (man ? NAN : INFINITY)
                              : std::ldexp(static_cast<float>(man | 0x400), static_cast<int>(exp) - 25);
  return sign ? -v : v;
}

void VerifyEval(OpContext& c) {
  const TensorView q = c.input(0), ref = c.input(1);
  float* out = c.output(0).data<float>();
  const double scale = q.type() == kLiteFloat16 ? 1.0 : q.info.scales[0];
  const int64_t zero = q.type() == kLiteFloat16 ? 0 : q.info.zero_points[0];
  const float fscale = static_cast<float>(scale), offset = static_cast<float>(zero) * fscale;
  volatile float product;
  const int64_t blocked = q.num_elements() - q.num_elements() % 8;
  for (int64_t i = 0; i < q.num_elements(); ++i) {
    float value;
    switch (q.type()) {
      // int8 / uint8 as LiteRT's optimized dequantize: blocks of 8 as q * scale - zero_point * scale in
      // float, two roundings (the volatile keeps the compiler from fusing them into one multiply-subtract);
      // the last n % 8 values as scale * (q - zero_point). Measured against LiteRT 2.3.0, bit for bit.
      case kLiteInt8:
      case kLiteUint8: {
        const int32_t v = q.type() == kLiteInt8 ? q.data<int8_t>()[i] : q.data<uint8_t>()[i];
        if (i < blocked) {
          product = static_cast<float>(v) * fscale;
          value = product - offset;
        } else {
          value = static_cast<float>(static_cast<double>(fscale) * (v - zero));
        }
        break;
      }
      case kLiteInt16: value = static_cast<float>(scale * (q.data<int16_t>()[i] - zero)); break;
      default: value = HalfToFloat(q.data<uint16_t>()[i]);
    }
    out[i] = value - ref.data<float>()[i];
  }
}

// ---- EMBEDDING_LOOKUP_SPARSE(ids [n], indices [n, rank], dense_shape [rank], weights [n], params [rows, ...]) ----
// The weighted sum of params rows per output bucket (the indices without their last column), divided by the
// total weight (MEAN) or the root of the squared weights (SQRTN). As LiteRT, a bucket is closed when the
// next id falls in another one (indices are meant to be sorted), and sums run in float.
void SparseCheck(OpContext& c) {
  const TensorView ids = c.input(0), indices = c.input(1), shape = c.input(2), w = c.input(3), params = c.input(4);
  if (ids.type() != kLiteInt32 || ids.rank() != 1) c.Fail("ids must be a 1-D int32 tensor");
  if (indices.type() != kLiteInt32 || indices.rank() != 2 || indices.dim(0) != ids.dim(0)) {
    c.Fail("indices must be int32 [num_ids, rank]");
  }
  if (shape.type() != kLiteInt32 || shape.rank() != 1 || shape.dim(0) != indices.dim(1)) {
    c.Fail("dense_shape must be int32 [rank] with rank = indices' second dimension");
  }
  if (w.type() != kLiteFloat32 || w.rank() != 1 || w.dim(0) != ids.dim(0)) c.Fail("weights must be float32 [num_ids]");
  if (params.type() != kLiteFloat32 || params.rank() < 2) c.Fail("params must be float32 with rank >= 2");
  c.ExpectOutputType(0, kLiteFloat32);
  const int64_t combiner = c.AttrInt("combiner", 0);
  if (combiner < 0 || combiner > 2) c.Fail("combiner ", combiner, " is not SUM, MEAN or SQRTN");
}

void SparseEval(OpContext& c) {
  const TensorView ids = c.input(0), indices = c.input(1), params = c.input(4);
  const std::vector<int64_t> dense = c.InputInts(2);
  const int64_t rank = indices.dim(1), n = ids.dim(0), rows = params.dim(0);
  Shape out_shape(dense.begin(), dense.end() - 1);
  int64_t embedding = 1;
  for (int i = 1; i < params.rank(); ++i) out_shape.push_back(params.dim(i)), embedding *= params.dim(i);
  for (int64_t d : dense) {
    if (d < 0) c.Fail("dense_shape has a negative dimension ", d);
  }
  c.ResizeOutput(0, out_shape);
  const TensorView y = c.output(0);
  float* out = y.data<float>();
  const int64_t size = y.num_elements();
  std::fill(out, out + size, 0.0f);
  const int64_t combiner = c.AttrInt("combiner", 0);
  int64_t bucket_start = 0, count = 0;
  float total = 0, squares = 0;
  auto finish = [&] {
    if (combiner == 0 || count == 0) return;
    const float by = combiner == 1 ? total : std::sqrt(squares);
    for (int64_t k = 0; k < embedding && bucket_start + k < size; ++k) out[bucket_start + k] /= by;
  };
  for (int64_t i = 0; i < n; ++i) {
    const int32_t id = ids.data<int32_t>()[i];
    if (id < 0 || id >= rows) c.Fail("id ", id, " is out of bounds [0, ", rows, ")");
    int64_t bucket = 0, stride = 1;
    for (int64_t k = rank - 2; k >= 0; --k) {
      const int32_t v = indices.data<int32_t>()[i * rank + k];
      if (v < 0 || v >= dense[k]) c.Fail("indices[", i, ", ", k, "] = ", v, " is out of bounds [0, ", dense[k], ")");
      bucket += v * stride;
      stride *= dense[k];
    }
    const int64_t offset = bucket * embedding;
    if (offset != bucket_start) {
      finish();
      count = 0, total = 0, squares = 0, bucket_start = offset;
    }
    ++count;
    const float w = c.input(3).data<float>()[i];
    squares += w * w;
    total += w;
    const float* row = params.data<float>() + id * embedding;
    for (int64_t k = 0; k < embedding; ++k) out[offset + k] += row[k] * w;
  }
  finish();
}

}  // namespace

const KernelDef& NumericVerifyKernel() {
  static const KernelDef kernel{"NumericVerify", 2, 2, 1, VerifyCheck, SameShapeAsInput, VerifyEval};
  return kernel;
}

const std::vector<KernelDef>& LiteRtValueKernels() {
  static const std::vector<KernelDef> kernels = {
      KernelDef{"BUCKETIZE", 1, 1, 1, BucketizeCheck, SameShapeAsInput, BucketizeEval},
      KernelDef{"REAL", 1, 1, 1, ComplexCheck<Part::kReal>, SameShapeAsInput, ComplexEval<Part::kReal>},
      KernelDef{"IMAG", 1, 1, 1, ComplexCheck<Part::kImag>, SameShapeAsInput, ComplexEval<Part::kImag>},
      KernelDef{"COMPLEX_ABS", 1, 1, 1, ComplexCheck<Part::kAbs>, SameShapeAsInput, ComplexEval<Part::kAbs>},
      KernelDef{"MATRIX_SET_DIAG", 2, 2, 1, SetDiagCheck, SameShapeAsInput, SetDiagEval},
      // Its output shape comes from dense_shape's values at each eval (dynamic, as LiteRT's).
      KernelDef{"EMBEDDING_LOOKUP_SPARSE", 5, 5, 1, SparseCheck, nullptr, SparseEval},
  };
  return kernels;
}

}  // namespace edgelite::select
