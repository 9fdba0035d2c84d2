// GATHER: picks slices of `params` along `axis` by `indices`, with batch_dims leading dimensions shared.
// Any fixed-size dtype (slices are copied as bytes); int32 or int64 indices, checked at eval.
#include <cstring>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/string_moves.h"
#include "interpreter/kernels/variant_types.h"

namespace edgelite {
namespace {

struct GatherData : VariantChoice<GatherData> {
  int axis = 0;
  int batch_dims = 0;
  // Filled in prepare; the copy in eval is: for batch, outer, index: copy `inner` elements.
  int64_t batch = 1, outer = 1, inner = 1, axis_size = 0, num_indices = 1;
};

Status Init(KernelContext&, Node& node) {
  auto* d = new GatherData();
  node.user_data = d;
  if (node.op) {
    if (const auto* o = node.op->builtin_options_as_GatherOptions()) {
      d->axis = o->axis();
      d->batch_dims = o->batch_dims();
    }
  }
  return Status::Ok();
}

// Slices move as bytes: one instantiation per index type covers every params dtype.
template <typename Index>
Status Eval(KernelContext& ctx, Node& node, GatherData& d) {
  const Tensor& params = *ctx.input(node, 0);
  const Tensor& indices = *ctx.input(node, 1);
  Tensor& out = *ctx.output(node, 0);
  const size_t elem = ElementSize(params.type);
  const size_t slice = static_cast<size_t>(d.inner) * elem;
  const auto* src = static_cast<const uint8_t*>(params.data);
  auto* dst = static_cast<uint8_t*>(out.data);
  const Index* idx = indices.data_as<Index>();
  for (int64_t b = 0; b < d.batch; ++b) {
    for (int64_t o = 0; o < d.outer; ++o) {
      const uint8_t* base = src + ((b * d.outer + o) * d.axis_size) * slice;
      for (int64_t i = 0; i < d.num_indices; ++i) {
        const int64_t k = idx[b * d.num_indices + i];
        if (k < 0 || k >= d.axis_size) {
          return ctx.Error(node, StrCat("index ", k, " is out of range [0, ", d.axis_size, ")"),
                           StatusCode::kInvalidArgument);
        }
        std::memcpy(dst, base + k * slice, slice);
        dst += slice;
      }
    }
  }
  return Status::Ok();
}

const KernelVariant<GatherData> kVariants[] = {
    {"int32 indices", TypeSignature{{kFixedSizeTypes, kI32}, {kSameAsInput0}}, Isa::kReference, nullptr, nullptr,
     Eval<int32_t>},
    {"int64 indices", TypeSignature{{kFixedSizeTypes, kI64}, {kSameAsInput0}}, Isa::kReference, nullptr, nullptr,
     Eval<int64_t>},
    {"strings, int32 indices", TypeSignature{{kStr, kI32}, {kSameAsInput0}}, Isa::kReference, nullptr, nullptr,
     EvalStringsByIndex<GatherData, Eval<int32_t>>},
    {"strings, int64 indices", TypeSignature{{kStr, kI64}, {kSameAsInput0}}, Isa::kReference, nullptr, nullptr,
     EvalStringsByIndex<GatherData, Eval<int64_t>>},
};

Status Prepare(KernelContext& ctx, Node& node) {
  auto* d = static_cast<GatherData*>(node.user_data);
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 2, 2));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor *params, *indices, *out;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &params));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 1, &indices));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &out));
  EL_RETURN_IF_ERROR(SelectVariant(ctx, node, kVariants, *d));
  EL_KERNEL_CHECK(ctx, node, params->rank() >= 1, "params must have rank >= 1");
  // As LiteRT, whose string gather takes one axis only.
  EL_KERNEL_CHECK(ctx, node, params->type != DataType::kString || params->rank() == 1,
                  "string params must be 1-D, got shape ", DimsToString(params->dims));
  int axis;
  EL_RETURN_IF_ERROR(NormalizeAxis(ctx, node, d->axis, params->rank(), &axis));
  int batch_dims = d->batch_dims < 0 ? d->batch_dims + indices->rank() : d->batch_dims;
  EL_KERNEL_CHECK(ctx, node, batch_dims >= 0 && batch_dims <= indices->rank() && batch_dims <= axis,
                  "batch_dims ", d->batch_dims, " is out of range for axis ", axis, " and indices rank ",
                  indices->rank());
  for (int i = 0; i < batch_dims; ++i) {
    EL_KERNEL_CHECK(ctx, node, params->dims[i] == indices->dims[i], "batch dimension ", i, " differs: params ",
                    DimsToString(params->dims), ", indices ", DimsToString(indices->dims));
  }
  Dims out_dims(params->dims.begin(), params->dims.begin() + axis);
  out_dims.insert(out_dims.end(), indices->dims.begin() + batch_dims, indices->dims.end());
  out_dims.insert(out_dims.end(), params->dims.begin() + axis + 1, params->dims.end());
  d->batch = NumElements(Dims(params->dims.begin(), params->dims.begin() + batch_dims));
  d->outer = NumElements(Dims(params->dims.begin() + batch_dims, params->dims.begin() + axis));
  d->inner = NumElements(Dims(params->dims.begin() + axis + 1, params->dims.end()));
  d->axis_size = params->dims[axis];
  d->num_indices = NumElements(Dims(indices->dims.begin() + batch_dims, indices->dims.end()));
  return ctx.ResizeTensor(*out, out_dims);
}

}  // namespace

const KernelRegistration* Register_GATHER() {
  // Folding: SHAPE -> GATHER chains in dynamic-batch graphs resolve at prepare.
  static const KernelRegistration reg{Init, DeleteNodeData<GatherData>, Prepare, EvalSelectedVariant<GatherData>,
                                      /*fold_when_inputs_constant=*/true, false, /*handles_strings=*/true};
  return &reg;
}

}  // namespace edgelite

EL_KERNEL_TYPES(GATHER, kVariants)
