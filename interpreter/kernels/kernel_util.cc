// Shared kernel arithmetic: activations, padding, broadcasting and common prepare checks.
#include "interpreter/kernels/kernel_util.h"

#include <cstdlib>
#include <cstring>

namespace edgelite {

Status GetActivationRange(KernelContext& ctx, const Node& node, schema::ActivationFunctionType act,
                          ActivationRange* range) {
  *range = ActivationRange();
  if (node.fused_activation >= 0) act = static_cast<schema::ActivationFunctionType>(node.fused_activation);
  switch (act) {
    case schema::ActivationFunctionType_NONE: return Status::Ok();
    case schema::ActivationFunctionType_RELU: range->min = 0.f; return Status::Ok();
    case schema::ActivationFunctionType_RELU_N1_TO_1: range->min = -1.f; range->max = 1.f; return Status::Ok();
    case schema::ActivationFunctionType_RELU6: range->min = 0.f; range->max = 6.f; return Status::Ok();
    default:
      return ctx.Error(node, StrCat("fused activation ", static_cast<int>(act), " (",
                                    schema::EnumNameActivationFunctionType(act), ") is not supported"),
                       StatusCode::kUnsupported);
  }
}

Status GetPaddingKind(KernelContext& ctx, const Node& node, schema::Padding padding, PaddingKind* out) {
  if (padding == schema::Padding_SAME) { *out = PaddingKind::kSame; return Status::Ok(); }
  if (padding == schema::Padding_VALID) { *out = PaddingKind::kValid; return Status::Ok(); }
  return ctx.Error(node, StrCat("unknown padding ", static_cast<int>(padding)));
}

int ComputeOutputSize(PaddingKind padding, int in, int filter, int stride, int dilation) {
  const int effective = (filter - 1) * dilation + 1;
  if (padding == PaddingKind::kSame) return (in + stride - 1) / stride;
  return (in - effective + stride) / stride;
}

int ComputePaddingBefore(int stride, int dilation, int in, int filter, int out) {
  const int effective = (filter - 1) * dilation + 1;
  const int total = std::max((out - 1) * stride + effective - in, 0);
  return total / 2;
}

bool BroadcastShapes(const Dims& a, const Dims& b, Dims* out) {
  const size_t rank = std::max(a.size(), b.size());
  Dims result(rank);
  for (size_t i = 0; i < rank; ++i) {
    const int da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const int db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1) return false;
    result[i] = da == 1 ? db : da;
  }
  *out = std::move(result);
  return true;
}

std::string ShapeListToString(const Dims* const* shapes, int count) {
  std::string s;
  for (int i = 0; i < count; ++i) {
    s += StrCat(i == 0 ? "" : i + 1 == count ? " and " : ", ", DimsToString(*shapes[i]));
  }
  return s;
}

Status CheckInputCount(KernelContext& ctx, const Node& node, int min_count, int max_count) {
  const int n = static_cast<int>(node.inputs.size());
  if (n < min_count || n > max_count) {
    return ctx.Error(node, min_count == max_count
                               ? StrCat("expected ", min_count, " inputs, got ", n)
                               : StrCat("expected ", min_count, " to ", max_count, " inputs, got ", n));
  }
  return Status::Ok();
}

Status CheckOutputCount(KernelContext& ctx, const Node& node, int count) {
  if (static_cast<int>(node.outputs.size()) != count)
    return ctx.Error(node, StrCat("expected ", count, " outputs, got ", node.outputs.size()));
  return Status::Ok();
}

Status CheckType(KernelContext& ctx, const Node& node, const Tensor& t, DataType type, const char* what) {
  if (t.type != type) {
    return ctx.Error(node, StrCat(what, " '", t.name, "' has type ", DataTypeName(t.type), ", expected ",
                                  DataTypeName(type)), StatusCode::kUnsupported);
  }
  return Status::Ok();
}

Status CheckTypeIn(KernelContext& ctx, const Node& node, const Tensor& t, std::initializer_list<DataType> types,
                   const char* what) {
  std::string names;
  for (DataType type : types) {
    if (t.type == type) return Status::Ok();
    names += StrCat(names.empty() ? "" : ", ", DataTypeName(type));
  }
  return ctx.Error(node, StrCat(what, " '", t.name, "' has type ", DataTypeName(t.type), ", expected one of ", names),
                   StatusCode::kUnsupported);
}

Status CheckResourceHandle(KernelContext& ctx, const Node& node, const Tensor& t) {
  EL_KERNEL_CHECK(ctx, node, t.type == DataType::kResource || t.type == DataType::kInt32, "the resource handle '",
                  t.name, "' must be a resource (or int32) tensor, got ", DataTypeName(t.type));
  EL_KERNEL_CHECK(ctx, node, t.num_elements() == 1, "the resource handle '", t.name, "' must hold one id, got shape ",
                  DimsToString(t.dims));
  EL_KERNEL_CHECK(ctx, node, ctx.resources(), "runs outside an interpreter (no resource table)");
  return Status::Ok();
}

Status CheckMovableType(KernelContext& ctx, const Node& node, const Tensor& t, const char* what) {
  return CheckTypeIn(ctx, node, t,
                     {DataType::kFloat32, DataType::kInt32, DataType::kInt64, DataType::kInt8, DataType::kUInt8,
                      DataType::kInt16},
                     what);
}

Status RefuseQuantized(KernelContext& ctx, const Node& node, const Tensor& t, const char* runs) {
  if (t.type != DataType::kInt8 && t.type != DataType::kUInt8 && t.type != DataType::kInt16) return Status::Ok();
  return ctx.Error(node, StrCat("quantized ", node.op_name, " (", DataTypeName(t.type), " tensor '", t.name,
                                "') is not supported yet; this build runs it on ", runs),
                   StatusCode::kUnsupported);
}

