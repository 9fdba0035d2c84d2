// Subgraph: the tensors and nodes of one graph of the model, and the loop that prepares and runs
// them. Implements KernelContext, the kernels' view of the graph.
#pragma once

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "interpreter/arena_planner.h"
#include "interpreter/delegate.h"
#include "interpreter/kernel_api.h"
#include "interpreter/model.h"
#include "interpreter/op_resolver.h"
#include "interpreter/weight_slab.h"

namespace edgelite {

namespace schema {
struct SubGraph;
}

// What LiteRT sets per interpreter and edgelite applies per subgraph.
struct SubgraphOptions {
  // Every tensor keeps its own memory for the whole run, so intermediates can be read after invoke
  // (LiteRT's experimental_preserve_all_tensors). Costs the sum of all tensor sizes in arena.
  bool preserve_all_tensors = false;
  // Only reference kernels are chosen (LiteRT's OpResolverType.BUILTIN_REF).
  bool reference_kernels_only = false;
  // The most memory the interpreter's tensors may take together (every subgraph's arena plus the blocks
  // tensors own: variables, folded values, dynamic outputs), and so also the largest single tensor; 0:
  // DefaultMaxArenaBytes(). Beyond it allocate_tensors (or, for a dynamic output, invoke) fails.
  size_t max_arena_bytes = 0;
  PartitionOptions partitioning;
};

// Three quarters of the machine's physical memory.
size_t DefaultMaxArenaBytes();

namespace subgraph_internal {
// Marks a subgraph busy for the length of a prepare or invoke, so a control-flow call back into it is
// refused instead of recursing.
class ActiveScope {
 public:
  explicit ActiveScope(bool* flag) : flag_(flag) { *flag_ = true; }
  ~ActiveScope() { *flag_ = false; }
  ActiveScope(const ActiveScope&) = delete;
  ActiveScope& operator=(const ActiveScope&) = delete;

 private:
  bool* flag_;
};
}  // namespace subgraph_internal

class Subgraph : public KernelContext, public CalledGraph {
 public:
  Subgraph(int index, ThreadPool* pool, const SubgraphOptions& options = {});
  ~Subgraph() override;

  // Creates tensors and nodes from the model; resolves each operator. An operator the resolver lacks
  // is recorded (see unresolved()) and reported by AllocateTensors, so inspection still works.
  Status Build(const Model& model, const schema::SubGraph& fb, const OpResolver& resolver);

  // Runs init (once), prepare for every node, folds constant-only nodes, plans and allocates the arena.
  Status AllocateTensors();
  Status Invoke() override;
  // Changes the shape of an input tensor; AllocateTensors must be called again before Invoke.
  Status ResizeInputTensor(int tensor_index, const Dims& dims, bool strict);
  Status ApplyDelegate(const std::shared_ptr<Delegate>& delegate);
  // Sets every variable tensor to zero (int8: its zero point), as LiteRT's ResetVariableTensors.
  void ResetVariableTensors();

  const std::string& name() const override { return name_; }
  int index() const override { return index_; }
  const std::vector<int>& inputs() const { return inputs_; }
  const std::vector<int>& outputs() const { return outputs_; }
  const std::vector<Node>& nodes() const { return nodes_; }
  Node* mutable_node(int index) { return index >= 0 && index < static_cast<int>(nodes_.size()) ? &nodes_[index] : nullptr; }
  const std::vector<int>& execution_plan() const { return plan_; }
  const std::vector<std::string>& unresolved() const { return unresolved_; }
  // The node index of each unresolved() entry.
  const std::vector<int>& unresolved_nodes() const { return unresolved_node_; }
  bool ready() const { return state_ == State::kReady; }
  size_t arena_bytes() const { return arena_size_; }
  size_t max_arena_bytes() const { return options_.max_arena_bytes; }
  std::string DescribeArena() const;

  // Per-node timing of Invoke (nanoseconds, summed over invokes), when enabled.
  void EnableProfiling(bool on);
  const std::vector<int64_t>& profile_ns() const { return profile_ns_; }
  int64_t profile_runs() const { return profile_runs_; }

  // What the subgraph shares with the others of its interpreter, set by the Interpreter once all are
  // built: the model's subgraphs (for control-flow calls), the resource table, and the flag
  // Interpreter::Cancel raises.
  void Connect(std::vector<std::unique_ptr<Subgraph>>* siblings, ResourceTable* resources,
               const std::atomic<bool>* cancel_requested) {
    siblings_ = siblings;
    resources_ = resources;
    cancel_requested_ = cancel_requested;
  }
  // True while this subgraph prepares or runs (a second entry would be recursion).
  bool active() const { return active_; }

