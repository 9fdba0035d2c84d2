// TF DataType <-> .tflite TensorType, as TensorFlow's own converter maps them (lite/delegates/flex/util.cc
// documents the same pairs); quantized TF types have no .tflite counterpart.
#include "delegates/select/flex/tf_types.h"

namespace edgelite::select {

int32_t LiteTypeFromTf(int32_t tf_type) {
  if (tf_type > 100) tf_type -= 100;  // reference types (DT_FLOAT_REF) hold the same values
  switch (tf_type) {
    case kTfFloat: return kLiteFloat32;
    case kTfDouble: return kLiteFloat64;
    case kTfInt32: return kLiteInt32;
    case kTfUint8: return kLiteUint8;
    case kTfInt16: return kLiteInt16;
    case kTfInt8: return kLiteInt8;
    case kTfString: return kLiteString;
    case kTfComplex64: return kLiteComplex64;
    case kTfInt64: return kLiteInt64;
    case kTfBool: return kLiteBool;
    case kTfBfloat16: return kLiteBfloat16;
    case kTfUint16: return kLiteUint16;
    case kTfComplex128: return kLiteComplex128;
    case kTfHalf: return kLiteFloat16;
    case kTfResource: return kLiteResource;
    case kTfVariant: return kLiteVariant;
    case kTfUint32: return kLiteUint32;
    case kTfUint64: return kLiteUint64;
    case kTfInt4: return kLiteInt4;
    default: return -1;
  }
}

const char* TfDataTypeName(int32_t tf_type) {
  switch (tf_type > 100 ? tf_type - 100 : tf_type) {
    case kTfInvalid: return "DT_INVALID";
    case kTfFloat: return "float32";
    case kTfDouble: return "float64";
    case kTfInt32: return "int32";
    case kTfUint8: return "uint8";
    case kTfInt16: return "int16";
    case kTfInt8: return "int8";
    case kTfString: return "string";
    case kTfComplex64: return "complex64";
    case kTfInt64: return "int64";
    case kTfBool: return "bool";
    case kTfQint8: return "DT_QINT8";
    case kTfQuint8: return "DT_QUINT8";
    case kTfQint32: return "DT_QINT32";
    case kTfBfloat16: return "bfloat16";
    case kTfQint16: return "DT_QINT16";
    case kTfQuint16: return "DT_QUINT16";
    case kTfUint16: return "uint16";
    case kTfComplex128: return "complex128";
    case kTfHalf: return "float16";
    case kTfResource: return "resource";
    case kTfVariant: return "variant";
    case kTfUint32: return "uint32";
    case kTfUint64: return "uint64";
    case kTfInt4: return "int4";
    case kTfUint4: return "uint4";
    default: return "unknown DataType";
  }
}

const char* LiteTypeName(int32_t lite_type) {
  switch (lite_type) {
    case kLiteFloat32: return "float32";
    case kLiteFloat16: return "float16";
    case kLiteInt32: return "int32";
    case kLiteUint8: return "uint8";
    case kLiteInt64: return "int64";
    case kLiteString: return "string";
    case kLiteBool: return "bool";
    case kLiteInt16: return "int16";
    case kLiteComplex64: return "complex64";
    case kLiteInt8: return "int8";
    case kLiteFloat64: return "float64";
    case kLiteComplex128: return "complex128";
    case kLiteUint64: return "uint64";
    case kLiteResource: return "resource";
    case kLiteVariant: return "variant";
    case kLiteUint32: return "uint32";
    case kLiteUint16: return "uint16";
    case kLiteInt4: return "int4";
    case kLiteBfloat16: return "bfloat16";
    default: return "unknown type";
  }
}

int LiteTypeSize(int32_t lite_type) {
  switch (lite_type) {
    case kLiteBool: case kLiteInt8: case kLiteUint8: return 1;
    case kLiteFloat16: case kLiteInt16: case kLiteUint16: case kLiteBfloat16: return 2;
    case kLiteFloat32: case kLiteInt32: case kLiteUint32: return 4;
    case kLiteInt64: case kLiteFloat64: case kLiteUint64: case kLiteComplex64: return 8;
    case kLiteComplex128: return 16;
    default: return 0;
  }
}

}  // namespace edgelite::select
