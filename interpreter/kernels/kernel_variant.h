// Kernel variants: a kernel lists its implementations once, in a table of {name, dtypes, instruction
// set, applies, prepare, eval}. SelectVariant picks the first row that fits in prepare, writes the
// "not supported" message from the same table when none does, and stores the row, so eval is one
// indirect call with no type switch. Rows are in order of preference: fastest first, the reference twin
// last. With EDGELITE_FORCE_REFERENCE_KERNELS=1 only Isa::kReference rows are considered, so every dtype
// a kernel accepts needs a reference row; rows for an instruction set the CPU lacks (or EDGELITE_MAX_ISA
// caps) are skipped.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>

#include "interpreter/cpu_features.h"
#include "interpreter/kernel_api.h"

namespace edgelite {

// A set of dtypes for one input or output position: bit i stands for DataType i.
using TypeSet = uint32_t;
constexpr TypeSet TypeBit(DataType t) { return TypeSet{1} << static_cast<int>(t); }
// Special members: the same dtype as the node's input 0 (or 1), and any dtype (index tensors, shapes).
constexpr TypeSet kSameAsInput0 = TypeSet{1} << 30;
constexpr TypeSet kSameAsInput1 = TypeSet{1} << 28;
constexpr TypeSet kAnyType = TypeSet{1} << 29;

constexpr TypeSet kF32 = TypeBit(DataType::kFloat32);
constexpr TypeSet kF16 = TypeBit(DataType::kFloat16);
constexpr TypeSet kI8 = TypeBit(DataType::kInt8);
constexpr TypeSet kU8 = TypeBit(DataType::kUInt8);
constexpr TypeSet kI16 = TypeBit(DataType::kInt16);
constexpr TypeSet kI32 = TypeBit(DataType::kInt32);
constexpr TypeSet kI64 = TypeBit(DataType::kInt64);
constexpr TypeSet kBool = TypeBit(DataType::kBool);
constexpr TypeSet kIndexTypes = kI32 | kI64;  // shapes, axes, indices
// What element-moving kernels (reshape, transpose, slices, split) copy bit for bit, quantization kept;
// and those types by element width, for rows that move words of one width.
// The low-precision types move as their bytes: INT4 / UINT4 / INT2 held one value a byte, the float8s, bfloat16.
constexpr TypeSet kLowPrecision1Byte = TypeBit(DataType::kInt4) | TypeBit(DataType::kUInt4) |
                                       TypeBit(DataType::kInt2) | TypeBit(DataType::kFloat8E4M3FN) |
                                       TypeBit(DataType::kFloat8E5M2);
constexpr TypeSet kMovable1Byte = kI8 | kU8 | kBool | kLowPrecision1Byte;
constexpr TypeSet kMovable2Byte = kI16 | TypeBit(DataType::kBFloat16);
constexpr TypeSet kMovableTypes = kF32 | kI32 | kI64 | kMovable1Byte | kMovable2Byte;
constexpr TypeSet kMovable4Byte = kF32 | kI32;
constexpr TypeSet kMovable8Byte = kI64;
// Every fixed-size dtype, for kernels that copy values without reading them (FILL, GATHER, SELECT, TILE, ...),
// and the same by element width.
constexpr TypeSet kFixedSize1Byte = kMovable1Byte;
constexpr TypeSet kFixedSize2Byte = kMovable2Byte | kF16;
constexpr TypeSet kFixedSize4Byte = kMovable4Byte;
constexpr TypeSet kFixedSize8Byte = kMovable8Byte | TypeBit(DataType::kFloat64);
constexpr TypeSet kFixedSizeTypes = kFixedSize1Byte | kFixedSize2Byte | kFixedSize4Byte | kFixedSize8Byte;
// The reference rows of a kernel that moves words of one width, one row per width: SIGNATURE(types) is the
// function-like macro giving a row's TypeSignature for that width's types, EVAL the eval template taking the
// unsigned word type.
#define EL_WORD_WIDTH_ROWS(SIGNATURE, EVAL)                                                                  \
  {"1-byte", SIGNATURE(::edgelite::kFixedSize1Byte), ::edgelite::Isa::kReference, nullptr, nullptr,        \
   EVAL<uint8_t>},                                                                                          \
  {"2-byte", SIGNATURE(::edgelite::kFixedSize2Byte), ::edgelite::Isa::kReference, nullptr, nullptr,        \
   EVAL<uint16_t>},                                                                                         \
  {"4-byte", SIGNATURE(::edgelite::kFixedSize4Byte), ::edgelite::Isa::kReference, nullptr, nullptr,        \
   EVAL<uint32_t>},                                                                                         \
  {"8-byte", SIGNATURE(::edgelite::kFixedSize8Byte), ::edgelite::Isa::kReference, nullptr, nullptr,        \
   EVAL<uint64_t>}
// The same without bool, for kernels .tflite does not run on bool (mirror pad, nearest resize, split).
constexpr TypeSet kMovableNumeric = kMovableTypes & ~kBool;
constexpr TypeSet kMovableNumeric1Byte = kMovable1Byte & ~kBool;

// The dtypes a row accepts, per input and output position. A position past the end of the list takes the
// last entry (so {kF32} covers every input of a variadic op); an absent optional input matches anything.
struct TypeSignature {
  static constexpr int kMaxPositions = 6;
  TypeSet inputs[kMaxPositions] = {};
  int num_inputs = 0;
  TypeSet outputs[kMaxPositions] = {};
  int num_outputs = 0;

