// Custom operators for tests of the resolver's custom-op path: registered by name, like an app's own
// operators would be. Not part of the builtin set.
#pragma once

#include "interpreter/op_resolver.h"

namespace edgelite {
namespace testing {

// "EdgeliteTestScale": float32 output = input * scale, where scale is the 4-byte float in the custom
// options (versions 1 and 2; version 2 adds an optional second input added to the result).
const KernelRegistration* Register_EdgeliteTestScale();

// "EdgeliteTestCall": runs the subgraph whose index is the int32 in the custom options, with the node's
// inputs as its inputs and its outputs as the node's: the subgraph-call mechanism of control flow
// (KernelContext::GetSubgraph), tested before WHILE and IF use it.
const KernelRegistration* Register_EdgeliteTestCall();

// Adds the test custom operators to `resolver`.
void AddTestCustomOps(OpResolver* resolver);

}  // namespace testing
}  // namespace edgelite
