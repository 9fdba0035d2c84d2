// RESHAPE: same elements, new shape. The shape comes from input 1 when it is a 1-D int tensor, else from
// ReshapeOptions.new_shape; one -1 entry is inferred. SQUEEZE: the axes of size 1 listed in squeeze_dims
// (negative count from the end), or all of them, removed. The data is copied (the core may alias it later);
// quantized values keep their meaning only if the output is quantized as the input, which LiteRT does not
// check either (converters give both the same parameters).
#include <cstring>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/string_moves.h"

namespace edgelite {
namespace {

struct ReshapeData : VariantChoice<ReshapeData> {
  // ReshapeOptions.new_shape; used when input 1 is absent or not a vector.
  std::vector<int64_t> option_shape;
  bool has_option_shape = false;
  Dims scratch;  // the resolved shape in eval for a dynamic output (sized in prepare: no allocation in eval)
};

Status Init(KernelContext& ctx, Node& node) {
  auto* data = new ReshapeData();
  node.user_data = data;
  if (node.op) {
    if (auto* o = node.op->builtin_options_as_ReshapeOptions()) {
      if (o->new_shape()) {
        data->has_option_shape = true;
        data->option_shape.assign(o->new_shape()->begin(), o->new_shape()->end());
        // Old converters wrote new_shape [0] to mean a scalar, since a zero-length vector could not be
        // stored; .tflite runtimes read it that way.
        if (data->option_shape.size() == 1 && data->option_shape[0] == 0) data->option_shape.clear();
      }
    }
  }
  return Status::Ok();
}

// Input 1 gives the shape when present as a 1-D int32/int64 tensor; a model may instead carry the shape
// only in the options (or pass a placeholder shape input of another rank, which .tflite ignores).
const Tensor* ShapeTensor(KernelContext& ctx, const Node& node) {
  const Tensor* shape = ctx.input(node, 1);
  if (shape && shape->rank() == 1 && (shape->type == DataType::kInt32 || shape->type == DataType::kInt64)) {
    return shape;
  }
  return nullptr;
}

// Fills `out` from the requested shape (`n` entries read by `at`), inferring one -1 entry from the number
// of input elements.
template <typename At>
Status ResolveShape(KernelContext& ctx, const Node& node, int64_t n, At at, int64_t num_input, Dims* out) {
  out->resize(n);
  int stretch = -1;
  int64_t known = 1;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t v = at(i);
    if (v == -1) {
      if (stretch >= 0) return ctx.Error(node, "new shape has more than one -1 dimension");
      stretch = static_cast<int>(i);
    } else if (v < 0 || v > std::numeric_limits<int32_t>::max()) {
      return ctx.Error(node, StrCat("new shape has invalid dimension ", v, " at index ", i));
    } else if (v > 0 && known > std::numeric_limits<int64_t>::max() / v) {
      return ctx.Error(node, "new shape has more elements than fit in int64");
    } else {
      known *= v;
    }
    (*out)[i] = static_cast<int32_t>(v);
  }
  if (stretch >= 0) {
    if (known == 0) {
      return ctx.Error(node, "cannot infer the -1 dimension of the new shape: the other dimensions multiply to 0");
    }
    (*out)[stretch] = static_cast<int32_t>(num_input / known);
    known *= (*out)[stretch];
  }
  if (known != num_input) {
    std::string requested = "[";
    for (int64_t i = 0; i < n; ++i) requested += StrCat(i ? ", " : "", at(i));
    requested += "]";
    return ctx.Error(node, StrCat("cannot reshape a tensor of ", num_input, " elements to shape ", requested,
                                  " (", known, " elements)"));
  }
  return Status::Ok();
}

Status ResizeOutput(KernelContext& ctx, const Node& node, ReshapeData& data, const Tensor& in, Tensor& out) {
  if (const Tensor* shape = ShapeTensor(ctx, node)) {
    EL_RETURN_IF_ERROR(ResolveShape(
        ctx, node, shape->num_elements(), [&](int64_t i) { return IntValueAt(*shape, i); },
        in.num_elements(), &data.scratch));
  } else {
    EL_RETURN_IF_ERROR(ResolveShape(
        ctx, node, static_cast<int64_t>(data.option_shape.size()),
        [&](int64_t i) { return data.option_shape[i]; }, in.num_elements(), &data.scratch));
  }
  return ctx.ResizeTensor(out, data.scratch);
}

Status Eval(KernelContext& ctx, Node& node, ReshapeData& data) {
  const Tensor& in = *ctx.input(node, 0);
  Tensor& out = *ctx.output(node, 0);
  if (out.is_dynamic) EL_RETURN_IF_ERROR(ResizeOutput(ctx, node, data, in, out));
  if (out.data != in.data && in.RequiredBytes() > 0) std::memcpy(out.data, in.data, in.RequiredBytes());
  return Status::Ok();
}

// Bytes are copied as they are: one row serves every fixed-size dtype.
constexpr TypeSet kReshapeable = kMovableTypes | kF16 | TypeBit(DataType::kFloat64) | TypeBit(DataType::kComplex64);
const KernelVariant<ReshapeData> kVariants[] = {
    {"bytes", TypeSignature{{kReshapeable, kAnyType}, {kSameAsInput0}}, Isa::kReference, nullptr, nullptr, Eval},
    {"strings", TypeSignature{{kStr, kAnyType}, {kSameAsInput0}}, Isa::kReference, nullptr, nullptr,
     EvalStringsByIndex<ReshapeData, Eval>},
};

Status Prepare(KernelContext& ctx, Node& node) {
  auto& data = *static_cast<ReshapeData*>(node.user_data);
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 1, 2));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor *in, *out;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &in));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &out));
  EL_RETURN_IF_ERROR(SelectVariant(ctx, node, kVariants, data));
  const Tensor* shape = ShapeTensor(ctx, node);
  if (!shape && ctx.input(node, 1) && !data.has_option_shape) {
    const Tensor& s = *ctx.input(node, 1);
    return ctx.Error(node, StrCat("shape input '", s.name, "' must be a 1-D int32 or int64 tensor, got ",
                                  DataTypeName(s.type), " of shape ", DimsToString(s.dims)));
  }
  if (shape) {
    // Room for the shape so that a dynamic resize in eval does not allocate here.
    data.scratch.reserve(static_cast<size_t>(shape->num_elements()));
    if (!HasValuesAtPrepare(*shape)) {
      ctx.MarkDynamic(*out);
      return Status::Ok();
    }
  }
  return ResizeOutput(ctx, node, data, *in, *out);
}

