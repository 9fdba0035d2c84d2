// Checked reads of tensor quantization for the integer kernels' prepare.
#include "interpreter/kernels/quantization_params.h"

#include <cmath>
#include <limits>
#include <string>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/quantization_util.h"

namespace edgelite {

void IntegerTypeRange(DataType type, int32_t* lo, int32_t* hi) {
  switch (type) {
    case DataType::kInt8: *lo = -128; *hi = 127; return;
    case DataType::kUInt8: *lo = 0; *hi = 255; return;
    case DataType::kInt16: *lo = -32768; *hi = 32767; return;
    default:
      *lo = std::numeric_limits<int32_t>::min();
      *hi = std::numeric_limits<int32_t>::max();
  }
}

namespace {

Status CheckScale(KernelContext& ctx, const Node& node, const Tensor& t, const char* role, float scale) {
  if (!(std::isfinite(scale) && scale > 0.f)) {
    return ctx.Error(node, StrCat(role, " '", t.name, "' has quantization scale ", scale,
                                  "; a scale must be finite and positive"));
  }
  return Status::Ok();
}

Status CheckZeroPoint(KernelContext& ctx, const Node& node, const Tensor& t, const char* role, int64_t zp) {
  int32_t lo, hi;
  IntegerTypeRange(t.type, &lo, &hi);
  if (zp < lo || zp > hi) {
    return ctx.Error(node, StrCat(role, " '", t.name, "' has zero point ", zp, ", outside the range of ",
                                  DataTypeName(t.type), " [", lo, ", ", hi, "]"));
  }
  return Status::Ok();
}

Status RequireParameters(KernelContext& ctx, const Node& node, const Tensor& t, const char* role) {
  if (t.quant.scale.empty()) {
    return ctx.Error(node, StrCat(DataTypeName(t.type), " ", role, " '", t.name,
                                  "' has no quantization parameters (scale and zero point)"));
  }
  const size_t n = t.quant.scale.size(), z = t.quant.zero_point.size();
  if (z != 0 && z != 1 && z != n) {
    return ctx.Error(node, StrCat(role, " '", t.name, "' has ", n, " scales but ", z, " zero points"));
  }
  return Status::Ok();
}

}  // namespace

Status GetPerTensorQuantization(KernelContext& ctx, const Node& node, const Tensor& t, const char* role,
                                TensorQuantization* out) {
  EL_RETURN_IF_ERROR(RequireParameters(ctx, node, t, role));
  if (t.quant.scale.size() != 1) {
    return ctx.Error(node, StrCat(role, " '", t.name, "' has ", t.quant.scale.size(),
                                  " scales (per-channel quantization); this operator needs one"),
                     StatusCode::kUnsupported);
  }
  EL_RETURN_IF_ERROR(CheckScale(ctx, node, t, role, t.quant.scale[0]));
  const int64_t zp = t.quant.zero_point.empty() ? 0 : t.quant.zero_point[0];
  EL_RETURN_IF_ERROR(CheckZeroPoint(ctx, node, t, role, zp));
  out->scale = t.quant.scale[0];
  out->zero_point = static_cast<int32_t>(zp);
  return Status::Ok();
}

Status GetPerChannelQuantization(KernelContext& ctx, const Node& node, const Tensor& t, const char* role, int axis,
                                 int channels, bool symmetric, std::vector<float>* scales,
                                 std::vector<int32_t>* zero_points) {
  EL_RETURN_IF_ERROR(RequireParameters(ctx, node, t, role));
  const Quantization& q = t.quant;
  const size_t n = q.scale.size();
  if (n != 1) {
    if (q.quantized_dimension != axis) {
      return ctx.Error(node, StrCat(role, " '", t.name, "' is quantized along dimension ", q.quantized_dimension,
                                    ", expected dimension ", axis));
    }
    if (n != static_cast<size_t>(channels)) {
      return ctx.Error(node, StrCat(role, " '", t.name, "' has ", n, " scales for quantized dimension ", axis,
                                    " of size ", channels));
    }
  }
  scales->assign(channels, 0.f);
  if (zero_points) zero_points->assign(channels, 0);
  for (int c = 0; c < channels; ++c) {
    const float scale = q.scale[n == 1 ? 0 : c];
    EL_RETURN_IF_ERROR(CheckScale(ctx, node, t, role, scale));
    const int64_t zp = q.zero_point.empty() ? 0 : q.zero_point[q.zero_point.size() == 1 ? 0 : c];
    EL_RETURN_IF_ERROR(CheckZeroPoint(ctx, node, t, role, zp));
    if (symmetric && zp != 0) {
      return ctx.Error(node, StrCat(role, " '", t.name, "' has zero point ", zp, " for channel ", c,
                                    "; this operator needs symmetric (zero point 0) quantization"),
                       StatusCode::kUnsupported);
    }
    (*scales)[c] = scale;
    if (zero_points) (*zero_points)[c] = static_cast<int32_t>(zp);
  }
  return Status::Ok();
}

Status GetPerChannelQuantizationOwnAxis(KernelContext& ctx, const Node& node, const Tensor& t, const char* role,
                                        int* axis, std::vector<float>* scales, std::vector<int32_t>* zero_points) {
  EL_RETURN_IF_ERROR(RequireParameters(ctx, node, t, role));
  *axis = 0;
  if (t.quant.scale.size() == 1) return GetPerChannelQuantization(ctx, node, t, role, 0, 1, false, scales, zero_points);
  const int dim = t.quant.quantized_dimension;
  if (dim < 0 || dim >= t.rank()) {
    return ctx.Error(node, StrCat(role, " '", t.name, "' has quantized_dimension ", dim, ", out of range for rank ",
                                  t.rank()));
  }
  *axis = dim;
  return GetPerChannelQuantization(ctx, node, t, role, dim, t.dim(dim), false, scales, zero_points);
}

bool SameQuantization(const Tensor& a, const Tensor& b) {
  if (a.quant.scale != b.quant.scale) return false;
  const size_t n = a.quant.scale.size();
  for (size_t i = 0; i < n; ++i) {
    auto zp = [i](const Quantization& q) -> int64_t {
      return q.zero_point.empty() ? 0 : q.zero_point[q.zero_point.size() == 1 ? 0 : i];
    };
    if (zp(a.quant) != zp(b.quant)) return false;
  }
  return n <= 1 || a.quant.quantized_dimension == b.quant.quantized_dimension;
}

namespace {

std::string DescribeQuantization(const Tensor& t) {
  if (t.quant.scale.empty()) return "no quantization";
  if (t.quant.scale.size() > 1) return StrCat(t.quant.scale.size(), " per-channel scales");
  return StrCat("scale ", t.quant.scale[0], ", zero point ", t.quant.zero_point.empty() ? 0 : t.quant.zero_point[0]);
}

}  // namespace

Status RequireSameQuantization(KernelContext& ctx, const Node& node, const Tensor& t, const char* role,
                               const Tensor& ref, const char* ref_role) {
  if (SameQuantization(t, ref)) return Status::Ok();
  return ctx.Error(node, StrCat(role, " '", t.name, "' has ", DescribeQuantization(t), " but ", ref_role, " '",
                                ref.name, "' has ", DescribeQuantization(ref), "; this operator copies quantized ",
                                "values and needs them equal"),
                   StatusCode::kUnsupported);
}

Status RequireZeroPoint(KernelContext& ctx, const Node& node, const Tensor& t, const char* role,
                        const TensorQuantization& q, int32_t expected) {
  if (q.zero_point != expected) {
    return ctx.Error(node, StrCat(DataTypeName(t.type), " ", role, " '", t.name, "' has zero point ", q.zero_point,
                                  ", expected ", expected),
                     StatusCode::kUnsupported);
  }
  return Status::Ok();
}

Status GetQuantizedActivationRange(KernelContext& ctx, const Node& node, int activation, const Tensor& t,
                                   const TensorQuantization& q, int32_t* lo, int32_t* hi) {
  int32_t type_min, type_max;
  IntegerTypeRange(t.type, &type_min, &type_max);
  if (!QuantizedActivationRange(activation, q.scale, q.zero_point, type_min, type_max, lo, hi)) {
    return ctx.Error(node, StrCat("output '", t.name, "' has scale ", q.scale, " and zero point ", q.zero_point,
                                  ": the fused activation's bounds do not fit int32"));
  }
  return Status::Ok();
}

}  // namespace edgelite