  // CalledGraph
  int num_inputs() const override { return static_cast<int>(inputs_.size()); }
  int num_outputs() const override { return static_cast<int>(outputs_.size()); }
  Tensor* input(int i) override { return i >= 0 && i < num_inputs() ? &tensors_[inputs_[i]] : nullptr; }
  Tensor* output(int i) override { return i >= 0 && i < num_outputs() ? &tensors_[outputs_[i]] : nullptr; }
  Status ResizeInput(int i, const Dims& dims) override;
  Status Prepare() override;
  Status SetInput(int i, const Tensor& value, bool borrow) override;
  bool has_dynamic_tensors() const override;

  // KernelContext
  int num_tensors() const override { return static_cast<int>(tensors_.size()); }
  // Tensors the model declares; those after them are kernels' scratch tensors (AddTemporary).
  int num_model_tensors() const { return num_model_tensors_; }
  Tensor* tensor(int index) override;
  const Tensor* tensor(int index) const;
  Status ResizeTensor(Tensor& tensor, const Dims& dims) override;
  void MarkDynamic(Tensor& tensor) override;
  Status ResizeStringTensor(Tensor& tensor, const Dims& dims, size_t bytes) override;
  Status AddTemporary(Node& node, DataType type, int* tensor_index) override;
  ThreadPool& thread_pool() override { return *pool_; }
  Status GetSubgraph(const Node& caller, int index, CalledGraph** out) override;
  ResourceTable* resources() override { return resources_; }
  void* AllocatePackedWeights(size_t bytes) override { return weight_slab_.Allocate(bytes); }
  bool cancelled() const override {
    return cancel_requested_ && cancel_requested_->load(std::memory_order_relaxed);
  }
  int num_nodes() const override { return static_cast<int>(nodes_.size()); }
  Node* node(int index) override { return mutable_node(index); }
  Status PrepareNodeOnCpu(int node_index) override;
  Status EvalNodeOnCpu(int node_index) override;
  Status SetDeviceBuffer(Tensor& tensor, Delegate* owner, void* buffer, bool host_stale) override;
  Status EnsureHost(Tensor& tensor) override;
  // True when tensor `index` is a constant or will be one once prepared: produced by a node that folds
  // at prepare (fold_when_inputs_constant with inputs known at prepare, or SHAPE of a tensor whose shape
  // is not data-dependent). Lets a delegate, asked before allocate, accept weights that a DEQUANTIZE or
  // DENSIFY of a constant produces and shapes that a SHAPE chain computes.
  bool KnownAtPrepare(int index);
  // True when node `index` was computed at prepare (its outputs are constants; invoke skips it).
  bool folded(int index) const { return index >= 0 && index < static_cast<int>(folded_.size()) && folded_[index]; }
  // The node whose kernel applies node `index`'s activation (graph fusion; invoke skips `index`), else -1.
  int fused_into(int index) const {
    return index >= 0 && index < static_cast<int>(fused_into_.size()) ? fused_into_[index] : -1;
  }
  // The model nodes a delegate's node runs (its partition), empty for other nodes.
  const std::vector<int>& partition_nodes(int index) const {
    static const std::vector<int> none;
    auto it = partition_nodes_.find(index);
    return it == partition_nodes_.end() ? none : it->second;
  }
  // The delegate running node `index` (a delegate's node), or null for a CPU node.
  Delegate* node_delegate(int index) const {
    return index >= 0 && index < static_cast<int>(node_delegate_.size()) ? node_delegate_[index] : nullptr;
  }

 private:
  enum class State { kNeedsAllocation, kReady };

