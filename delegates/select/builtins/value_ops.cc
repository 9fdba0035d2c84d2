// LiteRT builtins with no TF op in this library to share: BUCKETIZE (bucket = how many boundaries are <=
// the value, boundaries sorted; int32 out), REAL / IMAG / COMPLEX_ABS (complex64 -> float32, complex128 ->
// float64) and MATRIX_SET_DIAG (the input with its main diagonal, of length min(rows, cols), replaced); and
// LiteRT's custom NumericVerify: float32 dequantize(input) - reference, the input int8, uint8, int16 or
// float16 (dequantized in double, as LiteRT's reference kernel; LiteRT 2.3.0 only logs large differences,
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
  for (int64_t i = 0; i < q.num_elements(); ++i) {
    float value;
    switch (q.type()) {
      case kLiteInt8: value = static_cast<float>(scale * (q.data<int8_t>()[i] - zero)); break;
      case kLiteUint8: value = static_cast<float>(scale * (q.data<uint8_t>()[i] - zero)); break;
      case kLiteInt16: value = static_cast<float>(scale * (q.data<int16_t>()[i] - zero)); break;
      default: value = HalfToFloat(q.data<uint16_t>()[i]);
    }
    out[i] = value - ref.data<float>()[i];
  }
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
  };
  return kernels;
}

}  // namespace edgelite::select
