// `edgelite_select_describe`: a Flex operator's custom_options decoded as JSON (op, NodeDef fields and
// every attribute), for tools that show what a Flex node carries and for the tests that compare this
// decoder with TensorFlow's own parse of the same bytes. Strings are written byte by byte as code
// points 0-255 (Latin-1), so arbitrary bytes survive; floats with 9 significant digits.
#include <cstdio>
#include <cstring>
#include <sstream>

#include "delegates/select/flex/flex_error.h"
#include "delegates/select/flex/flex_options.h"
#include "interpreter/plugin_api.h"

namespace edgelite::select {
namespace {

void Quote(std::ostream& out, const std::string& s) {
  out << '"';
  for (unsigned char ch : s) {
    if (ch == '"' || ch == '\\') {
      out << '\\' << ch;
    } else if (ch < 0x20 || ch >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", ch);
      out << buf;
    } else {
      out << ch;
    }
  }
  out << '"';
}

template <typename T>
void Array(std::ostream& out, const std::vector<T>& values) {
  out << '[';
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out << ',';
    if constexpr (std::is_same_v<T, std::string>) {
      Quote(out, values[i]);
    } else if constexpr (std::is_floating_point_v<T>) {
      char buf[32];
      std::snprintf(buf, sizeof(buf), "%.9g", static_cast<double>(values[i]));
      // JSON has no inf/nan literals: write them as strings
      if (std::strpbrk(buf, "in")) out << '"' << buf << '"'; else out << buf;
    } else if constexpr (std::is_same_v<T, bool>) {
      out << (values[i] ? "true" : "false");
    } else {
      out << values[i];
    }
  }
  out << ']';
}

void Shape(std::ostream& out, const TensorShapeValue& s) {
  out << "{\"unknown_rank\":" << (s.unknown_rank ? "true" : "false") << ",\"dim\":";
  Array(out, s.dims);
  out << '}';
}

void Tensor(std::ostream& out, const TensorValue& t) {
  out << "{\"dtype\":" << t.dtype << ",\"shape\":";
  Shape(out, t.shape);
  out << ",\"tensor_content\":";
  Quote(out, t.content);
  out << ",\"half_val\":"; Array(out, t.half_val);
  out << ",\"float_val\":"; Array(out, t.float_val);
  out << ",\"double_val\":"; Array(out, t.double_val);
  out << ",\"int_val\":"; Array(out, t.int_val);
  out << ",\"string_val\":"; Array(out, t.string_val);
  out << ",\"int64_val\":"; Array(out, t.int64_val);
  out << ",\"bool_val\":"; Array(out, t.bool_val);
  out << ",\"uint32_val\":"; Array(out, t.uint32_val);
  out << ",\"uint64_val\":"; Array(out, t.uint64_val);
  out << '}';
}

void Attr(std::ostream& out, const AttrValue& v) {
  using K = AttrValue::Kind;
  out << "{\"kind\":\"" << AttrKindName(v.kind) << "\",\"value\":";
  switch (v.kind) {
    case K::kS: case K::kPlaceholder: case K::kFunc: Quote(out, v.s); break;
    case K::kI: out << v.i; break;
    case K::kF: Array(out, std::vector<float>{v.f}); break;
    case K::kB: out << (v.b ? "true" : "false"); break;
    case K::kType: out << v.type; break;
    case K::kShape: Shape(out, v.shape); break;
    case K::kTensor: Tensor(out, v.tensor); break;
    case K::kList:
      out << "{\"s\":"; Array(out, v.list.s);
      out << ",\"i\":"; Array(out, v.list.i);
      out << ",\"f\":"; Array(out, v.list.f);
      out << ",\"b\":"; Array(out, v.list.b);
      out << ",\"type\":"; Array(out, v.list.type);
      out << ",\"shape\":[";
      for (size_t k = 0; k < v.list.shape.size(); ++k) { if (k) out << ','; Shape(out, v.list.shape[k]); }
      out << "],\"tensor\":[";
      for (size_t k = 0; k < v.list.tensor.size(); ++k) { if (k) out << ','; Tensor(out, v.list.tensor[k]); }
      out << "],\"func\":"; Array(out, v.list.func);
      out << '}';
      break;
    case K::kNone: out << "null"; break;
  }
  out << '}';
}

}  // namespace
}  // namespace edgelite::select

// Writes the JSON (or the error message) into `out`; EL_STATUS_OK, EL_STATUS_INVALID_ARGUMENT when the
// options do not decode, EL_STATUS_ERROR when `out` is too small (it then holds the size needed).
extern "C" __attribute__((visibility("default"))) ElStatus edgelite_select_describe(
    const uint8_t* custom_options, size_t size, char* out, size_t out_size) {
  using namespace edgelite::select;
  std::string text;
  ElStatus status = EL_STATUS_OK;
  try {
    const NodeDef def = DecodeFlexOptions(custom_options, size);
    std::ostringstream json;
    json << "{\"name\":";
    Quote(json, def.name);
    json << ",\"op\":";
    Quote(json, def.op);
    json << ",\"input\":";
    Array(json, def.inputs);
    json << ",\"device\":";
    Quote(json, def.device);
    json << ",\"attr\":{";
    bool first = true;
    for (const auto& [key, value] : def.attr) {
      if (!first) json << ',';
      first = false;
      Quote(json, key);
      json << ':';
      Attr(json, value);
    }
    json << "}}";
    text = json.str();
  } catch (const std::exception& e) {
    text = e.what();
    status = EL_STATUS_INVALID_ARGUMENT;
  }
  if (text.size() + 1 > out_size) {
    if (out && out_size) std::snprintf(out, out_size, "%zu", text.size() + 1);
    return EL_STATUS_ERROR;
  }
  std::memcpy(out, text.c_str(), text.size() + 1);
  return status;
}
