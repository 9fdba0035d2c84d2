// A bounds-checked reader of the protobuf wire format (varints, fixed32/64, length-delimited fields):
// enough to decode TensorFlow's NodeDef without linking protobuf. Every read checks the bytes left and
// throws FlexError naming the message being read and the field, never reading past the buffer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace edgelite::select {

enum class WireType : uint32_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kStartGroup = 3,
                                 kEndGroup = 4, kFixed32 = 5 };

class WireReader {
 public:
  // `message` names what is being decoded ("NodeDef", "AttrValue 'T'") for error messages.
  WireReader(std::string_view bytes, std::string message)
      : pos_(reinterpret_cast<const uint8_t*>(bytes.data())), end_(pos_ + bytes.size()),
        message_(std::move(message)) {}

  bool done() const { return pos_ == end_; }
  // Reads the next field's tag; field numbers are >= 1.
  void ReadTag(uint32_t* field, WireType* type);
  uint64_t ReadVarint();
  uint32_t ReadFixed32();
  uint64_t ReadFixed64();
  std::string_view ReadBytes();
  float ReadFloat();
  double ReadDouble();
  // Skips the value of a field this decoder does not use (groups are refused: proto3 has none).
  void Skip(WireType type);
  // Checks a field has the wire type its schema gives it.
  void Expect(uint32_t field, WireType got, WireType want, const char* field_name) const;
  const std::string& message() const { return message_; }

 private:
  [[noreturn]] void Truncated(const char* what) const;
  const uint8_t* pos_;
  const uint8_t* end_;
  std::string message_;
  uint32_t field_ = 0;  // the field being read, for messages
};

// Calls `add(value)` for each element of a repeated scalar field, packed (one length-delimited run) or
// not (one element per tag): parsers must accept both.
template <typename ReadOne, typename Add>
void ReadRepeated(WireReader& reader, WireType type, WireType element_type, const std::string& what,
                  ReadOne read_one, Add add) {
  if (type == WireType::kLengthDelimited) {
    WireReader packed(reader.ReadBytes(), what);
    while (!packed.done()) add(read_one(packed));
  } else if (type == element_type) {
    add(read_one(reader));
  } else {
    WireReader(std::string_view(), what).Expect(0, type, element_type, "repeated element");
  }
}

}  // namespace edgelite::select
