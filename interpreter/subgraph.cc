// Building a subgraph from the model, the prepare / fold / plan sequence, and delegation (invoke:
// subgraph_invoke.cc).
#include "interpreter/subgraph.h"

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <set>

#include "interpreter/graph_validation.h"
#include "interpreter/plugin_host.h"
#include "interpreter/plugin_ops.h"
#include "interpreter/string_tensor.h"
#include "schema/edgelite_generated.h"

namespace edgelite {

// For an operator plugin_ops.h names when the resolver has no kernel for it (one message, one StrCat).
static const char* const kPluginNotLoaded =
    " runs in the plugin library " EL_PLUGIN_OPS_LIBRARY
    ", which was not loaded (select_ops=False, or the library is missing from this installation)";

namespace {
// A variable's state before the first invoke and after a reset: LiteRT fills its bytes with the zero
// point for int8 and with 0 for every other type.
void ResetVariable(Tensor& t) {
  const int value =
      t.type == DataType::kInt8 && !t.quant.zero_point.empty() ? static_cast<int>(t.quant.zero_point[0]) : 0;
  std::memset(t.data, value, t.RequiredBytes());
}

// The node a delegate partition becomes: prepare and eval forward to the delegate's kernel.
Status DelegateNodePrepare(KernelContext& ctx, Node& node) {
  return static_cast<DelegateKernel*>(node.user_data)->Prepare(ctx, node);
}
Status DelegateNodeEval(KernelContext& ctx, Node& node) {
  return static_cast<DelegateKernel*>(node.user_data)->Eval(ctx, node);
}
void DelegateNodeFree(void* p) { delete static_cast<DelegateKernel*>(p); }

const KernelRegistration* DelegateNodeRegistration() {
  static const KernelRegistration reg{nullptr, DelegateNodeFree, DelegateNodePrepare, DelegateNodeEval};
  return &reg;
}

template <typename T>
std::vector<int> ToVector(const flatbuffers::Vector<T>* v) {
  std::vector<int> out;
  if (v) out.assign(v->begin(), v->end());
  return out;
}

}  // namespace

size_t DefaultMaxArenaBytes() {
  const long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_size <= 0) return size_t{1} << 40;  // unknown: 1 TiB, still below any overflow
  // Three quarters of physical memory: a plan beyond that cannot run next to the rest of the process.
  return static_cast<size_t>(pages) / 4 * 3 * static_cast<size_t>(page_size);
}

Subgraph::Subgraph(int index, ThreadPool* pool, const SubgraphOptions& options)
    : index_(index), pool_(pool), options_(options) {
  reference_kernels_only_ = options.reference_kernels_only;
  if (!options_.max_arena_bytes) options_.max_arena_bytes = DefaultMaxArenaBytes();
}

Subgraph::~Subgraph() {
  for (Node& node : nodes_) {
    if (node.registration && node.registration->free && node.user_data) node.registration->free(node.user_data);
  }
}

Tensor* Subgraph::tensor(int index) {
  return index >= 0 && index < static_cast<int>(tensors_.size()) ? &tensors_[index] : nullptr;
}

const Tensor* Subgraph::tensor(int index) const {
  return index >= 0 && index < static_cast<int>(tensors_.size()) ? &tensors_[index] : nullptr;
}

