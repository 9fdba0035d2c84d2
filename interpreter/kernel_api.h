// The contract between the core and an operator kernel. A kernel is a plain table of functions:
// init (read options, allocate per-node data), prepare (check inputs, size outputs, request scratch,
// pack weights), eval (compute only: no allocation, no shape checks), free.
#pragma once

#include <string>
#include <vector>

#include "interpreter/status.h"
#include "interpreter/tensor.h"

namespace edgelite {

namespace schema {
struct Operator;
}

class Delegate;
class KernelContext;
class ResourceTable;
class ThreadPool;
struct KernelRegistration;

struct Node {
  int index = -1;  // position in the subgraph's nodes, for messages
  int builtin_code = -1;  // .tflite BuiltinOperator (32 for custom operators); -1 for nodes the core made
  std::vector<int> inputs;         // tensor indices; -1 marks an omitted optional input
  std::vector<int> outputs;
  std::vector<int> intermediates;
  std::vector<int> temporaries;    // scratch tensors the kernel added; live only during this node
  const schema::Operator* op = nullptr;  // the operator in the model; null for nodes the core made
  const uint8_t* custom_options = nullptr;
  size_t custom_options_size = 0;
  const KernelRegistration* registration = nullptr;
  void* user_data = nullptr;  // set by init, released by free
  std::string op_name;        // "CONV_2D", or the custom operator's name
  int op_version = 1;
  // The implementation prepare chose (kernels/kernel_variant.h), for profiles: "int8 per-channel" and
  // "avx512vnni". Null for kernels without a variant table.
  const char* variant_name = nullptr;
  const char* variant_isa = nullptr;
  // The fused activation (schema::ActivationFunctionType) graph fusion gave this node in place of its
  // options' (a following RELU/RELU6/RELU_N1_TO_1 folded in, subgraph_fusion.cc); -1: the options' own.
  int8_t fused_activation = -1;
  // A tensor graph fusion made this node add to its output before that activation (subgraph_fusion.cc): a
  // residual ADD folded into the CONV_2D producing one of its inputs (a tensor of the output's shape), or an ADD
  // of a constant folded into the MUL before it (repeating along the leading axes); -1: none.
  int fused_addend = -1;
  // Graph fusion made this float CONV_2D or DEPTHWISE_CONV_2D apply the HARD_SWISH reading its output, after the
  // clamp, tile by tile while the tile is in cache (subgraph_fusion.cc; MobileNet v3's 19): same bits as the node.
  bool fused_hard_swish = false;
  // Graph fusion made this CONV_2D, DEPTHWISE_CONV_2D or MAX_POOL_2D read the input of the PAD (or PADV2) writing
  // its input 0, the padded rows and columns becoming its own padding (subgraph_fusion.cc): input 0 keeps naming the
  // padded tensor, which gets no memory; `input` is the tensor the kernels read (conv_util.h, WindowInput).
  struct FusedPad {
    int input = -1;  // -1: no PAD fused
    int top = 0, bottom = 0, left = 0, right = 0;
  } fused_pad;
  // For a node a delegate was asked about and did not take: why (from the delegate, or the core's
  // partition limits), for `edgelite inspect --delegate`. Empty otherwise.
  std::string delegate_note;
  // For a delegate's node: the backend's name ("opencl").
  std::string delegate_name;
};

struct KernelRegistration {
  // All may be null except eval. init sets node.user_data.
  Status (*init)(KernelContext& ctx, Node& node) = nullptr;
  void (*free)(void* user_data) = nullptr;
  Status (*prepare)(KernelContext& ctx, Node& node) = nullptr;
  Status (*eval)(KernelContext& ctx, Node& node) = nullptr;
  // Evaluate this node at prepare time when all its inputs are constant, so that shape-computing chains
  // (SHAPE -> STRIDED_SLICE -> PACK -> RESHAPE) resolve before the arena is planned. Only for cheap ops.
  bool fold_when_inputs_constant = false;
  // SHAPE's output depends only on the input's shape, never its values: foldable once shapes are known.
  bool output_depends_only_on_input_shapes = false;
  // The kernel reads and writes string tensors (string_tensor.h). The core refuses, at prepare, a node of any
  // other kernel with a string input or output, so no kernel meets a string buffer it would read as elements.
  bool handles_strings = false;
};

// Another subgraph of the model as a control-flow kernel (WHILE, IF, CALL_ONCE) drives it: the caller
// sets the callee's input shapes, prepares it, gives it its input values, invokes it and reads its
// outputs. Implemented by Subgraph.
class CalledGraph {
 public:
  virtual ~CalledGraph() = default;
  virtual int index() const = 0;
  virtual const std::string& name() const = 0;
  virtual int num_inputs() const = 0;
  virtual int num_outputs() const = 0;
  // The callee's own input / output tensors (null past the end).
  virtual Tensor* input(int i) = 0;
  virtual Tensor* output(int i) = 0;
  // Sets input i's shape; the callee prepares again at the next Prepare when it changed. Fails for an
  // input the model made a constant (no caller may write it).
  virtual Status ResizeInput(int i, const Dims& dims) = 0;
  // Prepares the callee and plans its memory if it is not ready (first use, or an input changed shape).
  virtual Status Prepare() = 0;
  // Gives input i its value for the next Invoke; `value` must have the input's type and shape (resize
  // and prepare first). Copies it into the callee's own memory, or with `borrow` lets the callee read it
  // where it lies, without a copy: `value` must then stay as it is until the callee's outputs have been
  // read (a callee output may be that very input). Every caller goes through here, so a borrow lasts
  // only until the next SetInput of that input.
  virtual Status SetInput(int i, const Tensor& value, bool borrow) = 0;
  virtual Status Invoke() = 0;
  // True when some tensor of the callee has a shape known only while it runs (after Prepare).
  virtual bool has_dynamic_tensors() const = 0;
};

// What a kernel sees of the graph it runs in. Implemented by Subgraph.
class KernelContext {
 public:
  virtual ~KernelContext() = default;

