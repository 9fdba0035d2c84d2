// EMBEDDING_LOOKUP: rows of `value` ([rows, ...]) picked by the int32 ids of `lookup` (1-D), giving
// [ids, ...]. Rows are copied (float32 and the other fixed-size dtypes, quantization kept), or, for the
// hybrid form LiteRT runs (int8 or uint8 values, float32 output), dequantized with the value's scale:
// one per tensor, or one per row (quantized along dimension 0), zero points 0. As LiteRT's, uint8 values are
// read as the int8 bytes they hold (the storage older converters used for symmetric weights), so 200 is -56.
// An id outside [0, rows) is an error at eval, as LiteRT's.
#include <cstring>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/variant_types.h"
#include "interpreter/kernels/quantization_params.h"

namespace edgelite {
namespace {

struct EmbeddingData : VariantChoice<EmbeddingData> {
  int64_t row = 0;  // values per row
};

// Calls fn(output row, value row) for each id after checking it.
template <typename Fn>
Status ForEachRow(KernelContext& ctx, Node& node, Fn&& fn) {
  const Tensor& ids = *ctx.input(node, 0);
  const Tensor& value = *ctx.input(node, 1);
  const int32_t* id = ids.data_as<int32_t>();
  for (int64_t i = 0; i < ids.num_elements(); ++i) {
    EL_KERNEL_CHECK(ctx, node, id[i] >= 0 && id[i] < value.dims[0], "id ", id[i], " at position ", i,
                    " is outside the ", value.dims[0], " rows of '", value.name, "'");
    fn(i, id[i]);
  }
  return Status::Ok();
}

Status EvalCopy(KernelContext& ctx, Node& node, EmbeddingData& d) {
  const Tensor& value = *ctx.input(node, 1);
  const size_t bytes = d.row * ElementSize(value.type);
  const uint8_t* src = value.data_as<uint8_t>();
  uint8_t* dst = ctx.output(node, 0)->data_as<uint8_t>();
  return ForEachRow(ctx, node, [&](int64_t i, int64_t r) { std::memcpy(dst + i * bytes, src + r * bytes, bytes); });
}

Status EvalHybrid(KernelContext& ctx, Node& node, EmbeddingData& d) {
  const Tensor& value = *ctx.input(node, 1);
  const std::vector<float>& scale = value.quant.scale;
  const int8_t* src = value.data_as<int8_t>();  // uint8 too: its bytes as int8
  float* dst = ctx.output(node, 0)->data_as<float>();
  return ForEachRow(ctx, node, [&](int64_t i, int64_t r) {
    const float s = scale[scale.size() > 1 ? r : 0];
    for (int64_t k = 0; k < d.row; ++k) dst[i * d.row + k] = s * static_cast<float>(src[r * d.row + k]);
  });
}

Status PrepareCopy(KernelContext& ctx, Node& node, EmbeddingData&) {
  return RequireSameQuantization(ctx, node, *ctx.output(node, 0), "output", *ctx.input(node, 1), "value");
}

Status PrepareHybrid(KernelContext& ctx, Node& node, EmbeddingData&) {
  const Tensor& value = *ctx.input(node, 1);
  const Quantization& q = value.quant;
  EL_KERNEL_CHECK(ctx, node, !q.scale.empty(), "value '", value.name, "' is ", DataTypeName(value.type),
                  " without quantization parameters; a float32 output needs its scale");
  EL_KERNEL_CHECK(ctx, node, q.scale.size() == 1 || (q.quantized_dimension == 0 &&
                                                     q.scale.size() == static_cast<size_t>(value.dims[0])),
                  "value '", value.name, "' must be quantized per tensor or per row (dimension 0)");
  for (int64_t z : q.zero_point) {
    EL_KERNEL_CHECK(ctx, node, z == 0, "value '", value.name, "' has zero point ", z, "; hybrid lookups need 0");
  }
  return Status::Ok();
}

const KernelVariant<EmbeddingData> kVariants[] = {
    {"hybrid", TypeSignature{{kI32, kI8 | kU8}, {kF32}}, Isa::kReference, nullptr, PrepareHybrid, EvalHybrid},
    {"rows", TypeSignature{{kI32, kMovableTypes}, {kSameAsInput1}}, Isa::kReference, nullptr, PrepareCopy, EvalCopy},
};

Status Prepare(KernelContext& ctx, Node& node) {
  auto& d = *static_cast<EmbeddingData*>(node.user_data);
  Tensor *ids, *value, *out;
  EL_RETURN_IF_ERROR(GetTwoInputsOneOutput(ctx, node, &ids, &value, &out));
  EL_KERNEL_CHECK(ctx, node, ids->rank() == 1, "lookup '", ids->name, "' must be 1-D, got ",
                  DimsToString(ids->dims));
  EL_KERNEL_CHECK(ctx, node, value->rank() >= 2, "value '", value->name, "' must have at least 2 dimensions, got ",
                  DimsToString(value->dims));
  EL_RETURN_IF_ERROR(SelectVariant(ctx, node, kVariants, d));
  Dims out_dims = value->dims;
  out_dims[0] = ids->dims[0];
  d.row = NumElements(Dims(value->dims.begin() + 1, value->dims.end()));
  return ctx.ResizeTensor(*out, out_dims);
}

}  // namespace

const KernelRegistration* Register_EMBEDDING_LOOKUP() {
  static const KernelRegistration reg{NewNodeData<EmbeddingData>, DeleteNodeData<EmbeddingData>, Prepare,
                                      EvalSelectedVariant<EmbeddingData>, /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace edgelite

EL_KERNEL_TYPES(EMBEDDING_LOOKUP, kVariants)