Status Subgraph::Build(const Model& model, const schema::SubGraph& fb, const OpResolver& resolver) {
  const std::string where = StrCat("subgraph ", index_);
  if (fb.name()) name_ = fb.name()->str();
  constants_file_mapped_ = model.file_mapped();
  const auto* fb_tensors = fb.tensors();
  const int num_tensors = fb_tensors ? static_cast<int>(fb_tensors->size()) : 0;
  for (int i = 0; i < num_tensors; ++i) {
    const schema::Tensor* ft = fb_tensors->Get(i);
    Tensor t;
    t.name = ft->name() ? ft->name()->str() : StrCat("tensor_", i);
    if (!IsSupportedDataType(ft->type())) {
      return Unsupported(StrCat(where, ": tensor ", i, " ('", t.name, "') has type ",
                                schema::EnumNameTensorType(ft->type()), ", which this build does not support"));
    }
    t.type = static_cast<DataType>(ft->type());
    t.dims = ToVector(ft->shape());
    // No negative dimension, and a size in bytes that fits in 63 bits. Declared shapes may still be resized, so
    // the memory cap is checked at allocate.
    EL_RETURN_IF_ERROR(CheckTensorBytes(t, t.dims, nullptr, StatusCode::kInvalidModel, false));
    t.dims_signature = ft->shape_signature() ? ToVector(ft->shape_signature()) : t.dims;
    t.is_variable = ft->is_variable();
    t.sparsity = ft->sparsity();
    if (const auto* q = ft->quantization()) {
      if (q->scale()) t.quant.scale.assign(q->scale()->begin(), q->scale()->end());
      if (q->zero_point()) t.quant.zero_point.assign(q->zero_point()->begin(), q->zero_point()->end());
      t.quant.quantized_dimension = q->quantized_dimension();
      if (const auto* blockwise = q->details_as_BlockwiseQuantization()) t.quant.block_size = blockwise->block_size();
    }
    const uint8_t* data = nullptr;
    size_t size = 0;
    Status s = model.GetBuffer(ft->buffer(), &data, &size);
    if (!s.ok()) return InvalidModel(StrCat(where, ": tensor ", i, " ('", t.name, "'): ", s.message()));
    if (t.type == DataType::kString && t.is_variable) {
      return Unsupported(StrCat(where, ": tensor ", i, " ('", t.name, "') is a string variable, which LiteRT has none of"));
    }
    if (data && size > 0 && t.type == DataType::kString) {
      const std::string bad = CheckStringBuffer(data, size, t.num_elements());
      if (!bad.empty()) {
        return InvalidModel(StrCat(where, ": string tensor ", i, " ('", t.name, "') of shape ", DimsToString(t.dims),
                                   ": ", bad));
      }
    }
    if (data && size > 0 && PackedBits(t.type)) {
      // INT4 / UINT4 / INT2 constants are packed in the file; held one value a byte. LiteRT reads a buffer longer
      // than the packed values need as well, so only a short one is refused.
      const int64_t n = t.num_elements();
      const size_t packed = static_cast<size_t>((n * PackedBits(t.type) + 7) / 8);
      if (t.sparsity || size < packed) {
        return InvalidModel(StrCat(where, ": ", DataTypeName(t.type), " tensor ", i, " ('", t.name, "') of shape ",
                                   DimsToString(t.dims), t.sparsity ? " is sparse" : " needs ", packed,
                                   " packed bytes; its buffer has ", size));
      }
      EL_RETURN_IF_ERROR(AllocateOwnedChecked(t, t.dims));
      UnpackSubByte(t.type, data, n, static_cast<uint8_t*>(t.data));
      if (!t.is_variable) {
        t.allocation = Allocation::kConstant;
        t.is_constant = true;
      }
      tensors_.push_back(std::move(t));
      continue;
    }
    if (data && size > 0) {
      // Sparse tensors store only their non-zero values; dense ones must fill their shape exactly.
      if (!t.sparsity && t.type != DataType::kString && size != t.RequiredBytes()) {
        return InvalidModel(StrCat(where, ": tensor ", i, " ('", t.name, "') of shape ", DimsToString(t.dims), " ",
                                   DataTypeName(t.type), " needs ", t.RequiredBytes(), " bytes but its buffer has ",
                                   size));
      }
      if (t.is_variable) {
        EL_RETURN_IF_ERROR(AllocateOwnedChecked(t, t.dims));
        std::memcpy(t.data, data, size);
      } else {
        // Kernels load elements at their natural alignment (an int64 bias, a float weight); a buffer that
        // starts at an odd offset of the file (writers align to 4 bytes at least, not always to 8) is copied
        // once into an aligned block rather than read misaligned (undefined behaviour; UBSan reports it).
        const size_t alignment = std::min<size_t>(ElementSize(t.type), 8);
        if (alignment > 1 && reinterpret_cast<uintptr_t>(data) % alignment != 0) {
          t.owned = AllocateAligned(size);
          t.owned_capacity = size;
          std::memcpy(t.owned.get(), data, size);
          data = t.owned.get();
        }
        t.data = const_cast<uint8_t*>(data);  // read-only by contract: kernels never write inputs
        t.bytes = size;
        t.allocation = Allocation::kConstant;
        t.is_constant = true;
      }
    } else if (t.is_variable) {
      EL_RETURN_IF_ERROR(AllocateOwnedChecked(t, t.dims));
      ResetVariable(t);
    }
    tensors_.push_back(std::move(t));
  }
  num_model_tensors_ = static_cast<int>(tensors_.size());

  auto check_index = [&](int t, bool allow_optional, const std::string& what) -> Status {
    if ((allow_optional && t == -1) || (t >= 0 && t < num_tensors)) return Status::Ok();
    return InvalidModel(StrCat(where, ": ", what, " refers to tensor ", t, ", out of range (", num_tensors,
                               " tensors)"));
  };
  inputs_ = ToVector(fb.inputs());
  outputs_ = ToVector(fb.outputs());
  for (int t : inputs_) EL_RETURN_IF_ERROR(check_index(t, false, "subgraph input"));
  for (int t : outputs_) EL_RETURN_IF_ERROR(check_index(t, false, "subgraph output"));

  const auto* codes = model.fb()->operator_codes();
  const auto* ops = fb.operators();
  const int num_ops = ops ? static_cast<int>(ops->size()) : 0;
  for (int i = 0; i < num_ops; ++i) {
    const schema::Operator* op = ops->Get(i);
    Node node;
    node.index = i;
    node.op = op;
    node.inputs = ToVector(op->inputs());
    node.outputs = ToVector(op->outputs());
    node.intermediates = ToVector(op->intermediates());
    const std::string node_where = StrCat("node ", i);
    for (int t : node.inputs) EL_RETURN_IF_ERROR(check_index(t, true, node_where + " input"));
    for (int t : node.outputs) EL_RETURN_IF_ERROR(check_index(t, false, node_where + " output"));
    for (int t : node.intermediates) EL_RETURN_IF_ERROR(check_index(t, true, node_where + " intermediate"));
    if (!codes || op->opcode_index() >= codes->size()) {
      return InvalidModel(StrCat(where, ": node ", i, " has operator code index ", op->opcode_index(),
                                 ", out of range (", codes ? codes->size() : 0, " operator codes)"));
    }
    const schema::OperatorCode* code = codes->Get(op->opcode_index());
    // Old writers fill only the byte field; new ones put 127 there for codes above it.
    const int builtin = std::max<int>(code->deprecated_builtin_code(), code->builtin_code());
    node.builtin_code = builtin;
    node.op_version = code->version();
    if (op->custom_options()) {
      node.custom_options = op->custom_options()->data();
      node.custom_options_size = op->custom_options()->size();
    } else if (op->large_custom_options_size() > 0) {
      const uint64_t off = op->large_custom_options_offset(), len = op->large_custom_options_size();
      if (off > model.size() || len > model.size() - off) {
        return InvalidModel(StrCat(where, ": node ", i, " has custom options past the end of the file"));
      }
      node.custom_options = model.data() + off;
      node.custom_options_size = len;
    }
    if (builtin == schema::BuiltinOperator_CUSTOM) {
      node.op_name = code->custom_code() ? code->custom_code()->str() : "";
      node.registration = resolver.FindCustom(node.op_name, node.op_version);
      if (!node.registration) {
        unresolved_node_.push_back(i);
        const int max = resolver.MaxCustomVersion(node.op_name);
        unresolved_.push_back(
            max ? StrCat("node ", i, ": custom operator '", node.op_name, "' version ", node.op_version,
                         " is not supported (this build has versions up to ", max, ")")
                : node.op_name.rfind("Flex", 0) == 0
                    ? StrCat("node ", i, ": custom operator '", node.op_name, "' is a TensorFlow select op and no "
                             "kernel for it is registered (edgelite runs select ops from its library "
                             "libedgelite_select.so, loaded unless select_ops=False; this op is not in it, or "
                             "the library was not loaded)")
                : IsPluginCustom(node.op_name)
                    ? StrCat("node ", i, ": operator ", node.op_name, kPluginNotLoaded)
                    : StrCat("node ", i, ": custom operator '", node.op_name, "' is not registered"));
      }
    } else {
      node.op_name = BuiltinOperatorName(builtin);
      node.registration = resolver.FindBuiltin(builtin, node.op_version);
      if (!node.registration) {
        unresolved_node_.push_back(i);
        const int max = resolver.MaxBuiltinVersion(builtin);
        unresolved_.push_back(
            max ? StrCat("node ", i, ": operator ", node.op_name, " version ", node.op_version,
                         " is not supported (this build runs versions 1 to ", max, ")")
            : IsPluginBuiltin(builtin)
                ? StrCat("node ", i, ": operator ", node.op_name, kPluginNotLoaded)
                : StrCat("node ", i, ": operator ", node.op_name, " (builtin code ", builtin,
                         ") is not supported by this build"));
      }
    }
    nodes_.push_back(std::move(node));
    plan_.push_back(i);
  }
  // A tensor with no elements that no node produces and the caller does not feed is a constant even
  // though its buffer is empty (an empty axis list, a sparse tensor with no stored values).
  std::vector<char> fed(tensors_.size(), 0);
  for (int t : inputs_) fed[t] = 1;
  for (const Node& node : nodes_)
    for (int t : node.outputs) fed[t] = 1;
  for (size_t t = 0; t < tensors_.size(); ++t) {
    Tensor& tensor = tensors_[t];
    if (!fed[t] && tensor.allocation == Allocation::kNone && !tensor.is_variable &&
        (tensor.num_elements() == 0 || tensor.sparsity)) {
      static uint64_t empty_storage = 0;
      tensor.data = &empty_storage;
      tensor.bytes = 0;
      tensor.allocation = Allocation::kConstant;
      tensor.is_constant = true;
    }
  }
  return ValidateDataflow(*this);
}

