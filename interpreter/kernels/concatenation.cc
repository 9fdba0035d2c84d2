// CONCATENATION: joins tensors along one axis (negative counts from the end), any rank, then applies the
// fused activation (float32/int32/int64; LiteRT allows none at all, so quantized, float16 and bool inputs
// refuse one). Each input contributes one contiguous slab per outer index, copied with memcpy. Quantized
// inputs follow LiteRT: int8 needs every input quantized as the output; uint8 inputs quantized otherwise are
// rescaled (reference/integer/concatenation.h); int16 needs zero points 0 and is copied whatever the scales.
#include <algorithm>
#include <cstring>
#include <type_traits>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/variant_types.h"
#include "interpreter/kernels/quantization_params.h"
#include "interpreter/kernels/reference/integer/concatenation.h"
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
  // uint8: per input, whether it is copied or rescaled, and how.
  std::vector<bool> rescaled;
  std::vector<reference::integer::ConcatRescale> rescale;
};

Status Init(KernelContext&, Node& node) {
  auto* data = new ConcatData();
  node.user_data = data;
  if (node.op) {
    if (auto* o = node.op->builtin_options_as_ConcatenationOptions()) {
      data->axis = o->axis();
      data->activation = o->fused_activation_function();
    }
  }
  return Status::Ok();
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

// Copies `bytes` bytes. Runs up to 512 bytes go by inline 64- and 16-byte moves: concatenating channels of NHWC
// tensors copies one such run per input per pixel (DenseNet-121's dense layers: 32 channels, 128 bytes, from
// each of up to 25 inputs), where the call to memcpy cost more than the copy (its 62 concatenations took 3.6 ms
// of 35 ms). Loop distribution is off so that GCC does not turn the loops back into that call.
__attribute__((optimize("no-tree-loop-distribute-patterns"))) inline void CopyRun(uint8_t* d, const uint8_t* s,
                                                                                 int64_t bytes) {
  if (bytes > 512) {
    std::memcpy(d, s, bytes);
    return;
  }
  int64_t i = 0;
  for (; i + 64 <= bytes; i += 64) std::memcpy(d + i, s + i, 64);
  for (; i + 16 <= bytes; i += 16) std::memcpy(d + i, s + i, 16);
  for (; i + 4 <= bytes; i += 4) std::memcpy(d + i, s + i, 4);
  for (; i < bytes; ++i) d[i] = s[i];
}

// Copies output rows [b, e); `copy(i, dst, src, bytes)` moves input i's slab. Input by input, so that each pass
// reads one contiguous stream and writes one of constant stride.
template <typename Copy>
void CopyRows(KernelContext& ctx, const Node& node, const ConcatData& data, uint8_t* dst, int64_t b, int64_t e,
              Copy&& copy) {
  const int n = static_cast<int>(node.inputs.size());
  int64_t offset = 0;  // bytes of each output row before input i's slab
  for (int i = 0; i < n; offset += data.slab_bytes[i], ++i) {
    const int64_t bytes = data.slab_bytes[i];
    if (bytes == 0) continue;
    const uint8_t* src = ctx.input(node, i)->data_as<uint8_t>() + b * bytes;
    uint8_t* d = dst + b * data.out_row_bytes + offset;
    for (int64_t o = b; o < e; ++o, src += bytes, d += data.out_row_bytes) copy(i, d, src, bytes);
  }
}

double RowCostOf(const ConcatData& data) {
  return ThreadPool::kCostByteCopied * static_cast<double>(data.out_row_bytes);
}

template <typename T>
Status Eval(KernelContext& ctx, Node& node, ConcatData& data) {
  Tensor& out = *ctx.output(node, 0);
  if (data.out_row_bytes == 0) return Status::Ok();
  const bool clamp = data.activation != schema::ActivationFunctionType_NONE;
  const int64_t row = data.out_row_bytes, esize = static_cast<int64_t>(ElementSize(out.type));
  ctx.thread_pool().ParallelFor(data.outer, RowCostOf(data), [&](int64_t b, int64_t e, int) {
    CopyRows(ctx, node, data, out.data_as<uint8_t>(), b, e,
             [](int, uint8_t* d, const uint8_t* s, int64_t bytes) { CopyRun(d, s, bytes); });
    if constexpr (!std::is_same_v<T, void>) {
      if (clamp) ClampAll(out.data_as<T>(), b * row / esize, e * row / esize, data.range);
    }
  });
  return Status::Ok();
}

Status EvalUint8(KernelContext& ctx, Node& node, ConcatData& data) {
  if (data.out_row_bytes == 0) return Status::Ok();
  ctx.thread_pool().ParallelFor(data.outer, RowCostOf(data), [&](int64_t b, int64_t e, int) {
    CopyRows(ctx, node, data, ctx.output(node, 0)->data_as<uint8_t>(), b, e,
             [&](int i, uint8_t* d, const uint8_t* s, int64_t bytes) {
               if (data.rescaled[i]) {
                 reference::integer::RescaleUint8(data.rescale[i], s, d, bytes);
               } else {
                 CopyRun(d, s, bytes);
               }
             });
  });
  return Status::Ok();
}

Status PrepareClamp(KernelContext& ctx, Node& node, ConcatData& data) {
  return GetActivationRange(ctx, node, data.activation, &data.range);
}

Status RequireNoActivation(KernelContext& ctx, const Node& node, const ConcatData& data) {
  if (data.activation == schema::ActivationFunctionType_NONE) return Status::Ok();
  return ctx.Error(node, StrCat("a fused activation (", schema::EnumNameActivationFunctionType(data.activation),
                                ") on ", DataTypeName(ctx.input(node, 0)->type), " inputs is not supported"),
                   StatusCode::kUnsupported);
}

Status PrepareInt8(KernelContext& ctx, Node& node, ConcatData& data) {
  EL_RETURN_IF_ERROR(RequireNoActivation(ctx, node, data));
  const Tensor& out = *ctx.output(node, 0);
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    const std::string role = StrCat("input ", i);
    EL_RETURN_IF_ERROR(RequireSameQuantization(ctx, node, *ctx.input(node, static_cast<int>(i)), role.c_str(), out,
                                               "output"));
  }
  return Status::Ok();
}

