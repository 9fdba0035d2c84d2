/* edgelite C API: load a .tflite model, run it, read and write tensors, from C (NDK apps, Swift, Rust,
 * game engines) and from the JNI glue of the Java API. Every function that can fail returns an
 * ElcStatus and never aborts; the message of the last failure on an object is retrievable as a string.
 * Objects are opaque; each *Create has its *Delete. An interpreter is used from one thread at a time
 * (ElcInterpreterCancel is the exception: any thread, any time): a call from a second thread while another
 * is inside it (allocate, invoke, resize, tensor copies, signature calls) returns ELC_NOT_READY and changes
 * nothing, the last error included. Delete an interpreter only once no call on it is running (cancel and wait).
 *
 * LiteRT's own C API names (TfLiteModelCreate, TfLiteInterpreterInvoke, ...) are declared by the
 * compatibility headers tensorflow/lite/c/c_api.h and tensorflow/lite/c/common.h beside this one, over
 * the same library (libedgelite_c.so). */
#ifndef EDGELITE_C_API_H_
#define EDGELITE_C_API_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define ELC_EXPORT __attribute__((visibility("default")))
#else
#define ELC_EXPORT
#endif

typedef enum ElcStatus {
  ELC_OK = 0,
  ELC_INVALID_ARGUMENT = 1, /* a bad index, size, type, shape or option */
  ELC_INVALID_MODEL = 2,    /* the file is corrupt or inconsistent */
  ELC_UNSUPPORTED = 3,      /* a valid model uses something this build cannot run */
  ELC_NOT_READY = 4,        /* a call out of order (invoke before allocate, ...) */
  ELC_CANCELLED = 5,        /* ElcInterpreterCancel stopped an invoke */
  ELC_INTERNAL = 6
} ElcStatus;

/* Tensor types: the values of the .tflite TensorType enum. */
typedef enum ElcType {
  ELC_FLOAT32 = 0, ELC_FLOAT16 = 1, ELC_INT32 = 2, ELC_UINT8 = 3, ELC_INT64 = 4, ELC_STRING = 5,
  ELC_BOOL = 6, ELC_INT16 = 7, ELC_COMPLEX64 = 8, ELC_INT8 = 9, ELC_FLOAT64 = 10, ELC_RESOURCE = 13,
  ELC_UINT32 = 15, ELC_INT4 = 17, ELC_BFLOAT16 = 18, ELC_INT2 = 19, ELC_UINT4 = 20, ELC_FLOAT8_E4M3FN = 21,
  ELC_FLOAT8_E5M2 = 22 /* INT4 / UINT4 / INT2 tensors hold one value a byte (int8 / uint8) */
} ElcType;

typedef struct ElcModel ElcModel;
typedef struct ElcOptions ElcOptions;
typedef struct ElcInterpreter ElcInterpreter;
typedef struct ElcDelegate ElcDelegate;
typedef struct ElcTensor ElcTensor;           /* owned by its interpreter; valid until it is deleted */
typedef struct ElcSignatureRunner ElcSignatureRunner;

/* The library's version, "0.x.y". */
ELC_EXPORT const char* ElcVersion(void);
/* A message for a failed *Create that returned null (per thread). */
ELC_EXPORT const char* ElcLastCreateError(void);

/* ---- Model ---- */
/* From a file (mapped) or from bytes (copied, so the caller may free them). Null on failure. */
ELC_EXPORT ElcModel* ElcModelCreateFromFile(const char* path);
ELC_EXPORT ElcModel* ElcModelCreate(const void* data, size_t size);
ELC_EXPORT void ElcModelDelete(ElcModel* model);

/* ---- Options ---- */
ELC_EXPORT ElcOptions* ElcOptionsCreate(void);
ELC_EXPORT void ElcOptionsDelete(ElcOptions* options);
ELC_EXPORT ElcStatus ElcOptionsSetNumThreads(ElcOptions* options, int32_t num_threads); /* >= 1, or -1 */
/* The most memory (bytes, >= 1) the interpreter's tensors may take together; beyond it allocate (or invoke, for
   an output sized at run time) fails with ELC_UNSUPPORTED. Default: three quarters of physical memory. */
ELC_EXPORT ElcStatus ElcOptionsSetMaxArenaBytes(ElcOptions* options, uint64_t max_arena_bytes);
/* A delegate library (a path, or "opencl") with string options; applied at ElcInterpreterCreate. */
ELC_EXPORT ElcDelegate* ElcDelegateCreate(const char* library, const char* const* keys, const char* const* values,
                                          size_t num_options);
ELC_EXPORT void ElcDelegateDelete(ElcDelegate* delegate); /* after every interpreter using it */
ELC_EXPORT ElcStatus ElcOptionsAddDelegate(ElcOptions* options, ElcDelegate* delegate);
/* A custom-op library (plugin ABI, interpreter/plugin_api.h); symbol null for edgelite_register_custom_ops. */
ELC_EXPORT ElcStatus ElcOptionsAddCustomOpLibrary(ElcOptions* options, const char* path, const char* symbol);
/* The options' own last error (a bad thread count, ...). */
ELC_EXPORT const char* ElcOptionsLastError(const ElcOptions* options);

