// CAST between float32, float64, int8/16/32/64, uint8 and bool. Float to integer truncates
// toward zero (C conversion, as TFLite); anything to bool is `value != 0`.
#include "interpreter/kernels/kernel_util.h"

namespace edgelite {
namespace {

bool Castable(DataType t) {
  switch (t) {
    case DataType::kFloat32: case DataType::kFloat64: case DataType::kInt8:
    case DataType::kInt16: case DataType::kInt32: case DataType::kInt64: case DataType::kUInt8:
    case DataType::kBool:
      return true;
    default:
      return false;
  }
}

Status Prepare(KernelContext& ctx, Node& node) {
  Tensor *in, *out;
  EL_RETURN_IF_ERROR(GetSingleInputOutput(ctx, node, &in, &out));
  EL_KERNEL_CHECK(ctx, node, Castable(in->type) && Castable(out->type), "cast from ", DataTypeName(in->type),
                  " to ", DataTypeName(out->type), " is not supported");
  return ctx.ResizeTensor(*out, in->dims);
}

// Reads element i of any castable type as double (exact for every type here but int64 beyond 2^53,
// which is handled separately below).
double Load(const Tensor& t, int64_t i) {
  switch (t.type) {
    case DataType::kFloat32: return t.data_as<float>()[i];
    case DataType::kFloat64: return t.data_as<double>()[i];
    case DataType::kInt8: return t.data_as<int8_t>()[i];
    case DataType::kInt16: return t.data_as<int16_t>()[i];
    case DataType::kInt32: return t.data_as<int32_t>()[i];
    case DataType::kUInt8: return t.data_as<uint8_t>()[i];
    case DataType::kBool: return t.data_as<bool>()[i] ? 1.0 : 0.0;
    default: return 0;
  }
}

template <typename Out>
void CastTo(const Tensor& in, Tensor& out) {
  Out* dst = out.data_as<Out>();
  const int64_t n = in.num_elements();
  if (in.type == DataType::kInt64) {
    const int64_t* src = in.data_as<int64_t>();
    for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<Out>(src[i]);
    return;
  }
  for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<Out>(Load(in, i));
}

Status Eval(KernelContext& ctx, Node& node) {
  const Tensor& in = *ctx.input(node, 0);
  Tensor& out = *ctx.output(node, 0);
  const int64_t n = in.num_elements();
  switch (out.type) {
    case DataType::kFloat32: CastTo<float>(in, out); break;
    case DataType::kFloat64: CastTo<double>(in, out); break;
    case DataType::kInt8: CastTo<int8_t>(in, out); break;
    case DataType::kInt16: CastTo<int16_t>(in, out); break;
    case DataType::kInt32: CastTo<int32_t>(in, out); break;
    case DataType::kInt64: CastTo<int64_t>(in, out); break;
    case DataType::kUInt8: CastTo<uint8_t>(in, out); break;
    case DataType::kBool:
      for (int64_t i = 0; i < n; ++i)
        out.data_as<bool>()[i] = in.type == DataType::kInt64 ? in.data_as<int64_t>()[i] != 0 : Load(in, i) != 0.0;
      break;
    default: return ctx.Error(node, "unsupported output type", StatusCode::kUnsupported);
  }
  return Status::Ok();
}

}  // namespace

const KernelRegistration* Register_CAST() {
  static const KernelRegistration reg{nullptr, nullptr, Prepare, Eval, /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace edgelite
