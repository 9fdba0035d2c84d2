// SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND (what older converters wrote for dilated convolutions): M spatial
// dimensions after the batch are padded (SPACE_TO_BATCH_ND) and cut into blocks of block_shape that move to
// the batch, or the reverse, cropping (BATCH_TO_SPACE_ND); dimensions after the spatial ones ride along as one
// contiguous slab. The output batch is (block offset) * batch + input batch, as TensorFlow's. block_shape and
// paddings / crops must be constant. Quantized values move raw (output quantized as input); padding is the
// zero point, as LiteRT.
#include <cstring>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/variant_types.h"
#include "interpreter/kernels/quantization_params.h"

namespace edgelite {
namespace {

struct SpaceBatchData : VariantChoice<SpaceBatchData> {
  std::vector<int64_t> block, before;  // per spatial dimension: block size, padding (or crop) before
  int64_t batch = 0;                   // the batch of the side with the spatial data (S2B input, B2S output)
  int64_t inner_bytes = 0;             // the slab of trailing dimensions
  Dims space_dims;                     // spatial dimensions of the spatial side (unpadded)
  Dims blocked_dims;                   // spatial dimensions of the batched side
  std::vector<int64_t> offset, pos;    // eval's per-dimension counters, sized in prepare
};

// Copies between the spatial side `space` ([batch, space_dims..., slab]) and the batched side `blocked`
// ([block offsets x batch, blocked_dims..., slab]); `to_batch` picks the direction. A blocked position
// outside the spatial side is padding (filled with `pad`), so only SPACE_TO_BATCH_ND meets one.
void Move(SpaceBatchData& d, uint8_t* space, uint8_t* blocked, bool to_batch, uint8_t pad) {
  const int m = static_cast<int>(d.block.size());
  int64_t offsets = 1, positions = 1;
  for (int i = 0; i < m; ++i) {
    offsets *= d.block[i];
    positions *= d.blocked_dims[i];
  }
  const int64_t slab = d.inner_bytes;
  std::vector<int64_t>& offset = d.offset;
  std::vector<int64_t>& pos = d.pos;
  for (int64_t off = 0; off < offsets; ++off) {
    for (int64_t r = off, i = m - 1; i >= 0; --i) offset[i] = r % d.block[i], r /= d.block[i];
    for (int64_t b = 0; b < d.batch; ++b) {
      for (int64_t p = 0; p < positions; ++p) {
        for (int64_t r = p, i = m - 1; i >= 0; --i) pos[i] = r % d.blocked_dims[i], r /= d.blocked_dims[i];
        int64_t src = b;
        bool inside = true;
        for (int i = 0; i < m; ++i) {
          const int64_t s = pos[i] * d.block[i] + offset[i] - d.before[i];
          inside = inside && s >= 0 && s < d.space_dims[i];
          src = src * d.space_dims[i] + s;
        }
        uint8_t* bl = blocked + ((off * d.batch + b) * positions + p) * slab;
        if (!inside) {
          if (to_batch) std::memset(bl, pad, slab);
          continue;
        }
        uint8_t* sp = space + src * slab;
        if (to_batch) std::memcpy(bl, sp, slab);
        else std::memcpy(sp, bl, slab);
      }
    }
  }
}

template <bool kToBatch>
Status Eval(KernelContext& ctx, Node& node, SpaceBatchData& d) {
  Tensor& in = *ctx.input(node, 0);
  Tensor& out = *ctx.output(node, 0);
  // The output zero point: 0 for float and unquantized types.
  const uint8_t pad = out.quant.zero_point.empty() ? 0 : static_cast<uint8_t>(out.quant.zero_point[0]);
  if (kToBatch) Move(d, in.data_as<uint8_t>(), out.data_as<uint8_t>(), true, pad);
  else Move(d, out.data_as<uint8_t>(), in.data_as<uint8_t>(), false, pad);
  return Status::Ok();
}

Status PrepareCopy(KernelContext& ctx, Node& node, SpaceBatchData&) {
  return RequireSameQuantization(ctx, node, *ctx.output(node, 0), "output", *ctx.input(node, 0), "input");
}

template <bool kToBatch>
struct Variants {
  static constexpr KernelVariant<SpaceBatchData> kTable[] = {
      {"bytes", TypeSignature{{kMovableNumeric, kIndexTypes, kIndexTypes}, {kSameAsInput0}}, Isa::kReference, nullptr,
       PrepareCopy, Eval<kToBatch>},
  };
};

// One prepare for both directions (kept out of the templates for size).
Status PrepareShapes(KernelContext& ctx, Node& node, bool to_batch) {
  auto& d = *static_cast<SpaceBatchData*>(node.user_data);
  const char* amounts = to_batch ? "paddings" : "crops";
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 3, 3));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor *in, *block, *pads, *out;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &in));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 1, &block));
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 2, &pads));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &out));
  EL_KERNEL_CHECK(ctx, node, HasValuesAtPrepare(*block) && HasValuesAtPrepare(*pads), "block_shape and ", amounts,
                  " must be constant");
  const int m = block->rank() == 1 ? block->dims[0] : -1;
  EL_KERNEL_CHECK(ctx, node, m >= 1 && in->rank() >= m + 1, "block_shape must be 1-D with 1 to rank - 1 values, got ",
                  DimsToString(block->dims), " for input ", DimsToString(in->dims));
  EL_KERNEL_CHECK(ctx, node, pads->dims == (Dims{m, 2}), amounts, " must have shape [", m, ", 2], got ",
                  DimsToString(pads->dims));
  std::vector<int64_t> amount;
  EL_RETURN_IF_ERROR(ReadIntVector(ctx, node, *block, &d.block));
  EL_RETURN_IF_ERROR(ReadIntVector(ctx, node, *pads, &amount));
  Dims out_dims = in->dims;
  int64_t blocks = 1;
  d.before.assign(m, 0);
  d.space_dims.assign(m, 0);
  d.blocked_dims.assign(m, 0);
  d.offset.assign(m, 0);
  d.pos.assign(m, 0);
  for (int i = 0; i < m; ++i) {
    const int64_t b = d.block[i], lo = amount[2 * i], hi = amount[2 * i + 1], size = in->dims[i + 1];
    EL_KERNEL_CHECK(ctx, node, b >= 1 && b <= (1 << 20), "block_shape[", i, "] is ", b, "; it must be positive");
    EL_KERNEL_CHECK(ctx, node, lo >= 0 && hi >= 0 && lo + hi <= (to_batch ? 1 << 30 : size * b), amounts, " [", lo,
                    ", ", hi, "] of dimension ", i + 1, " are negative or too large");
    blocks *= b;
    d.before[i] = lo;
    if (to_batch) {
      EL_KERNEL_CHECK(ctx, node, (size + lo + hi) % b == 0, "dimension ", i + 1, " padded to ", size + lo + hi,
                      " is not a multiple of block ", b);
      d.space_dims[i] = static_cast<int32_t>(size);
      d.blocked_dims[i] = static_cast<int32_t>((size + lo + hi) / b);
      out_dims[i + 1] = d.blocked_dims[i];
    } else {
      d.blocked_dims[i] = static_cast<int32_t>(size);
      d.space_dims[i] = static_cast<int32_t>(size * b - lo - hi);
      out_dims[i + 1] = d.space_dims[i];
    }
  }
  EL_KERNEL_CHECK(ctx, node, blocks <= (1 << 20), "block_shape has ", blocks, " blocks, too many");
  if (to_batch) {
    d.batch = in->dims[0];
    EL_KERNEL_CHECK(ctx, node, d.batch * blocks <= 0x7fffffff, "the output batch would overflow");
    out_dims[0] = static_cast<int32_t>(d.batch * blocks);
  } else {
    EL_KERNEL_CHECK(ctx, node, in->dims[0] % blocks == 0, "input batch ", in->dims[0],
                    " is not a multiple of the block count ", blocks);
    d.batch = in->dims[0] / blocks;
    out_dims[0] = static_cast<int32_t>(d.batch);
  }
  d.inner_bytes =
      NumElements(Dims(in->dims.begin() + m + 1, in->dims.end())) * static_cast<int64_t>(ElementSize(in->type));
  return ctx.ResizeTensor(*out, out_dims);
}

template <bool kToBatch>
Status Prepare(KernelContext& ctx, Node& node) {
  auto& d = *static_cast<SpaceBatchData*>(node.user_data);
  EL_RETURN_IF_ERROR(PrepareShapes(ctx, node, kToBatch));
  return SelectVariant(ctx, node, Variants<kToBatch>::kTable, d);
}

template <bool kToBatch>
const KernelRegistration* Registration() {
  static const KernelRegistration reg{NewNodeData<SpaceBatchData>, DeleteNodeData<SpaceBatchData>, Prepare<kToBatch>,
                                      EvalSelectedVariant<SpaceBatchData>, /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace

const KernelRegistration* Register_SPACE_TO_BATCH_ND() { return Registration<true>(); }
const KernelRegistration* Register_BATCH_TO_SPACE_ND() { return Registration<false>(); }

}  // namespace edgelite

namespace edgelite {
VariantTypesView KernelTypes_SPACE_TO_BATCH_ND() { return ViewOf(Variants<true>::kTable); }
VariantTypesView KernelTypes_BATCH_TO_SPACE_ND() { return ViewOf(Variants<false>::kTable); }
}  // namespace edgelite
