// TensorFlow's NodeDef as the select-ops kernels see it: the op, its inputs and its attributes, decoded
// from the serialized proto a Flex operator carries (tensorflow/core/framework/node_def.proto,
// attr_value.proto, tensor.proto, tensor_shape.proto). Only the fields kernels can use are kept.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace edgelite::select {

struct TensorShapeValue {
  bool unknown_rank = false;
  std::vector<int64_t> dims;  // -1 for an unknown dimension
};

// A TensorProto: values either in `content` (raw little-endian bytes) or in the typed repeated fields.
struct TensorValue {
  int32_t dtype = 0;  // TF DataType
  TensorShapeValue shape;
  std::string content;
  std::vector<int32_t> half_val;  // float16 / bfloat16 bit patterns
  std::vector<float> float_val;
  std::vector<double> double_val;
  std::vector<int32_t> int_val;   // int32, int16, int8, uint8, uint16 values
  std::vector<std::string> string_val;
  std::vector<float> scomplex_val;
  std::vector<int64_t> int64_val;
  std::vector<bool> bool_val;
  std::vector<double> dcomplex_val;
  std::vector<uint32_t> uint32_val;
  std::vector<uint64_t> uint64_val;
};

struct AttrList {
  std::vector<std::string> s;
  std::vector<int64_t> i;
  std::vector<float> f;
  std::vector<bool> b;
  std::vector<int32_t> type;
  std::vector<TensorShapeValue> shape;
  std::vector<TensorValue> tensor;
  std::vector<std::string> func;  // function names
};

struct AttrValue {
  enum class Kind { kNone, kList, kS, kI, kF, kB, kType, kShape, kTensor, kPlaceholder, kFunc };
  Kind kind = Kind::kNone;  // which member of the proto's oneof was set (the last one read wins)
  std::string s;            // s, placeholder, or the function name for kFunc
  int64_t i = 0;
  float f = 0;
  bool b = false;
  int32_t type = 0;
  TensorShapeValue shape;
  TensorValue tensor;
  AttrList list;
};

struct NodeDef {
  std::string name;
  std::string op;
  std::vector<std::string> inputs;
  std::string device;
  std::map<std::string, AttrValue> attr;
};

// Decodes a serialized NodeDef; throws FlexError naming the message and field that do not parse.
NodeDef ParseNodeDef(std::string_view bytes);

// "int 3", "type float32", "string 'NHWC'", "list(int) [1, 2]": an attribute's value for messages.
std::string DescribeAttr(const AttrValue& value);
const char* AttrKindName(AttrValue::Kind kind);

}  // namespace edgelite::select