/* ---- Interpreter ---- */
/* Builds the interpreter (options may be null). The model must outlive it. Null on failure. */
ELC_EXPORT ElcInterpreter* ElcInterpreterCreate(const ElcModel* model, const ElcOptions* options);
ELC_EXPORT void ElcInterpreterDelete(ElcInterpreter* interpreter);
ELC_EXPORT ElcStatus ElcInterpreterAllocateTensors(ElcInterpreter* interpreter);
ELC_EXPORT ElcStatus ElcInterpreterInvoke(ElcInterpreter* interpreter);
ELC_EXPORT void ElcInterpreterCancel(ElcInterpreter* interpreter);
/* The message of this interpreter's last failed call ("" when none). Valid until the next call on it. */
ELC_EXPORT const char* ElcInterpreterLastError(const ElcInterpreter* interpreter);

ELC_EXPORT int32_t ElcInterpreterInputCount(const ElcInterpreter* interpreter);
ELC_EXPORT int32_t ElcInterpreterOutputCount(const ElcInterpreter* interpreter);
/* Null for an index out of range (the interpreter's last error says so). */
ELC_EXPORT ElcTensor* ElcInterpreterInputTensor(ElcInterpreter* interpreter, int32_t index);
ELC_EXPORT const ElcTensor* ElcInterpreterOutputTensor(ElcInterpreter* interpreter, int32_t index);
/* Changes input `index`'s shape; allocate again before invoke. */
ELC_EXPORT ElcStatus ElcInterpreterResizeInput(ElcInterpreter* interpreter, int32_t index, const int32_t* dims,
                                               int32_t rank);

/* ---- Tensors ---- */
ELC_EXPORT ElcType ElcTensorType(const ElcTensor* tensor);
ELC_EXPORT int32_t ElcTensorNumDims(const ElcTensor* tensor);
ELC_EXPORT int32_t ElcTensorDim(const ElcTensor* tensor, int32_t dim); /* -1 out of range */
ELC_EXPORT size_t ElcTensorByteSize(const ElcTensor* tensor);
ELC_EXPORT const char* ElcTensorName(const ElcTensor* tensor);
/* Per-tensor quantization (scale 0 when not quantized); per-channel: the counts and arrays. */
ELC_EXPORT float ElcTensorScale(const ElcTensor* tensor);
ELC_EXPORT int32_t ElcTensorZeroPoint(const ElcTensor* tensor);
ELC_EXPORT int32_t ElcTensorNumScales(const ElcTensor* tensor);
ELC_EXPORT const float* ElcTensorScales(const ElcTensor* tensor);
ELC_EXPORT const int64_t* ElcTensorZeroPoints(const ElcTensor* tensor);
ELC_EXPORT int32_t ElcTensorQuantizedDimension(const ElcTensor* tensor);
/* Copies exactly ElcTensorByteSize bytes in or out (the same checks as Python's set_tensor / get_tensor:
 * not a constant, allocated, size equal). Errors go to the owning interpreter's last error.
 * A string tensor (ELC_STRING) takes and gives a whole .tflite string buffer (int32 count, int32 offsets[count+1]
 * from the buffer's start, then the bytes), of any size: copying in checks the buffer and sets the byte size;
 * ElcTensorByteSize is 0 until the tensor holds one. */
ELC_EXPORT ElcStatus ElcTensorCopyFromBuffer(ElcTensor* tensor, const void* data, size_t size);
ELC_EXPORT ElcStatus ElcTensorCopyToBuffer(const ElcTensor* tensor, void* data, size_t size);
/* The tensor's memory (null before allocate); valid until the next allocate or resize. */
ELC_EXPORT void* ElcTensorData(const ElcTensor* tensor);

/* ---- Signatures ---- */
ELC_EXPORT int32_t ElcInterpreterSignatureCount(const ElcInterpreter* interpreter);
ELC_EXPORT const char* ElcInterpreterSignatureKey(const ElcInterpreter* interpreter, int32_t index);
/* Null when there is no such signature (last error says which exist); key null for the only one. */
ELC_EXPORT ElcSignatureRunner* ElcInterpreterGetSignatureRunner(ElcInterpreter* interpreter, const char* key);
ELC_EXPORT void ElcSignatureRunnerDelete(ElcSignatureRunner* runner);
ELC_EXPORT int32_t ElcSignatureRunnerInputCount(const ElcSignatureRunner* runner);
ELC_EXPORT const char* ElcSignatureRunnerInputName(const ElcSignatureRunner* runner, int32_t index);
ELC_EXPORT int32_t ElcSignatureRunnerOutputCount(const ElcSignatureRunner* runner);
ELC_EXPORT const char* ElcSignatureRunnerOutputName(const ElcSignatureRunner* runner, int32_t index);
ELC_EXPORT ElcStatus ElcSignatureRunnerResizeInput(ElcSignatureRunner* runner, const char* name, const int32_t* dims,
                                                   int32_t rank);
ELC_EXPORT ElcStatus ElcSignatureRunnerAllocateTensors(ElcSignatureRunner* runner);
ELC_EXPORT ElcTensor* ElcSignatureRunnerInputTensor(ElcSignatureRunner* runner, const char* name);
ELC_EXPORT const ElcTensor* ElcSignatureRunnerOutputTensor(ElcSignatureRunner* runner, const char* name);
ELC_EXPORT ElcStatus ElcSignatureRunnerInvoke(ElcSignatureRunner* runner);

#ifdef __cplusplus
}
#endif

#endif /* EDGELITE_C_API_H_ */