Status Subgraph::InitNode(Node& node) {
  if (node_initialized_.size() < nodes_.size()) node_initialized_.resize(nodes_.size(), false);
  if (node_initialized_[node.index]) return Status::Ok();
  if (node.registration->init) EL_RETURN_IF_ERROR(node.registration->init(*this, node));
  node_initialized_[node.index] = true;
  return Status::Ok();
}

Status Subgraph::InitNodes() {
  if (nodes_initialized_) return Status::Ok();
  for (int n : plan_) EL_RETURN_IF_ERROR(InitNode(nodes_[n]));
  nodes_initialized_ = true;
  return Status::Ok();
}

Status Subgraph::PrepareNodeOnCpu(int node_index) {
  Node* n = mutable_node(node_index);
  if (!n || !n->registration || node_delegate(node_index)) {
    return InvalidArgument(StrCat("node ", node_index, " has no CPU kernel to prepare"));
  }
  EL_RETURN_IF_ERROR(InitNode(*n));
  EL_RETURN_IF_ERROR(PrepareNode(*n));
  // As on the CPU path: a node whose inputs are all known is computed now (shape chains), so a delegate
  // sees its outputs as constants (and later nodes' shapes are known at prepare, not only at invoke).
  if (CanFold(*n)) EL_RETURN_IF_ERROR(FoldNode(*n));
  return Status::Ok();
}

