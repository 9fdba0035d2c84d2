// The kernel framework of the select-ops library: a kernel is a KernelDef (plain functions over an
// OpContext), the OpContext wraps the plugin ABI for one node during one call, and gives typed access to
// tensors and to the NodeDef's attributes. Every error is a FlexError whose message names the op (and
// for attributes, the attribute and its value); the ABI entry points turn it into a reported error.
#pragma once

#include <complex>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "delegates/select/flex/flex_error.h"
#include "delegates/select/flex/node_def.h"
#include "delegates/select/flex/tf_types.h"
#include "interpreter/plugin_api.h"

namespace edgelite::select {

using Shape = std::vector<int32_t>;

class OpContext;

struct KernelDef {
  const char* op;  // TF op name; registered as "Flex" + op
  int min_inputs, max_inputs, num_outputs;
  // Prepare-time checks of attributes and types (may be null).
  void (*check)(OpContext& c);
  // Sets every output's shape with OpContext::ResizeOutput. Runs at prepare when the inputs named in
  // `value_inputs` have known values (constants), else at each eval before `eval`. Null for kernels whose
  // output shapes depend on the computed data (Unique): their eval resizes its dynamic outputs itself.
  void (*shape)(OpContext& c);
  void (*eval)(OpContext& c);
  uint32_t value_inputs = 0;  // bit i: input i's values decide output shapes
};

// Per-node state a kernel keeps between prepare and eval (parsed equations, scratch buffers).
struct KernelState {
  virtual ~KernelState() = default;
};

// A constant input a builtin operator does not carry but its TF kernel reads (MATRIX_DIAG's k, num_rows,
// num_cols, padding_value): a scalar held by the node.
struct ConstInput {
  int32_t type;
  uint64_t value;  // little-endian storage, zero-extended
};

// What the library keeps for one node (the ABI's user_data).
struct FlexNode {
  NodeDef def;  // a Flex node's own; for a builtin, attributes the builtin front made from its options
  const KernelDef* kernel = nullptr;
  bool shapes_at_eval = false;
  std::unique_ptr<KernelState> state;
  const char* builtin = nullptr;       // the schema name when the node is a builtin operator
  std::vector<ConstInput> const_inputs;  // appended after the node's own inputs
};

// One tensor of the node, as the core describes it during this call.
struct TensorView {
  int32_t index = -1;
  ElTensorInfo info{};

  int32_t type() const { return info.type; }
  int rank() const { return info.rank; }
  int32_t dim(int i) const { return info.dims[i]; }
  Shape shape() const { return Shape(info.dims, info.dims + info.rank); }
  int64_t num_elements() const {
    int64_t n = 1;
    for (int i = 0; i < info.rank; ++i) n *= info.dims[i];
    return n;
  }
  bool values_known() const { return info.data != nullptr && info.is_constant; }
  template <typename T>
  T* data() const { return static_cast<T*>(info.data); }
};

// .tflite type of a C++ element type.
template <typename T> constexpr int32_t LiteTypeOf();
template <> constexpr int32_t LiteTypeOf<float>() { return kLiteFloat32; }
template <> constexpr int32_t LiteTypeOf<double>() { return kLiteFloat64; }
template <> constexpr int32_t LiteTypeOf<int8_t>() { return kLiteInt8; }
template <> constexpr int32_t LiteTypeOf<uint8_t>() { return kLiteUint8; }
template <> constexpr int32_t LiteTypeOf<int16_t>() { return kLiteInt16; }
template <> constexpr int32_t LiteTypeOf<uint16_t>() { return kLiteUint16; }
template <> constexpr int32_t LiteTypeOf<int32_t>() { return kLiteInt32; }
template <> constexpr int32_t LiteTypeOf<uint32_t>() { return kLiteUint32; }
template <> constexpr int32_t LiteTypeOf<int64_t>() { return kLiteInt64; }
template <> constexpr int32_t LiteTypeOf<uint64_t>() { return kLiteUint64; }
template <> constexpr int32_t LiteTypeOf<bool>() { return kLiteBool; }
template <> constexpr int32_t LiteTypeOf<std::complex<float>>() { return kLiteComplex64; }
template <> constexpr int32_t LiteTypeOf<std::complex<double>>() { return kLiteComplex128; }

template <typename... Ts> struct TypeList {};
template <typename T> struct TypeTag { using type = T; };
using FloatTypes = TypeList<float, double>;
using IntTypes = TypeList<int8_t, uint8_t, int16_t, uint16_t, int32_t, uint32_t, int64_t, uint64_t>;
using SignedTypes = TypeList<float, double, int8_t, int16_t, int32_t, int64_t>;
using RealTypes = TypeList<float, double, int8_t, uint8_t, int16_t, uint16_t, int32_t, uint32_t, int64_t,
                           uint64_t>;
using AllTypes = TypeList<float, double, int8_t, uint8_t, int16_t, uint16_t, int32_t, uint32_t, int64_t,
                          uint64_t, bool>;
using IndexTypes = TypeList<int32_t, int64_t>;

class OpContext {
 public:
  OpContext(const ElContextApi* api, ElContext* ctx, const ElNodeInfo* node, FlexNode* flex)
      : api_(api), ctx_(ctx), node_(node), flex_(flex) {}

