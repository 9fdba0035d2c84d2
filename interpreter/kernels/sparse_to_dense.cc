// SPARSE_TO_DENSE: a tensor of `output_shape` (1-D int32 or int64) filled with `default_value`, with `values`
// (one scalar for all, or one per index) written at `indices` (int32 or int64: a scalar or [N] for a 1-D
// output, [N, rank] otherwise). Values are copied by width: float32, int32, int64, int8, uint8 as LiteRT. An
// index outside the output is an error (validate_indices' order check, which LiteRT does not make either, is
// not made). The output is sized at prepare when output_shape has values then, else at eval.
#include <cstring>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/variant_types.h"

namespace edgelite {
namespace {

struct SparseToDenseData : VariantChoice<SparseToDenseData> {
  Dims shape;  // reserved in prepare
};

// One loop for every dtype: elements move as bytes.
Status Eval(KernelContext& ctx, Node& node, SparseToDenseData& d) {
  const Tensor& indices = *ctx.input(node, 0);
  const Tensor& values = *ctx.input(node, 2);
  Tensor& out = *ctx.output(node, 0);
  if (out.is_dynamic) {
    EL_RETURN_IF_ERROR(ReadShapeTensor(ctx, node, *ctx.input(node, 1), "output_shape", &d.shape));
    EL_RETURN_IF_ERROR(ctx.ResizeTensor(out, d.shape));
  }
  const size_t size = ElementSize(out.type);
  uint8_t* y = out.data_as<uint8_t>();
  for (int64_t i = 0; i < out.num_elements(); ++i) std::memcpy(y + i * size, ctx.input(node, 3)->data, size);
  const int rank = out.rank();
  const int64_t n = indices.rank() == 0 ? 1 : indices.dims[0];
  const int per_index = indices.rank() == 2 ? indices.dims[1] : 1;
  EL_KERNEL_CHECK(ctx, node, per_index == rank || n == 0, "indices give ", per_index,
                  " coordinates but the output has rank ", rank);
  EL_KERNEL_CHECK(ctx, node, values.num_elements() == 1 || values.num_elements() == n, "values has ",
                  values.num_elements(), " elements; expected 1 or ", n);
  for (int64_t i = 0; i < n; ++i) {
    int64_t offset = 0;
    for (int a = 0; a < rank; ++a) {
      const int64_t c = IntValueAt(indices, i * per_index + a);
      EL_KERNEL_CHECK(ctx, node, c >= 0 && c < out.dims[a], "index ", i, " is outside the output shape ",
                      DimsToString(out.dims));
      offset = offset * out.dims[a] + c;
    }
    std::memcpy(y + offset * size, values.data_as<uint8_t>() + (values.num_elements() == 1 ? 0 : i) * size, size);
  }
  return Status::Ok();
}

#define EL_STD_ROW(NAME, SET) \
  {NAME, TypeSignature{{kIndexTypes, kIndexTypes, SET, SET}, {SET}}, Isa::kReference, nullptr, nullptr, Eval}
const KernelVariant<SparseToDenseData> kVariants[] = {EL_STD_ROW("values", kI8 | kU8 | kF32 | kI32 | kI64)};
#undef EL_STD_ROW

Status Prepare(KernelContext& ctx, Node& node) {
  auto& d = *static_cast<SparseToDenseData*>(node.user_data);
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 4, 4));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor *indices, *shape, *values, *fill, *out;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &indices));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 1, &shape));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 2, &values));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 3, &fill));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &out));
  EL_RETURN_IF_ERROR(SelectVariant(ctx, node, kVariants, d));
  EL_KERNEL_CHECK(ctx, node, values->type == fill->type && out->type == values->type,
                  "values, default_value and output must have one dtype");
  EL_KERNEL_CHECK(ctx, node, indices->rank() <= 2, "indices must be a scalar, 1-D or 2-D, got ",
                  DimsToString(indices->dims));
  EL_KERNEL_CHECK(ctx, node, values->rank() <= 1, "values must be a scalar or 1-D, got ", DimsToString(values->dims));
  EL_KERNEL_CHECK(ctx, node, fill->num_elements() == 1, "default_value must be a scalar, got ",
                  DimsToString(fill->dims));
  bool known_now;
  EL_RETURN_IF_ERROR(PrepareShapeTensor(ctx, node, *shape, "output_shape", *out, &d.shape, &known_now));
  if (!known_now) return Status::Ok();
  EL_RETURN_IF_ERROR(ReadShapeTensor(ctx, node, *shape, "output_shape", &d.shape));
  return ctx.ResizeTensor(*out, d.shape);
}

}  // namespace

const KernelRegistration* Register_SPARSE_TO_DENSE() {
  static const KernelRegistration reg{NewNodeData<SparseToDenseData>, DeleteNodeData<SparseToDenseData>, Prepare,
                                      EvalSelectedVariant<SparseToDenseData>, /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace edgelite

EL_KERNEL_TYPES(SPARSE_TO_DENSE, kVariants)