Status Subgraph::EvalNodeOnCpu(int node_index) {
  Node* n = mutable_node(node_index);
  if (!n || !n->registration || node_delegate(node_index) || node_index >= static_cast<int>(node_initialized_.size()) ||
      !node_initialized_[node_index]) {
    return InvalidArgument(StrCat("node ", node_index, " has no prepared CPU kernel to run"));
  }
  EL_RETURN_IF_ERROR(SyncInputsToHost(*n));
  return n->registration->eval(*this, *n);
}

bool Subgraph::KnownAtPrepare(int index) {
  if (index < 0 || index >= num_model_tensors_) return false;
  if (known_at_prepare_.size() != tensors_.size()) known_at_prepare_.assign(tensors_.size(), -1);
  int8_t& known = known_at_prepare_[index];
  if (known == 0 || known == 1) return known == 1;
  if (known == 2) return false;  // a cycle (a corrupt model): not known
  const Tensor& t = tensors_[index];
  if (t.allocation == Allocation::kConstant) return (known = 1) == 1;
  if (t.is_variable) return (known = 0) == 1;
  known = 2;
  bool result = false;
  for (const Node& node : nodes_) {
    if (!node.registration || node.op == nullptr) continue;
    if (std::find(node.outputs.begin(), node.outputs.end(), index) == node.outputs.end()) continue;
    const KernelRegistration* reg = node.registration;
    if (reg->fold_when_inputs_constant || reg->output_depends_only_on_input_shapes) {
      result = true;
      bool any = false;
      for (int in : node.inputs) {
        if (in < 0) continue;
        any = true;
        if (!reg->output_depends_only_on_input_shapes && !KnownAtPrepare(in)) result = false;
      }
      result = result && any;
    }
    break;
  }
  known_at_prepare_[index] = result ? 1 : 0;
  return result;
}

