// CAST between float32, float64, int8/16/32/64, uint8 and bool, and from or to float16 and uint32. Float to
// integer truncates toward zero (C conversion, as TFLite); anything to bool is `value != 0`. One variant row per
// output dtype; its prepare picks the loop for the input dtype. float16 goes through float32, as LiteRT's half
// casts (widened then cast, or cast to float32 then rounded to the nearest half), uint32 through int64; bfloat16,
// the float8s and INT4 / UINT4 / INT2 element by element through double.
#include <algorithm>
#include <cmath>
#include <cstring>

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

// float16 and uint32 go through a wider type the other loops know, exactly: float16 through float32 (as LiteRT's
// half casts), uint32 through int64 (the same values; to uint32 keeps the low 32 bits, as x86's conversions do).
DataType WideOf(DataType narrow) { return narrow == DataType::kFloat16 ? DataType::kFloat32 : DataType::kInt64; }
bool IsNarrow(DataType t) { return t == DataType::kFloat16 || t == DataType::kUInt32; }

Status PrepareBridged(KernelContext& ctx, Node& node, CastData& d) {
  const DataType in = ctx.input(node, 0)->type, out = ctx.output(node, 0)->type;
  d.loop = IsNarrow(in) ? LoopBetween(WideOf(in), out) : LoopBetween(in, WideOf(out));
  return Status::Ok();
}

Status EvalBridged(KernelContext& ctx, Node& node, CastData& d) {
  const Tensor& in = *ctx.input(node, 0);
  Tensor& out = *ctx.output(node, 0);
  const bool from_narrow = IsNarrow(in.type);
  const DataType narrow = from_narrow ? in.type : out.type;
  const size_t in_size = ElementSize(in.type), out_size = ElementSize(out.type);
  int64_t block[256];  // float32 or int64 values
  float* f = reinterpret_cast<float*>(block);
  for (int64_t i = 0, n = in.num_elements(); i < n; i += 256) {
    const int64_t m = std::min<int64_t>(256, n - i);
    const uint8_t* src = static_cast<const uint8_t*>(in.data) + i * in_size;
    uint8_t* dst = static_cast<uint8_t*>(out.data) + i * out_size;
    if (from_narrow) {
      if (narrow == DataType::kFloat16) {
        reference::HalfToFloat(reinterpret_cast<const uint16_t*>(src), f, m);
      } else {
        for (int64_t k = 0; k < m; ++k) block[k] = reinterpret_cast<const uint32_t*>(src)[k];
      }
      d.loop(block, dst, m);
    } else {
      d.loop(src, block, m);
      if (narrow == DataType::kFloat16) {
        reference::FloatToHalf(f, reinterpret_cast<uint16_t*>(dst), m);
      } else {
        for (int64_t k = 0; k < m; ++k) reinterpret_cast<uint32_t*>(dst)[k] = static_cast<uint32_t>(block[k]);
      }
    }
  }
  return Status::Ok();
}

constexpr TypeSet kCastable = TypeBit(DataType::kFloat64) | kF32 | kI8 | kI16 | kI32 | kI64 | kU8 | kBool;

// bfloat16, the float8s and INT4 / UINT4 / INT2 (held one a byte) are rare: one element-by-element loop through
// double (which holds every value of the other types but int64 beyond 2^53 exactly) serves every cast from or to
// them. Float to integer truncates toward zero; into INT4 / UINT4 / INT2 the result is then clamped to the type's
// range, as LiteRT 2.3.0 does (20.7 -> 7 in int4, -2.25 -> 0 in uint4).
double LoadAsDouble(DataType t, const uint8_t* p) {
  switch (t) {
    case DataType::kFloat64: return *reinterpret_cast<const double*>(p);
    case DataType::kFloat32: return *reinterpret_cast<const float*>(p);
    case DataType::kFloat16: return reference::HalfToFloat(*reinterpret_cast<const uint16_t*>(p));
    case DataType::kInt64: return static_cast<double>(*reinterpret_cast<const int64_t*>(p));
    case DataType::kInt32: return *reinterpret_cast<const int32_t*>(p);
    case DataType::kUInt32: return *reinterpret_cast<const uint32_t*>(p);
    case DataType::kInt16: return *reinterpret_cast<const int16_t*>(p);
    case DataType::kInt8: case DataType::kInt4: case DataType::kInt2: return *reinterpret_cast<const int8_t*>(p);
    case DataType::kUInt8: case DataType::kUInt4: return *p;
    case DataType::kBool: return *p != 0;
    default: return LoadFloat(t, p);  // bfloat16, float8
  }
}

