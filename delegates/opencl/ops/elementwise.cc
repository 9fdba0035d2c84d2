// Element-wise operator builders: the binary family (ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM,
// SQUARED_DIFFERENCE, PRELU) on kernels/binary.cl with NumPy broadcasting up to rank 6 and the fused
// activation's clamp, and the unary activations and math functions on kernels/unary.cl.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "delegates/opencl/cl_op.h"
#include "schema/edgelite_generated.h"

namespace edgelite {
namespace opencl {
namespace {

constexpr int kFloat32 = 0;
constexpr int kMaxRank = 6;

struct BinaryKind {
  int code;
  const char* define;  // OP_<name> in binary.cl
};
constexpr BinaryKind kBinaryKinds[] = {
    {schema::BuiltinOperator_ADD, "OP_ADD"},
    {schema::BuiltinOperator_SUB, "OP_SUB"},
    {schema::BuiltinOperator_MUL, "OP_MUL"},
    {schema::BuiltinOperator_DIV, "OP_DIV"},
    {schema::BuiltinOperator_MAXIMUM, "OP_MAXIMUM"},
    {schema::BuiltinOperator_MINIMUM, "OP_MINIMUM"},
    {schema::BuiltinOperator_SQUARED_DIFFERENCE, "OP_SQUARED_DIFFERENCE"},
    {schema::BuiltinOperator_PRELU, "OP_PRELU"},
};

const char* BinaryDefine(int code) {
  for (const BinaryKind& k : kBinaryKinds) {
    if (k.code == code) return k.define;
  }
  return nullptr;
}

// The fused activation of ADD/SUB/MUL/DIV (the others have none).
schema::ActivationFunctionType FusedActivation(const OpDesc& op) {
  if (op.op == nullptr) return schema::ActivationFunctionType_NONE;
  switch (op.node->builtin_code) {
    case schema::BuiltinOperator_ADD:
      if (auto* o = op.op->builtin_options_as_AddOptions()) return o->fused_activation_function();
      break;
    case schema::BuiltinOperator_SUB:
      if (auto* o = op.op->builtin_options_as_SubOptions()) return o->fused_activation_function();
      break;
    case schema::BuiltinOperator_MUL:
      if (auto* o = op.op->builtin_options_as_MulOptions()) return o->fused_activation_function();
      break;
    case schema::BuiltinOperator_DIV:
      if (auto* o = op.op->builtin_options_as_DivOptions()) return o->fused_activation_function();
      break;
    default:
      break;
  }
  return schema::ActivationFunctionType_NONE;
}

bool AllFloat32(const OpDesc& op, std::string* why) {
  for (const TensorDesc& t : op.inputs) {
    if (t.index >= 0 && t.type != kFloat32) {
      *why = "tensor " + std::to_string(t.index) + " is not float32";
      return false;
    }
  }
  for (const TensorDesc& t : op.outputs) {
    if (t.type != kFloat32) {
      *why = "tensor " + std::to_string(t.index) + " is not float32";
      return false;
    }
  }
  return true;
}

// `dims` right-aligned to rank 6 with leading 1s.
std::vector<int64_t> Padded(const std::vector<int32_t>& dims) {
  std::vector<int64_t> p(kMaxRank, 1);
  for (size_t k = 0; k < dims.size(); ++k) p[kMaxRank - dims.size() + k] = dims[k];
  return p;
}

// The NumPy broadcast of a and b's shapes; false when they do not broadcast.
bool BroadcastShape(const std::vector<int32_t>& a, const std::vector<int32_t>& b, std::vector<int32_t>* out) {
  const size_t rank = std::max(a.size(), b.size());
  out->assign(rank, 1);
  for (size_t k = 0; k < rank; ++k) {
    const int32_t da = k < rank - a.size() ? 1 : a[k - (rank - a.size())];
    const int32_t db = k < rank - b.size() ? 1 : b[k - (rank - b.size())];
    if (da != db && da != 1 && db != 1) return false;
    (*out)[k] = da == 1 ? db : da;
  }
  return true;
}

std::string ShapeText(const std::vector<int32_t>& dims) {
  std::string s = "[";
  for (size_t k = 0; k < dims.size(); ++k) s += (k ? ", " : "") + std::to_string(dims[k]);
  return s + "]";
}

bool SupportsBinary(const OpDesc& op, std::string* why) {
  if (op.inputs.size() != 2 || op.outputs.size() != 1 || op.inputs[0].index < 0 || op.inputs[1].index < 0) {
    *why = "expects two inputs and one output";
    return false;
  }
  if (!AllFloat32(op, why)) return false;
  const TensorDesc& a = op.inputs[0];
  const TensorDesc& b = op.inputs[1];
  if (a.dims.size() > kMaxRank || b.dims.size() > kMaxRank) {
    *why = "rank above 6";
    return false;
  }
  std::vector<int32_t> shape;
  if (!BroadcastShape(a.dims, b.dims, &shape)) {
    *why = "shapes " + ShapeText(a.dims) + " and " + ShapeText(b.dims) + " do not broadcast";
    return false;
  }
  const schema::ActivationFunctionType act = FusedActivation(op);
  if (act != schema::ActivationFunctionType_NONE && act != schema::ActivationFunctionType_RELU &&
      act != schema::ActivationFunctionType_RELU_N1_TO_1 && act != schema::ActivationFunctionType_RELU6) {
    *why = std::string("fused activation ") + schema::EnumNameActivationFunctionType(act) + " is not a clamp";
    return false;
  }
  return true;
}

std::string FloatLiteral(float v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.9g", v);
  std::string s = buf;
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return "(" + s + "f)";
}

// Shapes collapsed for binary.cl: dims of the output that are 1 dropped, and neighbours merged where both
// inputs broadcast along them the same way, so that the kernel divides as little as it can.
struct CollapsedBroadcast {
  std::vector<int64_t> dims;          // innermost first
  std::vector<int64_t> stride_a, stride_b;
};

CollapsedBroadcast Collapse(const std::vector<int32_t>& a_dims, const std::vector<int32_t>& b_dims,
                            const std::vector<int32_t>& out_dims) {
  const std::vector<int64_t> a = Padded(a_dims), b = Padded(b_dims), o = Padded(out_dims);
  // Walk from the innermost dim outwards, keeping groups of dims with the same (a full, b full) pattern.
  std::vector<int64_t> dims;
  std::vector<bool> a_full, b_full;
  for (int k = kMaxRank - 1; k >= 0; --k) {
    if (o[k] == 1) continue;
    const bool af = a[k] != 1, bf = b[k] != 1;
    if (!dims.empty() && a_full.back() == af && b_full.back() == bf) {
      dims.back() *= o[k];
    } else {
      dims.push_back(o[k]);
      a_full.push_back(af);
      b_full.push_back(bf);
    }
  }
  CollapsedBroadcast c;
  c.dims = dims;
  int64_t sa = 1, sb = 1;
  for (size_t k = 0; k < dims.size(); ++k) {
    c.stride_a.push_back(a_full[k] ? sa : 0);
    c.stride_b.push_back(b_full[k] ? sb : 0);
    if (a_full[k]) sa *= dims[k];
    if (b_full[k]) sb *= dims[k];
  }
  return c;
}

bool BuildBinary(const OpDesc& op, std::vector<Launch>* launches, std::string* error) {
  const TensorDesc& a = op.inputs[0];
  const TensorDesc& b = op.inputs[1];
  const TensorDesc& out = op.outputs[0];
  std::vector<int32_t> shape;
  if (!BroadcastShape(a.dims, b.dims, &shape) || Padded(shape) != Padded(out.dims)) {
    *error = "output shape " + ShapeText(out.dims) + " is not the broadcast of " + ShapeText(a.dims) + " and " +
             ShapeText(b.dims);
    return false;
  }
  if (out.num_elements() == 0) return true;
  if (out.num_elements() > INT32_MAX) {
    *error = "more than 2^31 elements";
    return false;
  }
  const CollapsedBroadcast c = Collapse(a.dims, b.dims, out.dims);
  Launch l;
  l.file = "binary.cl";
  l.defines.push_back({BinaryDefine(op.node->builtin_code), "1"});
  for (size_t k = 0; k < kMaxRank; ++k) {  // past the collapsed rank: size 1, stride 0
    const bool used = k < c.dims.size();
    l.defines.push_back({"D" + std::to_string(k), std::to_string(used ? c.dims[k] : 1)});
    l.defines.push_back({"SA" + std::to_string(k), std::to_string(used ? c.stride_a[k] : 0)});
    l.defines.push_back({"SB" + std::to_string(k), std::to_string(used ? c.stride_b[k] : 0)});
  }
  if (a.num_elements() == out.num_elements()) l.defines.push_back({"A_SAME", "1"});
  if (b.num_elements() == out.num_elements()) l.defines.push_back({"B_SAME", "1"});
  switch (FusedActivation(op)) {
    case schema::ActivationFunctionType_RELU:
      l.defines.push_back({"ACT_MIN", FloatLiteral(0.f)});
      break;
    case schema::ActivationFunctionType_RELU_N1_TO_1:
      l.defines.push_back({"ACT_MIN", FloatLiteral(-1.f)});
      l.defines.push_back({"ACT_MAX", FloatLiteral(1.f)});
      break;
    case schema::ActivationFunctionType_RELU6:
      l.defines.push_back({"ACT_MIN", FloatLiteral(0.f)});
      l.defines.push_back({"ACT_MAX", FloatLiteral(6.f)});
      break;
    default:
      break;
  }
  l.args = {KernelArg::Tensor(a.index), KernelArg::Tensor(b.index), KernelArg::Tensor(out.index)};
  l.global[0] = static_cast<size_t>(out.num_elements());
  launches->push_back(std::move(l));
  return true;
}

struct UnaryKind {
  int code;
  const char* define;  // OP_<name> in unary.cl; GELU picks its form from the options
};
constexpr UnaryKind kUnaryKinds[] = {
    {schema::BuiltinOperator_RELU, "OP_RELU"},
    {schema::BuiltinOperator_RELU6, "OP_RELU6"},
    {schema::BuiltinOperator_RELU_N1_TO_1, "OP_RELU_N1_TO_1"},
    {schema::BuiltinOperator_LEAKY_RELU, "OP_LEAKY_RELU"},
    {schema::BuiltinOperator_LOGISTIC, "OP_LOGISTIC"},
    {schema::BuiltinOperator_TANH, "OP_TANH"},
    {schema::BuiltinOperator_HARD_SWISH, "OP_HARD_SWISH"},
    {schema::BuiltinOperator_GELU, "OP_GELU_EXACT"},
    {schema::BuiltinOperator_ELU, "OP_ELU"},
    {schema::BuiltinOperator_RSQRT, "OP_RSQRT"},
    {schema::BuiltinOperator_SQRT, "OP_SQRT"},
    {schema::BuiltinOperator_ABS, "OP_ABS"},
    {schema::BuiltinOperator_NEG, "OP_NEG"},
    {schema::BuiltinOperator_EXP, "OP_EXP"},
};

const char* UnaryDefine(const OpDesc& op) {
  const int code = op.node->builtin_code;
  if (code == schema::BuiltinOperator_GELU) {
    const auto* o = op.op ? op.op->builtin_options_as_GeluOptions() : nullptr;
    return o && o->approximate() ? "OP_GELU_TANH" : "OP_GELU_EXACT";
  }
  for (const UnaryKind& k : kUnaryKinds) {
    if (k.code == code) return k.define;
  }
  return nullptr;
}

bool SupportsUnary(const OpDesc& op, std::string* why) {
  if (op.inputs.size() != 1 || op.outputs.size() != 1 || op.inputs[0].index < 0) {
    *why = "expects one input and one output";
    return false;
  }
  if (!AllFloat32(op, why)) return false;
  return true;
}

bool BuildUnary(const OpDesc& op, std::vector<Launch>* launches, std::string* error) {
  const TensorDesc& in = op.inputs[0];
  const TensorDesc& out = op.outputs[0];
  if (in.num_elements() != out.num_elements()) {
    *error = "output shape " + ShapeText(out.dims) + " differs from the input's " + ShapeText(in.dims);
    return false;
  }
  if (out.num_elements() == 0) return true;
  if (out.num_elements() > INT32_MAX) {
    *error = "more than 2^31 elements";
    return false;
  }
  float alpha = 0.f;  // as the CPU kernel: 0 when the options table is absent
  if (op.node->builtin_code == schema::BuiltinOperator_LEAKY_RELU && op.op != nullptr) {
    if (const auto* o = op.op->builtin_options_as_LeakyReluOptions()) alpha = o->alpha();
  }
  Launch l;
  l.file = "unary.cl";
  l.defines.push_back({UnaryDefine(op), "1"});
  l.args = {KernelArg::Tensor(in.index), KernelArg::Tensor(out.index), KernelArg::Float(alpha)};
  l.global[0] = static_cast<size_t>(out.num_elements());
  launches->push_back(std::move(l));
  return true;
}

}  // namespace

void AddElementwiseBuilders(std::vector<OpBuilder>* all) {
  for (const BinaryKind& k : kBinaryKinds) all->push_back({k.code, SupportsBinary, BuildBinary});
  for (const UnaryKind& k : kUnaryKinds) all->push_back({k.code, SupportsUnary, BuildUnary});
}

}  // namespace opencl
}  // namespace edgelite
