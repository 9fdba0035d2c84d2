// SOFTMAX (with SoftmaxOptions.beta) and LOG_SOFTMAX along the last axis; rows run in parallel. float32
// (SOFTMAX also float16); quantized as LiteRT's reference kernels (docs/integer_kernels.md): SOFTMAX int8 ->
// int8 / int16, uint8 -> uint8 / int16 in gemmlowp fixed point (with a table-driven fast path), int16 -> int16
// by tables; LOG_SOFTMAX int8 and uint8.
#include <cmath>
#include <memory>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/optimized/rows_f32.h"
#include "interpreter/kernels/optimized/softmax_int8.h"
#include "interpreter/kernels/quantization_params.h"
#include "interpreter/kernels/reference/half.h"
#include "interpreter/kernels/reference/integer/softmax.h"
#include "interpreter/kernels/reference/softmax.h"
#include "interpreter/thread_pool.h"

namespace edgelite {
namespace {

enum class SoftmaxOp { kSoftmax, kLogSoftmax };

struct SoftmaxData : VariantChoice<SoftmaxData> {
  // .tflite reads beta from the options table and leaves it 0 when the table is absent; so do we.
  float beta = 0.f;
  int64_t rows = 0, depth = 0;  // filled in prepare
  const optimized::RowsF32Kernels* kernels = nullptr;  // the chosen ISA's
  // Quantized rows, set by their prepare.
  reference::integer::Softmax8Params q8;
  std::unique_ptr<reference::integer::SoftmaxInt16Params> q16;
  std::unique_ptr<optimized::Softmax8Table> table8;
  const optimized::Softmax8Kernels* kernels8 = nullptr;
};

namespace ri = reference::integer;

template <SoftmaxOp kOp>
Status Init(KernelContext& ctx, Node& node) {
  auto* data = new SoftmaxData();
  node.user_data = data;
  if constexpr (kOp == SoftmaxOp::kSoftmax) {
    if (const auto* options = node.op ? node.op->builtin_options_as_SoftmaxOptions() : nullptr) {
      data->beta = options->beta();
    }
  }
  return Status::Ok();
}

Status PrepareF32(KernelContext&, Node&, SoftmaxData& d) {
  d.kernels = optimized::RowsF32For(d.variant->isa);
  return Status::Ok();
}

template <SoftmaxOp kOp>
Status EvalF32(KernelContext& ctx, Node& node, SoftmaxData& d) {
  const float* x = ctx.input(node, 0)->data_as<float>();
  float* y = ctx.output(node, 0)->data_as<float>();
  ctx.thread_pool().ParallelFor(d.rows, RowCost(d.depth), [&](int64_t b, int64_t e, int) {
    if constexpr (kOp == SoftmaxOp::kSoftmax) {
      d.kernels->softmax(x, y, b, e, d.depth, d.beta);
    } else {
      d.kernels->log_softmax(x, y, b, e, d.depth);
    }
  });
  return Status::Ok();
}

template <SoftmaxOp kOp>
Status EvalF32Reference(KernelContext& ctx, Node& node, SoftmaxData& d) {
  const float* x = ctx.input(node, 0)->data_as<float>();
  float* y = ctx.output(node, 0)->data_as<float>();
  ctx.thread_pool().ParallelFor(d.rows, RowCost(d.depth), [&](int64_t b, int64_t e, int) {
    if constexpr (kOp == SoftmaxOp::kSoftmax) {
      reference::SoftmaxRows(x, y, b, e, d.depth, d.beta);
    } else {
      reference::LogSoftmaxRows(x, y, b, e, d.depth);
    }
  });
  return Status::Ok();
}

// ---- quantized ----

// LiteRT's PreprocessSoftmaxScaling with 5 integer bits: beta * s_x * 2^26 in double (capped at 2^31 - 1) as
// a multiplier above one, and the smallest difference that still counts.
Status PrepareSoftmax8Scaling(KernelContext& ctx, Node& node, SoftmaxData& d, float beta) {
  TensorQuantization in;
  EL_RETURN_IF_ERROR(GetPerTensorQuantization(ctx, node, *ctx.input(node, 0), "input", &in));
  constexpr int kIntegerBits = ri::kSoftmaxScaledDiffIntegerBits;
  const double real = std::min(static_cast<double>(beta) * static_cast<double>(in.scale) *
                                   static_cast<double>(int64_t{1} << (31 - kIntegerBits)),
                               static_cast<double>((int64_t{1} << 31) - 1));
  if (!(real > 1.0)) {
    return ctx.Error(node, StrCat("beta * input scale (", beta, " * ", in.scale,
                                  ") is too small for the fixed-point exp (needs beta * scale * 2^26 > 1)"),
                     StatusCode::kUnsupported);
  }
  const QuantizedMultiplier m = QuantizeMultiplier(real);
  d.q8.input_multiplier = m.multiplier;
  d.q8.input_left_shift = m.shift;
  // CalculateInputRadius: the largest difference whose scaled value fits the 5 integer bits.
  const double radius = std::floor(static_cast<double>((1 << kIntegerBits) - 1) *
                                   static_cast<double>(int64_t{1} << (31 - kIntegerBits)) /
                                   static_cast<double>(int64_t{1} << m.shift));
  d.q8.diff_min = -static_cast<int32_t>(radius);
  return Status::Ok();
}

// Only int8 -> int8 has its output quantization checked by LiteRT (the others are assumed to be 1/256 or
// 1/65536 with the type's minimum as zero point, and are not read).
Status PrepareSoftmax8(KernelContext& ctx, Node& node, SoftmaxData& d) {
  const Tensor& out = *ctx.output(node, 0);
  if (ctx.input(node, 0)->type == DataType::kInt8 && out.type == DataType::kInt8) {
    TensorQuantization q;
    EL_RETURN_IF_ERROR(GetPerTensorQuantization(ctx, node, out, "output", &q));
    EL_RETURN_IF_ERROR(RequireZeroPoint(ctx, node, out, "output", q, -128));
    if (std::fabs(q.scale - 1.f / 256) > 0.001f * 1.f / 256) {
      return ctx.Error(node, StrCat("int8 output '", out.name, "' has scale ", q.scale, ", expected 1/256"),
                       StatusCode::kUnsupported);
    }
  }
  return PrepareSoftmax8Scaling(ctx, node, d, d.beta);
}

Status PrepareSoftmax8Table(KernelContext& ctx, Node& node, SoftmaxData& d) {
  EL_RETURN_IF_ERROR(PrepareSoftmax8(ctx, node, d));
  d.table8 = std::make_unique<optimized::Softmax8Table>();
  for (int i = 0; i < 256; ++i) {
    d.table8->exp_by_distance[i] = -i >= d.q8.diff_min ? ri::SoftmaxExpOfDifference(-i, d.q8) : 0;
  }
  d.kernels8 = optimized::Softmax8For(d.variant->isa);
  return Status::Ok();
}

Status PrepareSoftmaxInt16(KernelContext& ctx, Node& node, SoftmaxData& d) {
  const Tensor& in = *ctx.input(node, 0);
  const Tensor& out = *ctx.output(node, 0);
  TensorQuantization qin, qout;
  EL_RETURN_IF_ERROR(GetPerTensorQuantization(ctx, node, in, "input", &qin));
  EL_RETURN_IF_ERROR(GetPerTensorQuantization(ctx, node, out, "output", &qout));
  EL_RETURN_IF_ERROR(RequireZeroPoint(ctx, node, in, "input", qin, 0));
  EL_RETURN_IF_ERROR(RequireZeroPoint(ctx, node, out, "output", qout, 0));
  if (std::fabs(qout.scale - 1.f / 32768) > 0.001f * 1.f / 32768) {
    return ctx.Error(node, StrCat("int16 output '", out.name, "' has scale ", qout.scale, ", expected 1/32768"),
                     StatusCode::kUnsupported);
  }
  if (in.rank() > 4) {
    return ctx.Error(node, StrCat("int16 SOFTMAX takes inputs of rank 1 to 4 (as LiteRT), got rank ", in.rank()),
                     StatusCode::kUnsupported);
  }
  d.q16 = std::make_unique<ri::SoftmaxInt16Params>();
  // In double, as LiteRT builds them: exp over [-10, 0] and 1 / (1 + x) over [0, 1], outputs on [-1, 1].
  constexpr double kLevels = 65535.0;
  PopulateLutInt16Double([](double x) { return std::exp(x); }, (10.0 / kLevels) * (-32768.0 - 32767.0), 0.0,
                         (2.0 / kLevels) * -32768.0, (2.0 / kLevels) * 32767.0, d.q16->exp_table);
  PopulateLutInt16Double([](double x) { return 1.0 / (1.0 + x); }, 0.0, (1.0 / kLevels) * (32767.0 + 32768.0),
                         (2.0 / kLevels) * -32768.0, (2.0 / kLevels) * 32767.0, d.q16->reciprocal_table);
  d.q16->input_multiplier = QuantizeMultiplier(static_cast<double>(qin.scale * d.beta) / (10.0 / kLevels));
  return Status::Ok();
}

Status PrepareLogSoftmax8(KernelContext& ctx, Node& node, SoftmaxData& d) {
  const Tensor& out = *ctx.output(node, 0);
  TensorQuantization q;
  EL_RETURN_IF_ERROR(GetPerTensorQuantization(ctx, node, out, "output", &q));
  if (q.scale != 16.0f / 256) {
    return ctx.Error(node, StrCat("output '", out.name, "' has scale ", q.scale, ", expected 16/256"),
                     StatusCode::kUnsupported);
  }
  EL_RETURN_IF_ERROR(RequireZeroPoint(ctx, node, out, "output", q, out.type == DataType::kInt8 ? 127 : 255));
  EL_RETURN_IF_ERROR(PrepareSoftmax8Scaling(ctx, node, d, 1.0f));
  // The reverse multiplier takes Q5.26 values back to input steps: 2^(31 - left_shift) / multiplier.
  const double reverse = static_cast<double>(int64_t{1} << (31 - d.q8.input_left_shift)) /
                         static_cast<double>(d.q8.input_multiplier);
  if (!(reverse > 0.0 && reverse < 1.0)) {
    return ctx.Error(node, StrCat("input scale gives a reverse scaling of ", reverse, ", outside (0, 1)"),
                     StatusCode::kUnsupported);
  }
  const QuantizedMultiplier r = QuantizeMultiplier(reverse);
  d.q8.reverse_multiplier = r.multiplier;
  d.q8.reverse_shift = r.shift;
  return Status::Ok();
}

// Runs row(x, y) on every row's input and output, rows split over the thread pool.
template <typename In, typename Out, typename RowFn>
Status EvalRows(KernelContext& ctx, Node& node, const SoftmaxData& d, RowFn&& row) {
  const In* x = ctx.input(node, 0)->data_as<In>();
  Out* y = ctx.output(node, 0)->data_as<Out>();
  ctx.thread_pool().ParallelFor(d.rows, RowCost(d.depth), [&](int64_t b, int64_t e, int) {
    for (int64_t r = b; r < e; ++r) row(x + r * d.depth, y + r * d.depth);
  });
  return Status::Ok();
}

// float16 as LiteRT's half SOFTMAX: the row maximum, each exp((x - max) * beta) in float32 stored rounded
// to half, the float sum of the unrounded exps, then each stored half divided by the sum and rounded again.
Status EvalSoftmaxF16(KernelContext& ctx, Node& node, SoftmaxData& d) {
  using reference::FloatToHalf;
  using reference::HalfToFloat;
  return EvalRows<uint16_t, uint16_t>(ctx, node, d, [&](const uint16_t* x, uint16_t* y) {
    float max = -65504.f;  // the lowest half
    for (int64_t c = 0; c < d.depth; ++c) max = std::max(max, HalfToFloat(x[c]));
    float sum = 0.f;
    for (int64_t c = 0; c < d.depth; ++c) {
      const float e = std::exp((HalfToFloat(x[c]) - max) * d.beta);
      y[c] = FloatToHalf(e);
      sum += e;
    }
    for (int64_t c = 0; c < d.depth; ++c) y[c] = FloatToHalf(HalfToFloat(y[c]) / sum);
  });
}

template <typename In, typename Out>
Status EvalSoftmax8(KernelContext& ctx, Node& node, SoftmaxData& d) {
  return EvalRows<In, Out>(ctx, node, d, [&](const In* x, Out* y) { ri::Softmax8Row<In, Out>(x, y, d.depth, d.q8); });
}

template <typename In, typename Out, optimized::Softmax8RowsFn<In, Out> optimized::Softmax8Kernels::*kRows>
Status EvalSoftmax8Table(KernelContext& ctx, Node& node, SoftmaxData& d) {
  const In* x = ctx.input(node, 0)->data_as<In>();
  Out* y = ctx.output(node, 0)->data_as<Out>();
  const auto rows = d.kernels8->*kRows;
  ctx.thread_pool().ParallelFor(d.rows, RowCost(d.depth),
                                [&](int64_t b, int64_t e, int) { rows(x, y, b, e, d.depth, *d.table8); });
  return Status::Ok();
}

Status EvalSoftmaxInt16(KernelContext& ctx, Node& node, SoftmaxData& d) {
  return EvalRows<int16_t, int16_t>(
      ctx, node, d, [&](const int16_t* x, int16_t* y) { ri::SoftmaxInt16Row(x, y, d.depth, *d.q16); });
}

template <typename T>
Status EvalLogSoftmax8(KernelContext& ctx, Node& node, SoftmaxData& d) {
  return EvalRows<T, T>(ctx, node, d, [&](const T* x, T* y) { ri::LogSoftmax8Row<T>(x, y, d.depth, d.q8); });
}

constexpr TypeSignature kF32Types{{kF32}, {kF32}};
constexpr TypeSignature kI8Types{{kI8}, {kI8}};
constexpr TypeSignature kI8ToI16Types{{kI8}, {kI16}};
constexpr TypeSignature kU8Types{{kU8}, {kU8}};
constexpr TypeSignature kU8ToI16Types{{kU8}, {kI16}};
constexpr TypeSignature kI16Types{{kI16}, {kI16}};

// An 8-bit SOFTMAX signature: the table rows, then the reference twin.
#define EL_SOFTMAX_8BIT_ROWS(NAME, TYPES, IN, OUT, FIELD)                                                \
  EL_VECTOR_ISA_ROWS(NAME " table", TYPES, nullptr, PrepareSoftmax8Table,                                \
                     (EvalSoftmax8Table<IN, OUT, &optimized::Softmax8Kernels::FIELD>)),                   \
  {NAME, TYPES, Isa::kReference, nullptr, PrepareSoftmax8, EvalSoftmax8<IN, OUT>}

template <SoftmaxOp kOp>
struct Variants;
template <>
struct Variants<SoftmaxOp::kSoftmax> {
  static constexpr KernelVariant<SoftmaxData> kTable[] = {
      EL_VECTOR_ISA_ROWS("float32", kF32Types, nullptr, PrepareF32, EvalF32<SoftmaxOp::kSoftmax>),
      {"float32", kF32Types, Isa::kReference, nullptr, nullptr, EvalF32Reference<SoftmaxOp::kSoftmax>},
      {"float16", TypeSignature{{kF16}, {kF16}}, Isa::kReference, nullptr, nullptr, EvalSoftmaxF16},
      EL_SOFTMAX_8BIT_ROWS("int8", kI8Types, int8_t, int8_t, int8_to_int8),
      EL_SOFTMAX_8BIT_ROWS("int8 -> int16", kI8ToI16Types, int8_t, int16_t, int8_to_int16),
      EL_SOFTMAX_8BIT_ROWS("uint8", kU8Types, uint8_t, uint8_t, uint8_to_uint8),
      EL_SOFTMAX_8BIT_ROWS("uint8 -> int16", kU8ToI16Types, uint8_t, int16_t, uint8_to_int16),
      {"int16", kI16Types, Isa::kReference, nullptr, PrepareSoftmaxInt16, EvalSoftmaxInt16},
  };
};
template <>
struct Variants<SoftmaxOp::kLogSoftmax> {
  static constexpr KernelVariant<SoftmaxData> kTable[] = {
      EL_VECTOR_ISA_ROWS("float32", kF32Types, nullptr, PrepareF32, EvalF32<SoftmaxOp::kLogSoftmax>),
      {"float32", kF32Types, Isa::kReference, nullptr, nullptr, EvalF32Reference<SoftmaxOp::kLogSoftmax>},
      {"int8", kI8Types, Isa::kReference, nullptr, PrepareLogSoftmax8, EvalLogSoftmax8<int8_t>},
      {"uint8", kU8Types, Isa::kReference, nullptr, PrepareLogSoftmax8, EvalLogSoftmax8<uint8_t>},
  };
};
#undef EL_SOFTMAX_8BIT_ROWS

template <SoftmaxOp kOp>
Status Prepare(KernelContext& ctx, Node& node) {
  auto* data = static_cast<SoftmaxData*>(node.user_data);
  // .tflite's SOFTMAX refuses a scalar; its LOG_SOFTMAX takes it as one row of one value (giving 0).
  EL_RETURN_IF_ERROR(PrepareLastAxisRows(ctx, node, /*scalar_is_one_row=*/kOp == SoftmaxOp::kLogSoftmax,
                                         &data->rows, &data->depth));
  return SelectVariant(ctx, node, Variants<kOp>::kTable, *data);
}

template <SoftmaxOp kOp>
const KernelRegistration* Registration() {
  static const KernelRegistration reg{Init<kOp>, DeleteNodeData<SoftmaxData>, Prepare<kOp>,
                                      EvalSelectedVariant<SoftmaxData>};
  return &reg;
}

}  // namespace

const KernelRegistration* Register_SOFTMAX() { return Registration<SoftmaxOp::kSoftmax>(); }
const KernelRegistration* Register_LOG_SOFTMAX() { return Registration<SoftmaxOp::kLogSoftmax>(); }

}  // namespace edgelite
