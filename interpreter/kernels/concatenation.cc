// CONCATENATION: joins tensors along one axis (negative counts from the end), any rank, then applies the
// fused activation. Each input contributes one contiguous slab per outer index, copied with memcpy.
#include <cstring>
#include <type_traits>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

struct ConcatData : VariantChoice<ConcatData> {
  int axis = 0;  // as written in the options; normalized in prepare
  schema::ActivationFunctionType activation = schema::ActivationFunctionType_NONE;
  ActivationRange range;
  // Filled in prepare: the output is `outer` rows; row o holds input i's slab o (slab_bytes[i] bytes).
  int64_t outer = 0;
  int64_t out_row_bytes = 0;
  std::vector<int64_t> slab_bytes;
};

Status Init(KernelContext& ctx, Node& node) {
  auto* data = new ConcatData();
  node.user_data = data;
  if (node.op) {
    if (auto* o = node.op->builtin_options_as_ConcatenationOptions()) {
      data->axis = o->axis();
      data->activation = o->fused_activation_function();
    }
  }
  return GetActivationRange(ctx, node, data->activation, &data->range);
}

// Integer outputs are clamped with the same bounds as float ones, like the element-wise kernels.
template <typename T>
void ClampAll(T* p, int64_t begin, int64_t end, const ActivationRange& r) {
  T lo = std::numeric_limits<T>::lowest(), hi = std::numeric_limits<T>::max();
  if (std::is_floating_point<T>::value) {
    lo = static_cast<T>(r.min);
    hi = static_cast<T>(r.max);
  } else {
    if (r.min > static_cast<double>(lo)) lo = static_cast<T>(r.min);
    if (r.max < static_cast<double>(hi)) hi = static_cast<T>(r.max);
  }
  for (int64_t i = begin; i < end; ++i) p[i] = std::min(std::max(p[i], lo), hi);
}

template <typename T>
Status Eval(KernelContext& ctx, Node& node, ConcatData& data) {
  Tensor& out = *ctx.output(node, 0);
  const int n = static_cast<int>(node.inputs.size());
  uint8_t* dst = out.data_as<uint8_t>();
  const int64_t row = data.out_row_bytes;
  if (row == 0) return Status::Ok();
  const bool clamp = data.activation != schema::ActivationFunctionType_NONE;
  const int64_t esize = static_cast<int64_t>(ElementSize(out.type));
  ctx.thread_pool().ParallelFor(data.outer, std::max<int64_t>(1, (256 << 10) / row), [&](int64_t b, int64_t e) {
    for (int64_t o = b; o < e; ++o) {
      uint8_t* d = dst + o * row;
      for (int i = 0; i < n; ++i) {
        const int64_t bytes = data.slab_bytes[i];
        if (bytes == 0) continue;
        std::memcpy(d, ctx.input(node, i)->data_as<uint8_t>() + o * bytes, bytes);
        d += bytes;
      }
    }
    if (!clamp) return;
    ClampAll(out.data_as<T>(), b * row / esize, e * row / esize, data.range);
  });
  return Status::Ok();
}

constexpr TypeSignature kF32Types{{kF32}, {kF32}};
constexpr TypeSignature kI32Types{{kI32}, {kI32}};
constexpr TypeSignature kI64Types{{kI64}, {kI64}};

const KernelVariant<ConcatData> kVariants[] = {
    {"float32", kF32Types, Isa::kReference, nullptr, nullptr, Eval<float>},
    {"int32", kI32Types, Isa::kReference, nullptr, nullptr, Eval<int32_t>},
    {"int64", kI64Types, Isa::kReference, nullptr, nullptr, Eval<int64_t>},
};

Status Prepare(KernelContext& ctx, Node& node) {
  auto& data = *static_cast<ConcatData*>(node.user_data);
  const int n = static_cast<int>(node.inputs.size());
  if (n < 1) return ctx.Error(node, "expected at least 1 input, got 0");
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor *first, *out;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &first));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &out));
  const int rank = first->rank();
  if (rank == 0) return ctx.Error(node, "cannot concatenate scalars (input 0 has rank 0)");
  int axis;
  EL_RETURN_IF_ERROR(NormalizeAxis(ctx, node, data.axis, rank, &axis));
  Dims out_dims = first->dims;
  out_dims[axis] = 0;
  for (int i = 0; i < n; ++i) {
    Tensor* t;
    EL_RETURN_IF_ERROR(RequireInput(ctx, node, i, &t));
    bool compatible = t->rank() == rank;
    for (int d = 0; compatible && d < rank; ++d) compatible = d == axis || t->dim(d) == first->dim(d);
    if (!compatible) {
      return ctx.Error(node, StrCat("input ", i, " has shape ", DimsToString(t->dims), ", incompatible with input 0 ",
                                    DimsToString(first->dims), " for concatenation along axis ", axis));
    }
    const int64_t total = static_cast<int64_t>(out_dims[axis]) + t->dim(axis);
    if (total > std::numeric_limits<int32_t>::max()) return ctx.Error(node, "concatenated axis is too large");
    out_dims[axis] = static_cast<int32_t>(total);
  }
  const int64_t esize = static_cast<int64_t>(ElementSize(first->type));
  const int64_t inner = NumElements(Dims(first->dims.begin() + axis + 1, first->dims.end()));
  data.outer = NumElements(Dims(first->dims.begin(), first->dims.begin() + axis));
  data.slab_bytes.resize(n);
  for (int i = 0; i < n; ++i) data.slab_bytes[i] = ctx.input(node, i)->dim(axis) * inner * esize;
  data.out_row_bytes = out_dims[axis] * inner * esize;
  EL_RETURN_IF_ERROR(ctx.ResizeTensor(*out, out_dims));
  return SelectVariant(ctx, node, kVariants, data);
}

}  // namespace

const KernelRegistration* Register_CONCATENATION() {
  static const KernelRegistration reg = {Init, DeleteNodeData<ConcatData>, Prepare, EvalSelectedVariant<ConcatData>,
                                        /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace edgelite