Status Subgraph::SetDeviceBuffer(Tensor& tensor, Delegate* owner, void* buffer, bool host_stale) {
  if (tensor.allocation == Allocation::kConstant || tensor.is_variable) {
    return InvalidArgument(StrCat("tensor '", tensor.name, "' is a constant or a variable; it cannot live on a device"));
  }
  if (!buffer) {
    tensor.device_owner = nullptr;
    tensor.device_buffer = nullptr;
    tensor.host_stale = false;
    return Status::Ok();
  }
  if (host_stale && !tensor.data && tensor.RequiredBytes() > 0) {
    return InvalidArgument(StrCat("tensor '", tensor.name, "' has no host memory to copy its device values to"));
  }
  tensor.device_owner = owner;
  tensor.device_buffer = buffer;
  tensor.host_stale = host_stale;
  return Status::Ok();
}

void Subgraph::ResetActivationState() {
  for (Tensor& t : tensors_) {
    if (t.allocation == Allocation::kConstant || t.is_variable) continue;
    t.is_constant = false;
    t.is_dynamic = false;
    t.allocation = Allocation::kNone;
    t.data = nullptr;
    t.bytes = 0;
    t.device_owner = nullptr;
    t.device_buffer = nullptr;
    t.host_stale = false;
  }
  folded_.assign(nodes_.size(), false);
  prepare_at_eval_.assign(nodes_.size(), false);
}

Status Subgraph::PrepareNode(Node& node) {
  if (!node.registration->handles_strings) {
    for (const std::vector<int>* list : {&node.inputs, &node.outputs}) {
      for (int t : *list) {
        if (t >= 0 && tensors_[t].type == DataType::kString) {
          return Error(node, StrCat("tensor '", tensors_[t].name, "' is a string tensor, which this operator does not "
                                    "run on"), StatusCode::kUnsupported);
        }
      }
    }
  }
  if (!node.registration->prepare) return Status::Ok();
  return node.registration->prepare(*this, node);
}

bool Subgraph::CanFold(const Node& node) const {
  const KernelRegistration* reg = node.registration;
  if (!reg || !(reg->fold_when_inputs_constant || reg->output_depends_only_on_input_shapes)) return false;
  bool any_input = false;
  for (int t : node.inputs) {
    if (t < 0) continue;
    any_input = true;
    const Tensor& in = tensors_[t];
    if (in.is_dynamic) return false;
    if (!reg->output_depends_only_on_input_shapes && !in.is_constant) return false;
  }
  for (int t : node.outputs)
    if (tensors_[t].is_dynamic || tensors_[t].is_variable) return false;
  return any_input;
}

