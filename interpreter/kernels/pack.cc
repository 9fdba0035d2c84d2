// PACK: stacks values_count tensors of one shape along a new axis. Output blocks are contiguous copies
// of whole input slabs, so eval is a sequence of memcpy calls. Quantized inputs (int8, uint8, int16) are
// copied raw, so, as LiteRT, every input must be quantized as the output.
#include <cstring>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/variant_types.h"
#include "interpreter/kernels/quantization_params.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

struct PackData : VariantChoice<PackData> {
  int values_count = 0;
  int axis = 0;  // as written in the options; normalized in prepare
  // Filled in prepare: output = outer x (values_count x inner) elements.
  int64_t outer = 0;
  int64_t inner_bytes = 0;
};

Status Init(KernelContext& ctx, Node& node) {
  auto* data = new PackData();
  node.user_data = data;
  if (node.op) {
    if (auto* o = node.op->builtin_options_as_PackOptions()) {
      data->values_count = o->values_count();
      data->axis = o->axis();
    }
  }
  return Status::Ok();
}

Status Eval(KernelContext& ctx, Node& node, PackData& data) {
  Tensor& out = *ctx.output(node, 0);
  const int n = data.values_count;
  const int64_t inner = data.inner_bytes;
  if (inner == 0) return Status::Ok();
  uint8_t* dst = out.data_as<uint8_t>();
  auto copy_outer = [&](int64_t begin, int64_t end, int) {
    for (int64_t o = begin; o < end; ++o) {
      for (int i = 0; i < n; ++i) {
        const uint8_t* src = ctx.input(node, i)->data_as<uint8_t>() + o * inner;
        std::memcpy(dst + (o * n + i) * inner, src, inner);
      }
    }
  };
  ctx.thread_pool().ParallelFor(data.outer, ThreadPool::kCostByteCopied * static_cast<double>(inner * n), copy_outer);
  return Status::Ok();
}

Status PrepareCopy(KernelContext& ctx, Node& node, PackData&) {
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    EL_RETURN_IF_ERROR(RequireSameQuantization(ctx, node, *ctx.input(node, static_cast<int>(i)),
                                               StrCat("input ", i).c_str(), *ctx.output(node, 0), "output"));
  }
  return Status::Ok();
}

// Slabs move as bytes: one row serves every dtype (LiteRT's: no bool).
const KernelVariant<PackData> kVariants[] = {
    {"bytes", TypeSignature{{kF32 | kI32 | kI64 | kI8 | kU8 | kI16 | TypeBit(DataType::kUInt32) | kLowPrecision1Byte |
                                 TypeBit(DataType::kBFloat16), kSameAsInput0},
                            {kSameAsInput0}},  // uint32: PACK 4; float8: PACK 5
     Isa::kReference, nullptr, PrepareCopy, Eval},
};

Status Prepare(KernelContext& ctx, Node& node) {
  auto& data = *static_cast<PackData*>(node.user_data);
  const int n = static_cast<int>(node.inputs.size());
  if (n < 1) return ctx.Error(node, "expected at least 1 input, got 0");
  if (data.values_count != n) {
    return ctx.Error(node, StrCat("values_count is ", data.values_count, " but the operator has ", n, " inputs"));
  }
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor *first, *out;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &first));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &out));
  for (int i = 1; i < n; ++i) {
    Tensor* t;
    EL_RETURN_IF_ERROR(RequireInput(ctx, node, i, &t));
    if (t->dims != first->dims) {
      return ctx.Error(node, StrCat("input ", i, " has shape ", DimsToString(t->dims), " but input 0 has ",
                                    DimsToString(first->dims), "; all inputs must have the same shape"));
    }
  }
  EL_RETURN_IF_ERROR(SelectVariant(ctx, node, kVariants, data));
  const int out_rank = first->rank() + 1;
  int axis;
  EL_RETURN_IF_ERROR(NormalizeAxis(ctx, node, data.axis, out_rank, &axis));
  Dims out_dims = first->dims;
  out_dims.insert(out_dims.begin() + axis, n);
  data.outer = NumElements(Dims(first->dims.begin(), first->dims.begin() + axis));
  data.inner_bytes = NumElements(Dims(first->dims.begin() + axis, first->dims.end())) *
                     static_cast<int64_t>(ElementSize(first->type));
  return ctx.ResizeTensor(*out, out_dims);
}

}  // namespace

const KernelRegistration* Register_PACK() {
  static const KernelRegistration reg = {Init, DeleteNodeData<PackData>, Prepare, EvalSelectedVariant<PackData>,
                                        /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace edgelite

EL_KERNEL_TYPES(PACK, kVariants)
