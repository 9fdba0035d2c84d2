/* edgelite's LiteRT compatibility header: the types of LiteRT's C API (status codes, tensor types,
 * quantization parameters, opaque handles), written from LiteRT's documentation so that a C program
 * written for LiteRT builds unchanged against libedgelite_c.so. The values are LiteRT's. */
#ifndef TENSORFLOW_LITE_CORE_C_C_API_TYPES_H_
#define TENSORFLOW_LITE_CORE_C_C_API_TYPES_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef TFL_CAPI_EXPORT
#if defined(__GNUC__)
#define TFL_CAPI_EXPORT __attribute__((visibility("default")))
#else
#define TFL_CAPI_EXPORT
#endif
#endif

/* Results of the API's calls. Programs should treat any value but kTfLiteOk as a failure. */
typedef enum TfLiteStatus {
  kTfLiteOk = 0,
  kTfLiteError = 1,
  kTfLiteDelegateError = 2,
  kTfLiteApplicationError = 3,
  kTfLiteDelegateDataNotFound = 4,
  kTfLiteDelegateDataWriteError = 5,
  kTfLiteDelegateDataReadError = 6,
  kTfLiteUnresolvedOps = 7, /* the model has operators this build has no kernel for */
  kTfLiteCancelled = 8,     /* TfLiteInterpreterCancel stopped an invoke */
  kTfLiteOutputShapeNotKnown = 9
} TfLiteStatus;

/* Element types. Note: these numbers are the C API's own, not the .tflite schema's (edgelite's ElcType). */
typedef enum {
  kTfLiteNoType = 0,
  kTfLiteFloat32 = 1,
  kTfLiteInt32 = 2,
  kTfLiteUInt8 = 3,
  kTfLiteInt64 = 4,
  kTfLiteString = 5,
  kTfLiteBool = 6,
  kTfLiteInt16 = 7,
  kTfLiteComplex64 = 8,
  kTfLiteInt8 = 9,
  kTfLiteFloat16 = 10,
  kTfLiteFloat64 = 11,
  kTfLiteComplex128 = 12,
  kTfLiteUInt64 = 13,
  kTfLiteResource = 14,
  kTfLiteVariant = 15,
  kTfLiteUInt32 = 16,
  kTfLiteUInt16 = 17,
  kTfLiteInt4 = 18,
  kTfLiteBFloat16 = 19
} TfLiteType;

/* Per-tensor affine quantization: real = scale * (quantized - zero_point). Both 0 for a tensor that is
 * not quantized, and for per-channel tensors (as LiteRT's legacy parameters). */
typedef struct TfLiteQuantizationParams {
  float scale;
  int32_t zero_point;
} TfLiteQuantizationParams;

/* Opaque handles. The tensor's fields are not exposed by edgelite: use the TfLiteTensor* accessors. */
typedef struct TfLiteTensor TfLiteTensor;
typedef struct TfLiteDelegate TfLiteDelegate;
typedef struct TfLiteOpaqueDelegateStruct TfLiteOpaqueDelegateStruct;
typedef TfLiteDelegate TfLiteOpaqueDelegate;

#ifdef __cplusplus
}
#endif

#endif /* TENSORFLOW_LITE_CORE_C_C_API_TYPES_H_ */