  virtual int num_tensors() const = 0;
  // The tensor at `index`, or null for -1 / out-of-range indices.
  virtual Tensor* tensor(int index) = 0;

  // The i-th input/output of the node, or null when absent (past the end, or -1 for an optional input).
  Tensor* input(const Node& node, int i) {
    return i < static_cast<int>(node.inputs.size()) ? tensor(node.inputs[i]) : nullptr;
  }
  Tensor* output(const Node& node, int i) {
    return i < static_cast<int>(node.outputs.size()) ? tensor(node.outputs[i]) : nullptr;
  }

  // Sets a tensor's shape. In prepare: arena memory is planned after all prepares. At eval, only for a
  // tensor marked dynamic: memory is taken there and then.
  virtual Status ResizeTensor(Tensor& tensor, const Dims& dims) = 0;
  // Marks an output whose shape is known only at eval (depends on input values).
  virtual void MarkDynamic(Tensor& tensor) = 0;
  // Gives a string tensor the shape `dims` and a buffer of `bytes` of its own (StringWriter::Write calls it),
  // within the memory cap. At prepare or eval.
  virtual Status ResizeStringTensor(Tensor& tensor, const Dims& dims, size_t bytes) = 0;
  // Adds a scratch tensor that lives only while this node runs; returns its index (also appended
  // to node.temporaries). Call once (in init or the first prepare) and resize it in prepare.
  virtual Status AddTemporary(Node& node, DataType type, int* tensor_index) = 0;

  virtual ThreadPool& thread_pool() = 0;

  // Subgraph `index` of the model, for a control-flow node to call. Fails with an error naming `caller`
  // when the index is out of range or the call would re-enter a subgraph already running or preparing
  // (recursion: a subgraph calling itself, directly or through others).
  virtual Status GetSubgraph(const Node& caller, int index, CalledGraph** out) = 0;
  // The interpreter's resource variables and CALL_ONCE record, shared by all its subgraphs; null for a
  // subgraph outside an interpreter.
  virtual ResourceTable* resources() = 0;
  // In prepare: `bytes` for weights a kernel packs once, kept until the subgraph goes (WeightSlab: small blocks
  // share huge pages); null when the kernel should allocate them itself (a block larger than a slab chunk).
  virtual void* AllocatePackedWeights(size_t bytes) = 0;
  // True once Interpreter::Cancel was called during the running invoke. Subgraphs check it between
  // nodes; a kernel that loops (WHILE) checks it between iterations and fails with kCancelled.
  virtual bool cancelled() const = 0;

  // The graph's nodes, for delegates and their kernels (null past the end).
  virtual int num_nodes() const = 0;
  virtual Node* node(int index) = 0;
  // Runs the node's own CPU kernel (init once, then prepare / eval): delegates use it to compute output
  // shapes exactly as the CPU path does, and test delegates to run nodes. A node whose inputs are all
  // constant and whose kernel allows folding is computed at prepare: its outputs become constants.
  virtual Status PrepareNodeOnCpu(int node_index) = 0;
  virtual Status EvalNodeOnCpu(int node_index) = 0;
  // Marks `tensor` as living in `owner`'s device buffer (see Tensor::device_buffer); null clears it.
  virtual Status SetDeviceBuffer(Tensor& tensor, Delegate* owner, void* buffer, bool host_stale) = 0;
  // Makes the host bytes of a tensor current, copying back from its device owner when they are stale.
  virtual Status EnsureHost(Tensor& tensor) = 0;

  // True when the interpreter was created for reference kernels only (LiteRT's BUILTIN_REF resolver,
  // or EDGELITE_FORCE_REFERENCE_KERNELS=1): variant selection then considers only Isa::kReference rows.
  bool reference_kernels_only() const { return reference_kernels_only_; }

  // An error naming the node: "node 12 (CONV_2D): <message>".
  Status Error(const Node& node, const std::string& message, StatusCode code = StatusCode::kInvalidModel) {
    return Status(code, StrCat("node ", node.index, " (", node.op_name, "): ", message));
  }

 protected:
  bool reference_kernels_only_ = false;
};

}  // namespace edgelite

// Checks a condition in prepare/init and returns an error naming the node when it fails.
#define EL_KERNEL_CHECK(ctx, node, cond, ...)                                   \
  do {                                                                          \
    if (!(cond)) return (ctx).Error((node), ::edgelite::StrCat(__VA_ARGS__)); \
  } while (0)
