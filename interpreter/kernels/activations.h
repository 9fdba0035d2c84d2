// The per-node data of the element-wise unary kernels (activations.cc) and the integer rows of their
// variant tables (activations_integer.cc): what the quantized prepares compute and the evals that read it.
#pragma once

#include <cstdint>

#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/optimized/lut_u8.h"
#include "interpreter/kernels/optimized/unary_f32.h"
#include "interpreter/kernels/reference/integer/activations.h"

namespace edgelite {

struct UnaryData;

// What an integer row's prepare derives from the tensors' quantization. `value` maps one input value to
// its output value with `params` (the reference rows call it per element; the table rows run it once per
// possible 8-bit input).
struct UnaryIntegerParams {
  int32_t (*value)(int32_t q, const UnaryIntegerParams& p) = nullptr;
  // Inputs below this fail in eval (RSQRT's negative numbers); the type's minimum otherwise.
  int32_t min_valid_input = INT32_MIN;
  reference::integer::ReluParams relu;
  reference::integer::LeakyReluParams leaky_relu;
  reference::integer::HardSwishParams hard_swish;
  reference::integer::RsqrtParams rsqrt;
  reference::integer::SqrtParams sqrt;
  reference::integer::AbsParams abs;
  reference::integer::Int16TableInput int16_input;  // LOGISTIC, TANH
  // 8-bit: the output for each input byte (int8 -1 is entry 255), LiteRT's table for the table operators,
  // every value of `value` on the table rows. int16 GELU and RSQRT: the interpolated table.
  alignas(64) uint8_t table8[256] = {};
  int16_t table16[513] = {};
  optimized::LookupU8Fn lookup8 = nullptr;  // the table rows' ISA loop
};

struct UnaryData : VariantChoice<UnaryData> {
  bool gelu_approximate = false;     // GeluOptions.approximate: the tanh form instead of erf
  float alpha = 0.f;                 // LeakyReluOptions.alpha; 0 when the table is absent, as in .tflite
  optimized::UnaryLoopF32 f32 = nullptr;  // chosen in prepare: the chosen ISA's loop, or the reference one
  double value_cost = 0;  // the thread pool's cost of one value (more for transcendental ops)
  UnaryIntegerParams q;              // integer rows
};

using UnaryPrepareFn = Status (*)(KernelContext& ctx, Node& node, UnaryData& d);

// Prepares of the integer rows, one per operator, for each dtype it has (int8, uint8, int16 as LiteRT):
// read and check the quantization (LiteRT's prepare checks, as errors), compute multipliers and tables,
// set q.value.
Status PrepareLogisticQuantized(KernelContext& ctx, Node& node, UnaryData& d);
Status PrepareTanhQuantized(KernelContext& ctx, Node& node, UnaryData& d);
Status PrepareEluQuantized(KernelContext& ctx, Node& node, UnaryData& d);
Status PrepareGeluQuantized(KernelContext& ctx, Node& node, UnaryData& d);
Status PrepareReluQuantized(KernelContext& ctx, Node& node, UnaryData& d);
Status PrepareRelu6Quantized(KernelContext& ctx, Node& node, UnaryData& d);
Status PrepareLeakyReluQuantized(KernelContext& ctx, Node& node, UnaryData& d);
Status PrepareHardSwishQuantized(KernelContext& ctx, Node& node, UnaryData& d);
Status PrepareRsqrtQuantized(KernelContext& ctx, Node& node, UnaryData& d);
Status PrepareSqrtQuantized(KernelContext& ctx, Node& node, UnaryData& d);
Status PrepareAbsQuantized(KernelContext& ctx, Node& node, UnaryData& d);

// After one of those on an 8-bit input: fills q.table8 with q.value of every input byte and picks the
// chosen ISA's lookup loop (the table rows).
Status FinishByteTable(KernelContext& ctx, Node& node, UnaryData& d);

// Reference rows: q.value per element. Table rows: the vectorized lookup.
Status EvalQuantizedInt8(KernelContext& ctx, Node& node, UnaryData& d);
Status EvalQuantizedUInt8(KernelContext& ctx, Node& node, UnaryData& d);
Status EvalQuantizedInt16(KernelContext& ctx, Node& node, UnaryData& d);
Status EvalByteTable(KernelContext& ctx, Node& node, UnaryData& d);

// Whether the node's input has quantization parameters (int16 ABS without them is a plain integer ABS).
bool InputIsQuantized(const UnaryData& d, const Node& node, KernelContext& ctx);

}  // namespace edgelite
