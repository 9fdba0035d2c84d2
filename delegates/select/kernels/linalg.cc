// Dense linear algebra on batches of square matrices: MatrixDeterminant (LU with partial pivoting),
// MatrixInverse and MatrixSolve (Gauss-Jordan with partial pivoting; `adjoint` transposes), Cholesky.
// Work is done in double and rounded to the tensor's type; a singular or non-positive-definite input is
// an error, as in TF's kernels.
#include <cmath>
#include <vector>

#include "delegates/select/kernels/common.h"

namespace edgelite::select {
namespace {

void CheckSquare(OpContext& c, const TensorView& x, const char* what) {
  Dispatch(FloatTypes{}, c, x.type(), what, [](auto) {});
  if (x.rank() < 2) c.Fail(what, " must have rank >= 2, has ", x.rank());
  if (x.dim(x.rank() - 1) != x.dim(x.rank() - 2)) {
    c.Fail(what, " must be square, is ", x.dim(x.rank() - 2), "x", x.dim(x.rank() - 1));
  }
}

void SquareCheck(OpContext& c) {
  CheckSquare(c, c.input(0), "input");
  c.ExpectOutputType(0, c.input(0).type());
  c.AttrBool("adjoint", false);
}

void SameShape(OpContext& c) { c.ResizeOutput(0, c.input(0).shape()); }

void DetShape(OpContext& c) {
  Shape s = c.input(0).shape();
  s.resize(s.size() - 2);
  c.ResizeOutput(0, s);
}

// Loads matrix b of a batch into row-major doubles (transposed for `adjoint` of a real matrix).
template <typename T>
void Load(const T* src, int64_t n, int64_t cols, bool transpose, std::vector<double>& dst) {
  dst.resize(n * cols);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < cols; ++j) dst[i * cols + j] = transpose ? src[j * n + i] : src[i * cols + j];
}

void DetEval(OpContext& c) {
  const TensorView x = c.input(0), y = c.output(0);
  const int64_t n = x.dim(x.rank() - 1);
  const int64_t batch = y.num_elements();
  Dispatch(FloatTypes{}, c, x.type(), "input", [&](auto tag) {
    using T = typename decltype(tag)::type;
    std::vector<double> a;
    for (int64_t b = 0; b < batch; ++b) {
      Load(x.data<T>() + b * n * n, n, n, false, a);
      double det = 1;
      for (int64_t k = 0; k < n && det != 0; ++k) {
        int64_t p = k;
        for (int64_t i = k + 1; i < n; ++i) if (std::abs(a[i * n + k]) > std::abs(a[p * n + k])) p = i;
        if (a[p * n + k] == 0) { det = 0; break; }
        if (p != k) {
          for (int64_t j = 0; j < n; ++j) std::swap(a[k * n + j], a[p * n + j]);
          det = -det;
        }
        det *= a[k * n + k];
        for (int64_t i = k + 1; i < n; ++i) {
          const double f = a[i * n + k] / a[k * n + k];
          for (int64_t j = k; j < n; ++j) a[i * n + j] -= f * a[k * n + j];
        }
      }
      y.data<T>()[b] = static_cast<T>(det);
    }
  });
}

// Solves A X = B in place (A n x n, B n x m) by Gauss-Jordan with partial pivoting; false if singular.
bool GaussJordan(std::vector<double>& a, std::vector<double>& b, int64_t n, int64_t m) {
  for (int64_t k = 0; k < n; ++k) {
    int64_t p = k;
    for (int64_t i = k + 1; i < n; ++i) if (std::abs(a[i * n + k]) > std::abs(a[p * n + k])) p = i;
    if (a[p * n + k] == 0 || !std::isfinite(a[p * n + k])) return false;
    if (p != k) {
      for (int64_t j = 0; j < n; ++j) std::swap(a[k * n + j], a[p * n + j]);
      for (int64_t j = 0; j < m; ++j) std::swap(b[k * m + j], b[p * m + j]);
    }
    const double inv = 1 / a[k * n + k];
    for (int64_t j = 0; j < n; ++j) a[k * n + j] *= inv;
    for (int64_t j = 0; j < m; ++j) b[k * m + j] *= inv;
    for (int64_t i = 0; i < n; ++i) {
      if (i == k || a[i * n + k] == 0) continue;
      const double f = a[i * n + k];
      for (int64_t j = 0; j < n; ++j) a[i * n + j] -= f * a[k * n + j];
      for (int64_t j = 0; j < m; ++j) b[i * m + j] -= f * b[k * m + j];
    }
  }
  return true;
}

void InverseEval(OpContext& c) {
  const TensorView x = c.input(0), y = c.output(0);
  const int64_t n = x.dim(x.rank() - 1);
  const int64_t batch = n ? x.num_elements() / (n * n) : 0;
  const bool adjoint = c.AttrBool("adjoint", false);
  Dispatch(FloatTypes{}, c, x.type(), "input", [&](auto tag) {
    using T = typename decltype(tag)::type;
    std::vector<double> a, inv;
    for (int64_t b = 0; b < batch; ++b) {
      Load(x.data<T>() + b * n * n, n, n, adjoint, a);
      inv.assign(n * n, 0);
      for (int64_t i = 0; i < n; ++i) inv[i * n + i] = 1;
      if (!GaussJordan(a, inv, n, n)) c.Fail("input is not invertible (matrix ", b, " of the batch)");
      for (int64_t i = 0; i < n * n; ++i) y.data<T>()[b * n * n + i] = static_cast<T>(inv[i]);
    }
  });
}

void SolveCheck(OpContext& c) {
  CheckSquare(c, c.input(0), "matrix");
  const TensorView a = c.input(0), r = c.input(1);
  c.ExpectSameType(a, r, "matrix", "rhs");
  if (r.rank() != a.rank()) c.Fail("rhs must have the rank of matrix (", a.rank(), "), has ", r.rank());
  for (int d = 0; d < a.rank() - 2; ++d) {
    if (a.dim(d) != r.dim(d)) c.Fail("matrix and rhs batch dimensions differ at ", d);
  }
  if (r.dim(r.rank() - 2) != a.dim(a.rank() - 1)) c.Fail("rhs has ", r.dim(r.rank() - 2), " rows, matrix is ", a.dim(a.rank() - 1));
  c.ExpectOutputType(0, a.type());
  c.AttrBool("adjoint", false);
}

void SolveShape(OpContext& c) { c.ResizeOutput(0, c.input(1).shape()); }

void SolveEval(OpContext& c) {
  const TensorView x = c.input(0), rhs = c.input(1), y = c.output(0);
  const int64_t n = x.dim(x.rank() - 1), m = rhs.dim(rhs.rank() - 1);
  const int64_t batch = n ? x.num_elements() / (n * n) : 0;
  const bool adjoint = c.AttrBool("adjoint", false);
  Dispatch(FloatTypes{}, c, x.type(), "matrix", [&](auto tag) {
    using T = typename decltype(tag)::type;
    std::vector<double> a, b;
    for (int64_t k = 0; k < batch; ++k) {
      Load(x.data<T>() + k * n * n, n, n, adjoint, a);
      Load(rhs.data<T>() + k * n * m, n, m, false, b);
      if (!GaussJordan(a, b, n, m)) c.Fail("input matrix is not invertible (matrix ", k, " of the batch)");
      for (int64_t i = 0; i < n * m; ++i) y.data<T>()[k * n * m + i] = static_cast<T>(b[i]);
    }
  });
}

// Cholesky reads only the lower triangle (TF's kernel does the same) and zeroes the upper one.
void CholeskyEval(OpContext& c) {
  const TensorView x = c.input(0), y = c.output(0);
  const int64_t n = x.dim(x.rank() - 1);
  const int64_t batch = n ? x.num_elements() / (n * n) : 0;
  Dispatch(FloatTypes{}, c, x.type(), "input", [&](auto tag) {
    using T = typename decltype(tag)::type;
    std::vector<double> a, l;
    for (int64_t b = 0; b < batch; ++b) {
      Load(x.data<T>() + b * n * n, n, n, false, a);
      l.assign(n * n, 0);
      for (int64_t j = 0; j < n; ++j) {
        double d = a[j * n + j];
        for (int64_t k = 0; k < j; ++k) d -= l[j * n + k] * l[j * n + k];
        if (!(d > 0)) c.Fail("Cholesky decomposition was not successful: the input is not positive definite");
        l[j * n + j] = std::sqrt(d);
        for (int64_t i = j + 1; i < n; ++i) {
          double s = a[i * n + j];
          for (int64_t k = 0; k < j; ++k) s -= l[i * n + k] * l[j * n + k];
          l[i * n + j] = s / l[j * n + j];
        }
      }
      for (int64_t i = 0; i < n * n; ++i) y.data<T>()[b * n * n + i] = static_cast<T>(l[i]);
    }
  });
}

}  // namespace

const std::vector<KernelDef>& LinalgKernels() {
  static const std::vector<KernelDef> kernels = {
      KernelDef{"MatrixDeterminant", 1, 1, 1, SquareCheck, DetShape, DetEval},
      KernelDef{"MatrixInverse", 1, 1, 1, SquareCheck, SameShape, InverseEval},
      KernelDef{"Cholesky", 1, 1, 1, SquareCheck, SameShape, CholeskyEval},
      KernelDef{"MatrixSolve", 2, 2, 1, SolveCheck, SolveShape, SolveEval},
  };
  return kernels;
}

}  // namespace edgelite::select
