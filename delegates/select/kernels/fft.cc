// FFT, IFFT, RFFT, IRFFT in 1, 2 and 3 dimensions over the innermost axes, as TF's FFT ops: complex64
// or complex128, the inverse scaled by 1/N, RFFT/IRFFT cropping or zero-padding the input to
// `fft_length` (IRFFT's last axis to fft_length/2 + 1) and IRFFT ignoring the imaginary parts that a
// Hermitian spectrum cannot have. Transforms run in double precision: radix-2 for powers of two,
// Bluestein's chirp-z (through a power-of-two transform) for other lengths.
#include <cmath>
#include <complex>
#include <cstring>

#include "delegates/select/kernels/common.h"
#include "delegates/select/kernels/fft.h"

namespace edgelite::select {
namespace {

using Complex = std::complex<double>;

bool IsPowerOfTwo(size_t n) { return n && !(n & (n - 1)); }

// In-place radix-2 transform; `inverse` uses e^{+i...} and does not scale.
void Radix2(std::vector<Complex>& a, bool inverse) {
  const size_t n = a.size();
  for (size_t i = 1, j = 0; i < n; ++i) {
    size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }
  for (size_t len = 2; len <= n; len <<= 1) {
    const double angle = (inverse ? 2 : -2) * M_PI / static_cast<double>(len);
    for (size_t start = 0; start < n; start += len) {
      for (size_t k = 0; k < len / 2; ++k) {
        // Twiddles from cos/sin of each angle rather than repeated multiplication: no error build-up.
        const Complex w(std::cos(angle * k), std::sin(angle * k));
        const Complex u = a[start + k], v = a[start + k + len / 2] * w;
        a[start + k] = u + v;
        a[start + k + len / 2] = u - v;
      }
    }
  }
}

// Any length: Bluestein's identity nk = (n^2 + k^2 - (k-n)^2) / 2 turns the DFT into a convolution.
void Transform(std::vector<Complex>& a, bool inverse) {
  const size_t n = a.size();
  if (n <= 1) return;
  if (IsPowerOfTwo(n)) return Radix2(a, inverse);
  size_t m = 1;
  while (m < 2 * n - 1) m <<= 1;
  const double sign = inverse ? 1 : -1;
  std::vector<Complex> chirp(n), x(m), y(m);
  for (size_t k = 0; k < n; ++k) {
    const double phase = M_PI * static_cast<double>((k * k) % (2 * n)) / static_cast<double>(n);
    chirp[k] = Complex(std::cos(phase), sign * std::sin(phase));
  }
  for (size_t k = 0; k < n; ++k) x[k] = a[k] * chirp[k];
  y[0] = std::conj(chirp[0]);
  for (size_t k = 1; k < n; ++k) y[k] = y[m - k] = std::conj(chirp[k]);
  Radix2(x, false);
  Radix2(y, false);
  for (size_t k = 0; k < m; ++k) x[k] *= y[k];
  Radix2(x, true);
  for (size_t k = 0; k < n; ++k) a[k] = x[k] * chirp[k] / static_cast<double>(m);
}

}  // namespace

void FftInPlace(std::vector<std::complex<double>>& a, bool inverse) { Transform(a, inverse); }

namespace {

// Transforms `data` (row-major, `shape`) along axis `axis`.
void TransformAxis(std::vector<Complex>& data, const Shape& shape, int axis, bool inverse) {
  const int64_t n = shape[axis];
  if (n <= 1 || data.empty()) return;
  int64_t inner = 1;
  for (size_t d = axis + 1; d < shape.size(); ++d) inner *= shape[d];
  const int64_t outer = static_cast<int64_t>(data.size()) / (n * inner);
  std::vector<Complex> line(n);
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      Complex* base = data.data() + o * n * inner + i;
      for (int64_t k = 0; k < n; ++k) line[k] = base[k * inner];
      Transform(line, inverse);
      for (int64_t k = 0; k < n; ++k) base[k * inner] = line[k];
    }
  }
}

// Copies `in` (shape in_shape) into a zero buffer of shape out_shape, cropping each axis (same rank).
template <typename T>
std::vector<Complex> CropOrPad(const T* in, const Shape& in_shape, const Shape& out_shape) {
  std::vector<Complex> out(NumElements(out_shape));
  if (out.empty()) return out;
  const int rank = static_cast<int>(in_shape.size());
  const std::vector<int64_t> in_strides = Strides(in_shape);
  std::vector<int32_t> counter(rank, 0);
  for (size_t i = 0; i < out.size(); ++i) {
    bool inside = true;
    int64_t src = 0;
    for (int d = 0; d < rank; ++d) {
      inside = inside && counter[d] < in_shape[d];
      src += counter[d] * in_strides[d];
    }
    if (inside) out[i] = Complex(in[src]);
    for (int d = rank - 1; d >= 0; --d) {
      if (++counter[d] < out_shape[d]) break;
      counter[d] = 0;
    }
  }
  return out;
}

