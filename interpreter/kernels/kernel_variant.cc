// The table-independent half of variant selection: dtype matching and the messages.
#include "interpreter/kernels/kernel_variant.h"

#include <vector>

#include "interpreter/kernels/kernel_util.h"

namespace edgelite {

std::string TypeSetToString(TypeSet set) {
  if (set & kAnyType) return "any";
  if (set & kSameAsInput0) return "same as input 0";
  if (set & kSameAsInput1) return "same as input 1";
  std::string out;
  for (int t = 0; t <= static_cast<int>(DataType::kFloat8E5M2); ++t) {
    // Resource (13) and the .tflite types without a tensor type here (11, 12, 14, 16) are never listed.
    if (IsSupportedDataType(t) && t != static_cast<int>(DataType::kResource) &&
        (set & TypeBit(static_cast<DataType>(t)))) {
      if (!out.empty()) out += "|";
      out += DataTypeName(static_cast<DataType>(t));
    }
  }
  return out.empty() ? "none" : out;
}

std::string TypeSignature::ToString() const {
  std::string s = "(";
  for (int i = 0; i < num_inputs; ++i) s += (i ? ", " : "") + TypeSetToString(inputs[i]);
  s += ") -> ";
  if (num_outputs != 1) s += "(";
  for (int i = 0; i < num_outputs; ++i) s += (i ? ", " : "") + TypeSetToString(outputs[i]);
  if (num_outputs != 1) s += ")";
  return s;
}

namespace variant_internal {
namespace {

bool Matches(TypeSet set, const Tensor* t, const Tensor* input0, const Tensor* input1) {
  if (!t || (set & kAnyType)) return true;
  if (set & kSameAsInput0) return input0 && t->type == input0->type;
  if (set & kSameAsInput1) return input1 && t->type == input1->type;
  return (set & TypeBit(t->type)) != 0;
}

TypeSet At(const TypeSet* sets, int count, int i) { return count == 0 ? kAnyType : sets[i < count ? i : count - 1]; }

// The node's actual dtypes: "(int8, int8, int32) -> int8"; "-" for an absent optional input.
std::string ActualTypes(KernelContext& ctx, const Node& node) {
  std::string s = "(";
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    const Tensor* t = ctx.input(node, static_cast<int>(i));
    s += StrCat(i ? ", " : "", t ? DataTypeName(t->type) : "-");
  }
  s += ") -> ";
  if (node.outputs.size() != 1) s += "(";
  for (size_t i = 0; i < node.outputs.size(); ++i) {
    const Tensor* t = ctx.output(node, static_cast<int>(i));
    s += StrCat(i ? ", " : "", t ? DataTypeName(t->type) : "-");
  }
  if (node.outputs.size() != 1) s += ")";
  return s;
}

}  // namespace

// The positions of `node` whose dtype `sig` refuses, as "input 1 'begin' is float32, expected int32|int64".
std::vector<std::string> Mismatches(KernelContext& ctx, const Node& node, const TypeSignature& sig) {
  std::vector<std::string> out;
  const Tensor* input0 = ctx.input(node, 0);
  const Tensor* input1 = ctx.input(node, 1);
  for (size_t i = 0; i < node.inputs.size() + node.outputs.size(); ++i) {
    const bool is_input = i < node.inputs.size();
    const int k = static_cast<int>(is_input ? i : i - node.inputs.size());
    const Tensor* t = is_input ? ctx.input(node, k) : ctx.output(node, k);
    const TypeSet set = is_input ? At(sig.inputs, sig.num_inputs, k) : At(sig.outputs, sig.num_outputs, k);
    if (Matches(set, t, input0, input1)) continue;
    out.push_back(StrCat(is_input ? "input " : "output ", k, " '", t->name, "' is ", DataTypeName(t->type),
                         ", expected ", TypeSetToString(set)));
  }
  return out;
}

// Mismatches' test without its messages: prepare runs it for every row before the chosen one, and a
// dynamic loop prepares its body every iteration, so building strings here cost most of a prepare.
bool TypesMatch(KernelContext& ctx, const Node& node, const TypeSignature& sig) {
  const Tensor* input0 = ctx.input(node, 0);
  const Tensor* input1 = ctx.input(node, 1);
  for (size_t k = 0; k < node.inputs.size(); ++k) {
    if (!Matches(At(sig.inputs, sig.num_inputs, static_cast<int>(k)), ctx.input(node, static_cast<int>(k)), input0,
                 input1)) {
      return false;
    }
  }
  for (size_t k = 0; k < node.outputs.size(); ++k) {
    if (!Matches(At(sig.outputs, sig.num_outputs, static_cast<int>(k)), ctx.output(node, static_cast<int>(k)), input0,
                 input1)) {
      return false;
    }
  }
  return true;
}

bool IsaUsable(Isa isa, bool force_reference) {
  if (force_reference) return isa == Isa::kReference;
  return IsaAvailable(isa);
}

bool ForceReference(const KernelContext& ctx) { return ctx.reference_kernels_only() || ForceReferenceKernels(); }

Status NoTypeMatch(KernelContext& ctx, const Node& node, const TypeSignature* const* sigs, int count) {
  // What differs from the closest row: the positions to look at first.
  std::vector<std::string> closest;
  for (int i = 0; i < count; ++i) {
    std::vector<std::string> m = Mismatches(ctx, node, *sigs[i]);
    if (i == 0 || m.size() < closest.size()) closest = std::move(m);
  }
  std::string detail;
  for (const std::string& m : closest) detail += (detail.empty() ? "" : "; ") + m;
  std::string supported;
  for (int i = 0; i < count; ++i) {
    const std::string s = sigs[i]->ToString();
    bool seen = false;
    for (int j = 0; j < i; ++j) seen = seen || sigs[j]->ToString() == s;
    if (!seen) supported += (supported.empty() ? "" : "; ") + s;
  }
  return ctx.Error(node, StrCat("dtypes ", ActualTypes(ctx, node), " are not supported (", detail, "); supported: ",
                                supported),
                   StatusCode::kUnsupported);
}

Status NoConditionMatch(KernelContext& ctx, const Node& node, const char* const* names,
                        const char* const* conditions, int count) {
  if (count == 0) {
    return ctx.Error(node, StrCat("no implementation of dtypes ", ActualTypes(ctx, node), " runs here",
                                  ForceReference(ctx) ? " with reference kernels only" : "",
                                  " (best instruction set: ", IsaName(BestAvailableIsa()), ")"),
                     StatusCode::kInternal);
  }
  std::string why;
  for (int i = 0; i < count; ++i) {
    const std::string reason =
        StrCat(names[i], " needs ", conditions[i] ? conditions[i] : "other options or shapes");
    if (why.find(reason) != std::string::npos) continue;  // one ISA's row of several
    why += StrCat(why.empty() ? "" : "; ", reason);
  }
  return ctx.Error(node, StrCat("dtypes ", ActualTypes(ctx, node), " are supported, but not with these options or ",
                                "shapes: ", why),
                   StatusCode::kUnsupported);
}

void RecordChoice(Node& node, const char* name, Isa isa) {
  node.variant_name = name;
  node.variant_isa = IsaName(isa);
}

}  // namespace variant_internal
}  // namespace edgelite
