// Bounds-checked protobuf wire-format reads (see proto_wire.h).
#include "delegates/select/flex/proto_wire.h"

#include <cstring>

#include "delegates/select/flex/flex_error.h"

namespace edgelite::select {

namespace {
const char* WireTypeName(WireType type) {
  switch (type) {
    case WireType::kVarint: return "varint";
    case WireType::kFixed64: return "fixed64";
    case WireType::kLengthDelimited: return "length-delimited";
    case WireType::kStartGroup: return "start-group";
    case WireType::kEndGroup: return "end-group";
    case WireType::kFixed32: return "fixed32";
  }
  return "unknown";
}
}  // namespace

void WireReader::Truncated(const char* what) const {
  Fail(message_, " does not parse: truncated ", what, " in field ", field_, " (",
       static_cast<long>(end_ - pos_), " bytes left)");
}

uint64_t WireReader::ReadVarint() {
  uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ == end_) Truncated("varint");
    const uint8_t byte = *pos_++;
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return value;
  }
  Fail(message_, " does not parse: varint longer than 10 bytes in field ", field_);
}

void WireReader::ReadTag(uint32_t* field, WireType* type) {
  const uint64_t tag = ReadVarint();
  const uint64_t number = tag >> 3;
  const uint32_t wire = static_cast<uint32_t>(tag & 7);
  if (number == 0 || number > 0x1fffffff) Fail(message_, " does not parse: field number ", number);
  if (wire > 5) Fail(message_, " does not parse: wire type ", wire, " of field ", number);
  field_ = static_cast<uint32_t>(number);
  *field = field_;
  *type = static_cast<WireType>(wire);
}

uint32_t WireReader::ReadFixed32() {
  if (end_ - pos_ < 4) Truncated("fixed32");
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value |= static_cast<uint32_t>(pos_[i]) << (8 * i);
  pos_ += 4;
  return value;
}

uint64_t WireReader::ReadFixed64() {
  if (end_ - pos_ < 8) Truncated("fixed64");
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value |= static_cast<uint64_t>(pos_[i]) << (8 * i);
  pos_ += 8;
  return value;
}

float WireReader::ReadFloat() {
  const uint32_t bits = ReadFixed32();
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

double WireReader::ReadDouble() {
  const uint64_t bits = ReadFixed64();
  double value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

std::string_view WireReader::ReadBytes() {
  const uint64_t length = ReadVarint();
  if (length > static_cast<uint64_t>(end_ - pos_)) {
    Fail(message_, " does not parse: field ", field_, " declares ", length, " bytes but ",
         static_cast<long>(end_ - pos_), " are left");
  }
  std::string_view bytes(reinterpret_cast<const char*>(pos_), static_cast<size_t>(length));
  pos_ += length;
  return bytes;
}

void WireReader::Skip(WireType type) {
  switch (type) {
    case WireType::kVarint: ReadVarint(); return;
    case WireType::kFixed64: ReadFixed64(); return;
    case WireType::kFixed32: ReadFixed32(); return;
    case WireType::kLengthDelimited: ReadBytes(); return;
    default: Fail(message_, " does not parse: ", WireTypeName(type), " in field ", field_);
  }
}

void WireReader::Expect(uint32_t field, WireType got, WireType want, const char* field_name) const {
  if (got != want) {
    Fail(message_, " does not parse: field ", field ? field : field_, " (", field_name, ") is ",
         WireTypeName(got), ", expected ", WireTypeName(want));
  }
}

}  // namespace edgelite::select