Status PrepareUint8(KernelContext& ctx, Node& node, ConcatData& data) {
  EL_RETURN_IF_ERROR(RequireNoActivation(ctx, node, data));
  const Tensor& out = *ctx.output(node, 0);
  const size_t n = node.inputs.size();
  data.rescaled.assign(n, false);
  data.rescale.assign(n, reference::integer::ConcatRescale());
  TensorQuantization qy;
  bool have_output = false;
  for (size_t i = 0; i < n; ++i) {
    const Tensor& t = *ctx.input(node, static_cast<int>(i));
    if (SameQuantization(t, out)) continue;  // copied, also when neither has parameters
    if (!have_output) EL_RETURN_IF_ERROR(GetPerTensorQuantization(ctx, node, out, "output", &qy));
    have_output = true;
    TensorQuantization q;
    EL_RETURN_IF_ERROR(GetPerTensorQuantization(ctx, node, t, StrCat("input ", i).c_str(), &q));
    data.rescaled[i] = true;
    data.rescale[i] = reference::integer::MakeConcatRescale(q.scale, q.zero_point, qy.scale, qy.zero_point);
  }
  return Status::Ok();
}

// int16 inputs are copied even when their scales differ, as LiteRT does; it checks only the zero points.
Status PrepareInt16(KernelContext& ctx, Node& node, ConcatData& data) {
  EL_RETURN_IF_ERROR(RequireNoActivation(ctx, node, data));
  const size_t n = node.inputs.size();
  for (size_t i = 0; i <= n; ++i) {
    const Tensor& t = i < n ? *ctx.input(node, static_cast<int>(i)) : *ctx.output(node, 0);
    if (t.quant.empty()) continue;
    const std::string role = i < n ? StrCat("input ", i) : std::string("output");
    TensorQuantization q;
    EL_RETURN_IF_ERROR(GetPerTensorQuantization(ctx, node, t, role.c_str(), &q));
    EL_RETURN_IF_ERROR(RequireZeroPoint(ctx, node, t, role.c_str(), q, 0));
  }
  return Status::Ok();
}

Status PrepareNoActivation(KernelContext& ctx, Node& node, ConcatData& data) {
  return RequireNoActivation(ctx, node, data);
}

const KernelVariant<ConcatData> kVariants[] = {
    {"float32", TypeSignature{{kF32}, {kF32}}, Isa::kReference, nullptr, PrepareClamp, Eval<float>},
    {"int32", TypeSignature{{kI32}, {kI32}}, Isa::kReference, nullptr, PrepareClamp, Eval<int32_t>},
    {"int64", TypeSignature{{kI64}, {kI64}}, Isa::kReference, nullptr, PrepareClamp, Eval<int64_t>},
    {"int8", TypeSignature{{kI8}, {kI8}}, Isa::kReference, nullptr, PrepareInt8, Eval<void>},
    {"uint8", TypeSignature{{kU8}, {kU8}}, Isa::kReference, nullptr, PrepareUint8, EvalUint8},
    {"int16", TypeSignature{{kI16}, {kI16}}, Isa::kReference, nullptr, PrepareInt16, Eval<void>},
    {"float16", TypeSignature{{kF16}, {kF16}}, Isa::kReference, nullptr, PrepareNoActivation, Eval<void>},
    {"uint32", TypeSignature{{TypeBit(DataType::kUInt32)}, {TypeBit(DataType::kUInt32)}}, Isa::kReference, nullptr,
     PrepareNoActivation, Eval<void>},  // CONCATENATION 4
    {"bool", TypeSignature{{kBool}, {kBool}}, Isa::kReference, nullptr, PrepareNoActivation, Eval<void>},
    // INT4 (CONCATENATION 5, held one a byte), float8 (7) and bfloat16 move as their bytes.
    {"low precision", TypeSignature{{kLowPrecision1Byte | TypeBit(DataType::kBFloat16)}, {kSameAsInput0}},
     Isa::kReference, nullptr, PrepareNoActivation, Eval<void>},
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

EL_KERNEL_TYPES(CONCATENATION, kVariants)
