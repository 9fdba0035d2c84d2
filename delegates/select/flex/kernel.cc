// OpContext: tensors and attributes of one node through the plugin ABI (see kernel.h).
#include "delegates/select/flex/kernel.h"

#include <sstream>

namespace edgelite::select {

std::string OpContext::where() const {
  std::ostringstream out;
  if (flex_->builtin) out << flex_->builtin;
  else out << "Flex" << flex_->def.op;
  out << " (node " << node_->index;
  if (!flex_->def.name.empty()) out << ", '" << flex_->def.name << "'";
  out << ")";
  return out.str();
}

TensorView OpContext::input(int i) const {
  if (i >= node_->num_inputs && i < num_inputs()) {
    ConstInput& k = flex_->const_inputs[i - node_->num_inputs];
    TensorView t;
    t.info.type = k.type;
    t.info.data = &k.value;
    t.info.bytes = static_cast<size_t>(LiteTypeSize(k.type));
    t.info.is_constant = 1;
    t.info.known_at_prepare = 1;
    t.info.name = "";
    return t;
  }
  if (i < 0 || i >= node_->num_inputs || node_->inputs[i] < 0) Fail("input ", i, " is missing");
  TensorView t;
  t.index = node_->inputs[i];
  if (api_->get_tensor(ctx_, t.index, &t.info) != EL_STATUS_OK) Fail("cannot read input ", i);
  return t;
}

TensorView OpContext::output(int i) const {
  if (i < 0 || i >= node_->num_outputs || node_->outputs[i] < 0) Fail("output ", i, " is missing");
  TensorView t;
  t.index = node_->outputs[i];
  if (api_->get_tensor(ctx_, t.index, &t.info) != EL_STATUS_OK) Fail("cannot read output ", i);
  return t;
}

std::vector<int64_t> OpContext::InputInts(int i) const {
  const TensorView t = input(i);
  if (t.info.data == nullptr) Fail("input ", i, " has no values yet");
  std::vector<int64_t> values(t.num_elements());
  if (t.type() == kLiteInt32) {
    for (size_t k = 0; k < values.size(); ++k) values[k] = t.data<int32_t>()[k];
  } else if (t.type() == kLiteInt64) {
    for (size_t k = 0; k < values.size(); ++k) values[k] = t.data<int64_t>()[k];
  } else {
    Fail("input ", i, " has type ", LiteTypeName(t.type()), "; expected int32 or int64");
  }
  return values;
}

int64_t OpContext::InputScalarInt(int i) const {
  const std::vector<int64_t> values = InputInts(i);
  if (values.size() != 1) Fail("input ", i, " must be a scalar, has ", values.size(), " values");
  return values[0];
}

void OpContext::ResizeOutput(int i, const Shape& shape) {
  for (int32_t d : shape) {
    if (d < 0) Fail("output ", i, " would have a negative dimension ", d);
  }
  const TensorView t = output(i);
  if (api_->resize_tensor(ctx_, t.index, static_cast<int32_t>(shape.size()), shape.data()) != EL_STATUS_OK) {
    Fail("cannot resize output ", i);
  }
}

void OpContext::MarkOutputDynamic(int i) {
  if (api_->mark_dynamic(ctx_, output(i).index) != EL_STATUS_OK) Fail("cannot make output ", i, " dynamic");
}

void OpContext::ExpectOutputType(int i, int32_t type) const {
  const int32_t got = output(i).type();
  if (got != type) Fail("output ", i, " has type ", LiteTypeName(got), ", expected ", LiteTypeName(type));
}

void OpContext::ExpectSameType(const TensorView& a, const TensorView& b, const char* a_name,
                               const char* b_name) const {
  if (a.type() != b.type()) {
    Fail(a_name, " (", LiteTypeName(a.type()), ") and ", b_name, " (", LiteTypeName(b.type()),
         ") must have the same type");
  }
}

const AttrValue* OpContext::FindAttr(const std::string& name) const {
  const auto it = flex_->def.attr.find(name);
  return it == flex_->def.attr.end() ? nullptr : &it->second;
}

const AttrValue& OpContext::AttrOfKind(const std::string& name, AttrValue::Kind kind) const {
  const AttrValue* v = FindAttr(name);
  if (v == nullptr) Fail("attribute '", name, "' is missing");
  if (v->kind != kind) {
    Fail("attribute '", name, "' is ", DescribeAttr(*v), ", expected a ", AttrKindName(kind));
  }
  return *v;
}

int64_t OpContext::AttrInt(const std::string& name) const { return AttrOfKind(name, AttrValue::Kind::kI).i; }

int64_t OpContext::AttrInt(const std::string& name, int64_t fallback) const {
  return FindAttr(name) ? AttrInt(name) : fallback;
}

float OpContext::AttrFloat(const std::string& name, float fallback) const {
  return FindAttr(name) ? AttrOfKind(name, AttrValue::Kind::kF).f : fallback;
}

bool OpContext::AttrBool(const std::string& name, bool fallback) const {
  return FindAttr(name) ? AttrOfKind(name, AttrValue::Kind::kB).b : fallback;
}

std::string OpContext::AttrString(const std::string& name) const {
  return AttrOfKind(name, AttrValue::Kind::kS).s;
}

std::string OpContext::AttrString(const std::string& name, const std::string& fallback) const {
  return FindAttr(name) ? AttrString(name) : fallback;
}

int32_t OpContext::AttrType(const std::string& name) const {
  return AttrOfKind(name, AttrValue::Kind::kType).type;
}

std::vector<int64_t> OpContext::AttrInts(const std::string& name) const {
  const AttrValue* v = FindAttr(name);
  if (v == nullptr) Fail("attribute '", name, "' is missing");
  // An empty list is written as an AttrValue with an empty ListValue; proto3 may leave the oneof unset.
  if (v->kind == AttrValue::Kind::kNone) return {};
  if (v->kind != AttrValue::Kind::kList || !v->list.f.empty() || !v->list.s.empty() || !v->list.type.empty()) {
    Fail("attribute '", name, "' is ", DescribeAttr(*v), ", expected a list(int)");
  }
  return v->list.i;
}

std::vector<int64_t> OpContext::AttrInts(const std::string& name, const std::vector<int64_t>& fallback) const {
  return FindAttr(name) ? AttrInts(name) : fallback;
}

void OpContext::Unsupported(const std::string& attr, const std::string& why) const {
  const AttrValue* v = FindAttr(attr);
  Fail("attribute '", attr, "' = ", v ? DescribeAttr(*v) : std::string("unset"), " is not supported: ", why);
}

}  // namespace edgelite::select
