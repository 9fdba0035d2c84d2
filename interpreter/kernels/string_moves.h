// Kernels that only move elements (RESHAPE, GATHER, SLICE, TILE, FILL, ...) run on string tensors through their
// int32 rows: while the row runs, the string input holds its element numbers 0..n-1, and the output's strings
// are then picked by the numbers the row wrote. So no kernel keeps a string copy of its index loops.
#pragma once

#include "interpreter/kernels/kernel_variant.h"

namespace edgelite {

constexpr TypeSet kStr = TypeBit(DataType::kString);

using StringMoveEval = Status (*)(KernelContext& ctx, Node& node, void* data);
// Runs `eval` (an int32 row) with input `string_input` and output 0 seen as int32 element numbers, then writes
// output 0's strings.
Status MoveStringsByIndex(KernelContext& ctx, Node& node, int string_input, StringMoveEval eval, void* data);

// A variant row's eval for strings, from the kernel's int32 (or 4-byte word) eval.
template <typename Data, Status (*kEval)(KernelContext&, Node&, Data&), int kStringInput = 0>
Status EvalStringsByIndex(KernelContext& ctx, Node& node, Data& data) {
  return MoveStringsByIndex(
      ctx, node, kStringInput, [](KernelContext& c, Node& n, void* d) { return kEval(c, n, *static_cast<Data*>(d)); },
      &data);
}

}  // namespace edgelite
