/* edgelite plugin ABI: the C interface between the interpreter core and libraries built apart from it.
 *
 * Two kinds of plugin library exist, both loaded with dlopen and both seeing the graph only through the
 * function table below (never the core's C++ types, so a library built with another compiler or another
 * edgelite version of the same ABI works):
 *   - custom-operator kernel libraries export `edgelite_register_custom_ops` and add kernels by name
 *     (the select-ops library, an app's own operators), and may export `edgelite_register_builtin_ops`
 *     to serve builtin operators by code;
 *   - delegate libraries export `edgelite_delegate_create` and return an ElDelegatePlugin: a backend that
 *     claims nodes and runs whole partitions (the OpenCL delegate).
 *
 * Tensors and nodes are named by index in the subgraph being prepared or run. Builtin options are read
 * from the operator's FlatBuffers table in the model (ElNodeInfo.op_table, a `tflite::Operator` /
 * `edgelite::schema::Operator`): the .tflite format itself is the stable description of an operator.
 * Every call that can fail returns an ElStatus; a message is left with ElContextApi.report_error. No
 * call aborts the process. */
#ifndef EDGELITE_PLUGIN_API_H_
#define EDGELITE_PLUGIN_API_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped when a struct below changes layout or a function changes meaning; a library built for another
 * version is refused at load with a message naming both. */
#define EDGELITE_PLUGIN_ABI_VERSION 1

typedef enum ElStatus {
  EL_STATUS_OK = 0,
  EL_STATUS_ERROR = 1,           /* a failure; the message was reported */
  EL_STATUS_INVALID_ARGUMENT = 2,
  EL_STATUS_UNSUPPORTED = 3,     /* from create_kernel: the delegate declines; the nodes stay on the CPU */
  EL_STATUS_CANCELLED = 4
} ElStatus;

/* Opaque: the subgraph a kernel or delegate works on, during one call. */
typedef struct ElContext ElContext;

typedef struct ElTensorInfo {
  int32_t type;            /* .tflite TensorType: 0 float32, 1 float16, 2 int32, 9 int8, ... */
  int32_t rank;
  const int32_t* dims;     /* valid until the tensor is resized */
  void* data;              /* host memory; null before planning (prepare) */
  size_t bytes;            /* bytes at `data` */
  const char* name;
  int32_t is_constant;     /* values known before invoke (model constants, folded values) */
  int32_t is_variable;
  int32_t is_dynamic;      /* shape known only during invoke */
  int32_t num_scales;      /* 0 when not quantized */
  const float* scales;
  const int64_t* zero_points;
  int32_t quantized_dimension;
  /* Device memory (ElContextApi.set_device_buffer): the delegate holding it, null for none. */
  const void* device_owner;
  void* device_buffer;
  int32_t host_stale;      /* the device holds newer values than `data` */
  /* A constant, or one once prepared: the core folds its producer at prepare (DEQUANTIZE or DENSIFY of a
   * constant, a SHAPE chain). Before allocate such a tensor has no data yet; after prepare it is constant. */
  int32_t known_at_prepare;
} ElTensorInfo;

typedef struct ElNodeInfo {
  int32_t index;           /* position in the subgraph's nodes */
  int32_t builtin_code;    /* .tflite BuiltinOperator; 32 (CUSTOM) for custom operators */
  const char* op_name;     /* "CONV_2D", or the custom operator's name */
  int32_t version;
  int32_t num_inputs;
  const int32_t* inputs;   /* tensor indices; -1 for an omitted optional input */
  int32_t num_outputs;
  const int32_t* outputs;
  const void* op_table;    /* the operator's FlatBuffers table in the model; null for nodes the core made */
  const uint8_t* custom_options;
  size_t custom_options_size;
  int32_t has_cpu_kernel;  /* the core can run this node itself */
  int32_t num_temporaries; /* scratch tensors its CPU kernel added (after prepare_node_on_cpu) */
  const int32_t* temporaries;
} ElNodeInfo;

