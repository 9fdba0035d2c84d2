// FULLY_CONNECTED and BATCH_MATMUL on the device. FULLY_CONNECTED: float32 input flattened to
// [rows, depth], constant float32/float16 weights [units, depth] repacked once into blocks of 4 units,
// optional bias, fused activation (kernels/fully_connected.cl; keep_num_dims changes only the output shape,
// which the core's prepare set). BATCH_MATMUL: adj_x/adj_y, batch dimensions broadcast like NumPy, resolved
// on the host into per-batch operand offsets (kernels/batch_matmul.cl); a constant operand (float32 or
// float16) is uploaded once as a blob.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "delegates/opencl/cl_op.h"
#include "delegates/opencl/ops/filter_util.h"
#include "schema/edgelite_generated.h"

namespace edgelite {
namespace opencl {
namespace {

using namespace filter_util;  // NOLINT: this file's vocabulary

bool SupportsFullyConnected(const OpDesc& op, std::string* why) {
  const auto* o = op.op ? op.op->builtin_options_as_FullyConnectedOptions() : nullptr;
  if (!o) return Fail(why, "FullyConnectedOptions are missing");
  if (o->weights_format() != schema::FullyConnectedOptionsWeightsFormat_DEFAULT) {
    return Fail(why, "weights format " + std::to_string(static_cast<int>(o->weights_format())) + " is not DEFAULT");
  }
  if (op.inputs.size() < 2 || op.inputs.size() > 3 || op.outputs.size() != 1) {
    return Fail(why, "expects input, weights, optional bias and one output");
  }
  if (!IsFloatActivation(op.inputs[0], "input", why) || !IsFloatConstant(op.inputs[1], "weights", true, why) ||
      (op.inputs.size() == 3 && !IsFloatConstant(op.inputs[2], "bias", false, why)) ||
      !IsFloatActivation(op.outputs[0], "output", why)) {
    return false;
  }
  const auto& w = op.inputs[1].dims;
  if (w.size() != 2 || w[0] < 1 || w[1] < 1) return Fail(why, "weights shape " + DimsText(w) + " is not [units, depth]");
  if (op.inputs[0].num_elements() % w[1] != 0) {
    return Fail(why, "input shape " + DimsText(op.inputs[0].dims) + " does not split into rows of depth " +
                         std::to_string(w[1]));
  }
  return IsSupportedActivation(o->fused_activation_function(), why);
}

bool BuildFullyConnected(const OpDesc& op, std::vector<Launch>* launches, std::string* error) {
  const auto* o = op.op->builtin_options_as_FullyConnectedOptions();
  const int units = op.inputs[1].dims[0], depth = op.inputs[1].dims[1];
  const int64_t rows = op.inputs[0].num_elements() / depth;
  if (op.outputs[0].num_elements() != rows * units) {
    return Fail(error, "output shape " + DimsText(op.outputs[0].dims) + " does not hold " + std::to_string(rows) +
                           " rows of " + std::to_string(units) + " units");
  }
  if (rows == 0) return true;
  std::vector<float> weights, bias;
  if (!ReadFloats(op.inputs[1], &weights, error) || !ReadBias(op, units, &bias, error)) return false;
  launches->push_back(GemmLaunch(op.inputs[0].index, op.outputs[0].index, rows, depth, units,
                                 o->fused_activation_function(), PackFilterBlocks(weights, units, depth, 1),
                                 PackBiasBlocks(bias, units, 1)));
  return true;
}

constexpr size_t kMaxMatMulRank = 5;  // as the CPU kernel

// A matmul operand: an activation, or a constant float32/float16 tensor.
bool IsMatMulOperand(const TensorDesc& t, const char* role, std::string* why) {
  if (t.is_constant) return IsFloatConstant(t, role, true, why);
  return IsFloatActivation(t, role, why);
}

// An operand as a kernel argument: its device buffer, or its values uploaded once.
bool MatMulOperandArg(const TensorDesc& t, KernelArg* arg, std::string* error) {
  if (!t.is_constant) {
    *arg = KernelArg::Tensor(t.index);
    return true;
  }
  std::vector<float> values;
  if (!ReadFloats(t, &values, error)) return false;
  *arg = KernelArg::Floats(values.data(), values.size());
  return true;
}

struct MatMulShape {
  bool adj_x = false, adj_y = false;
  int m = 0, n = 0, k = 0;
  std::vector<int32_t> out_batch;
  std::vector<int32_t> offsets;  // per output batch: lhs and rhs element offsets
};

// Shapes, broadcasting and per-batch offsets; false (with `why`) when the operands do not fit together.
bool ResolveMatMul(const OpDesc& op, MatMulShape* s, std::string* why) {
  if (const auto* o = op.op ? op.op->builtin_options_as_BatchMatMulOptions() : nullptr) {
    s->adj_x = o->adj_x();
    s->adj_y = o->adj_y();
  }
  const auto& a = op.inputs[0].dims;
  const auto& b = op.inputs[1].dims;
  for (const auto* d : {&a, &b}) {
    if (d->size() < 2 || d->size() > kMaxMatMulRank) return Fail(why, "operand shape " + DimsText(*d) + " is not rank 2 to 5");
  }
  const size_t ar = a.size(), br = b.size();
  s->m = s->adj_x ? a[ar - 1] : a[ar - 2];
  s->k = s->adj_x ? a[ar - 2] : a[ar - 1];
  s->n = s->adj_y ? b[br - 2] : b[br - 1];
  const int rhs_k = s->adj_y ? b[br - 1] : b[br - 2];
  if (s->k != rhs_k) return Fail(why, "inner dimensions differ: " + DimsText(a) + " and " + DimsText(b));
  const size_t rank = std::max(ar, br) - 2;
  // Batch dims aligned to the right; a size-1 dim broadcasts (stride 0).
  std::vector<int32_t> a_dims(rank, 1), b_dims(rank, 1);
  for (size_t i = 0; i < ar - 2; ++i) a_dims[rank - (ar - 2) + i] = a[i];
  for (size_t i = 0; i < br - 2; ++i) b_dims[rank - (br - 2) + i] = b[i];
  s->out_batch.assign(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    if (a_dims[i] != b_dims[i] && a_dims[i] != 1 && b_dims[i] != 1) {
      return Fail(why, "batch dimensions of " + DimsText(a) + " and " + DimsText(b) + " cannot be broadcast together");
    }
    s->out_batch[i] = a_dims[i] == 1 ? b_dims[i] : a_dims[i];
  }
  int64_t batches = 1;
  for (int32_t d : s->out_batch) batches *= d;
  const int64_t a_matrix = static_cast<int64_t>(s->m) * s->k, b_matrix = static_cast<int64_t>(s->k) * s->n;
  s->offsets.clear();
  for (int64_t ob = 0; ob < batches; ++ob) {
    int64_t rest = ob, ia = 0, ib = 0, a_stride = 1, b_stride = 1;
    for (size_t i = rank; i-- > 0;) {
      const int64_t idx = rest % s->out_batch[i];
      rest /= s->out_batch[i];
      ia += (a_dims[i] == 1 ? 0 : idx) * a_stride;
      ib += (b_dims[i] == 1 ? 0 : idx) * b_stride;
      a_stride *= a_dims[i];
      b_stride *= b_dims[i];
    }
    if (ia * a_matrix > INT32_MAX || ib * b_matrix > INT32_MAX) return Fail(why, "operands over 2^31 elements");
    s->offsets.push_back(static_cast<int32_t>(ia * a_matrix));
    s->offsets.push_back(static_cast<int32_t>(ib * b_matrix));
  }
  return true;
}

bool SupportsBatchMatMul(const OpDesc& op, std::string* why) {
  if (op.inputs.size() != 2 || op.outputs.size() != 1) return Fail(why, "expects two operands and one output");
  if (!IsMatMulOperand(op.inputs[0], "lhs", why) || !IsMatMulOperand(op.inputs[1], "rhs", why) ||
      !IsFloatActivation(op.outputs[0], "output", why)) {
    return false;
  }
  MatMulShape s;
  return ResolveMatMul(op, &s, why);
}

bool BuildBatchMatMul(const OpDesc& op, std::vector<Launch>* launches, std::string* error) {
  MatMulShape s;
  if (!ResolveMatMul(op, &s, error)) return false;
  const int64_t batches = static_cast<int64_t>(s.offsets.size() / 2);
  if (op.outputs[0].num_elements() != batches * s.m * s.n) {
    return Fail(error, "output shape " + DimsText(op.outputs[0].dims) + " is not " + std::to_string(batches) +
                           " matrices of " + std::to_string(s.m) + " x " + std::to_string(s.n));
  }
  if (op.outputs[0].num_elements() == 0) return true;
  Launch l;
  l.file = "batch_matmul.cl";
  const int blocks = static_cast<int>(DivUp(s.n, 4)), rows_per_item = s.m >= 4 ? 4 : s.m;
  Define(&l, "M", s.m);
  Define(&l, "N", s.n);
  Define(&l, "K", s.k);
  Define(&l, "BATCHES", batches);
  Define(&l, "ADJ_X", s.adj_x);
  Define(&l, "ADJ_Y", s.adj_y);
  Define(&l, "MB", rows_per_item);
  Define(&l, "NUM_BLOCKS", blocks);
  Define(&l, "RHS_VEC4", !s.adj_y && s.n % 4 == 0);
  KernelArg lhs, rhs;
  if (!MatMulOperandArg(op.inputs[0], &lhs, error) || !MatMulOperandArg(op.inputs[1], &rhs, error)) return false;
  l.args = {lhs, rhs, KernelArg::Ints(s.offsets.data(), s.offsets.size()), KernelArg::Tensor(op.outputs[0].index)};
  l.work_dim = 3;
  l.global = {{static_cast<size_t>(blocks), DivUp(s.m, rows_per_item), static_cast<size_t>(batches)}};
  launches->push_back(std::move(l));
  return true;
}

}  // namespace

void AddFullyConnectedBuilders(std::vector<OpBuilder>* all) {
  all->push_back({schema::BuiltinOperator_FULLY_CONNECTED, SupportsFullyConnected, BuildFullyConnected});
  all->push_back({schema::BuiltinOperator_BATCH_MATMUL, SupportsBatchMatMul, BuildBatchMatMul});
}

}  // namespace opencl
}  // namespace edgelite
