// FlexBuffers decoding with flatbuffers' own verifier first, so a malformed buffer is an error and
// never an out-of-bounds read.
#include "delegates/select/flex/flex_options.h"

#include <string>

#include "delegates/select/flex/flex_error.h"
#include "flatbuffers/flexbuffers.h"

namespace edgelite::select {

NodeDef DecodeFlexOptions(const uint8_t* data, size_t size) {
  if (data == nullptr || size == 0) Fail("Flex operator has no custom_options (expected [op, NodeDef])");
  if (!flexbuffers::VerifyBuffer(data, size)) {
    Fail("Flex operator's custom_options are not valid FlexBuffers (", size, " bytes)");
  }
  const flexbuffers::Reference root = flexbuffers::GetRoot(data, size);
  if (!root.IsVector()) Fail("Flex operator's custom_options are not a FlexBuffers vector [op, NodeDef]");
  const flexbuffers::Vector vec = root.AsVector();
  if (vec.size() < 2) Fail("Flex operator's custom_options vector has ", vec.size(), " elements, expected 2");
  if (!vec[0].IsString() || !vec[1].IsString()) {
    Fail("Flex operator's custom_options are not [string op, string NodeDef]");
  }
  const flexbuffers::String op = vec[0].AsString();
  const flexbuffers::String bytes = vec[1].AsString();
  NodeDef def = ParseNodeDef(std::string_view(bytes.c_str(), bytes.length()));
  const std::string op_name(op.c_str(), op.length());
  if (def.op != op_name) Fail("Flex operator names op '", op_name, "' but its NodeDef is '", def.op, "'");
  return def;
}

}  // namespace edgelite::select
