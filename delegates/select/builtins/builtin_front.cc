// The builtin-options front: builtin operators of interpreter/plugin_ops.h run on the same KernelDefs as
// the Flex ops, or, where LiteRT's op has no TF twin, on a KernelDef of its own (random_ops.cc). At init
// a node's builtin options (ElNodeInfo.op_table, the operator's FlatBuffers table) become the kernel's
// attributes; what LiteRT's builtin does beyond the TF op (CONV_3D's bias and fused activation, the
// dtypes LiteRT accepts, RFFT2D's power-of-two lengths) is checked or applied here, so no compute code
// is written twice (DILATE and REDUCE_WINDOW run on window_ops.cc's kernels).
// `edgelite_register_builtin_ops` registers exactly the list the core has.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "delegates/select/builtins/custom_ops.h"
#include "delegates/select/flex/trampolines.h"
#include "interpreter/plugin_ops.h"
#include "schema/edgelite_generated.h"

namespace edgelite::select {
namespace {

namespace fb = edgelite::schema;

struct Front;

// A builtin node: the FlexNode the shared trampolines run, and what the builtin adds.
struct BuiltinNode : FlexNode {
  const Front* front = nullptr;
  fb::ActivationFunctionType activation = fb::ActivationFunctionType_NONE;
  bool evaluating = false;  // the check hook runs again at eval, where inputs' values are there
};

// Whether input i's values can be checked now: a constant at prepare, any input at eval.
bool Checkable(const OpContext& c, const BuiltinNode& node, int i) {
  return node.evaluating || c.input(i).values_known();
}

struct Front {
  int32_t code;
  const char* tf_op;
  int tf_inputs;  // how many of the node's inputs the TF kernel reads (the rest are the builtin's own)
  // Attributes and constant inputs from the builtin options (may be null).
  void (*options)(const fb::Operator* op, BuiltinNode& node);
  // Prepare-time checks of LiteRT's rules, on the whole node (may be null).
  void (*check)(OpContext& c, BuiltinNode& node);
  // Applied after the TF kernel's eval, on the whole node (may be null).
  void (*after)(OpContext& c, BuiltinNode& node);
};

AttrValue IntList(std::vector<int64_t> v) {
  AttrValue a;
  a.kind = AttrValue::Kind::kList;
  a.list.i = std::move(v);
  return a;
}
AttrValue Str(const char* s) {
  AttrValue a;
  a.kind = AttrValue::Kind::kS;
  a.s = s;
  return a;
}
AttrValue Bool(bool b) {
  AttrValue a;
  a.kind = AttrValue::Kind::kB;
  a.b = b;
  return a;
}
AttrValue Int(int64_t i) {
  AttrValue a;
  a.kind = AttrValue::Kind::kI;
  a.i = i;
  return a;
}
AttrValue Type(int32_t tf_type) {
  AttrValue a;
  a.kind = AttrValue::Kind::kType;
  a.type = tf_type;
  return a;
}

void OnlyTypes(const OpContext& c, int input, std::initializer_list<int32_t> types) {
  const int32_t t = c.input(input).type();
  for (int32_t ok : types) {
    if (t == ok) return;
  }
  std::string names;
  for (int32_t ok : types) names += (names.empty() ? "" : ", ") + std::string(LiteTypeName(ok));
  c.Fail("input ", input, " has type ", LiteTypeName(t), "; LiteRT's kernel takes ", names);
}

// ---- CONV_3D, CONV_3D_TRANSPOSE: Conv3D / Conv3DBackpropInputV2, then bias and activation ----
const fb::Conv3DOptions* Conv3dOptions(const fb::Operator* op) {
  const fb::Conv3DOptions* o = op ? op->builtin_options_as_Conv3DOptions() : nullptr;
  if (o == nullptr) Fail("the operator has no Conv3DOptions");
  return o;
}

void Conv3dAttrs(const fb::Operator* op, BuiltinNode& flex) {
  const fb::Conv3DOptions* o = Conv3dOptions(op);
  flex.def.attr["strides"] = IntList({1, o->stride_d(), o->stride_h(), o->stride_w(), 1});
  flex.def.attr["dilations"] =
      IntList({1, o->dilation_d_factor(), o->dilation_h_factor(), o->dilation_w_factor(), 1});
  flex.def.attr["padding"] = Str(o->padding() == fb::Padding_VALID ? "VALID" : "SAME");
  const fb::ActivationFunctionType act = o->fused_activation_function();
  if (act != fb::ActivationFunctionType_NONE && act != fb::ActivationFunctionType_RELU &&
      act != fb::ActivationFunctionType_RELU_N1_TO_1 && act != fb::ActivationFunctionType_RELU6) {
    Fail("fused activation ", fb::EnumNameActivationFunctionType(act),
         " is not supported (LiteRT's 3-D convolutions clamp for NONE, RELU, RELU_N1_TO_1 and RELU6 only)");
  }
  flex.activation = act;
}

int Conv3dBias(const OpContext& c) { return c.op() == "Conv3D" ? 2 : 3; }

void Conv3dCheck(OpContext& c, BuiltinNode&) {
  const int data = c.op() == "Conv3D" ? 0 : 2;
  OnlyTypes(c, data, {kLiteFloat32});
  OnlyTypes(c, 1, {kLiteFloat32});
  const int bias = Conv3dBias(c);
  if (c.num_inputs() > bias + 1) c.Fail("has ", c.num_inputs(), " inputs, expected at most ", bias + 1);
  if (bias < c.num_inputs() && c.input_present(bias)) {
    const TensorView b = c.input(bias), filter = c.input(1);
    OnlyTypes(c, bias, {kLiteFloat32});
    const int out_axis = c.op() == "Conv3D" ? 4 : 3;  // the transposed filter is [d, h, w, out, in]
    if (filter.rank() == 5 && b.num_elements() != filter.dim(out_axis)) {
      c.Fail("bias has ", b.num_elements(), " values; the filter has ", filter.dim(out_axis), " output channels");
    }
  }
}

void Conv3dAfter(OpContext& c, BuiltinNode& node) {
  const TensorView y = c.output(0);
  float* out = y.data<float>();
  const int64_t n = y.num_elements(), channels = y.rank() ? y.dim(y.rank() - 1) : 1;
  const int bias = Conv3dBias(c);
  if (bias < c.num_inputs() && c.input_present(bias)) {
    const float* b = c.input(bias).data<float>();
    for (int64_t i = 0; i < n; ++i) out[i] += b[i % channels];
  }
  float lo = -std::numeric_limits<float>::infinity(), hi = std::numeric_limits<float>::infinity();
  switch (node.activation) {
    case fb::ActivationFunctionType_RELU: lo = 0; break;
    case fb::ActivationFunctionType_RELU_N1_TO_1: lo = -1, hi = 1; break;
    case fb::ActivationFunctionType_RELU6: lo = 0, hi = 6; break;
    default: return;
  }
  for (int64_t i = 0; i < n; ++i) out[i] = std::min(std::max(out[i], lo), hi);
}

// ---- NON_MAX_SUPPRESSION_V4/V5: TF's V4/V5, always padded to max_output_size as LiteRT's outputs are ----
void NmsAttrs(const fb::Operator*, BuiltinNode& flex) { flex.def.attr["pad_to_max_output_size"] = Bool(true); }

// ---- RFFT2D: float32 input, power-of-two fft_length (LiteRT's rdft2d requires it) ----
void Rfft2dCheck(OpContext& c, BuiltinNode& node) {
  OnlyTypes(c, 0, {kLiteFloat32});
  OnlyTypes(c, 1, {kLiteInt32});
  if (!Checkable(c, node, 1)) return;  // checked at eval
  for (int64_t n : c.InputInts(1)) {
    if (n <= 0 || (n & (n - 1)) != 0) c.Fail("fft_length ", n, " is not a power of two (LiteRT's RFFT2D requires it)");
  }
}

// ---- Segment reductions, UNIQUE, ATAN2, MATRIX_DIAG ----
void SegmentCheck(OpContext& c, BuiltinNode&) {
  OnlyTypes(c, 0, {kLiteFloat32, kLiteInt32});
  OnlyTypes(c, 1, {kLiteInt32});
  if (c.num_inputs() > 2) OnlyTypes(c, 2, {kLiteInt32});
}

// LiteRT's SEGMENT_SUM takes sorted ids without gaps (each id equal to the last or one more); checked when
// the ids are known (prepare for constants, else each eval).
void SegmentSumCheck(OpContext& c, BuiltinNode& node) {
  SegmentCheck(c, node);
  if (!Checkable(c, node, 1)) return;
  const std::vector<int64_t> ids = c.InputInts(1);
  for (size_t i = 1; i < ids.size(); ++i) {
    if (ids[i] != ids[i - 1] && ids[i] != ids[i - 1] + 1) {
      c.Fail("segment_ids[", i, "] = ", ids[i], " after ", ids[i - 1], ": LiteRT's SEGMENT_SUM needs sorted ids "
             "that grow by 0 or 1");
    }
  }
}

void UniqueAttrs(const fb::Operator* op, BuiltinNode& flex) {
  const fb::UniqueOptions* o = op ? op->builtin_options_as_UniqueOptions() : nullptr;
  const fb::TensorType idx = o ? o->idx_out_type() : fb::TensorType_INT32;
  if (idx != fb::TensorType_INT32 && idx != fb::TensorType_INT64) {
    Fail("idx_out_type ", fb::EnumNameTensorType(idx), " is not supported (int32 or int64)");
  }
  flex.def.attr["out_idx"] = Type(idx == fb::TensorType_INT64 ? kTfInt64 : kTfInt32);
}
void UniqueCheck(OpContext& c, BuiltinNode&) {
  OnlyTypes(c, 0, {kLiteFloat32, kLiteInt8, kLiteInt16, kLiteInt32, kLiteInt64, kLiteUint8});
}

void Atan2Check(OpContext& c, BuiltinNode&) {
  OnlyTypes(c, 0, {kLiteFloat32, kLiteFloat64});
  if (c.input(0).shape() != c.input(1).shape()) {
    c.Fail("y and x must have the same shape (LiteRT's ATAN2 does not broadcast)");
  }
}

// MATRIX_DIAG is MatrixDiagV3 with k = 0, num_rows = num_cols = -1 (square) and a zero padding value of
// the diagonal's type.
void MatrixDiagCheck(OpContext& c, BuiltinNode& node) {
  const int32_t type = c.input(0).type();
  if (LiteTypeSize(type) == 0 || LiteTypeSize(type) > 8) c.Fail("diagonal has type ", LiteTypeName(type));
  node.const_inputs = {{kLiteInt32, 0}, {kLiteInt32, 0xffffffffu}, {kLiteInt32, 0xffffffffu}, {type, 0}};
}

// ---- RANDOM_UNIFORM, RANDOM_STANDARD_NORMAL, MULTINOMIAL: LiteRT's own kernels (random_ops.cc) ----
void RandomAttrs(const fb::Operator* op, BuiltinNode& flex) {
  const fb::RandomOptions* o = op ? op->builtin_options_as_RandomOptions() : nullptr;
  // LiteRT keeps the options' 64-bit seeds as int32 (its parser narrows them; measured against LiteRT
  // 2.3.0): the generator is keyed by the sign-extended low 32 bits.
  flex.def.attr["seed"] = Int(o ? static_cast<int32_t>(o->seed()) : 0);
  flex.def.attr["seed2"] = Int(o ? static_cast<int32_t>(o->seed2()) : 0);
}

void BucketizeAttrs(const fb::Operator* op, BuiltinNode& flex) {
  const fb::BucketizeOptions* o = op ? op->builtin_options_as_BucketizeOptions() : nullptr;
  AttrValue b;
  b.kind = AttrValue::Kind::kList;
  if (o && o->boundaries()) b.list.f.assign(o->boundaries()->begin(), o->boundaries()->end());
  flex.def.attr["boundaries"] = b;
}

void SparseAttrs(const fb::Operator* op, BuiltinNode& flex) {
  const fb::EmbeddingLookupSparseOptions* o = op ? op->builtin_options_as_EmbeddingLookupSparseOptions() : nullptr;
  flex.def.attr["combiner"] = Int(o ? o->combiner() : 0);
}

// REDUCE_WINDOW's reduce_function; LiteRT fails at eval without one, this front at init, naming it.
void ReduceWindowAttrs(const fb::Operator* op, BuiltinNode& flex) {
  const fb::ReduceWindowOptions* o = op ? op->builtin_options2_as_ReduceWindowOptions() : nullptr;
  if (o == nullptr || o->reduce_function() == fb::ReduceWindowFunction_UNSUPPORTED) {
    Fail("ReduceWindowOptions.reduce_function must be ADD, MUL, MINIMUM, MAXIMUM, ALL or ANY");
  }
  flex.def.attr["reduce_function"] = Int(o->reduce_function());
}

void LshAttrs(const fb::Operator* op, BuiltinNode& flex) {
  const fb::LSHProjectionOptions* o = op ? op->builtin_options_as_LSHProjectionOptions() : nullptr;
  flex.def.attr["type"] = Int(o ? o->type() : 0);
}

const Front kFronts[] = {
    {fb::BuiltinOperator_ATAN2, "Atan2", 2, nullptr, Atan2Check, nullptr},
    {fb::BuiltinOperator_BUCKETIZE, "BUCKETIZE", 1, BucketizeAttrs, nullptr, nullptr},
    {fb::BuiltinOperator_COMPLEX_ABS, "COMPLEX_ABS", 1, nullptr, nullptr, nullptr},
    {fb::BuiltinOperator_CONV_3D, "Conv3D", 2, Conv3dAttrs, Conv3dCheck, Conv3dAfter},
    {fb::BuiltinOperator_CONV_3D_TRANSPOSE, "Conv3DBackpropInputV2", 3, Conv3dAttrs, Conv3dCheck, Conv3dAfter},
    {fb::BuiltinOperator_DILATE, "DILATE", 3, nullptr, nullptr, nullptr},
    {fb::BuiltinOperator_EMBEDDING_LOOKUP_SPARSE, "EMBEDDING_LOOKUP_SPARSE", 5, SparseAttrs, nullptr, nullptr},
    {fb::BuiltinOperator_IMAG, "IMAG", 1, nullptr, nullptr, nullptr},
    {fb::BuiltinOperator_LSH_PROJECTION, "LSH_PROJECTION", 3, LshAttrs, nullptr, nullptr},
    {fb::BuiltinOperator_MATRIX_DIAG, "MatrixDiagV3", 1, nullptr, MatrixDiagCheck, nullptr},
    {fb::BuiltinOperator_MATRIX_SET_DIAG, "MATRIX_SET_DIAG", 2, nullptr, nullptr, nullptr},
    {fb::BuiltinOperator_MULTINOMIAL, "MULTINOMIAL", 2, RandomAttrs, nullptr, nullptr},
    {fb::BuiltinOperator_NON_MAX_SUPPRESSION_V4, "NonMaxSuppressionV4", 5, NmsAttrs, nullptr, nullptr},
    {fb::BuiltinOperator_NON_MAX_SUPPRESSION_V5, "NonMaxSuppressionV5", 6, NmsAttrs, nullptr, nullptr},
    {fb::BuiltinOperator_RANDOM_STANDARD_NORMAL, "RANDOM_STANDARD_NORMAL", 1, RandomAttrs, nullptr, nullptr},
    {fb::BuiltinOperator_RANDOM_UNIFORM, "RANDOM_UNIFORM", 1, RandomAttrs, nullptr, nullptr},
    {fb::BuiltinOperator_REAL, "REAL", 1, nullptr, nullptr, nullptr},
    {fb::BuiltinOperator_REDUCE_WINDOW, "REDUCE_WINDOW", 5, ReduceWindowAttrs, nullptr, nullptr},
    {fb::BuiltinOperator_RFFT2D, "RFFT2D", 2, nullptr, Rfft2dCheck, nullptr},
    {fb::BuiltinOperator_SEGMENT_SUM, "SegmentSum", 2, nullptr, SegmentSumCheck, nullptr},
    {fb::BuiltinOperator_UNIQUE, "Unique", 1, UniqueAttrs, UniqueCheck, nullptr},
    {fb::BuiltinOperator_UNSORTED_SEGMENT_MAX, "UnsortedSegmentMax", 3, nullptr, SegmentCheck, nullptr},
    {fb::BuiltinOperator_UNSORTED_SEGMENT_MIN, "UnsortedSegmentMin", 3, nullptr, SegmentCheck, nullptr},
    {fb::BuiltinOperator_UNSORTED_SEGMENT_PROD, "UnsortedSegmentProd", 3, nullptr, SegmentCheck, nullptr},
    {fb::BuiltinOperator_UNSORTED_SEGMENT_SUM, "UnsortedSegmentSum", 3, nullptr, SegmentCheck, nullptr},
};

const Front* FrontFor(int32_t code) {
  for (const Front& f : kFronts) {
    if (f.code == code) return &f;
  }
  return nullptr;
}

// The node as the TF kernel sees it: its first tf_inputs inputs.
ElNodeInfo KernelView(const ElNodeInfo& node, const Front& front) {
  ElNodeInfo view = node;
  view.num_inputs = std::min(node.num_inputs, front.tf_inputs);
  return view;
}

void* BuiltinInit(const ElContextApi* api, ElContext* ctx, const ElNodeInfo* node, ElStatus* status) {
  BuiltinNode* b = nullptr;
  *status = Guard(api, ctx, [&] {
    const Front* front = FrontFor(node->builtin_code);
    const KernelDef* kernel = front ? FindKernelByOp(front->tf_op) : nullptr;
    for (const auto* own : {&LiteRtRandomKernels(), &LiteRtValueKernels(), &LiteRtWindowKernels()}) {
      for (const KernelDef& k : *own) {
        if (front && !kernel && std::strcmp(k.op, front->tf_op) == 0) kernel = &k;
      }
    }
    if (front && !kernel && std::strcmp(LshProjectionKernel().op, front->tf_op) == 0) kernel = &LshProjectionKernel();
    if (kernel == nullptr) Fail("select ops: no kernel for builtin operator ", node->op_name);
    auto made = std::make_unique<BuiltinNode>();
    made->def.op = front->tf_op;
    made->kernel = kernel;
    made->builtin = node->op_name;
    made->front = front;
    try {
      if (front->options) front->options(static_cast<const fb::Operator*>(node->op_table), *made);
    } catch (const FlexError& e) {
      Fail(node->op_name, " (node ", node->index, "): ", e.what());
    }
    b = made.release();
  });
  return b;
}

void BuiltinFree(void* user_data) { delete static_cast<BuiltinNode*>(user_data); }

ElStatus BuiltinPrepare(const ElContextApi* api, ElContext* ctx, const ElNodeInfo* node, void* user_data) {
  return Guard(api, ctx, [&] {
    auto* b = static_cast<BuiltinNode*>(user_data);
    if (b == nullptr) Fail(node->op_name, " (node ", node->index, ") was not initialised");
    OpContext whole(api, ctx, node, b);
    if (b->front->check) b->front->check(whole, *b);
    const ElNodeInfo view = KernelView(*node, *b->front);
    OpContext c(api, ctx, &view, b);
    PrepareKernel(c, *b);
  });
}

ElStatus BuiltinEval(const ElContextApi* api, ElContext* ctx, const ElNodeInfo* node, void* user_data) {
  return Guard(api, ctx, [&] {
    auto* b = static_cast<BuiltinNode*>(user_data);
    const ElNodeInfo view = KernelView(*node, *b->front);
    OpContext c(api, ctx, &view, b);
    // Inputs whose values were unknown at prepare (fft_length) are checked now.
    if (b->shapes_at_eval && b->front->check) {
      OpContext whole(api, ctx, node, b);
      b->evaluating = true;
      b->front->check(whole, *b);
      b->evaluating = false;
    }
    EvalKernel(c, *b);
    if (b->front->after) {
      OpContext whole(api, ctx, node, b);
      b->front->after(whole, *b);
    }
  });
}

// One ElCustomKernel per operator of plugin_ops.h, named by its schema name, with its version range.
struct BuiltinRegistrations {
  std::vector<std::pair<int32_t, ElCustomKernel>> kernels;
  std::string missing;  // operators of the list this library has no front for (a build error to report)
  BuiltinRegistrations() {
#define EL_PLUGIN_KERNEL(NAME, MIN, MAX)                                                                \
  if (FrontFor(fb::BuiltinOperator_##NAME)) {                                                           \
    kernels.push_back({fb::BuiltinOperator_##NAME,                                                     \
                       ElCustomKernel{#NAME, MIN, MAX, BuiltinInit, BuiltinFree, BuiltinPrepare, BuiltinEval}}); \
  } else {                                                                                              \
    missing += (missing.empty() ? "" : ", ") + std::string(#NAME);                                      \
  }
    EL_FOR_EACH_PLUGIN_BUILTIN_OP(EL_PLUGIN_KERNEL)
#undef EL_PLUGIN_KERNEL
  }
};

}  // namespace
}  // namespace edgelite::select

extern "C" __attribute__((visibility("default"))) ElStatus edgelite_register_builtin_ops(
    uint32_t abi_version, ElAddBuiltinKernel add, void* registry, char* error, size_t error_size) {
  static const edgelite::select::BuiltinRegistrations* registrations = new edgelite::select::BuiltinRegistrations();
  if (abi_version != EDGELITE_PLUGIN_ABI_VERSION || !registrations->missing.empty()) {
    if (error && error_size) {
      if (abi_version != EDGELITE_PLUGIN_ABI_VERSION) {
        std::snprintf(error, error_size, "libedgelite_select was built for plugin ABI %d, the core has %u",
                      EDGELITE_PLUGIN_ABI_VERSION, abi_version);
      } else {
        std::snprintf(error, error_size, "libedgelite_select has no kernel for %s", registrations->missing.c_str());
      }
    }
    return EL_STATUS_ERROR;
  }
  for (const auto& [code, kernel] : registrations->kernels) add(registry, code, &kernel);
  return EL_STATUS_OK;
}