/* Index range [begin, end) of a parallel loop, with a slot number in [0, num_threads) that no other range
 * running at the same time has (for per-worker scratch). */
typedef void (*ElParallelTask)(void* arg, int64_t begin, int64_t end, int32_t thread);

typedef struct ElContextApi {
  uint32_t abi_version; /* EDGELITE_PLUGIN_ABI_VERSION of the core */
  int32_t (*num_tensors)(ElContext* ctx);
  int32_t (*num_nodes)(ElContext* ctx);
  ElStatus (*get_tensor)(ElContext* ctx, int32_t tensor, ElTensorInfo* out);
  ElStatus (*get_node)(ElContext* ctx, int32_t node, ElNodeInfo* out);
  /* Sets a tensor's shape (prepare; during invoke only for a dynamic tensor, which gets host memory). */
  ElStatus (*resize_tensor)(ElContext* ctx, int32_t tensor, int32_t rank, const int32_t* dims);
  ElStatus (*mark_dynamic)(ElContext* ctx, int32_t tensor);
  /* Adds a scratch tensor living only while the current node runs (call in init or the first prepare). */
  ElStatus (*add_temporary)(ElContext* ctx, int32_t type, int32_t* tensor);
  /* Leaves a message for the caller; returns EL_STATUS_ERROR so that `return api->report_error(...)` works. */
  ElStatus (*report_error)(ElContext* ctx, const char* message);
  int32_t (*num_threads)(ElContext* ctx);
  /* Runs task over [0, n) split into chunks of at least `grain` on the interpreter's threads. */
  void (*parallel_for)(ElContext* ctx, int64_t n, int64_t grain, ElParallelTask task, void* arg);
  int32_t (*cancelled)(ElContext* ctx);
  /* The node's own CPU kernel (delegates that run some nodes as the core would, tests). prepare also
   * computes a node whose inputs are all constant when its kernel allows (shape chains, as the CPU path
   * folds them): its outputs are then constants with host data, and it needs no eval. */
  ElStatus (*prepare_node_on_cpu)(ElContext* ctx, int32_t node);
  ElStatus (*eval_node_on_cpu)(ElContext* ctx, int32_t node);
  /* Device memory. A delegate marks a tensor it produced as living in `buffer` (its own handle); with
   * host_stale the host copy is out of date and the core calls the delegate's copy_to_host before any
   * CPU node, the caller or another delegate reads it. A later partition of the same delegate reads the
   * buffer directly (no copy). Clearing: buffer null. */
  ElStatus (*set_device_buffer)(ElContext* ctx, int32_t tensor, void* buffer, int32_t host_stale);
  /* Makes the host copy of a tensor current (calls the owner's copy_to_host when stale). */
  ElStatus (*ensure_host)(ElContext* ctx, int32_t tensor);
  /* Gives a tensor host memory of its own (a tensor inside a partition that the delegate computes on the
   * host); after prepare_node_on_cpu set its shape. */
  ElStatus (*allocate_host)(ElContext* ctx, int32_t tensor);
} ElContextApi;

/* ---- Custom-operator kernels ---- */

typedef struct ElCustomKernel {
  const char* name;        /* custom code in the model, e.g. "FlexEinsum" */
  int32_t min_version, max_version;
  /* All may be null except eval. init returns the node's user data (null is allowed); on failure it
   * reports an error and sets *status. */
  void* (*init)(const ElContextApi* api, ElContext* ctx, const ElNodeInfo* node, ElStatus* status);
  void (*free)(void* user_data);
  ElStatus (*prepare)(const ElContextApi* api, ElContext* ctx, const ElNodeInfo* node, void* user_data);
  ElStatus (*eval)(const ElContextApi* api, ElContext* ctx, const ElNodeInfo* node, void* user_data);
} ElCustomKernel;

/* Given to a library's registration function: adds one kernel (the struct must outlive the library). */
typedef void (*ElAddCustomKernel)(void* registry, const ElCustomKernel* kernel);