  constexpr TypeSignature(std::initializer_list<TypeSet> in, std::initializer_list<TypeSet> out) {
    for (TypeSet t : in) inputs[num_inputs++] = t;
    for (TypeSet t : out) outputs[num_outputs++] = t;
  }
  // "(int8, int8, int32) -> int8"
  std::string ToString() const;
};

// "int8", "float32|int32", "any", "same as input 0"
std::string TypeSetToString(TypeSet set);

template <typename Data>
struct KernelVariant {
  const char* name;  // what it computes, for profiles and messages: "int8 per-channel"
  TypeSignature types;
  Isa isa;
  // Whether the row fits this node's options and shapes (filled into Data by prepare before selection);
  // null: always. `condition` says what it requires, for the message when no row applies.
  bool (*applies)(const Data& data, const Node& node, KernelContext& ctx);
  // Work the chosen row needs at prepare (multipliers, lookup tables, packed weights); may be null.
  Status (*prepare)(KernelContext& ctx, Node& node, Data& data);
  Status (*eval)(KernelContext& ctx, Node& node, Data& data);
  const char* condition = nullptr;
};

// Per-node data of a kernel with a variant table derives from this (CRTP), so eval finds its row.
template <typename Data>
struct VariantChoice {
  const KernelVariant<Data>* variant = nullptr;
};

namespace variant_internal {
// The type-matching and message parts, written once for every Data type.
bool TypesMatch(KernelContext& ctx, const Node& node, const TypeSignature& sig);
bool IsaUsable(Isa isa, bool force_reference);
Status NoTypeMatch(KernelContext& ctx, const Node& node, const TypeSignature* const* sigs, int count);
Status NoConditionMatch(KernelContext& ctx, const Node& node, const char* const* names,
                        const char* const* conditions, int count);
void RecordChoice(Node& node, const char* name, Isa isa);
bool ForceReference(const KernelContext& ctx);
}  // namespace variant_internal

// Chooses the row for `node` from `table` into data.variant, then runs its prepare. Prepare calls this
// after its shape checks and after filling whatever `applies` reads.
template <typename Data, int N>
Status SelectVariant(KernelContext& ctx, Node& node, const KernelVariant<Data> (&table)[N], Data& data) {
  const bool force_reference = variant_internal::ForceReference(ctx);
  const char* names[N];
  const char* conditions[N];
  int num_typed = 0, num_refused = 0;
  data.variant = nullptr;
  for (int i = 0; i < N; ++i) {
    const KernelVariant<Data>& row = table[i];
    if (!variant_internal::TypesMatch(ctx, node, row.types)) continue;
    ++num_typed;
    if (!variant_internal::IsaUsable(row.isa, force_reference)) continue;
    if (row.applies && !row.applies(data, node, ctx)) {
      names[num_refused] = row.name;
      conditions[num_refused++] = row.condition;
      continue;
    }
    data.variant = &row;
    break;
  }
  if (!data.variant) {
    if (num_typed == 0) {
      const TypeSignature* all[N];
      for (int i = 0; i < N; ++i) all[i] = &table[i].types;
      return variant_internal::NoTypeMatch(ctx, node, all, N);
    }
    return variant_internal::NoConditionMatch(ctx, node, names, conditions, num_refused);
  }
  variant_internal::RecordChoice(node, data.variant->name, data.variant->isa);
  return data.variant->prepare ? data.variant->prepare(ctx, node, data) : Status::Ok();
}

// The eval of every registration with a variant table: the chosen row's eval.
template <typename Data>
Status EvalSelectedVariant(KernelContext& ctx, Node& node) {
  Data& data = *static_cast<Data*>(node.user_data);
  return data.variant->eval(ctx, node, data);
}

}  // namespace edgelite
