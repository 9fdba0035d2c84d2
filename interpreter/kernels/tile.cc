// TILE: the input repeated `multiples[i]` times along each axis i (multiples 1-D int32 or int64, one per
// axis), for every fixed-size dtype (bytes move, quantization kept; reference/tile.h). The output shape is set
// in prepare when the multiples have values then; otherwise the output is dynamic and sized at eval.
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/string_moves.h"
#include "interpreter/kernels/variant_types.h"
#include "interpreter/kernels/reference/tile.h"

namespace edgelite {
namespace {

struct TileData : VariantChoice<TileData> {
  // Room reserved in prepare for the input's rank, so that a dynamic output's eval does not allocate.
  std::vector<int64_t> multiples;
  std::vector<int64_t> block_bytes;  // reference::Tile's scratch
  Dims shape;
};

// Reads and checks the multiples, and the output shape they give.
Status ReadMultiples(KernelContext& ctx, const Node& node, TileData& d) {
  const Tensor& in = *ctx.input(node, 0);
  const Tensor& m = *ctx.input(node, 1);
  d.multiples.clear();
  d.shape.clear();
  int64_t elements = 1;
  for (int i = 0; i < in.rank(); ++i) {
    const int64_t k = IntValueAt(m, i);
    EL_KERNEL_CHECK(ctx, node, k >= 0, "multiples[", i, "] is ", k, ", expected 0 or more");
    const int64_t size = in.dim(i) * k;
    EL_KERNEL_CHECK(ctx, node, k == 0 || size / k == in.dim(i), "multiples[", i, "] = ", k, " is too large");
    EL_KERNEL_CHECK(ctx, node, size <= std::numeric_limits<int32_t>::max(), "output dimension ", i, " (", in.dim(i),
                    " x ", k, ") is beyond 2^31 - 1");
    EL_KERNEL_CHECK(ctx, node, elements == 0 || size <= (int64_t{1} << 40) / elements,
                    "the output has too many elements");
    elements *= size;
    d.multiples.push_back(k);
    d.shape.push_back(static_cast<int32_t>(size));
  }
  return Status::Ok();
}

Status Eval(KernelContext& ctx, Node& node, TileData& d) {
  const Tensor& in = *ctx.input(node, 0);
  Tensor& out = *ctx.output(node, 0);
  if (out.is_dynamic) {
    EL_RETURN_IF_ERROR(ReadMultiples(ctx, node, d));
    EL_RETURN_IF_ERROR(ctx.ResizeTensor(out, d.shape));
  }
  if (out.num_elements() == 0) return Status::Ok();
  reference::Tile(in.dims.data(), d.multiples.data(), in.rank(), static_cast<int64_t>(ElementSize(in.type)),
                  d.block_bytes.data(), in.data, out.data);
  return Status::Ok();
}

const KernelVariant<TileData> kVariants[] = {
    {"bytes", TypeSignature{{kFixedSizeTypes, kIndexTypes}, {kSameAsInput0}}, Isa::kReference, nullptr, nullptr, Eval},
    {"strings", TypeSignature{{kStr, kIndexTypes}, {kSameAsInput0}}, Isa::kReference, nullptr, nullptr,
     EvalStringsByIndex<TileData, Eval>},
};

Status Prepare(KernelContext& ctx, Node& node) {
  auto& d = *static_cast<TileData*>(node.user_data);
  Tensor *in, *multiples, *out;
  EL_RETURN_IF_ERROR(GetTwoInputsOneOutput(ctx, node, &in, &multiples, &out));
  EL_RETURN_IF_ERROR(SelectVariant(ctx, node, kVariants, d));
  EL_KERNEL_CHECK(ctx, node, multiples->rank() == 1 && multiples->num_elements() == in->rank(), "multiples '",
                  multiples->name, "' must be a vector of ", in->rank(), " values (one per input axis), got shape ",
                  DimsToString(multiples->dims));
  const size_t rank = static_cast<size_t>(in->rank());
  d.multiples.reserve(rank);
  d.shape.reserve(rank);
  d.block_bytes.resize(rank + 1);
  if (rank > 0 && !HasValuesAtPrepare(*multiples)) {
    ctx.MarkDynamic(*out);
    return Status::Ok();
  }
  EL_RETURN_IF_ERROR(ReadMultiples(ctx, node, d));
  return ctx.ResizeTensor(*out, d.shape);
}

}  // namespace

const KernelRegistration* Register_TILE() {
  // Folded when both inputs are constant, as FILL is.
  static const KernelRegistration reg{NewNodeData<TileData>, DeleteNodeData<TileData>, Prepare,
                                      EvalSelectedVariant<TileData>, /*fold_when_inputs_constant=*/true, false,
                                      /*handles_strings=*/true};
  return &reg;
}

}  // namespace edgelite

EL_KERNEL_TYPES(TILE, kVariants)
