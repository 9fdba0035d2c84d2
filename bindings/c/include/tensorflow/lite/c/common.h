/* edgelite's LiteRT compatibility header: the parts of LiteRT's common.h that programs using the C API
 * need: the types (c_api_types.h) and TfLiteTypeGetName. LiteRT's kernel and delegate structures
 * (TfLiteContext, TfLiteNode, TfLiteRegistration, the TfLiteTensor fields) are not provided: edgelite's
 * kernels and delegates have their own interface (interpreter/plugin_api.h). */
#ifndef TENSORFLOW_LITE_C_COMMON_H_
#define TENSORFLOW_LITE_C_COMMON_H_

#include "tensorflow/lite/core/c/c_api_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The type's name without the prefix ("FLOAT32", "INT8", ...); "Unknown type" for others. */
TFL_CAPI_EXPORT extern const char* TfLiteTypeGetName(TfLiteType type);

#ifdef __cplusplus
}
#endif

#endif /* TENSORFLOW_LITE_C_COMMON_H_ */
