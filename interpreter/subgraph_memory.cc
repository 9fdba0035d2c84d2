// Tensor shapes and the memory cap: resizing inputs and kernel outputs with overflow-checked sizes, and the
// interpreter's limit on the memory its tensors take (SubgraphOptions::max_arena_bytes), checked wherever
// tensor memory is taken: a variable at build, a folded value or the arena at allocate, a dynamic output
// during invoke. A model declaring a 100 GB tensor then fails with a message instead of the OOM killer.
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "interpreter/subgraph.h"
#include "schema/edgelite_generated.h"

namespace edgelite {

Status Subgraph::CheckTensorBytes(const Tensor& tensor, const Dims& dims, size_t* bytes, StatusCode overflow,
                                  bool cap) const {
  size_t size = 0;
  if (!CheckedByteSize(dims, tensor.type, &size)) {
    return Status(overflow, StrCat("subgraph ", index_, ": tensor '", tensor.name, "' of shape ", DimsToString(dims),
                               " ", DataTypeName(tensor.type), " has a negative dimension or a size that overflows 64 bits"));
  }
  if (cap && size > max_arena_bytes()) {
    return Unsupported(StrCat("subgraph ", index_, ": tensor '", tensor.name, "' of shape ", DimsToString(dims), " ",
                              DataTypeName(tensor.type), " needs ", size, " bytes, past the memory cap of ",
                              max_arena_bytes(), " bytes (max_arena_bytes)"));
  }
  if (bytes) *bytes = size;
  return Status::Ok();
}

Status Subgraph::ReserveTensorMemory(size_t more, const Tensor* tensor) const {
  // What the interpreter's tensors hold now: every subgraph's arena and the blocks tensors own.
  size_t used = 0;
  auto add = [&used](const Subgraph& sg) {
    used += sg.arena_capacity_;
    for (const Tensor& t : sg.tensors_) used += t.owned ? t.owned_capacity : 0;
  };
  if (!siblings_) add(*this);
  for (size_t s = 0; siblings_ && s < siblings_->size(); ++s) add(*(*siblings_)[s]);
  const size_t cap = max_arena_bytes();
  if (more > cap || used > cap - more) {
    return Unsupported(StrCat("subgraph ", index_, ": ", tensor ? tensor->name.c_str() : "the tensor arena", " needs ",
                              more, " more bytes, past the memory cap of ", cap, " bytes (max_arena_bytes; ", used,
                              " bytes taken)"));
  }
  return Status::Ok();
}

Status Subgraph::AllocateOwnedChecked(Tensor& tensor, const Dims& dims, size_t string_bytes) {
  size_t need = 0;
  EL_RETURN_IF_ERROR(CheckTensorBytes(tensor, dims, &need));
  if (tensor.type == DataType::kString) need = string_bytes;
  if (need > tensor.owned_capacity || !tensor.owned) {
    EL_RETURN_IF_ERROR(ReserveTensorMemory(need - (tensor.owned ? tensor.owned_capacity : 0), &tensor));
  }
  tensor.dims = dims;
  tensor.AllocateOwnedBytes(need);
  if (!tensor.data) return Internal("out of memory");
  return Status::Ok();
}

Status Subgraph::ResizeInputTensor(int tensor_index, const Dims& dims, bool strict) {
  if (std::find(inputs_.begin(), inputs_.end(), tensor_index) == inputs_.end()) {
    return InvalidArgument(StrCat("tensor ", tensor_index, " is not an input of subgraph ", index_));
  }
  Tensor& t = tensors_[tensor_index];
  if (strict) {
    // Only dimensions the model left unknown (-1 in the signature) may change.
    bool ok = dims.size() == t.dims_signature.size();
    for (size_t i = 0; ok && i < dims.size(); ++i)
      ok = t.dims_signature[i] == -1 || t.dims_signature[i] == dims[i];
    if (!ok) {
      return InvalidArgument(StrCat("strict resize of '", t.name, "' to ", DimsToString(dims),
                                    " conflicts with its signature ", DimsToString(t.dims_signature)));
    }
  }
  EL_RETURN_IF_ERROR(CheckTensorBytes(t, dims, nullptr, StatusCode::kInvalidArgument));
  if (t.dims != dims) {
    t.dims = dims;
    state_ = State::kNeedsAllocation;
  }
  return Status::Ok();
}

Status Subgraph::ResizeTensor(Tensor& tensor, const Dims& dims) {
  if (tensor.allocation == Allocation::kConstant) {
    return InvalidModel(StrCat("a kernel tried to resize constant tensor '", tensor.name, "'"));
  }
  size_t need = 0;
  EL_RETURN_IF_ERROR(CheckTensorBytes(tensor, dims, &need));
  if (in_eval_) {
    if (tensor.dims != dims && !tensor.is_dynamic) {
      // A shape found only while running (a loop's carried value, a branch's output): the tensor is
      // dynamic from now on, and the nodes after this one that read it prepare at eval (Invoke).
      tensor.is_dynamic = true;
      shapes_changed_in_eval_ = true;
    }
    // A tensor keeps its arena bytes while it fits in them; beyond, it gets memory of its own (and keeps its
    // old shape, which its memory holds, when that fails).
    if (tensor.allocation != Allocation::kArena || need > tensor.bytes) return AllocateOwnedChecked(tensor, dims);
  }
  tensor.dims = dims;
  return Status::Ok();
}

Status Subgraph::ResizeStringTensor(Tensor& tensor, const Dims& dims, size_t bytes) {
  if (tensor.type != DataType::kString || tensor.allocation == Allocation::kConstant) {
    return Internal(StrCat("tensor '", tensor.name, "' is not a string tensor a kernel may write"));
  }
  if (in_eval_ && tensor.dims != dims && !tensor.is_dynamic) {
    tensor.is_dynamic = true;  // as ResizeTensor: later readers prepare again at eval
    shapes_changed_in_eval_ = true;
  }
  return AllocateOwnedChecked(tensor, dims, bytes);
}

namespace {
// The whole pages inside a constant's bytes only: its neighbours in the file may still be read in place.
void DropFilePages(const Tensor& t, uintptr_t page) {
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(t.data) + page - 1) / page * page;
  const uintptr_t end = (reinterpret_cast<uintptr_t>(t.data) + t.RequiredBytes()) / page * page;
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
}
}  // namespace

