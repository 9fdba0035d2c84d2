// Ops that build or mask batches of matrices: MatrixBandPart and MatrixDiagV3 (several diagonals,
// num_rows/num_cols inference and the four `align` modes of TF's packed diagonal format).
#include <algorithm>
#include <cstring>

#include "delegates/select/kernels/common.h"

namespace edgelite::select {
namespace {

void BandCheck(OpContext& c) {
  const TensorView x = c.input(0);
  if (x.rank() < 2) c.Fail("input must have rank >= 2, has ", x.rank());
  if (LiteTypeSize(x.type()) == 0) c.Fail("input has type ", LiteTypeName(x.type()));
  c.ExpectOutputType(0, x.type());
}

void SameShape(OpContext& c) { c.ResizeOutput(0, c.input(0).shape()); }

void BandEval(OpContext& c) {
  const TensorView x = c.input(0), y = c.output(0);
  const int64_t rows = x.dim(x.rank() - 2), cols = x.dim(x.rank() - 1);
  int64_t lower = c.InputScalarInt(1), upper = c.InputScalarInt(2);
  if (lower > rows) c.Fail("num_lower ", lower, " exceeds the number of rows ", rows);
  if (upper > cols) c.Fail("num_upper ", upper, " exceeds the number of columns ", cols);
  if (lower < 0) lower = rows;  // negative keeps the whole lower triangle
  if (upper < 0) upper = cols;
  const size_t elem = LiteTypeSize(x.type());
  const int64_t batch = rows * cols != 0 ? x.num_elements() / (rows * cols) : 0;
  const auto* in = static_cast<const uint8_t*>(x.info.data);
  auto* out = static_cast<uint8_t*>(y.info.data);
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t i = 0; i < rows; ++i) {
      for (int64_t j = 0; j < cols; ++j) {
        const int64_t at = ((b * rows + i) * cols + j) * elem;
        if (i - j <= lower && j - i <= upper) {
          std::memcpy(out + at, in + at, elem);
        } else {
          std::memset(out + at, 0, elem);
        }
      }
    }
  }
}

struct DiagGeometry {
  int64_t lower = 0, upper = 0, rows = 0, cols = 0, max_len = 0, num_diags = 0;
  Shape batch;
};

DiagGeometry DiagV3Geometry(const OpContext& c) {
  DiagGeometry g;
  const TensorView diag = c.input(0);
  const std::vector<int64_t> k = c.InputInts(1);
  if (k.empty() || k.size() > 2) c.Fail("k must have 1 or 2 values, has ", k.size());
  g.lower = k[0];
  g.upper = k.size() == 2 ? k[1] : k[0];
  if (g.lower > g.upper) c.Fail("k[0] = ", g.lower, " must not exceed k[1] = ", g.upper);
  const int min_rank = g.lower == g.upper ? 1 : 2;
  if (diag.rank() < min_rank) c.Fail("diagonal must have rank >= ", min_rank);
  g.num_diags = g.upper - g.lower + 1;
  if (min_rank == 2 && diag.dim(diag.rank() - 2) != g.num_diags) {
    c.Fail("diagonal has ", diag.dim(diag.rank() - 2), " diagonals, k asks for ", g.num_diags);
  }
  g.max_len = diag.dim(diag.rank() - 1);
  const Shape shape = diag.shape();
  g.batch.assign(shape.begin(), shape.end() - min_rank);
  const int64_t min_rows = g.max_len - std::min<int64_t>(g.upper, 0);
  const int64_t min_cols = g.max_len + std::max<int64_t>(g.lower, 0);
  g.rows = c.InputScalarInt(2);
  g.cols = c.InputScalarInt(3);
  if (g.rows == -1 && g.cols == -1) {
    g.rows = g.cols = std::max(min_rows, min_cols);
  } else if (g.rows == -1) {
    g.rows = min_rows;
  } else if (g.cols == -1) {
    g.cols = min_cols;
  }
  if (g.rows < min_rows || g.cols < min_cols || (g.rows != min_rows && g.cols != min_cols)) {
    c.Fail("num_rows ", g.rows, " and num_cols ", g.cols, " do not fit diagonals of length ", g.max_len,
           " (need rows ", min_rows, " or cols ", min_cols, ")");
  }
  return g;
}

void DiagCheck(OpContext& c) {
  c.ExpectOutputType(0, c.input(0).type());
  c.ExpectSameType(c.input(0), c.input(4), "diagonal", "padding_value");
  if (LiteTypeSize(c.input(0).type()) == 0) c.Fail("diagonal has type ", LiteTypeName(c.input(0).type()));
  const std::string align = c.AttrString("align", "RIGHT_LEFT");
  if (align != "RIGHT_LEFT" && align != "LEFT_RIGHT" && align != "LEFT_LEFT" && align != "RIGHT_RIGHT") {
    c.Unsupported("align", "expected LEFT_LEFT, LEFT_RIGHT, RIGHT_LEFT or RIGHT_RIGHT");
  }
}

void DiagShape(OpContext& c) {
  const DiagGeometry g = DiagV3Geometry(c);
  Shape out = g.batch;
  out.push_back(static_cast<int32_t>(g.rows));
  out.push_back(static_cast<int32_t>(g.cols));
  c.ResizeOutput(0, out);
}

void DiagEval(OpContext& c) {
  const DiagGeometry g = DiagV3Geometry(c);
  const std::string align = c.AttrString("align", "RIGHT_LEFT");
  // Which diagonals are packed to the right of their row: superdiagonals (d >= 0) take the first word.
  const bool super_right = align == "RIGHT_LEFT" || align == "RIGHT_RIGHT";
  const bool sub_right = align == "LEFT_RIGHT" || align == "RIGHT_RIGHT";
  const TensorView diag = c.input(0), pad = c.input(4), y = c.output(0);
  const size_t elem = LiteTypeSize(diag.type());
  const auto* in = static_cast<const uint8_t*>(diag.info.data);
  const auto* padding = static_cast<const uint8_t*>(pad.info.data);
  auto* out = static_cast<uint8_t*>(y.info.data);
  const int64_t batch = NumElements(g.batch);
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t i = 0; i < g.rows; ++i) {
      for (int64_t j = 0; j < g.cols; ++j) {
        uint8_t* dst = out + ((b * g.rows + i) * g.cols + j) * elem;
        const int64_t d = j - i;
        if (d < g.lower || d > g.upper) {
          std::memcpy(dst, padding, elem);
          continue;
        }
        const int64_t len = std::min(g.rows + std::min<int64_t>(0, d), g.cols - std::max<int64_t>(0, d));
        const bool right = d >= 0 ? super_right : sub_right;
        const int64_t offset = right ? g.max_len - len : 0;
        const int64_t pos = (d >= 0 ? i : j) + offset;
        const int64_t row = g.upper - d;  // diagonals are stored from k[1] down to k[0]
        std::memcpy(dst, in + ((b * g.num_diags + row) * g.max_len + pos) * elem, elem);
      }
    }
  }
}

}  // namespace

const std::vector<KernelDef>& MatrixKernels() {
  static const std::vector<KernelDef> kernels = {
      KernelDef{"MatrixBandPart", 3, 3, 1, BandCheck, SameShape, BandEval},
      KernelDef{"MatrixDiagV3", 5, 5, 1, DiagCheck, DiagShape, DiagEval, (1u << 1) | (1u << 2) | (1u << 3)},
  };
  return kernels;
}

}  // namespace edgelite::select