void StoreDouble(DataType t, double v, uint8_t* p) {
  if (t == DataType::kFloat64) {
    *reinterpret_cast<double*>(p) = v;
  } else if (t == DataType::kFloat16) {
    *reinterpret_cast<uint16_t*>(p) = reference::FloatToHalf(static_cast<float>(v));
  } else if (t == DataType::kFloat32 || t == DataType::kBFloat16 || t == DataType::kFloat8E4M3FN ||
             t == DataType::kFloat8E5M2) {
    StoreFloat(t, static_cast<float>(v), p);
  } else if (t == DataType::kBool) {
    *p = v != 0;
  } else if (PackedBits(t)) {
    const int bits = PackedBits(t);
    const double lo = t == DataType::kUInt4 ? 0 : -(1 << (bits - 1));
    const double hi = t == DataType::kUInt4 ? 15 : (1 << (bits - 1)) - 1;
    *reinterpret_cast<int8_t*>(p) = static_cast<int8_t>(std::min(hi, std::max(lo, std::trunc(v))));
  } else {
    // The other integers keep the low bits of the truncated value, as the C conversions on x86.
    const int64_t i = static_cast<int64_t>(v);
    std::memcpy(p, &i, ElementSize(t));  // little-endian: the low bytes first
  }
}

// Between the float types narrower than double the value goes through float, never double: widening a float to
// double quiets a signalling NaN, and ml_dtypes and LiteRT keep a NaN's bits from bfloat16 to float32.
bool IsNarrowFloat(DataType t) {
  return t == DataType::kFloat32 || t == DataType::kFloat16 || t == DataType::kBFloat16 ||
         t == DataType::kFloat8E4M3FN || t == DataType::kFloat8E5M2;
}

Status EvalThroughDouble(KernelContext& ctx, Node& node, CastData&) {
  const Tensor& in = *ctx.input(node, 0);
  Tensor& out = *ctx.output(node, 0);
  const size_t in_size = ElementSize(in.type), out_size = ElementSize(out.type);
  const uint8_t* src = static_cast<const uint8_t*>(in.data);
  uint8_t* dst = static_cast<uint8_t*>(out.data);
  const bool through_float = IsNarrowFloat(in.type) && IsNarrowFloat(out.type);
  for (int64_t i = 0, n = in.num_elements(); i < n; ++i) {
    const uint8_t* x = src + i * in_size;
    uint8_t* y = dst + i * out_size;
    if (!through_float) {
      StoreDouble(out.type, LoadAsDouble(in.type, x), y);
      continue;
    }
    const float f = in.type == DataType::kFloat16 ? reference::HalfToFloat(*reinterpret_cast<const uint16_t*>(x))
                                                  : LoadFloat(in.type, x);
    if (out.type == DataType::kFloat16) {
      *reinterpret_cast<uint16_t*>(y) = reference::FloatToHalf(f);
    } else {
      StoreFloat(out.type, f, y);
    }
  }
  return Status::Ok();
}

Status PrepareNothing(KernelContext&, Node&, CastData&) { return Status::Ok(); }

constexpr TypeSet kLowPrecision = kLowPrecision1Byte | TypeBit(DataType::kBFloat16);
constexpr TypeSet kAllCastable = kCastable | kF16 | TypeBit(DataType::kUInt32) | kLowPrecision;

#define EL_CAST_ROW(NAME, SET, T) \
  {NAME, TypeSignature{{kCastable}, {SET}}, Isa::kReference, nullptr, PrepareCast<T>, Eval}
const KernelVariant<CastData> kVariants[] = {
    EL_CAST_ROW("to float32", kF32, float),     EL_CAST_ROW("to float64", TypeBit(DataType::kFloat64), double),
    EL_CAST_ROW("to int8", kI8, int8_t),        EL_CAST_ROW("to int16", kI16, int16_t),
    EL_CAST_ROW("to int32", kI32, int32_t),     EL_CAST_ROW("to int64", kI64, int64_t),
    EL_CAST_ROW("to uint8", kU8, uint8_t),      EL_CAST_ROW("to bool", kBool, bool),
    {"from float16", TypeSignature{{kF16}, {kCastable}}, Isa::kReference, nullptr, PrepareBridged, EvalBridged},
    {"to float16", TypeSignature{{kCastable}, {kF16}}, Isa::kReference, nullptr, PrepareBridged, EvalBridged},
    {"from uint32", TypeSignature{{TypeBit(DataType::kUInt32)}, {kCastable}}, Isa::kReference, nullptr,
     PrepareBridged, EvalBridged},
    {"to uint32", TypeSignature{{kCastable}, {TypeBit(DataType::kUInt32)}}, Isa::kReference, nullptr,
     PrepareBridged, EvalBridged},
    {"from low precision", TypeSignature{{kLowPrecision}, {kAllCastable}}, Isa::kReference, nullptr, PrepareNothing,
     EvalThroughDouble},
    {"to low precision", TypeSignature{{kAllCastable}, {kLowPrecision}}, Isa::kReference, nullptr, PrepareNothing,
     EvalThroughDouble},
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