/* Exported by custom-operator libraries under this name, or under a name given as a registerer. Returns
 * EL_STATUS_OK, or reports in `error` (error_size bytes, NUL-terminated). */
typedef ElStatus (*ElRegisterCustomOpsFn)(uint32_t abi_version, ElAddCustomKernel add, void* registry,
                                          char* error, size_t error_size);
#define EDGELITE_REGISTER_CUSTOM_OPS_SYMBOL "edgelite_register_custom_ops"

/* ---- Builtin-operator kernels ----
 * A custom-operator library may also serve builtin operators the core does not run itself (the select-ops
 * library serves those of interpreter/plugin_ops.h). It then also exports the function below; the core
 * calls it, when present, right after the custom registration. The kernel's `name` is the schema name
 * ("CONV_3D"); its options are the operator's builtin options, read from ElNodeInfo.op_table. */
typedef void (*ElAddBuiltinKernel)(void* registry, int32_t builtin_code, const ElCustomKernel* kernel);
typedef ElStatus (*ElRegisterBuiltinOpsFn)(uint32_t abi_version, ElAddBuiltinKernel add, void* registry,
                                           char* error, size_t error_size);
#define EDGELITE_REGISTER_BUILTIN_OPS_SYMBOL "edgelite_register_builtin_ops"

/* ---- Delegates ---- */

typedef struct ElPartitionInfo {
  int32_t num_nodes;
  const int32_t* nodes;    /* node indices in execution order */
  int32_t num_inputs;
  const int32_t* inputs;   /* tensors read by the partition and produced outside it (constants included) */
  int32_t num_outputs;
  const int32_t* outputs;  /* tensors produced inside and read outside */
} ElPartitionInfo;

typedef struct ElDelegatePlugin {
  uint32_t abi_version;
  const char* name;        /* "opencl" */
  void* state;             /* the delegate's own, passed back to every hook */
  /* Whether the delegate runs `node`; when not, it may write why into `why` (why_size bytes). Asked
   * once per node before partitioning. */
  int32_t (*supports_node)(void* state, const ElContextApi* api, ElContext* ctx, const ElNodeInfo* node,
                           char* why, size_t why_size);
  /* Creates the kernel for one partition. EL_STATUS_UNSUPPORTED declines it (the nodes stay on the CPU,
   * the reason is reported); any other failure fails the delegation. */
  ElStatus (*create_kernel)(void* state, const ElContextApi* api, ElContext* ctx,
                            const ElPartitionInfo* partition, void** kernel);
  /* Prepare runs at every allocate (after a resize too): set output shapes, compile, upload weights. */
  ElStatus (*prepare_kernel)(void* state, void* kernel, const ElContextApi* api, ElContext* ctx);
  ElStatus (*eval_kernel)(void* state, void* kernel, const ElContextApi* api, ElContext* ctx);
  void (*free_kernel)(void* state, void* kernel);
  /* Device memory hooks (null when the delegate never sets device buffers). */
  ElStatus (*copy_to_host)(void* state, void* buffer, void* dst, size_t bytes, char* error, size_t error_size);
  /* Free-form facts for tools and tests ("partitions", "device", "cache"): a NUL-terminated string owned by
   * the delegate, valid until the next call; null for an unknown key. */
  const char* (*query)(void* state, const char* key);
  void (*destroy)(void* state);
} ElDelegatePlugin;

/* Exported by delegate libraries: creates a delegate from string options (keys[i] = values[i]). On
 * failure returns null and writes a message into `error`. */
typedef ElDelegatePlugin* (*ElDelegateCreateFn)(uint32_t abi_version, const char* const* keys,
                                                const char* const* values, size_t num_options, char* error,
                                                size_t error_size);
#define EDGELITE_DELEGATE_CREATE_SYMBOL "edgelite_delegate_create"

#ifdef __cplusplus
}
#endif

#endif /* EDGELITE_PLUGIN_API_H_ */
