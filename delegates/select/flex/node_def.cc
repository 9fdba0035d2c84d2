// NodeDef decoding on the bounds-checked wire reader. Field numbers are those of TensorFlow's .proto
// files; unknown fields are skipped, as protobuf parsers do, so newer TensorFlow versions still parse.
#include "delegates/select/flex/node_def.h"

#include <sstream>

#include "delegates/select/flex/flex_error.h"
#include "delegates/select/flex/proto_wire.h"
#include "delegates/select/flex/tf_types.h"

namespace edgelite::select {

namespace {

using W = WireType;

int64_t ReadInt64(WireReader& r) { return static_cast<int64_t>(r.ReadVarint()); }
int32_t ReadInt32(WireReader& r) { return static_cast<int32_t>(r.ReadVarint()); }
bool ReadBool(WireReader& r) { return r.ReadVarint() != 0; }
float ReadFloat(WireReader& r) { return r.ReadFloat(); }
double ReadDouble(WireReader& r) { return r.ReadDouble(); }

TensorShapeValue ParseShape(std::string_view bytes, const std::string& what) {
  TensorShapeValue shape;
  WireReader r(bytes, what + " shape");
  uint32_t field;
  W type;
  while (!r.done()) {
    r.ReadTag(&field, &type);
    if (field == 2) {  // Dim { int64 size = 1; string name = 2; }
      r.Expect(field, type, W::kLengthDelimited, "dim");
      WireReader dim(r.ReadBytes(), what + " shape dim");
      int64_t size = 0;
      while (!dim.done()) {
        uint32_t f;
        W t;
        dim.ReadTag(&f, &t);
        if (f == 1) {
          dim.Expect(f, t, W::kVarint, "size");
          size = ReadInt64(dim);
        } else {
          dim.Skip(t);
        }
      }
      shape.dims.push_back(size);
    } else if (field == 3) {
      r.Expect(field, type, W::kVarint, "unknown_rank");
      shape.unknown_rank = ReadBool(r);
    } else {
      r.Skip(type);
    }
  }
  return shape;
}

TensorValue ParseTensor(std::string_view bytes, const std::string& what) {
  TensorValue t;
  const std::string name = what + " tensor";
  WireReader r(bytes, name);
  uint32_t field;
  W type;
  auto add_to = [](auto& vec) { return [&vec](auto v) { vec.push_back(v); }; };
  while (!r.done()) {
    r.ReadTag(&field, &type);
    switch (field) {
      case 1: r.Expect(field, type, W::kVarint, "dtype"); t.dtype = ReadInt32(r); break;
      case 2: r.Expect(field, type, W::kLengthDelimited, "tensor_shape");
              t.shape = ParseShape(r.ReadBytes(), name); break;
      case 4: r.Expect(field, type, W::kLengthDelimited, "tensor_content");
              t.content = std::string(r.ReadBytes()); break;
      case 5: ReadRepeated(r, type, W::kFixed32, name, ReadFloat, add_to(t.float_val)); break;
      case 6: ReadRepeated(r, type, W::kFixed64, name, ReadDouble, add_to(t.double_val)); break;
      case 7: ReadRepeated(r, type, W::kVarint, name, ReadInt32, add_to(t.int_val)); break;
      case 8: r.Expect(field, type, W::kLengthDelimited, "string_val");
              t.string_val.emplace_back(r.ReadBytes()); break;
      case 9: ReadRepeated(r, type, W::kFixed32, name, ReadFloat, add_to(t.scomplex_val)); break;
      case 10: ReadRepeated(r, type, W::kVarint, name, ReadInt64, add_to(t.int64_val)); break;
      case 11: ReadRepeated(r, type, W::kVarint, name, ReadBool, add_to(t.bool_val)); break;
      case 12: ReadRepeated(r, type, W::kFixed64, name, ReadDouble, add_to(t.dcomplex_val)); break;
      case 13: ReadRepeated(r, type, W::kVarint, name, ReadInt32, add_to(t.half_val)); break;
      case 16: ReadRepeated(r, type, W::kVarint, name, [](WireReader& w) {
                 return static_cast<uint32_t>(w.ReadVarint()); }, add_to(t.uint32_val)); break;
      case 17: ReadRepeated(r, type, W::kVarint, name, [](WireReader& w) { return w.ReadVarint(); },
                            add_to(t.uint64_val)); break;
      default: r.Skip(type);
    }
  }
  return t;
}

std::string ParseFuncName(std::string_view bytes, const std::string& what) {
  WireReader r(bytes, what + " func");
  std::string name;
  uint32_t field;
  W type;
  while (!r.done()) {
    r.ReadTag(&field, &type);
    if (field == 1) {
      r.Expect(field, type, W::kLengthDelimited, "name");
      name = std::string(r.ReadBytes());
    } else {
      r.Skip(type);  // the function's own attributes: no kernel here calls functions
    }
  }
  return name;
}

AttrList ParseList(std::string_view bytes, const std::string& what) {
  AttrList list;
  const std::string name = what + " list";
  WireReader r(bytes, name);
  uint32_t field;
  W type;
  auto add_to = [](auto& vec) { return [&vec](auto v) { vec.push_back(v); }; };
  while (!r.done()) {
    r.ReadTag(&field, &type);
    switch (field) {
      case 2: r.Expect(field, type, W::kLengthDelimited, "s"); list.s.emplace_back(r.ReadBytes()); break;
      case 3: ReadRepeated(r, type, W::kVarint, name, ReadInt64, add_to(list.i)); break;
      case 4: ReadRepeated(r, type, W::kFixed32, name, ReadFloat, add_to(list.f)); break;
      case 5: ReadRepeated(r, type, W::kVarint, name, ReadBool, add_to(list.b)); break;
      case 6: ReadRepeated(r, type, W::kVarint, name, ReadInt32, add_to(list.type)); break;
      case 7: r.Expect(field, type, W::kLengthDelimited, "shape");
              list.shape.push_back(ParseShape(r.ReadBytes(), name)); break;
      case 8: r.Expect(field, type, W::kLengthDelimited, "tensor");
              list.tensor.push_back(ParseTensor(r.ReadBytes(), name)); break;
      case 9: r.Expect(field, type, W::kLengthDelimited, "func");
              list.func.push_back(ParseFuncName(r.ReadBytes(), name)); break;
      default: r.Skip(type);
    }
  }
  return list;
}

AttrValue ParseAttrValue(std::string_view bytes, const std::string& what) {
  AttrValue v;
  WireReader r(bytes, what);
  uint32_t field;
  W type;
  using K = AttrValue::Kind;
  while (!r.done()) {
    r.ReadTag(&field, &type);
    switch (field) {
      case 1: r.Expect(field, type, W::kLengthDelimited, "list");
              v.list = ParseList(r.ReadBytes(), what); v.kind = K::kList; break;
      case 2: r.Expect(field, type, W::kLengthDelimited, "s");
              v.s = std::string(r.ReadBytes()); v.kind = K::kS; break;
      case 3: r.Expect(field, type, W::kVarint, "i"); v.i = ReadInt64(r); v.kind = K::kI; break;
      case 4: r.Expect(field, type, W::kFixed32, "f"); v.f = r.ReadFloat(); v.kind = K::kF; break;
      case 5: r.Expect(field, type, W::kVarint, "b"); v.b = ReadBool(r); v.kind = K::kB; break;
      case 6: r.Expect(field, type, W::kVarint, "type"); v.type = ReadInt32(r); v.kind = K::kType; break;
      case 7: r.Expect(field, type, W::kLengthDelimited, "shape");
              v.shape = ParseShape(r.ReadBytes(), what); v.kind = K::kShape; break;
      case 8: r.Expect(field, type, W::kLengthDelimited, "tensor");
              v.tensor = ParseTensor(r.ReadBytes(), what); v.kind = K::kTensor; break;
      case 9: r.Expect(field, type, W::kLengthDelimited, "placeholder");
              v.s = std::string(r.ReadBytes()); v.kind = K::kPlaceholder; break;
      case 10: r.Expect(field, type, W::kLengthDelimited, "func");
               v.s = ParseFuncName(r.ReadBytes(), what); v.kind = K::kFunc; break;
      default: r.Skip(type);
    }
  }
  return v;
}

}  // namespace

NodeDef ParseNodeDef(std::string_view bytes) {
  NodeDef def;
  WireReader r(bytes, "NodeDef");
  uint32_t field;
  W type;
  while (!r.done()) {
    r.ReadTag(&field, &type);
    switch (field) {
      case 1: r.Expect(field, type, W::kLengthDelimited, "name"); def.name = std::string(r.ReadBytes()); break;
      case 2: r.Expect(field, type, W::kLengthDelimited, "op"); def.op = std::string(r.ReadBytes()); break;
      case 3: r.Expect(field, type, W::kLengthDelimited, "input");
              def.inputs.emplace_back(r.ReadBytes()); break;
      case 4: r.Expect(field, type, W::kLengthDelimited, "device");
              def.device = std::string(r.ReadBytes()); break;
      case 5: {  // map<string, AttrValue> attr: each entry a message { key = 1; value = 2; }
        r.Expect(field, type, W::kLengthDelimited, "attr");
        WireReader entry(r.ReadBytes(), "NodeDef attr entry");
        std::string key;
        std::string_view value;
        while (!entry.done()) {
          uint32_t f;
          W t;
          entry.ReadTag(&f, &t);
          if (f == 1) {
            entry.Expect(f, t, W::kLengthDelimited, "key");
            key = std::string(entry.ReadBytes());
          } else if (f == 2) {
            entry.Expect(f, t, W::kLengthDelimited, "value");
            value = entry.ReadBytes();
          } else {
            entry.Skip(t);
          }
        }
        def.attr[key] = ParseAttrValue(value, "AttrValue '" + key + "'");
        break;
      }
      default: r.Skip(type);
    }
  }
  if (def.op.empty()) Fail("NodeDef does not parse: it names no op");
  return def;
}

const char* AttrKindName(AttrValue::Kind kind) {
  using K = AttrValue::Kind;
  switch (kind) {
    case K::kNone: return "unset";
    case K::kList: return "list";
    case K::kS: return "string";
    case K::kI: return "int";
    case K::kF: return "float";
    case K::kB: return "bool";
    case K::kType: return "type";
    case K::kShape: return "shape";
    case K::kTensor: return "tensor";
    case K::kPlaceholder: return "placeholder";
    case K::kFunc: return "func";
  }
  return "unknown";
}

std::string DescribeAttr(const AttrValue& v) {
  std::ostringstream out;
  using K = AttrValue::Kind;
  auto join = [&out](const auto& values) {
    out << "[";
    for (size_t k = 0; k < values.size(); ++k) out << (k ? ", " : "") << values[k];
    out << "]";
  };
  switch (v.kind) {
    case K::kS: out << "string '" << v.s << "'"; break;
    case K::kI: out << "int " << v.i; break;
    case K::kF: out << "float " << v.f; break;
    case K::kB: out << "bool " << (v.b ? "true" : "false"); break;
    case K::kType: out << "type " << TfDataTypeName(v.type); break;
    case K::kShape: out << "shape"; join(v.shape.dims); break;
    case K::kTensor: out << "tensor of " << TfDataTypeName(v.tensor.dtype); break;
    case K::kPlaceholder: out << "placeholder '" << v.s << "'"; break;
    case K::kFunc: out << "func '" << v.s << "'"; break;
    case K::kList:
      if (!v.list.i.empty()) { out << "list(int) "; join(v.list.i); }
      else if (!v.list.f.empty()) { out << "list(float) "; join(v.list.f); }
      else if (!v.list.s.empty()) { out << "list(string) "; join(v.list.s); }
      else if (!v.list.type.empty()) {
        out << "list(type) [";
        for (size_t k = 0; k < v.list.type.size(); ++k) out << (k ? ", " : "") << TfDataTypeName(v.list.type[k]);
        out << "]";
      } else { out << "list"; }
      break;
    case K::kNone: out << "unset"; break;
  }
  return out.str();
}

}  // namespace edgelite::select
