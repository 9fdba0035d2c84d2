// DYNAMIC_UPDATE_SLICE: the operand with `update` written over it at `start_indices` (1-D int32 or int64,
// one per dimension, read at eval). Each start is clamped to [0, operand - update] along its dimension, as
// XLA's and LiteRT's, so the update always fits. Values move as bytes: any fixed-size dtype; quantized
// update and output must be quantized as the operand.
#include <algorithm>
#include <cstring>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/variant_types.h"
#include "interpreter/kernels/quantization_params.h"

namespace edgelite {
namespace {

struct UpdateSliceData : VariantChoice<UpdateSliceData> {
  std::vector<int64_t> start;  // reserved in prepare
};

Status Eval(KernelContext& ctx, Node& node, UpdateSliceData& d) {
  const Tensor& operand = *ctx.input(node, 0);
  const Tensor& update = *ctx.input(node, 1);
  const Tensor& indices = *ctx.input(node, 2);
  Tensor& out = *ctx.output(node, 0);
  if (out.data != operand.data && operand.bytes) std::memcpy(out.data, operand.data, operand.bytes);
  const int rank = operand.rank();
  const int64_t n = update.num_elements();
  if (n == 0) return Status::Ok();
  d.start.resize(rank);
  for (int a = 0; a < rank; ++a) {
    d.start[a] = std::min<int64_t>(std::max<int64_t>(IntValueAt(indices, a), 0), operand.dims[a] - update.dims[a]);
  }
  const size_t esize = ElementSize(operand.type);
  const int64_t row = rank ? update.dims[rank - 1] : 1;  // contiguous in both tensors
  const uint8_t* src = update.data_as<uint8_t>();
  uint8_t* dst = out.data_as<uint8_t>();
  for (int64_t r = 0; r < n / row; ++r) {
    // The update row's coordinates, offset by start, give the output row.
    int64_t offset = 0, stride = 1, rest = r;
    for (int a = rank - 1; a >= 0; --a) {
      const int64_t coord = a == rank - 1 ? 0 : rest % update.dims[a];
      if (a != rank - 1) rest /= update.dims[a];
      offset += (coord + d.start[a]) * stride;
      stride *= operand.dims[a];
    }
    std::memcpy(dst + offset * esize, src + r * row * esize, row * esize);
  }
  return Status::Ok();
}

Status PrepareCopy(KernelContext& ctx, Node& node, UpdateSliceData&) {
  const Tensor& operand = *ctx.input(node, 0);
  EL_RETURN_IF_ERROR(RequireSameQuantization(ctx, node, *ctx.input(node, 1), "update", operand, "operand"));
  return RequireSameQuantization(ctx, node, *ctx.output(node, 0), "output", operand, "operand");
}

const KernelVariant<UpdateSliceData> kVariants[] = {
    {"bytes", TypeSignature{{kFixedSizeTypes, kSameAsInput0, kIndexTypes}, {kSameAsInput0}}, Isa::kReference, nullptr,
     PrepareCopy, Eval},
};

Status Prepare(KernelContext& ctx, Node& node) {
  auto& d = *static_cast<UpdateSliceData*>(node.user_data);
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 3, 3));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor *operand, *update, *indices, *out;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &operand));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 1, &update));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 2, &indices));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &out));
  EL_RETURN_IF_ERROR(SelectVariant(ctx, node, kVariants, d));
  const int rank = operand->rank();
  EL_KERNEL_CHECK(ctx, node, update->rank() == rank, "update has rank ", update->rank(), " but the operand ", rank);
  for (int a = 0; a < rank; ++a) {
    EL_KERNEL_CHECK(ctx, node, update->dims[a] <= operand->dims[a], "update ", DimsToString(update->dims),
                    " is larger than the operand ", DimsToString(operand->dims));
  }
  EL_KERNEL_CHECK(ctx, node, indices->rank() == 1 && indices->dims[0] == rank, "start_indices must have shape [",
                  rank, "], got ", DimsToString(indices->dims));
  d.start.reserve(rank);
  return ctx.ResizeTensor(*out, operand->dims);
}

}  // namespace

const KernelRegistration* Register_DYNAMIC_UPDATE_SLICE() {
  static const KernelRegistration reg{NewNodeData<UpdateSliceData>, DeleteNodeData<UpdateSliceData>, Prepare,
                                      EvalSelectedVariant<UpdateSliceData>, /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace edgelite

EL_KERNEL_TYPES(DYNAMIC_UPDATE_SLICE, kVariants)
