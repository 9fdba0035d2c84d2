// A Flex operator's custom_options: the FlexBuffers vector [op name, serialized NodeDef] that
// TensorFlow's converter writes for each SELECT_TF_OPS operator.
#pragma once

#include <cstddef>
#include <cstdint>

#include "delegates/select/flex/node_def.h"

namespace edgelite::select {

// Verifies the FlexBuffers buffer, reads both strings and parses the NodeDef; throws FlexError naming
// what is wrong (not FlexBuffers, not a vector of two strings, op names disagreeing, NodeDef errors).
NodeDef DecodeFlexOptions(const uint8_t* data, size_t size);

}  // namespace edgelite::select