Status Subgraph::FoldNode(Node& node) {
  for (int t : node.outputs) EL_RETURN_IF_ERROR(AllocateOwnedChecked(tensors_[t], tensors_[t].dims));
  for (int t : node.temporaries) EL_RETURN_IF_ERROR(AllocateOwnedChecked(tensors_[t], tensors_[t].dims));
  EL_RETURN_IF_ERROR(node.registration->eval(*this, node));
  for (int t : node.outputs) tensors_[t].is_constant = true;
  folded_[node.index] = true;
  return Status::Ok();
}

Status Subgraph::AllocateTensors() {
  if (active_) {
    return FailedPrecondition(StrCat("subgraph ", index_, " ('", name_, "') is already preparing or running; "
                                     "allocate_tensors() cannot re-enter it"));
  }
  subgraph_internal::ActiveScope scope(&active_);
  if (!unresolved_.empty()) {
    std::string message = StrCat("subgraph ", index_, " has operators this build cannot run:");
    for (const std::string& u : unresolved_) message += "\n  " + u;
    return Unsupported(message);
  }
  state_ = State::kNeedsAllocation;
  // Before any kernel sizes its outputs from them, so the message names the input a model declared too large.
  for (int t : inputs_) EL_RETURN_IF_ERROR(CheckTensorBytes(tensors_[t], tensors_[t].dims, nullptr));
  EL_RETURN_IF_ERROR(InitNodes());
  ResetActivationState();
  PlanFusion();
  for (int n : plan_) {
    Node& node = nodes_[n];
    bool dynamic_input = false;
    for (int t : node.inputs)
      if (t >= 0 && tensors_[t].is_dynamic) dynamic_input = true;
    if (dynamic_input) {
      // Shapes downstream of a data-dependent shape are known only during invoke.
      prepare_at_eval_[n] = true;
      for (int t : node.outputs) tensors_[t].is_dynamic = true;
      continue;
    }
    EL_RETURN_IF_ERROR(PrepareNode(node));
    if (CanFold(node)) EL_RETURN_IF_ERROR(FoldNode(node));
  }
  DropUnfusable();
  EL_RETURN_IF_ERROR(FusePads());
  FuseHardSwishes();
  EL_RETURN_IF_ERROR(FuseResidualAdds());
  EL_RETURN_IF_ERROR(FuseScaleShifts());
  EL_RETURN_IF_ERROR(PlanArena());
  ReleasePackedWeightPages();
  weight_slab_.ReleaseUnused();
  state_ = State::kReady;
  return Status::Ok();
}