Status RequireInput(KernelContext& ctx, const Node& node, int i, Tensor** out) {
  *out = ctx.input(node, i);
  if (!*out) return ctx.Error(node, StrCat("input ", i, " is missing"));
  return Status::Ok();
}

Status RequireOutput(KernelContext& ctx, const Node& node, int i, Tensor** out) {
  *out = ctx.output(node, i);
  if (!*out) return ctx.Error(node, StrCat("output ", i, " is missing"));
  return Status::Ok();
}

Status GetSingleInputOutput(KernelContext& ctx, const Node& node, Tensor** in, Tensor** out) {
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 1, 1));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, in));
  return RequireOutput(ctx, node, 0, out);
}

Status GetTwoInputsOneOutput(KernelContext& ctx, const Node& node, Tensor** a, Tensor** b, Tensor** out) {
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 2, 2));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, a));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 1, b));
  return RequireOutput(ctx, node, 0, out);
}

Status NormalizeAxis(KernelContext& ctx, const Node& node, int axis, int rank, int* out) {
  const int a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= std::max(rank, 1)) {
    return ctx.Error(node, StrCat("axis ", axis, " is out of range for rank ", rank));
  }
  *out = a;
  return Status::Ok();
}

Status ReadAxisTensor(KernelContext& ctx, const Node& node, const Tensor& t, int rank, int* axis) {
  const int64_t value = IntValueAt(t, 0);
  EL_KERNEL_CHECK(ctx, node, value >= -rank && value < rank, "axis ", value, " is out of range for rank ", rank);
  *axis = static_cast<int>(value < 0 ? value + rank : value);
  return Status::Ok();
}

Status RequestScratch(KernelContext& ctx, Node& node, DataType type, int64_t elements, int* index) {
  if (*index < 0) EL_RETURN_IF_ERROR(ctx.AddTemporary(node, type, index));
  Tensor* t = ctx.tensor(*index);
  if (!t) return ctx.Error(node, StrCat("scratch tensor ", *index, " is missing"), StatusCode::kInternal);
  if (elements < 0 || elements > std::numeric_limits<int32_t>::max()) {
    return ctx.Error(node, StrCat("scratch of ", elements, " elements is too large"), StatusCode::kUnsupported);
  }
  return ctx.ResizeTensor(*t, Dims{static_cast<int32_t>(elements)});
}

bool ForceReferenceKernels() {
  const char* v = std::getenv("EDGELITE_FORCE_REFERENCE_KERNELS");
  return v && std::strcmp(v, "1") == 0;
}

Status ReadIntVector(KernelContext& ctx, const Node& node, const Tensor& t, std::vector<int64_t>* out) {
  if (!t.data) return ctx.Error(node, StrCat("tensor '", t.name, "' has no data yet"));
  const int64_t n = t.num_elements();
  out->resize(n);
  if (t.type == DataType::kInt32) {
    for (int64_t i = 0; i < n; ++i) (*out)[i] = t.data_as<int32_t>()[i];
  } else if (t.type == DataType::kInt64) {
    for (int64_t i = 0; i < n; ++i) (*out)[i] = t.data_as<int64_t>()[i];
  } else {
    return ctx.Error(node, StrCat("tensor '", t.name, "' must be int32 or int64, got ", DataTypeName(t.type)));
  }
  return Status::Ok();
}

Status ReadShapeTensor(KernelContext& ctx, const Node& node, const Tensor& t, const char* what, Dims* shape) {
  constexpr int64_t kMaxElements = int64_t{1} << 40;
  shape->clear();
  int64_t elements = 1;
  for (int64_t i = 0; i < t.num_elements(); ++i) {
    const int64_t d = IntValueAt(t, i);
    EL_KERNEL_CHECK(ctx, node, d >= 0 && d <= std::numeric_limits<int32_t>::max(), what, "[", i, "] is ", d,
                    ", expected 0 to 2^31 - 1");
    shape->push_back(static_cast<int32_t>(d));
    EL_KERNEL_CHECK(ctx, node, elements == 0 || d <= kMaxElements / elements, "output shape ", DimsToString(*shape),
                    "... has too many elements");
    elements *= d;
  }
  return Status::Ok();
}

Status PrepareShapeTensor(KernelContext& ctx, const Node& node, const Tensor& t, const char* what, Tensor& out,
                          Dims* shape, bool* known_now) {
  EL_KERNEL_CHECK(ctx, node, t.rank() == 1, what, " input '", t.name, "' must be 1-D, got shape ",
                  DimsToString(t.dims));
  shape->reserve(static_cast<size_t>(t.num_elements()));
  *known_now = t.num_elements() == 0 || HasValuesAtPrepare(t);
  if (!*known_now) ctx.MarkDynamic(out);
  return Status::Ok();
}

Status PrepareLastAxisRows(KernelContext& ctx, Node& node, bool scalar_is_one_row, int64_t* rows,
                              int64_t* depth) {
  Tensor *in, *out;
  EL_RETURN_IF_ERROR(GetSingleInputOutput(ctx, node, &in, &out));
  if (in->rank() < 1 && !scalar_is_one_row) {
    return ctx.Error(node, StrCat("input '", in->name, "' must have rank 1 or more, got a scalar"));
  }
  *depth = in->rank() ? in->dims.back() : 1;
  *rows = *depth ? in->num_elements() / *depth : 0;
  return ctx.ResizeTensor(*out, in->dims);
}

}  // namespace edgelite
