// CAST between float32, float64, int8/16/32/64, uint8 and bool, and from or to float16. Float to integer
// truncates toward zero (C conversion, as TFLite); anything to bool is `value != 0`. One variant row per output
// dtype; its prepare picks the loop for the input dtype. float16 goes through float32, as LiteRT's half casts:
// widened then cast, or cast to float32 then rounded to the nearest half.
#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/reference/half.h"
#include "interpreter/kernels/variant_types.h"

namespace edgelite {
namespace {

using CastLoop = void (*)(const void* in, void* out, int64_t n);

struct CastData : VariantChoice<CastData> {
  CastLoop loop = nullptr;  // for the node's (input, output) dtypes, set in prepare
};

template <typename In, typename Out>
void Cast(const void* in_bytes, void* out_bytes, int64_t n) {
  const In* in = static_cast<const In*>(in_bytes);
  Out* out = static_cast<Out*>(out_bytes);
  for (int64_t i = 0; i < n; ++i) {
    if constexpr (std::is_same_v<Out, bool>) {
      out[i] = in[i] != In(0);
    } else {
      out[i] = static_cast<Out>(in[i]);
    }
  }
}

template <typename Out>
CastLoop LoopFrom(DataType in) {
  switch (in) {
    case DataType::kFloat32: return Cast<float, Out>;
    case DataType::kFloat64: return Cast<double, Out>;
    case DataType::kInt8: return Cast<int8_t, Out>;
    case DataType::kInt16: return Cast<int16_t, Out>;
    case DataType::kInt32: return Cast<int32_t, Out>;
    case DataType::kInt64: return Cast<int64_t, Out>;
    case DataType::kUInt8: return Cast<uint8_t, Out>;
    case DataType::kBool: return Cast<bool, Out>;
    default: return nullptr;  // the row's types exclude the rest
  }
}

template <typename Out>
Status PrepareCast(KernelContext& ctx, Node& node, CastData& d) {
  d.loop = LoopFrom<Out>(ctx.input(node, 0)->type);
  return Status::Ok();
}

Status Eval(KernelContext& ctx, Node& node, CastData& d) {
  const Tensor& in = *ctx.input(node, 0);
  d.loop(in.data, ctx.output(node, 0)->data, in.num_elements());
  return Status::Ok();
}

// The loop from `in` to `out` (both castable types).
CastLoop LoopBetween(DataType in, DataType out) {
  switch (out) {
    case DataType::kFloat32: return LoopFrom<float>(in);
    case DataType::kFloat64: return LoopFrom<double>(in);
    case DataType::kInt8: return LoopFrom<int8_t>(in);
    case DataType::kInt16: return LoopFrom<int16_t>(in);
    case DataType::kInt32: return LoopFrom<int32_t>(in);
    case DataType::kInt64: return LoopFrom<int64_t>(in);
    case DataType::kUInt8: return LoopFrom<uint8_t>(in);
    case DataType::kBool: return LoopFrom<bool>(in);
    default: return nullptr;
  }
}

// From or to float16: the loop to or from float32.
Status PrepareHalf(KernelContext& ctx, Node& node, CastData& d) {
  const DataType in = ctx.input(node, 0)->type, out = ctx.output(node, 0)->type;
  d.loop = in == DataType::kFloat16 ? LoopBetween(DataType::kFloat32, out) : LoopBetween(in, DataType::kFloat32);
  return Status::Ok();
}

Status EvalHalf(KernelContext& ctx, Node& node, CastData& d) {
  const Tensor& in = *ctx.input(node, 0);
  Tensor& out = *ctx.output(node, 0);
  const bool from_half = in.type == DataType::kFloat16;
  const size_t in_size = ElementSize(in.type), out_size = ElementSize(out.type);
  float block[256];
  for (int64_t i = 0, n = in.num_elements(); i < n; i += 256) {
    const int64_t m = std::min<int64_t>(256, n - i);
    const uint8_t* src = static_cast<const uint8_t*>(in.data) + i * in_size;
    uint8_t* dst = static_cast<uint8_t*>(out.data) + i * out_size;
    if (from_half) {
      reference::HalfToFloat(reinterpret_cast<const uint16_t*>(src), block, m);
      d.loop(block, dst, m);
    } else {
      d.loop(src, block, m);
      reference::FloatToHalf(block, reinterpret_cast<uint16_t*>(dst), m);
    }
  }
  return Status::Ok();
}

constexpr TypeSet kCastable = TypeBit(DataType::kFloat64) | kF32 | kI8 | kI16 | kI32 | kI64 | kU8 | kBool;

#define EL_CAST_ROW(NAME, SET, T) \
  {NAME, TypeSignature{{kCastable}, {SET}}, Isa::kReference, nullptr, PrepareCast<T>, Eval}
const KernelVariant<CastData> kVariants[] = {
    EL_CAST_ROW("to float32", kF32, float),     EL_CAST_ROW("to float64", TypeBit(DataType::kFloat64), double),
    EL_CAST_ROW("to int8", kI8, int8_t),        EL_CAST_ROW("to int16", kI16, int16_t),
    EL_CAST_ROW("to int32", kI32, int32_t),     EL_CAST_ROW("to int64", kI64, int64_t),
    EL_CAST_ROW("to uint8", kU8, uint8_t),      EL_CAST_ROW("to bool", kBool, bool),
    {"from float16", TypeSignature{{kF16}, {kCastable}}, Isa::kReference, nullptr, PrepareHalf, EvalHalf},
    {"to float16", TypeSignature{{kCastable}, {kF16}}, Isa::kReference, nullptr, PrepareHalf, EvalHalf},
};
#undef EL_CAST_ROW

Status Prepare(KernelContext& ctx, Node& node) {
  Tensor *in, *out;
  EL_RETURN_IF_ERROR(GetSingleInputOutput(ctx, node, &in, &out));
  EL_RETURN_IF_ERROR(ctx.ResizeTensor(*out, in->dims));
  return SelectVariant(ctx, node, kVariants, *static_cast<CastData*>(node.user_data));
}

}  // namespace

const KernelRegistration* Register_CAST() {
  static const KernelRegistration reg{NewNodeData<CastData>, DeleteNodeData<CastData>, Prepare,
                                      EvalSelectedVariant<CastData>, /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace edgelite

EL_KERNEL_TYPES(CAST, kVariants)
