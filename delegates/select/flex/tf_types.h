// TensorFlow's DataType enum (tensorflow/core/framework/types.proto) and its mapping to the .tflite
// TensorType of the tensors the kernels read, with the names both sides print.
#pragma once

#include <cstdint>

namespace edgelite::select {

// TF DataType values (the non-reference ones; a reference type is its value + 100).
enum TfDataType : int32_t {
  kTfInvalid = 0, kTfFloat = 1, kTfDouble = 2, kTfInt32 = 3, kTfUint8 = 4, kTfInt16 = 5, kTfInt8 = 6,
  kTfString = 7, kTfComplex64 = 8, kTfInt64 = 9, kTfBool = 10, kTfQint8 = 11, kTfQuint8 = 12,
  kTfQint32 = 13, kTfBfloat16 = 14, kTfQint16 = 15, kTfQuint16 = 16, kTfUint16 = 17,
  kTfComplex128 = 18, kTfHalf = 19, kTfResource = 20, kTfVariant = 21, kTfUint32 = 22, kTfUint64 = 23,
  kTfInt4 = 29, kTfUint4 = 30,
};

// .tflite TensorType values (schema/edgelite.fbs), as ElTensorInfo.type carries them.
enum LiteType : int32_t {
  kLiteFloat32 = 0, kLiteFloat16 = 1, kLiteInt32 = 2, kLiteUint8 = 3, kLiteInt64 = 4, kLiteString = 5,
  kLiteBool = 6, kLiteInt16 = 7, kLiteComplex64 = 8, kLiteInt8 = 9, kLiteFloat64 = 10,
  kLiteComplex128 = 11, kLiteUint64 = 12, kLiteResource = 13, kLiteVariant = 14, kLiteUint32 = 15,
  kLiteUint16 = 16, kLiteInt4 = 17, kLiteBfloat16 = 18,
};

// The .tflite type holding a TF dtype's values, or -1 when .tflite has none (quantized qint types).
int32_t LiteTypeFromTf(int32_t tf_type);
const char* TfDataTypeName(int32_t tf_type);  // "float32", "int64", "DT_QINT8", "DataType 57"
const char* LiteTypeName(int32_t lite_type);
// Bytes per element of a .tflite type (0 for string, resource, variant and sub-byte types).
int LiteTypeSize(int32_t lite_type);

}  // namespace edgelite::select