// The optimized float and int8 kernels of these operators read only their packed copy of the filter (and bias)
// once prepared (PackedWeights), so the file's pages of those constants need not stay resident: MADV_DONTNEED drops
// them from this process (a private read-only file mapping reads them back from the file if anything touches them
// again, so it is never wrong, at worst a page fault). Without it the resident set carries every weight twice
// (measured: MobileNet v2 14 MB over LiteRT's builtin kernels). A copy of the model in memory (model_content) is
// left alone.
void Subgraph::ReleasePackedWeightPages() {
  if (!constants_file_mapped_) return;
  const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  for (int n : plan_) {
    const Node& node = nodes_[n];
    const int code = node.builtin_code;
    if (code != schema::BuiltinOperator_CONV_2D && code != schema::BuiltinOperator_DEPTHWISE_CONV_2D &&
        code != schema::BuiltinOperator_FULLY_CONNECTED)
      continue;
    if (!node.variant_name || !node.variant_isa || std::strcmp(node.variant_isa, "reference") == 0 ||
        node_delegate(n))
      continue;
    // The float rows ("float32") and the int8 rows ("int8", "int8 multiplier 1"): filter and bias packed.
    const bool float_row = std::strcmp(node.variant_name, "float32") == 0;
    const bool int8_row = std::strncmp(node.variant_name, "int8", 4) == 0;
    if (!float_row && !int8_row) continue;
    for (size_t i = 1; i < node.inputs.size() && i <= 2; ++i) {
      const int t = node.inputs[i];
      if (t < 0) continue;
      const Tensor& w = tensors_[t];
      const bool packed_type = float_row ? w.type == DataType::kFloat32
                                         : w.type == (i == 1 ? DataType::kInt8 : DataType::kInt32);
      if (w.allocation != Allocation::kConstant || !packed_type || !w.data) continue;
      DropFilePages(w, page);
    }
  }
  // Constants only folded nodes read (float16 or int8 weights a DEQUANTIZE widened at prepare): those nodes ran at
  // prepare and are skipped at invoke, so nothing reads the file's copy until the next prepare (face_landmark: its
  // 1.2 MB of float16 weights, which kept its resident set above LiteRT's builtin kernels').
  std::vector<bool> read_later(tensors_.size(), false);
  for (size_t n = 0; n < nodes_.size(); ++n) {
    if (folded_[n]) continue;  // every other node, delegated ones included, may read its inputs at invoke
    for (int t : nodes_[n].inputs)
      if (t >= 0) read_later[t] = true;
  }
  for (int t : outputs_) read_later[t] = true;
  for (int n : plan_) {
    if (!folded_[n]) continue;
    for (int t : nodes_[n].inputs) {
      if (t < 0 || read_later[t] || tensors_[t].allocation != Allocation::kConstant || !tensors_[t].data) continue;
      DropFilePages(tensors_[t], page);
      read_later[t] = true;  // once
    }
  }
}

}  // namespace edgelite
