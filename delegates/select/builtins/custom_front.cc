// The front for LiteRT's custom operators: custom_options, a FlexBuffers map, become attributes (int,
// float, bool, string); the kernel then runs through the shared trampolines.
// FlexBuffers' number reads would otherwise parse strings through flatbuffers' locale object, which lives
// in the flatbuffers library this plugin does not link: the C locale's strtod is enough for options.
#define FLATBUFFERS_LOCALE_INDEPENDENT 0

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "delegates/select/builtins/custom_ops.h"
#include "delegates/select/flex/trampolines.h"
#include "flatbuffers/flexbuffers.h"
#include "interpreter/plugin_ops.h"

namespace edgelite::select {
namespace {

const KernelDef* KernelFor(const char* name) {
  for (const KernelDef* k : {&DetectionPostProcessKernel(), &NumericVerifyKernel()}) {
    if (std::strcmp(k->op, name) == 0) return k;
  }
  for (const KernelDef& k : AudioKernels()) {
    if (std::strcmp(k.op, name) == 0) return &k;
  }
  return nullptr;
}

void ReadOptionsMap(const uint8_t* data, size_t size, NodeDef& def) {
  if (data == nullptr || size == 0) return;  // every option then takes its default or is reported missing
  if (!flexbuffers::VerifyBuffer(data, size)) Fail("custom_options are not valid FlexBuffers (", size, " bytes)");
  const flexbuffers::Reference root = flexbuffers::GetRoot(data, size);
  if (!root.IsMap()) Fail("custom_options are not a FlexBuffers map");
  const flexbuffers::Map map = root.AsMap();
  const flexbuffers::TypedVector keys = map.Keys();
  const flexbuffers::Vector values = map.Values();
  for (size_t i = 0; i < keys.size(); ++i) {
    const flexbuffers::Reference v = values[i];
    AttrValue a;
    if (v.IsBool()) {
      a.kind = AttrValue::Kind::kB;
      a.b = v.AsBool();
    } else if (v.IsIntOrUint()) {
      a.kind = AttrValue::Kind::kI;
      a.i = v.AsInt64();
    } else if (v.IsFloat()) {
      a.kind = AttrValue::Kind::kF;
      a.f = v.AsFloat();
    } else if (v.IsString()) {
      a.kind = AttrValue::Kind::kS;
      a.s = v.AsString().str();
    } else {
      continue;  // vectors and blobs: no kernel here reads one
    }
    def.attr[keys[i].AsKey()] = a;
  }
}

void* CustomInit(const ElContextApi* api, ElContext* ctx, const ElNodeInfo* node, ElStatus* status) {
  FlexNode* flex = nullptr;
  *status = Guard(api, ctx, [&] {
    const KernelDef* kernel = KernelFor(node->op_name);
    if (kernel == nullptr) Fail("select ops: no kernel for custom operator '", node->op_name, "'");
    auto made = std::make_unique<FlexNode>();
    made->def.op = kernel->op;
    made->kernel = kernel;
    made->builtin = kernel->op;
    try {
      if (kernel == &NumericVerifyKernel()) {
        // A raw float tolerance, which LiteRT 2.3.0 only logs with; nothing here reads it.
      } else {
        ReadOptionsMap(node->custom_options, node->custom_options_size, made->def);
      }
    } catch (const FlexError& e) {
      Fail(node->op_name, " (node ", node->index, "): ", e.what());
    }
    flex = made.release();
  });
  return flex;
}

const AttrValue& Option(const OpContext& c, const char* name) {
  const AttrValue* v = c.FindAttr(name);
  if (v == nullptr) c.Fail("custom option '", name, "' is missing");
  if (v->kind != AttrValue::Kind::kI && v->kind != AttrValue::Kind::kF && v->kind != AttrValue::Kind::kB) {
    c.Fail("custom option '", name, "' is ", DescribeAttr(*v), ", expected a number");
  }
  return *v;
}

}  // namespace

int64_t CustomInt(const OpContext& c, const char* name) {
  const AttrValue& v = Option(c, name);
  return v.kind == AttrValue::Kind::kI ? v.i : v.kind == AttrValue::Kind::kB ? v.b : static_cast<int64_t>(v.f);
}

int64_t CustomInt(const OpContext& c, const char* name, int64_t fallback) {
  return c.FindAttr(name) ? CustomInt(c, name) : fallback;
}

double CustomFloat(const OpContext& c, const char* name) {
  const AttrValue& v = Option(c, name);
  return v.kind == AttrValue::Kind::kF ? v.f : v.kind == AttrValue::Kind::kB ? v.b : static_cast<double>(v.i);
}

bool AddLiteRtCustomKernels(ElAddCustomKernel add, void* registry, std::string* missing) {
  static const std::vector<ElCustomKernel>* kernels = [] {
    auto* list = new std::vector<ElCustomKernel>();
#define EL_PLUGIN_CUSTOM_KERNEL(NAME, MIN, MAX) \
  list->push_back(ElCustomKernel{#NAME, MIN, MAX, CustomInit, NodeFree, NodePrepare, NodeEval});
    EL_FOR_EACH_PLUGIN_CUSTOM_OP(EL_PLUGIN_CUSTOM_KERNEL)
#undef EL_PLUGIN_CUSTOM_KERNEL
    return list;
  }();
  for (const ElCustomKernel& k : *kernels) {
    if (KernelFor(k.name) == nullptr) *missing += (missing->empty() ? "" : ", ") + std::string(k.name);
  }
  if (!missing->empty()) return false;
  for (const ElCustomKernel& k : *kernels) add(registry, &k);
  return true;
}

}  // namespace edgelite::select
