// AVERAGE_POOL_2D and MAX_POOL_2D (NHWC; float32, and int8, uint8, int16 on raw values as LiteRT), and
// L2_POOL_2D (float32 only, as LiteRT): filter size, strides, SAME/VALID padding, fused activation. Padded
// positions never count: a SAME average divides by the number of real elements. One file for all three: they
// differ only in how a window is reduced.
#include <type_traits>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/variant_types.h"
#include "interpreter/kernels/optimized/pooling_8bit.h"
#include "interpreter/kernels/optimized/pooling_f32.h"
#include "interpreter/kernels/quantization_params.h"
#include "interpreter/kernels/quantization_util.h"
#include "interpreter/kernels/reference/integer/pooling.h"
#include "interpreter/kernels/reference/pooling.h"
#include "interpreter/kernels/conv_util.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

enum class PoolKind { kAverage, kMax, kL2 };

struct PoolData : VariantChoice<PoolData> {
  PoolKind kind;
  WindowOptions options;
  int activation = 0;  // the schema's ActivationFunctionType, for quantized outputs' clamp
  int filter_h = 0, filter_w = 0;
  // Set in prepare.
  reference::WindowGeometry geometry;
  const optimized::PoolingF32Kernels* kernels = nullptr;  // the chosen ISA's
  int32_t q_min = 0, q_max = 0;  // quantized rows: the fused activation's range on the output
  const void* kernels8 = nullptr;  // the chosen ISA's Pooling8BitKernels<T>
};

template <PoolKind kKind>
Status Init(KernelContext& ctx, Node& node) {
  auto* data = new PoolData();
  node.user_data = data;
  data->kind = kKind;
  const auto* o = node.op ? node.op->builtin_options_as_Pool2DOptions() : nullptr;
  EL_KERNEL_CHECK(ctx, node, o, "Pool2DOptions are missing");
  data->filter_h = o->filter_height();
  data->filter_w = o->filter_width();
  data->options.stride_h = o->stride_h();
  data->options.stride_w = o->stride_w();
  data->activation = static_cast<int>(o->fused_activation_function());
  return ParseWindowOptions(ctx, node, o->padding(), o->fused_activation_function(), &data->options);
}

Status PrepareF32(KernelContext&, Node&, PoolData& d) {
  d.kernels = optimized::PoolingF32For(d.variant->isa);
  return Status::Ok();
}

template <PoolKind kKind>
Status EvalF32(KernelContext& ctx, Node& node, PoolData& d) {
  const float* in = WindowInput(ctx, node).data_as<float>();
  float* out = ctx.output(node, 0)->data_as<float>();
  const ActivationRange& r = d.options.range;
  (kKind == PoolKind::kAverage ? d.kernels->average : d.kernels->max)(d.geometry, in, out, r.min, r.max,
                                                                      ctx.thread_pool());
  return Status::Ok();
}

template <PoolKind kKind>
Status EvalF32Reference(KernelContext& ctx, Node& node, PoolData& d) {
  const float* in = WindowInput(ctx, node).data_as<float>();
  float* out = ctx.output(node, 0)->data_as<float>();
  const ActivationRange& r = d.options.range;
  if (kKind == PoolKind::kAverage) {
    reference::AveragePool2D(d.geometry, in, out, r.min, r.max);
  } else {
    reference::MaxPool2D(d.geometry, in, out, r.min, r.max);
  }
  return Status::Ok();
}

// ---- quantized: raw values, the output's activation range ----

Status PrepareQuantized(KernelContext& ctx, Node& node, PoolData& d) {
  const Tensor& out = *ctx.output(node, 0);
  TensorQuantization q;
  EL_RETURN_IF_ERROR(GetPerTensorQuantization(ctx, node, out, "output", &q));
  int32_t type_min, type_max;
  IntegerTypeRange(out.type, &type_min, &type_max);
  QuantizedActivationRange(d.activation, q.scale, q.zero_point, type_min, type_max, &d.q_min, &d.q_max);
  return Status::Ok();
}

template <typename T>
const optimized::Pooling8BitKernels<T>& Kernels8(const optimized::Pooling8BitTables& t) {
  if constexpr (std::is_same_v<T, int8_t>) {
    return t.int8;
  } else {
    return t.uint8;
  }
}

template <typename T>
Status PrepareQuantized8Bit(KernelContext& ctx, Node& node, PoolData& d) {
  EL_RETURN_IF_ERROR(PrepareQuantized(ctx, node, d));
  d.kernels8 = &Kernels8<T>(*optimized::Pooling8BitFor(d.variant->isa));
  return Status::Ok();
}

// The float32 division of the vector average is exact for windows below kMaxAveragePool8BitWindow.
bool AverageWindowFits(const PoolData& d, const Node&, KernelContext&) {
  return d.kind == PoolKind::kMax ||
         static_cast<int64_t>(d.filter_h) * d.filter_w <= optimized::kMaxAveragePool8BitWindow;
}

