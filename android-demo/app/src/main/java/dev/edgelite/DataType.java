/* The element types of edgelite tensors, as the Java API names them (LiteRT's names), with the C API's codes. */
package dev.edgelite;

/** Element type of a {@link Tensor}: the .tflite TensorType values that edgelite runs. */
public enum DataType {
  FLOAT32(0, 4),
  FLOAT16(1, 2),
  INT32(2, 4),
  UINT8(3, 1),
  INT64(4, 8),
  /** Variable-length strings: not readable or writable through this API yet. */
  STRING(5, -1),
  BOOL(6, 1),
  INT16(7, 2),
  COMPLEX64(8, 8),
  INT8(9, 1),
  FLOAT64(10, 8),
  /** A resource handle (variables): never an input or output a caller fills. */
  RESOURCE(13, -1),
  /** Unsigned 32-bit (SELECT / SELECT_V2 values): no Java array type, so ByteBuffers only. */
  UINT32(15, 4),
  /** The low-precision types, through ByteBuffers: INT4, INT2 and UINT4 hold one value a byte. */
  INT4(17, 1),
  BFLOAT16(18, 2),
  INT2(19, 1),
  UINT4(20, 1),
  FLOAT8_E4M3FN(21, 1),
  FLOAT8_E5M2(22, 1);

  private final int code;
  private final int byteSize;

  DataType(int code, int byteSize) {
    this.code = code;
    this.byteSize = byteSize;
  }

  /** Bytes per element, or -1 for types without a fixed size (STRING, RESOURCE). */
  public int byteSize() {
    return byteSize;
  }

  /** The C API's ElcType value (the .tflite schema's TensorType). */
  int code() {
    return code;
  }

  static DataType fromCode(int code) {
    for (DataType t : values()) {
      if (t.code == code) return t;
    }
    throw new IllegalArgumentException("unknown tensor type code " + code + " from the native library");
  }
}