  const std::string& op() const { return flex_->def.op; }
  const NodeDef& def() const { return flex_->def; }
  int num_inputs() const { return node_->num_inputs + static_cast<int>(flex_->const_inputs.size()); }
  int num_outputs() const { return node_->num_outputs; }
  TensorView input(int i) const;
  // False for an optional input the model left out (index -1) or past the node's inputs.
  bool input_present(int i) const {
    return i >= 0 && i < num_inputs() && (i >= node_->num_inputs || node_->inputs[i] >= 0);
  }
  TensorView output(int i) const;
  // Input i's values as int64 (an int32 or int64 tensor): axes, shapes, sizes.
  std::vector<int64_t> InputInts(int i) const;
  int64_t InputScalarInt(int i) const;

  void ResizeOutput(int i, const Shape& shape);
  void MarkOutputDynamic(int i);
  // Checks output i has `type` (the converter wrote it from the NodeDef's own type attributes).
  void ExpectOutputType(int i, int32_t type) const;
  void ExpectSameType(const TensorView& a, const TensorView& b, const char* a_name, const char* b_name) const;

  // Attributes. A missing attribute takes `fallback` where given (TF's default), else is an error; a
  // present one of another kind is an error naming both kinds.
  const AttrValue* FindAttr(const std::string& name) const;
  int64_t AttrInt(const std::string& name) const;
  int64_t AttrInt(const std::string& name, int64_t fallback) const;
  float AttrFloat(const std::string& name, float fallback) const;
  bool AttrBool(const std::string& name, bool fallback) const;
  std::string AttrString(const std::string& name) const;
  std::string AttrString(const std::string& name, const std::string& fallback) const;
  int32_t AttrType(const std::string& name) const;  // TF DataType
  std::vector<int64_t> AttrInts(const std::string& name) const;
  std::vector<int64_t> AttrInts(const std::string& name, const std::vector<int64_t>& fallback) const;
  // "FlexOp: attribute 'name' = <value> is not supported: why".
  [[noreturn]] void Unsupported(const std::string& attr, const std::string& why) const;

  // Errors prefixed with the operator and node.
  template <typename... Parts>
  [[noreturn]] void Fail(Parts&&... parts) const {
    select::Fail(where(), ": ", std::forward<Parts>(parts)...);
  }
  std::string where() const;

  template <typename T>
  T& State() {
    if (!flex_->state) flex_->state = std::make_unique<T>();
    return static_cast<T&>(*flex_->state);
  }
  int32_t num_threads() const { return api_->num_threads(ctx_); }

 private:
  const AttrValue& AttrOfKind(const std::string& name, AttrValue::Kind kind) const;
  const ElContextApi* api_;
  ElContext* ctx_;
  const ElNodeInfo* node_;
  FlexNode* flex_;
};

// Calls f(TypeTag<T>{}) for the T of List whose .tflite type is `type`; an error naming the op, the
// tensor (`what`) and the types the kernel supports otherwise.
template <typename... Ts, typename F>
void Dispatch(TypeList<Ts...>, const OpContext& c, int32_t type, const char* what, F&& f) {
  bool done = false;
  ((!done && LiteTypeOf<Ts>() == type ? (f(TypeTag<Ts>{}), done = true) : false), ...);
  if (!done) {
    std::string names;
    ((names += (names.empty() ? "" : ", ") + std::string(LiteTypeName(LiteTypeOf<Ts>()))), ...);
    c.Fail(what, " has type ", LiteTypeName(type), "; this kernel supports ", names);
  }
}

// The kernel families (one file each under kernels/); registry.cc lists them.
const std::vector<KernelDef>& UnaryMathKernels();
const std::vector<KernelDef>& BinaryMathKernels();
const std::vector<KernelDef>& ScanKernels();
const std::vector<KernelDef>& ShapeKernels();
const std::vector<KernelDef>& MatrixKernels();
const std::vector<KernelDef>& LinalgKernels();
const std::vector<KernelDef>& EinsumKernels();
const std::vector<KernelDef>& SegmentKernels();
const std::vector<KernelDef>& ScatterGatherKernels();
const std::vector<KernelDef>& ImageKernels();
const std::vector<KernelDef>& SortKernels();
const std::vector<KernelDef>& FftKernels();
const std::vector<KernelDef>& ResizeKernels();
const std::vector<KernelDef>& NmsKernels();
const std::vector<KernelDef>& Conv3dKernels();
const std::vector<KernelDef>& Pool3dKernels();
const std::vector<KernelDef>& RandomKernels();
const std::vector<KernelDef>& StridedSliceKernels();

}  // namespace edgelite::select