template <PoolKind kKind, typename T>
Status EvalQuantized8Bit(KernelContext& ctx, Node& node, PoolData& d) {
  const auto& k = *static_cast<const optimized::Pooling8BitKernels<T>*>(d.kernels8);
  (kKind == PoolKind::kAverage ? k.average : k.max)(d.geometry, WindowInput(ctx, node).data_as<T>(),
                                                    ctx.output(node, 0)->data_as<T>(), d.q_min, d.q_max,
                                                    ctx.thread_pool());
  return Status::Ok();
}

template <PoolKind kKind, typename T>
Status EvalQuantizedReference(KernelContext& ctx, Node& node, PoolData& d) {
  const T* in = WindowInput(ctx, node).data_as<T>();
  T* out = ctx.output(node, 0)->data_as<T>();
  if (kKind == PoolKind::kAverage) {
    reference::integer::AveragePool2D(d.geometry, in, out, d.q_min, d.q_max);
  } else {
    reference::integer::MaxPool2D(d.geometry, in, out, d.q_min, d.q_max);
  }
  return Status::Ok();
}

constexpr TypeSignature kF32Types{{kF32}, {kF32}};
constexpr TypeSignature kI8Types{{kI8}, {kI8}};
constexpr TypeSignature kU8Types{{kU8}, {kU8}};
constexpr TypeSignature kI16Types{{kI16}, {kI16}};

// An 8-bit type: the vectorized rows, then the reference twin.
#define EL_POOL_8BIT_ROWS(NAME, TYPES, T, KIND)                                                           \
  EL_VECTOR_ISA_ROWS(NAME, TYPES, AverageWindowFits, PrepareQuantized8Bit<T>, (EvalQuantized8Bit<KIND, T>), \
                     "an averaging window of at most 65535 values"),                                    \
      {NAME, TYPES, Isa::kReference, nullptr, PrepareQuantized, EvalQuantizedReference<KIND, T>}

template <PoolKind kKind>
struct Variants {
  static constexpr KernelVariant<PoolData> kTable[] = {
      EL_VECTOR_ISA_ROWS("float32", kF32Types, nullptr, PrepareF32, EvalF32<kKind>),
      {"float32", kF32Types, Isa::kReference, nullptr, nullptr, EvalF32Reference<kKind>},
      EL_POOL_8BIT_ROWS("int8", kI8Types, int8_t, kKind),
      EL_POOL_8BIT_ROWS("uint8", kU8Types, uint8_t, kKind),
      {"int16", kI16Types, Isa::kReference, nullptr, PrepareQuantized, EvalQuantizedReference<kKind, int16_t>},
  };
};
#undef EL_POOL_8BIT_ROWS

Status EvalL2(KernelContext& ctx, Node& node, PoolData& d) {
  reference::L2Pool2D(d.geometry, WindowInput(ctx, node).data_as<float>(), ctx.output(node, 0)->data_as<float>(),
                      d.options.range.min, d.options.range.max);
  return Status::Ok();
}
template <>
struct Variants<PoolKind::kL2> {
  static constexpr KernelVariant<PoolData> kTable[] = {
      {"float32", kF32Types, Isa::kReference, nullptr, nullptr, EvalL2},
  };
};

template <PoolKind kKind>
Status Prepare(KernelContext& ctx, Node& node) {
  auto* d = static_cast<PoolData*>(node.user_data);
  EL_RETURN_IF_ERROR(CheckInputCount(ctx, node, 1, 1));
  EL_RETURN_IF_ERROR(CheckOutputCount(ctx, node, 1));
  Tensor *input, *output;
  EL_RETURN_IF_ERROR(RequireInput(ctx, node, 0, &input));
  EL_RETURN_IF_ERROR(RequireOutput(ctx, node, 0, &output));
  EL_RETURN_IF_ERROR(ComputeWindowGeometry(ctx, node, *input, d->filter_h, d->filter_w,
                                           input->rank() == 4 ? input->dim(3) : 0, d->options, &d->geometry));
  EL_RETURN_IF_ERROR(ctx.ResizeTensor(*output, WindowOutputDims(d->geometry)));
  return SelectVariant(ctx, node, Variants<kKind>::kTable, *d);
}

template <PoolKind kKind>
const KernelRegistration* Registration() {
  static const KernelRegistration reg{Init<kKind>, DeleteNodeData<PoolData>, Prepare<kKind>,
                                      EvalSelectedVariant<PoolData>};
  return &reg;
}

}  // namespace

const KernelRegistration* Register_AVERAGE_POOL_2D() { return Registration<PoolKind::kAverage>(); }
const KernelRegistration* Register_MAX_POOL_2D() { return Registration<PoolKind::kMax>(); }
const KernelRegistration* Register_L2_POOL_2D() { return Registration<PoolKind::kL2>(); }

}  // namespace edgelite

namespace edgelite {
VariantTypesView KernelTypes_AVERAGE_POOL_2D() { return ViewOf(Variants<PoolKind::kAverage>::kTable); }
VariantTypesView KernelTypes_MAX_POOL_2D() { return ViewOf(Variants<PoolKind::kMax>::kTable); }
VariantTypesView KernelTypes_L2_POOL_2D() { return ViewOf(Variants<PoolKind::kL2>::kTable); }
}  // namespace edgelite
