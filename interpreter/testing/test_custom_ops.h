// Custom operators for tests of the resolver's custom-op path: registered by name, like an app's own
// operators would be. Not part of the builtin set.
#pragma once

#include "interpreter/op_resolver.h"

namespace edgelite {
namespace testing {

// "EdgeliteTestScale": float32 output = input * scale, where scale is the 4-byte float in the custom
// options (versions 1 and 2; version 2 adds an optional second input added to the result).
const KernelRegistration* Register_EdgeliteTestScale();

// Adds the test custom operators to `resolver`.
void AddTestCustomOps(OpResolver* resolver);

}  // namespace testing
}  // namespace edgelite