Status Subgraph::PlanArena() {
  const int steps = static_cast<int>(plan_.size());
  std::vector<int> first(tensors_.size(), -1), last(tensors_.size(), -1);
  auto touch = [&](int t, int step) {
    if (t < 0) return;
    if (first[t] < 0 || step < first[t]) first[t] = step;
    last[t] = std::max(last[t], step);
  };
  // Inputs stay valid for the whole run, so invoke() can be repeated after one set_tensor().
  for (int t : inputs_) {
    touch(t, 0);
    touch(t, steps);
  }
  for (int p = 0; p < steps; ++p) {
    const Node& node = nodes_[plan_[p]];
    if (folded_[node.index] || fused_into_[node.index] >= 0) continue;
    // A fused PAD's output is never written: the node reads the PAD's input in its place.
    const int padded = node.fused_pad.input >= 0 ? node.inputs[0] : -1;
    for (int t : node.inputs)
      if (t != padded) touch(HomeTensor(t), p);
    if (padded >= 0) touch(HomeTensor(node.fused_pad.input), p);
    if (node.fused_addend >= 0) touch(HomeTensor(node.fused_addend), p);  // read in place of the skipped ADD
    for (int t : node.outputs) touch(HomeTensor(t), p);
    for (int t : node.temporaries) touch(t, p);
  }
  for (int t : outputs_) touch(t, steps);
  if (options_.preserve_all_tensors) {
    // Nothing shares bytes with anything else: every tensor of the model lives from the first step to
    // past the last. Scratch tensors may still share, since they hold nothing once their node is done.
    for (int t = 0; t < num_model_tensors_; ++t) {
      if (first[t] < 0) continue;
      first[t] = 0;
      last[t] = steps;
    }
  }

  arena_requests_.clear();
  for (size_t t = 0; t < tensors_.size(); ++t) {
    Tensor& tensor = tensors_[t];
    // A string tensor's size is known only once written: it gets a block of its own then (ResizeStringTensor).
    if (first[t] < 0 || tensor.allocation != Allocation::kNone || tensor.is_dynamic ||
        tensor.type == DataType::kString || HomeTensor(t) != t) {
      continue;
    }
    arena_requests_.push_back({static_cast<int>(t), tensor.RequiredBytes(), first[t], last[t]});
  }
  for (const auto& request : arena_requests_) EL_RETURN_IF_ERROR(CheckTensorBytes(tensors_[request.tensor],
                                                                                 tensors_[request.tensor].dims, nullptr));
  ArenaPlanner planner(kTensorAlignment);
  arena_size_ = planner.Plan(arena_requests_, &arena_placements_);
  if (arena_size_ > arena_capacity_ || !arena_) {
    EL_RETURN_IF_ERROR(ReserveTensorMemory(arena_size_ - std::min(arena_size_, arena_capacity_), nullptr));
    arena_.reset();
    arena_capacity_ = 0;
    arena_ = AllocateAligned(arena_size_);
    if (!arena_) return Internal(StrCat("cannot allocate a tensor arena of ", arena_size_, " bytes"));
    arena_capacity_ = arena_size_;
  }
  for (const auto& p : arena_placements_) {
    Tensor& tensor = tensors_[p.tensor];
    tensor.data = arena_.get() + p.offset;
    tensor.bytes = p.bytes;
    tensor.allocation = Allocation::kArena;
  }
  EL_RETURN_IF_ERROR(ShareAliasedTensors());
  input_bindings_.assign(inputs_.size(), InputBinding());
  for (size_t i = 0; i < inputs_.size(); ++i) {
    input_bindings_[i].home = tensors_[inputs_[i]].data;
    input_bindings_[i].bytes = tensors_[inputs_[i]].bytes;
  }
  return Status::Ok();
}

std::string Subgraph::DescribeArena() const {
  return ArenaPlanner::Describe(arena_requests_, arena_placements_);
}

void Subgraph::MarkDynamic(Tensor& tensor) { tensor.is_dynamic = true; }

void Subgraph::ResetVariableTensors() {
  for (int i = 0; i < num_model_tensors_; ++i) {
    if (tensors_[i].is_variable && tensors_[i].data) ResetVariable(tensors_[i]);
  }
}

Status Subgraph::AddTemporary(Node& node, DataType type, int* tensor_index) {
  Tensor t;
  t.name = StrCat(node.op_name, "#", node.index, "/scratch", node.temporaries.size());
  t.type = type;
  tensors_.push_back(std::move(t));
  *tensor_index = static_cast<int>(tensors_.size()) - 1;
  node.temporaries.push_back(*tensor_index);
  return Status::Ok();
}

void Subgraph::EnableProfiling(bool on) {
  profiling_ = on;
  profile_ns_.assign(nodes_.size(), 0);
  profile_runs_ = 0;
}

