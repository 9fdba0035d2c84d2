// The per-node data of the binary element-wise family (binary_arithmetic.cc) and the prepare and eval of
// its rows for quantized tensors (binary_quantized.cc): ADD, SUB, MUL, SQUARED_DIFFERENCE and PRELU on
// int8/uint8/int16 with LiteRT's reference arithmetic (reference/integer/*.h).
#pragma once

#include <vector>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/optimized/binary_elementwise.h"
#include "interpreter/kernels/optimized/binary_quantized.h"
#include "interpreter/kernels/reference/binary_ops.h"
#include "interpreter/kernels/reference/broadcast.h"
#include "interpreter/kernels/reference/integer/add_sub.h"
#include "interpreter/kernels/reference/integer/mul.h"
#include "interpreter/kernels/reference/integer/prelu.h"
#include "interpreter/kernels/reference/integer/squared_difference.h"

namespace edgelite {

struct BinaryData : VariantChoice<BinaryData> {
  reference::BinaryOp op;
  // From the options.
  schema::ActivationFunctionType activation = schema::ActivationFunctionType_NONE;
  bool pot_scale_int16 = true;  // ADD/SUB: int16 with power-of-two scales takes the shift-and-add form
  // Filled in prepare.
  ActivationRange range;  // float and int32/int64 rows' clamp
  reference::BroadcastPlan plan;  // the index-stepping loop's
  bool simple_layout = false;     // how the inputs line up, for the vectorized float/int rows
  optimized::BinaryLayout layout;
  optimized::BinaryLoop loop = nullptr;  // the chosen ISA's, for simple layouts
  // kInnerBroadcastB with short blocks (PRELU's alpha over 16 channels): b repeated `b_repeats` times, filled
  // at each invoke, so that the loop runs over blocks `b_repeats` times as long (a loop's set-up costs as much
  // as 16 values).
  int b_repeats = 1;
  std::vector<unsigned char> repeated_b;
  // float MUL with an ADD of a constant fused in (Node::fused_addend): the ADD's loop, and the length of the
  // shift's block (1: a scalar; layout.n: the output's shape; else one value per channel, or per inner block).
  optimized::BinaryLoop add_loop = nullptr;
  int64_t shift_inner = 0;
  optimized::QuantizedBinaryLoop quantized_loop = nullptr;  // the same for the quantized rows
  // The quantized rows' multipliers and offsets (the one the chosen row uses).
  reference::integer::AddSubParams add_sub;
  reference::integer::AddSubPotParams add_sub_pot;
  reference::integer::MulParams mul;
  reference::integer::SquaredDifferenceParams squared_difference;
  reference::integer::PreluParams prelu;
};

// ADD/SUB on int16 with pot_scale_int16 and every scale a power of two (LiteRT's LSTM form).
bool Int16PowerOfTwoScales(const BinaryData& d, const Node& node, KernelContext& ctx);

// Quantization checks and multipliers of one operator's quantized rows (instantiated for ADD, SUB, MUL,
// SQUARED_DIFFERENCE, PRELU), and the power-of-two int16 ADD/SUB.
template <reference::BinaryOp kOp>
Status PrepareQuantized(KernelContext& ctx, Node& node, BinaryData& d);
template <reference::BinaryOp kOp>
Status PrepareInt16PowerOfTwo(KernelContext& ctx, Node& node, BinaryData& d);

// The broadcast loop over the stored plan with the operator's integer arithmetic; T is the input and
// output type (PRELU's int16 rows read int8 alpha).
template <reference::BinaryOp kOp, typename T>
Status EvalQuantized(KernelContext& ctx, Node& node, BinaryData& d);
template <reference::BinaryOp kOp>
Status EvalInt16PowerOfTwo(KernelContext& ctx, Node& node, BinaryData& d);

// The vectorized quantized rows (ADD, SUB, MUL) for inputs that line up simply; int16 ADD/SUB only where the
// power-of-two form does not apply.
bool QuantizedSimpleLayout(const BinaryData& d, const Node& node, KernelContext& ctx);
template <reference::BinaryOp kOp, typename T>
Status PrepareQuantizedOptimized(KernelContext& ctx, Node& node, BinaryData& d);
template <reference::BinaryOp kOp, typename T>
Status EvalQuantizedOptimized(KernelContext& ctx, Node& node, BinaryData& d);

}  // namespace edgelite
