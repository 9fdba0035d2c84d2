// FILL: a tensor of shape `dims` (1-D int32 or int64) with every element equal to the scalar `value`,
// of any fixed-size dtype (the value is copied as bytes). The shape is set in prepare when `dims` has
// values then (a constant, or folded); otherwise the output is dynamic and sized at eval.
#include <algorithm>
#include <cstring>
#include <limits>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"

namespace edgelite {
namespace {

struct FillData : VariantChoice<FillData> {
  Dims shape;  // the output shape read from dims; reserved in prepare so that eval does not allocate it
};

// Reads and checks the output shape from the dims tensor (whose values must be there).
Status ReadShape(KernelContext& ctx, const Node& node, const Tensor& dims, Dims* shape) {
  // Bounded so that the byte count cannot overflow: a bad model gets an error, not a huge allocation.
  constexpr int64_t kMaxElements = int64_t{1} << 40;
  shape->clear();
  int64_t elements = 1;
  for (int64_t i = 0; i < dims.num_elements(); ++i) {
    const int64_t d = IntValueAt(dims, i);
    EL_KERNEL_CHECK(ctx, node, d >= 0 && d <= std::numeric_limits<int32_t>::max(), "dims[", i, "] is ", d,
                    ", expected 0 to 2^31 - 1");
    shape->push_back(static_cast<int32_t>(d));
    EL_KERNEL_CHECK(ctx, node, elements == 0 || d <= kMaxElements / elements, "output shape ",
                    DimsToString(*shape), "... has too many elements");
    elements *= d;
  }
  return Status::Ok();
}

// The value is copied as a word of its width, so one instantiation per width covers every dtype.
template <typename Word>
Status Eval(KernelContext& ctx, Node& node, FillData& data) {
  const Tensor& dims = *ctx.input(node, 0);
  const Tensor& value = *ctx.input(node, 1);
  Tensor& out = *ctx.output(node, 0);
  if (out.is_dynamic) {
    // The shape is known only now: a dynamic output gets its memory from ResizeTensor.
    EL_RETURN_IF_ERROR(ReadShape(ctx, node, dims, &data.shape));
    EL_RETURN_IF_ERROR(ctx.ResizeTensor(out, data.shape));
  }
  const int64_t n = out.num_elements();
  if (n == 0) return Status::Ok();
  if (!out.data || !value.data) {
    return ctx.Error(node, StrCat("no memory for output '", out.name, "' of shape ", DimsToString(out.dims)),
                     StatusCode::kInternal);
  }
  Word word;
  std::memcpy(&word, value.data, sizeof word);
  std::fill(static_cast<Word*>(out.data), static_cast<Word*>(out.data) + n, word);
  return Status::Ok();
}

constexpr TypeSet kFillable2Byte = kMovable2Byte | kF16;
constexpr TypeSet kFillable8Byte = kMovable8Byte | TypeBit(DataType::kFloat64);
const KernelVariant<FillData> kVariants[] = {
    {"1-byte", TypeSignature{{kIndexTypes, kMovable1Byte}, {kSameAsInput1}}, Isa::kReference, nullptr, nullptr,
     Eval<uint8_t>},
    {"2-byte", TypeSignature{{kIndexTypes, kFillable2Byte}, {kSameAsInput1}}, Isa::kReference, nullptr, nullptr,
     Eval<uint16_t>},
    {"4-byte", TypeSignature{{kIndexTypes, kMovable4Byte}, {kSameAsInput1}}, Isa::kReference, nullptr, nullptr,
     Eval<uint32_t>},
    {"8-byte", TypeSignature{{kIndexTypes, kFillable8Byte}, {kSameAsInput1}}, Isa::kReference, nullptr, nullptr,
     Eval<uint64_t>},
};

Status Prepare(KernelContext& ctx, Node& node) {
  auto& data = *static_cast<FillData*>(node.user_data);
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 2, 2));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor *dims, *value, *out;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &dims));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 1, &value));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &out));
  EL_RETURN_IF_ERROR(SelectVariant(ctx, node, kVariants, data));
  EL_KERNEL_CHECK(ctx, node, dims->rank() == 1, "dims input '", dims->name, "' must be 1-D, got shape ",
                  DimsToString(dims->dims));
  EL_KERNEL_CHECK(ctx, node, value->rank() == 0, "value input '", value->name, "' must be a scalar, got shape ",
                  DimsToString(value->dims));
  data.shape.reserve(static_cast<size_t>(dims->num_elements()));
  // An empty dims tensor has no values to wait for: the output is a scalar.
  if (dims->num_elements() > 0 && !HasValuesAtPrepare(*dims)) {
    ctx.MarkDynamic(*out);
    return Status::Ok();
  }
  EL_RETURN_IF_ERROR(ReadShape(ctx, node, *dims, &data.shape));
  return ctx.ResizeTensor(*out, data.shape);
}

}  // namespace

const KernelRegistration* Register_FILL() {
  // Folded when dims and value are constant, so shapes built from it resolve at prepare.
  static const KernelRegistration reg{NewNodeData<FillData>, DeleteNodeData<FillData>, Prepare,
                                      EvalSelectedVariant<FillData>,
                                      /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace edgelite