Status Subgraph::ApplyDelegate(const std::shared_ptr<Delegate>& delegate) {
  std::vector<bool> supported(nodes_.size(), false);
  for (int n : plan_) {
    std::string why;
    supported[n] = delegate->SupportsNode(*this, nodes_[n], &why);
    if (!supported[n]) nodes_[n].delegate_note = why.empty() ? StrCat("not supported by ", delegate->name()) : why;
  }
  std::vector<DelegatePartition> parts =
      PartitionForDelegate(nodes_, plan_, supported, outputs_, static_cast<int>(tensors_.size()),
                           options_.partitioning);
  // The delegate's limits: partitions too small to pay for the crossing, and only the largest ones.
  auto keep_on_cpu = [&](DelegatePartition& part, const std::string& why) {
    part.delegated = false;
    for (int n : part.nodes) nodes_[n].delegate_note = why;
  };
  std::vector<int> candidates;
  for (size_t p = 0; p < parts.size(); ++p) {
    if (!parts[p].delegated) continue;
    const int size = static_cast<int>(parts[p].nodes.size());
    if (size < delegate->min_partition_nodes) {
      keep_on_cpu(parts[p], StrCat("its partition has ", size, " node", size == 1 ? "" : "s", ", fewer than ",
                                   delegate->name(), "'s min_partition_size ", delegate->min_partition_nodes));
    } else {
      candidates.push_back(static_cast<int>(p));
    }
  }
  if (delegate->max_partitions > 0 && static_cast<int>(candidates.size()) > delegate->max_partitions) {
    std::stable_sort(candidates.begin(), candidates.end(),
                     [&](int a, int b) { return parts[a].nodes.size() > parts[b].nodes.size(); });
    for (size_t c = delegate->max_partitions; c < candidates.size(); ++c) {
      keep_on_cpu(parts[candidates[c]], StrCat("its partition is beyond ", delegate->name(), "'s max_partitions ",
                                               delegate->max_partitions, " (the largest are delegated)"));
    }
  }
  std::vector<int> new_plan;
  std::set<int> claimed;
  for (const DelegatePartition& part : parts) {
    if (!part.delegated) {
      new_plan.insert(new_plan.end(), part.nodes.begin(), part.nodes.end());
      continue;
    }
    std::unique_ptr<DelegateKernel> kernel;
    Status status = delegate->CreateKernel(*this, part, &kernel);
    if (status.code() == StatusCode::kUnsupported) {
      // Declined: the partition stays on the CPU, in its place in the order.
      for (int n : part.nodes) nodes_[n].delegate_note = StrCat(delegate->name(), " declined its partition: ", status.message());
      new_plan.insert(new_plan.end(), part.nodes.begin(), part.nodes.end());
      continue;
    }
    EL_RETURN_IF_ERROR(status);
    Node node;
    node.index = static_cast<int>(nodes_.size());
    node.inputs = part.inputs;
    node.outputs = part.outputs;
    node.registration = DelegateNodeRegistration();
    node.user_data = kernel.release();
    node.op_name = "DELEGATE";
    node.delegate_name = delegate->name();
    nodes_.push_back(std::move(node));
    node_delegate_.resize(nodes_.size(), nullptr);
    node_delegate_.back() = delegate.get();
    partition_nodes_[nodes_.back().index] = part.nodes;
    new_plan.push_back(nodes_.back().index);
    claimed.insert(part.nodes.begin(), part.nodes.end());
  }
  plan_ = std::move(new_plan);
  nodes_initialized_ = false;  // declined partitions' nodes need their CPU init
  // Operators the CPU cannot run no longer matter once a delegate has claimed them.
  std::vector<std::string> still_unresolved;
  std::vector<int> still_unresolved_node;
  for (size_t u = 0; u < unresolved_.size(); ++u) {
    if (claimed.count(unresolved_node_[u])) continue;
    still_unresolved.push_back(unresolved_[u]);
    still_unresolved_node.push_back(unresolved_node_[u]);
  }
  unresolved_ = std::move(still_unresolved);
  unresolved_node_ = std::move(still_unresolved_node);
  delegates_.push_back(delegate);
  state_ = State::kNeedsAllocation;
  return Status::Ok();
}

}  // namespace edgelite