enum class FftKind { kComplex, kReal, kInverseReal };

struct FftOp {
  FftKind kind;
  bool inverse;  // for kComplex
  int dims;
};

int FftDims(const OpContext& c) {
  const std::string& op = c.op();
  return op.back() == 'D' ? op[op.size() - 2] - '0' : 1;  // "FFT2D" -> 2, "RFFT" -> 1
}

FftOp Describe(const OpContext& c) {
  const std::string& op = c.op();
  FftOp f{FftKind::kComplex, false, FftDims(c)};
  if (op.rfind("IRFFT", 0) == 0) f.kind = FftKind::kInverseReal;
  else if (op.rfind("RFFT", 0) == 0) f.kind = FftKind::kReal;
  else f.inverse = op[0] == 'I';
  return f;
}

std::vector<int64_t> FftLengths(const OpContext& c, int dims) {
  const TensorView len = c.input(1);
  if (len.type() != kLiteInt32) c.Fail("fft_length has type ", LiteTypeName(len.type()), ", expected int32");
  const std::vector<int64_t> lengths = c.InputInts(1);
  if (static_cast<int>(lengths.size()) != dims) c.Fail("fft_length must have ", dims, " values, has ", lengths.size());
  for (int64_t l : lengths) {
    if (l < 0) c.Fail("fft_length ", l, " is negative");
  }
  return lengths;
}

int32_t ComplexOf(int32_t real) { return real == kLiteFloat64 ? kLiteComplex128 : kLiteComplex64; }

void Check(OpContext& c) {
  const FftOp f = Describe(c);
  const TensorView x = c.input(0);
  if (x.rank() < f.dims) c.Fail("input must have rank >= ", f.dims, ", has ", x.rank());
  if (f.kind == FftKind::kComplex) {
    if (c.num_inputs() != 1) c.Fail("has ", c.num_inputs(), " inputs, expected 1");
    Dispatch(TypeList<std::complex<float>, std::complex<double>>{}, c, x.type(), "input", [](auto) {});
    c.ExpectOutputType(0, x.type());
  } else if (f.kind == FftKind::kReal) {
    if (c.num_inputs() != 2) c.Fail("has ", c.num_inputs(), " inputs, expected 2 (input, fft_length)");
    Dispatch(FloatTypes{}, c, x.type(), "input", [](auto) {});
    c.ExpectOutputType(0, ComplexOf(x.type()));
  } else {
    if (c.num_inputs() != 2) c.Fail("has ", c.num_inputs(), " inputs, expected 2 (input, fft_length)");
    Dispatch(TypeList<std::complex<float>, std::complex<double>>{}, c, x.type(), "input", [](auto) {});
    c.ExpectOutputType(0, x.type() == kLiteComplex128 ? kLiteFloat64 : kLiteFloat32);
  }
}

void ShapeFft(OpContext& c) {
  const FftOp f = Describe(c);
  Shape s = c.input(0).shape();
  if (f.kind != FftKind::kComplex) {
    const std::vector<int64_t> lengths = FftLengths(c, f.dims);
    for (int d = 0; d < f.dims; ++d) s[s.size() - f.dims + d] = static_cast<int32_t>(lengths[d]);
    if (f.kind == FftKind::kReal) s.back() = static_cast<int32_t>(lengths.back() / 2 + 1);
  }
  c.ResizeOutput(0, s);
}

template <typename T>
void Store(const std::vector<Complex>& values, double scale, T* out) {
  for (size_t i = 0; i < values.size(); ++i) out[i] = T(values[i].real() * scale, values[i].imag() * scale);
}

void EvalComplex(OpContext& c, const FftOp& f) {
  const TensorView x = c.input(0), y = c.output(0);
  const Shape shape = x.shape();
  const int rank = x.rank();
  double n = 1;
  for (int d = rank - f.dims; d < rank; ++d) n *= shape[d];
  Dispatch(TypeList<std::complex<float>, std::complex<double>>{}, c, x.type(), "input", [&](auto tag) {
    using T = typename decltype(tag)::type;
    std::vector<Complex> data = CropOrPad(x.data<T>(), shape, shape);
    for (int d = rank - f.dims; d < rank; ++d) TransformAxis(data, shape, d, f.inverse);
    Store(data, f.inverse && n > 0 ? 1.0 / n : 1.0, y.data<T>());
  });
}

