// DENSIFY: a constant sparse tensor (the .tflite SparsityParameters format, see reference/densify.h) to
// its dense form. Prepare reads and checks the whole index structure, so a corrupt model fails there; the
// input is constant, so the core folds the node and the dense weights are built once, at prepare.
#include <cstring>

#include "interpreter/kernels/kernel_util.h"
#include "interpreter/kernels/kernel_variant.h"
#include "interpreter/kernels/variant_types.h"
#include "interpreter/kernels/reference/densify.h"

namespace edgelite {
namespace {

struct DensifyData : VariantChoice<DensifyData> {
  reference::SparseFormat format;  // filled in prepare; views point into the model
};

// A view of one of the union-typed index arrays; false when absent or of an unknown type.
bool MakeIndexView(schema::SparseIndexVector type, const void* table, reference::IndexView* view) {
  switch (type) {
    case schema::SparseIndexVector_Int32Vector: {
      const auto* v = static_cast<const schema::Int32Vector*>(table)->values();
      if (v) *view = {reinterpret_cast<const uint8_t*>(v->data()), v->size(), 4};
      return v != nullptr;
    }
    case schema::SparseIndexVector_Uint16Vector: {
      const auto* v = static_cast<const schema::Uint16Vector*>(table)->values();
      if (v) *view = {reinterpret_cast<const uint8_t*>(v->data()), v->size(), 2};
      return v != nullptr;
    }
    case schema::SparseIndexVector_Uint8Vector: {
      const auto* v = static_cast<const schema::Uint8Vector*>(table)->values();
      if (v) *view = {v->data(), v->size(), 1};
      return v != nullptr;
    }
    default: return false;
  }
}

// Reads the sparsity parameters of `in` into levels, checking everything the walk will touch.
Status ParseSparsity(KernelContext& ctx, const Node& node, const Tensor& in, reference::SparseFormat* format) {
  const schema::SparsityParameters& sp = *in.sparsity;
  const std::string what = StrCat("sparse tensor '", in.name, "': ");
  const int rank = in.rank();
  const auto* traversal = sp.traversal_order();
  const auto* block_map = sp.block_map();
  const auto* metadata = sp.dim_metadata();
  const int num_blocks = block_map ? static_cast<int>(block_map->size()) : 0;
  const int num_levels = rank + num_blocks;
  if (!traversal || static_cast<int>(traversal->size()) != num_levels) {
    return ctx.Error(node, StrCat(what, "traversal_order has ", traversal ? traversal->size() : 0,
                                  " entries, expected rank + blocked dims = ", num_levels));
  }
  if (!metadata || static_cast<int>(metadata->size()) != num_levels) {
    return ctx.Error(node, StrCat(what, "dim_metadata has ", metadata ? metadata->size() : 0, " entries, expected ",
                                  num_levels));
  }
  std::vector<bool> seen(num_levels, false);
  std::vector<int> level_of(num_levels);  // traversal position of each expanded dimension
  for (int l = 0; l < num_levels; ++l) {
    const int t = traversal->Get(l);
    if (t < 0 || t >= num_levels || seen[t]) {
      return ctx.Error(node, StrCat(what, "traversal_order is not a permutation of 0..", num_levels - 1));
    }
    seen[t] = true;
    level_of[t] = l;
  }
  // Block size per original dimension (1 when not blocked), from the block level's dense_size.
  std::vector<int64_t> block(rank, 1);
  for (int k = 0; k < num_blocks; ++k) {
    const int d = block_map->Get(k);
    if (d < 0 || d >= rank || block[d] != 1) {
      return ctx.Error(node, StrCat(what, "block_map entry ", k, " (", d, ") is out of range or repeated"));
    }
    const schema::DimensionMetadata* m = metadata->Get(level_of[rank + k]);
    if (m->format() != schema::DimensionType_DENSE || m->dense_size() <= 0 || in.dims[d] % m->dense_size() != 0) {
      return ctx.Error(node, StrCat(what, "block of dimension ", d, " must be DENSE with a dense_size dividing ",
                                    in.dims[d]));
    }
    block[d] = m->dense_size();
  }
  std::vector<int64_t> dense_stride(rank, 1);
  for (int d = rank - 2; d >= 0; --d) dense_stride[d] = dense_stride[d + 1] * in.dims[d + 1];

  // Walk the levels with the range [first, last) of positions each reaches, checking the index arrays
  // over exactly that range.
  format->levels.assign(num_levels, {});
  int64_t first = 0, last = 1;
  for (int l = 0; l < num_levels; ++l) {
    reference::SparseLevel& level = format->levels[l];
    const int t = traversal->Get(l);
    const int d = t < rank ? t : block_map->Get(t - rank);
    level.size = t < rank ? in.dims[d] / block[d] : block[d];
    level.dest_stride = t < rank ? dense_stride[d] * block[d] : dense_stride[d];
    const schema::DimensionMetadata* m = metadata->Get(l);
    const std::string at = StrCat(what, "dim_metadata[", l, "]: ");
    if (m->format() == schema::DimensionType_DENSE) {
      if (m->dense_size() != level.size) {
        return ctx.Error(node, StrCat(at, "dense_size ", m->dense_size(), " does not match the shape (", level.size,
                                      ")"));
      }
      first *= level.size;
      last *= level.size;
      continue;
    }
    if (m->format() != schema::DimensionType_SPARSE_CSR) {
      return ctx.Error(node, StrCat(at, "unknown format ", static_cast<int>(m->format())));
    }
    level.sparse = true;
    if (!MakeIndexView(m->array_segments_type(), m->array_segments(), &level.segments) ||
        !MakeIndexView(m->array_indices_type(), m->array_indices(), &level.indices)) {
      return ctx.Error(node, StrCat(at, "SPARSE_CSR needs array_segments and array_indices"));
    }
    if (level.segments.size < last + 1) {
      return ctx.Error(node, StrCat(at, "array_segments has ", level.segments.size, " entries, needs ", last + 1));
    }
    for (int64_t p = first; p <= last; ++p) {
      const int64_t s = level.segments[p];
      if (s < 0 || (p > first && s < level.segments[p - 1])) {
        return ctx.Error(node, StrCat(at, "array_segments must be non-negative and non-decreasing"));
      }
    }
    const int64_t begin = level.segments[first], end = level.segments[last];
    if (end > level.indices.size) {
      return ctx.Error(node, StrCat(at, "array_segments reach ", end, " but array_indices has ", level.indices.size,
                                    " entries"));
    }
    for (int64_t k = begin; k < end; ++k) {
      const int64_t index = level.indices[k];
      if (index < 0 || index >= level.size) {
        return ctx.Error(node, StrCat(at, "array_indices[", k, "] = ", index, " is outside 0..", level.size - 1));
      }
    }
    first = begin;
    last = end;
  }
  format->num_values = last - first;
  return Status::Ok();
}

// Values are copied, never computed on, so one instantiation per element width covers every type.
template <typename Word>
Status EvalWords(KernelContext& ctx, Node& node, DensifyData& d) {
  const Tensor& in = *ctx.input(node, 0);
  Tensor& out = *ctx.output(node, 0);
  std::memset(out.data, 0, out.RequiredBytes());
  reference::Densify(d.format, in.data_as<Word>(), out.data_as<Word>());
  return Status::Ok();
}

constexpr TypeSet kDense2Byte = kMovable2Byte | kF16;
const KernelVariant<DensifyData> kVariants[] = {
    {"1-byte elements", TypeSignature{{kMovable1Byte}, {kSameAsInput0}}, Isa::kReference, nullptr, nullptr,
     EvalWords<uint8_t>},
    {"2-byte elements", TypeSignature{{kDense2Byte}, {kSameAsInput0}}, Isa::kReference, nullptr, nullptr,
     EvalWords<uint16_t>},
    {"4-byte elements", TypeSignature{{kMovable4Byte}, {kSameAsInput0}}, Isa::kReference, nullptr, nullptr,
     EvalWords<uint32_t>},
    {"8-byte elements", TypeSignature{{kMovable8Byte}, {kSameAsInput0}}, Isa::kReference, nullptr, nullptr,
     EvalWords<uint64_t>},
};

Status Prepare(KernelContext& ctx, Node& node) {
  auto* data = static_cast<DensifyData*>(node.user_data);
  Tensor *in, *out;
  EL_RETURN_IF_ERROR(GetSingleInputOutput(ctx, node, &in, &out));
  EL_RETURN_IF_ERROR(SelectVariant(ctx, node, kVariants, *data));
  if (!in->sparsity) return ctx.Error(node, StrCat("input '", in->name, "' has no sparsity parameters"));
  EL_RETURN_IF_ERROR(ParseSparsity(ctx, node, *in, &data->format));
  // A sparse tensor with no values at all has an empty buffer, which the model marks as not constant.
  if ((!in->is_constant || !in->data) && data->format.num_values > 0) {
    return ctx.Error(node, StrCat("sparse input '", in->name, "' must be constant"));
  }
  const int64_t stored = static_cast<int64_t>(in->bytes / ElementSize(in->type));
  if (data->format.num_values > stored) {
    return ctx.Error(node, StrCat("sparse tensor '", in->name, "': the index structure reaches ",
                                  data->format.num_values, " values but ", stored, " are stored"));
  }
  return ctx.ResizeTensor(*out, in->dims);
}

}  // namespace

const KernelRegistration* Register_DENSIFY() {
  // Folding: the dense weights are made once, at prepare.
  static const KernelRegistration reg{NewNodeData<DensifyData>, DeleteNodeData<DensifyData>, Prepare,
                                      EvalSelectedVariant<DensifyData>,
                                      /*fold_when_inputs_constant=*/true};
  return &reg;
}

}  // namespace edgelite

EL_KERNEL_TYPES(DENSIFY, kVariants)