  Status InitNodes();
  Status InitNode(Node& node);
  // Before a node reads its inputs: host bytes of tensors left stale on a device are copied back,
  // except for a delegate's node reading a buffer of its own delegate.
  Status SyncInputsToHost(const Node& node);
  Status PrepareNode(Node& node);
  bool CanFold(const Node& node) const;
  Status FoldNode(Node& node);
  Status PlanArena();
  void ResetActivationState();
  // Graph fusion (subgraph_fusion.cc): PlanFusion, before the nodes prepare, picks the activations their
  // producers can apply; DropUnfusable, after, keeps only those still fusable (not folded, not dynamic);
  // ShareAliasedTensors, after the arena is placed, points each fused activation's output at its input.
  // After allocate: the file pages of float and int8 weights that the optimized CONV_2D, DEPTHWISE_CONV_2D and
  // FULLY_CONNECTED kernels packed a copy of are dropped from memory (subgraph_memory.cc).
  void ReleasePackedWeightPages();
  void PlanFusion();
  void DropUnfusable();
  // After DropUnfusable: a PAD of the spatial axes that only a VALID CONV_2D, DEPTHWISE_CONV_2D or MAX_POOL_2D
  // (float32, int8) reads becomes that node's padding (Node::fused_pad); the node prepares again over the PAD's input.
  Status FusePads();
  // After FusePads: a float HARD_SWISH whose input only it reads becomes the epilogue of the float CONV_2D or
  // DEPTHWISE_CONV_2D writing it (Node::fused_hard_swish, read at eval: no prepare again).
  void FuseHardSwishes();
  // After FuseHardSwishes: float residual ADDs become the epilogue of the CONV_2D producing one of their inputs
  // (Node::fused_addend); the convolution prepares again with the ADD's activation.
  Status FuseResidualAdds();
  // After FuseResidualAdds: a float MUL by a constant whose one reader ADDs a constant repeating along the leading
  // axes takes that ADD in (Node::fused_addend, the ADD's activation) and prepares again.
  Status FuseScaleShifts();
  // Node n runs at invoke as a node of its own, on the CPU: not folded, not fused into another, not prepared at
  // eval, not a delegate's (what the fusions after the prepares may rewrite).
  bool RunsUnfused(int n) const;
  Status ShareAliasedTensors();
  // The tensor whose bytes tensor `t` uses: itself, or the input of the fused activation producing it.
  int HomeTensor(int t) const {
    return t >= 0 && t < static_cast<int>(alias_of_.size()) && alias_of_[t] >= 0 ? alias_of_[t] : t;
  }
  // Memory checks (subgraph_memory.cc). The size of a tensor of `dims`, failing (with `overflow`) when a
  // dimension is negative or the size overflows, and with `cap` when it is beyond the memory cap on its own.
  Status CheckTensorBytes(const Tensor& tensor, const Dims& dims, size_t* bytes,
                          StatusCode overflow = StatusCode::kInvalidModel, bool cap = true) const;
  // Fails when `more` bytes (for `tensor`, or null: the arena) on top of what all subgraphs of the interpreter
  // hold would pass the cap.
  Status ReserveTensorMemory(size_t more, const Tensor* tensor) const;
  // Gives `tensor` the shape `dims` and memory of its own (Tensor::AllocateOwned; `string_bytes` for a string
  // tensor) within the cap; on failure the tensor keeps its shape and memory.
  Status AllocateOwnedChecked(Tensor& tensor, const Dims& dims, size_t string_bytes = 0);

  int index_;
  ThreadPool* pool_;
  SubgraphOptions options_;
  int num_model_tensors_ = 0;
  bool constants_file_mapped_ = false;  // Model::file_mapped()
  std::string name_;
  std::deque<Tensor> tensors_;  // a deque keeps Tensor& valid when kernels add temporaries
  std::vector<Node> nodes_;
  std::vector<int> plan_;  // node indices in execution order (delegate nodes replace partitions)
  std::vector<bool> folded_;  // per node: computed at prepare, skipped at invoke
  std::vector<bool> prepare_at_eval_;  // per node: an input is dynamic, so prepare runs in invoke
  std::vector<int> fused_into_;  // per node: the producer applying its activation (skipped at invoke), or -1
  std::vector<int> alias_of_;    // per tensor: the tensor whose bytes it shares (fused activations), or -1
  std::vector<int> inputs_, outputs_;
  std::vector<std::string> unresolved_;
  std::vector<int> unresolved_node_;  // node index of each unresolved_ entry
  std::vector<std::shared_ptr<Delegate>> delegates_;
  std::vector<Delegate*> node_delegate_;  // per node: the delegate of a delegate's node, else null
  std::map<int, std::vector<int>> partition_nodes_;  // delegate's node -> the nodes it runs
  std::vector<int8_t> known_at_prepare_;  // per tensor: -1 not computed, 0/1; 2 while being computed
  std::vector<bool> node_initialized_;    // per node: init ran (nodes delegates run on the CPU too)
  bool nodes_initialized_ = false;
  bool in_eval_ = false;
  bool active_ = false;              // inside AllocateTensors or Invoke
  bool shapes_changed_in_eval_ = false;  // a tensor became dynamic during this invoke
  std::vector<std::unique_ptr<Subgraph>>* siblings_ = nullptr;
  ResourceTable* resources_ = nullptr;
  WeightSlab weight_slab_;  // the nodes' packed weights (their data is freed in ~Subgraph, before it)
  const std::atomic<bool>* cancel_requested_ = nullptr;
  // Per input: the memory PlanArena gave it, while a caller's SetInput(borrow) points it elsewhere.
  struct InputBinding {
    void* home = nullptr;
    size_t bytes = 0;
    bool borrowed = false;
  };
  std::vector<InputBinding> input_bindings_;
  State state_ = State::kNeedsAllocation;

  AlignedBlock arena_;
  size_t arena_capacity_ = 0, arena_size_ = 0;
  std::vector<ArenaPlanner::Request> arena_requests_;
  std::vector<ArenaPlanner::Placement> arena_placements_;

  bool profiling_ = false;
  std::vector<int64_t> profile_ns_;
  int64_t profile_runs_ = 0;
};

}  // namespace edgelite