void EvalReal(OpContext& c, const FftOp& f) {
  const TensorView x = c.input(0), y = c.output(0);
  const std::vector<int64_t> lengths = FftLengths(c, f.dims);
  const int rank = x.rank();
  Shape full = x.shape();
  for (int d = 0; d < f.dims; ++d) full[rank - f.dims + d] = static_cast<int32_t>(lengths[d]);
  Dispatch(FloatTypes{}, c, x.type(), "input", [&](auto tag) {
    using T = typename decltype(tag)::type;
    std::vector<Complex> data = CropOrPad(x.data<T>(), x.shape(), full);
    for (int d = rank - f.dims; d < rank; ++d) TransformAxis(data, full, d, false);
    // Keep the non-negative frequencies of the last axis.
    const int64_t last = full.back(), kept = y.dim(rank - 1);
    const int64_t rows = last ? static_cast<int64_t>(data.size()) / last : 0;
    std::vector<Complex> half(rows * kept);
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t k = 0; k < kept; ++k) half[r * kept + k] = data[r * last + k];
    }
    if (y.type() == kLiteComplex64) Store(half, 1.0, y.data<std::complex<float>>());
    else Store(half, 1.0, y.data<std::complex<double>>());
  });
}

void EvalInverseReal(OpContext& c, const FftOp& f) {
  const TensorView x = c.input(0), y = c.output(0);
  const std::vector<int64_t> lengths = FftLengths(c, f.dims);
  const int rank = x.rank();
  const int64_t last = lengths.back(), kept = last / 2 + 1;
  Shape spectrum = x.shape();
  for (int d = 0; d < f.dims; ++d) spectrum[rank - f.dims + d] = static_cast<int32_t>(lengths[d]);
  spectrum.back() = static_cast<int32_t>(kept);
  std::vector<Complex> data;
  Dispatch(TypeList<std::complex<float>, std::complex<double>>{}, c, x.type(), "input", [&](auto tag) {
    using T = typename decltype(tag)::type;
    data = CropOrPad(x.data<T>(), x.shape(), spectrum);
  });
  // Inverse transforms over the outer transformed axes, then a Hermitian inverse along the last one.
  for (int d = rank - f.dims; d < rank - 1; ++d) TransformAxis(data, spectrum, d, true);
  double n = static_cast<double>(last);
  for (int d = rank - f.dims; d < rank - 1; ++d) n *= spectrum[d];
  const int64_t rows = kept ? static_cast<int64_t>(data.size()) / kept : 0;
  std::vector<Complex> line(last);
  for (int64_t r = 0; r < rows; ++r) {
    const Complex* half = data.data() + r * kept;
    for (int64_t k = 0; k < last; ++k) line[k] = k < kept ? half[k] : std::conj(half[last - k]);
    // The imaginary parts of the DC and Nyquist terms have no Hermitian counterpart: the real part
    // of the inverse drops them, as TF and NumPy do.
    Transform(line, true);
    for (int64_t k = 0; k < last; ++k) {
      const double v = line[k].real() / n;
      if (y.type() == kLiteFloat32) y.data<float>()[r * last + k] = static_cast<float>(v);
      else y.data<double>()[r * last + k] = v;
    }
  }
}

void Eval(OpContext& c) {
  const FftOp f = Describe(c);
  if (f.kind == FftKind::kComplex) EvalComplex(c, f);
  else if (f.kind == FftKind::kReal) EvalReal(c, f);
  else EvalInverseReal(c, f);
}

}  // namespace

const std::vector<KernelDef>& FftKernels() {
  static const std::vector<KernelDef> kernels = [] {
    std::vector<KernelDef> k;
    for (const char* op : {"FFT", "IFFT", "FFT2D", "IFFT2D", "FFT3D", "IFFT3D"}) {
      k.push_back(KernelDef{op, 1, 1, 1, Check, ShapeFft, Eval});
    }
    for (const char* op : {"RFFT", "IRFFT", "RFFT2D", "IRFFT2D", "RFFT3D", "IRFFT3D"}) {
      k.push_back(KernelDef{op, 2, 2, 1, Check, ShapeFft, Eval, 1u << 1});
    }
    return k;
  }();
  return kernels;
}

}  // namespace edgelite::select