struct SqueezeData : VariantChoice<SqueezeData> {
  std::vector<int32_t> squeeze_dims;  // SqueezeOptions; empty: every axis of size 1
};

Status InitSqueeze(KernelContext&, Node& node) {
  auto* data = new SqueezeData();
  node.user_data = data;
  if (node.op) {
    if (auto* o = node.op->builtin_options_as_SqueezeOptions()) {
      if (o->squeeze_dims()) data->squeeze_dims.assign(o->squeeze_dims()->begin(), o->squeeze_dims()->end());
    }
  }
  return Status::Ok();
}

Status EvalSqueeze(KernelContext& ctx, Node& node, SqueezeData&) {
  const Tensor& in = *ctx.input(node, 0);
  Tensor& out = *ctx.output(node, 0);
  if (out.data != in.data && in.RequiredBytes() > 0) std::memcpy(out.data, in.data, in.RequiredBytes());
  return Status::Ok();
}

const KernelVariant<SqueezeData> kSqueezeVariants[] = {
    {"bytes", TypeSignature{{kReshapeable}, {kSameAsInput0}}, Isa::kReference, nullptr, nullptr, EvalSqueeze},
    {"strings", TypeSignature{{kStr}, {kSameAsInput0}}, Isa::kReference, nullptr, nullptr,
     EvalStringsByIndex<SqueezeData, EvalSqueeze>},
};

Status PrepareSqueeze(KernelContext& ctx, Node& node) {
  auto& data = *static_cast<SqueezeData*>(node.user_data);
  Tensor *in, *out;
  EL_RETURN_IF_ERROR(GetSingleInputOutput(ctx, node, &in, &out));
  EL_RETURN_IF_ERROR(SelectVariant(ctx, node, kSqueezeVariants, data));
  const int rank = in->rank();
  std::vector<bool> squeeze(rank, false);
  if (data.squeeze_dims.empty()) {
    for (int a = 0; a < rank; ++a) squeeze[a] = in->dim(a) == 1;
  }
  for (int32_t d : data.squeeze_dims) {
    if (d < -rank || d >= rank) {
      return ctx.Error(node, StrCat("squeeze_dims entry ", d, " is out of range for an input of rank ", rank));
    }
    const int a = d < 0 ? d + rank : d;
    if (in->dim(a) != 1) {
      return ctx.Error(node, StrCat("cannot squeeze axis ", a, " of size ", in->dim(a), " (input shape ",
                                    DimsToString(in->dims), ")"));
    }
    squeeze[a] = true;
  }
  Dims out_dims;
  for (int a = 0; a < rank; ++a) {
    if (!squeeze[a]) out_dims.push_back(in->dim(a));
  }
  return ctx.ResizeTensor(*out, out_dims);
}

}  // namespace

const KernelRegistration* Register_SQUEEZE() {
  static const KernelRegistration reg = {InitSqueeze, DeleteNodeData<SqueezeData>, PrepareSqueeze,
                                        EvalSelectedVariant<SqueezeData>,
                                        /*fold_when_inputs_constant=*/true, false, /*handles_strings=*/true};
  return &reg;
}

const KernelRegistration* Register_RESHAPE() {
  static const KernelRegistration reg = {Init, DeleteNodeData<ReshapeData>, Prepare,
                                        EvalSelectedVariant<ReshapeData>,
                                        /*fold_when_inputs_constant=*/true, false, /*handles_strings=*/true};
  return &reg;
}

}  // namespace edgelite
