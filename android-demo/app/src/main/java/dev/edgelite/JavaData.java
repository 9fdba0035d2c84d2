/* Java values as tensor data: the element type and shape of primitive arrays of any rank, boxed scalars and
 * NIO buffers, and flattening them to (and filling them from) one primitive array in row-major order. */
package dev.edgelite;

import java.lang.reflect.Array;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.Arrays;

final class JavaData {
  private JavaData() {}

  static boolean isBuffer(Object o) {
    return o instanceof Buffer;
  }

  /** The element type a value holds; null for a ByteBuffer, which carries raw bytes of any type. */
  static DataType typeOf(Object o) {
    if (o instanceof ByteBuffer) return null;
    if (o instanceof FloatBuffer) return DataType.FLOAT32;
    if (o instanceof IntBuffer) return DataType.INT32;
    if (o instanceof LongBuffer) return DataType.INT64;
    if (o instanceof ShortBuffer) return DataType.INT16;
    if (o instanceof DoubleBuffer) return DataType.FLOAT64;
    if (o instanceof Buffer) throw new IllegalArgumentException(
        "a " + o.getClass().getSimpleName() + " cannot hold tensor data: use a ByteBuffer or a Float/Int/Long/Short/DoubleBuffer");
    if (o instanceof Float) return DataType.FLOAT32;
    if (o instanceof Integer) return DataType.INT32;
    if (o instanceof Long) return DataType.INT64;
    if (o instanceof Byte) return DataType.UINT8;
    if (o instanceof Short) return DataType.INT16;
    if (o instanceof Boolean) return DataType.BOOL;
    if (o instanceof Double) return DataType.FLOAT64;
    Class<?> c = o.getClass();
    while (c.isArray()) c = c.getComponentType();
    if (c == float.class) return DataType.FLOAT32;
    if (c == int.class) return DataType.INT32;
    if (c == long.class) return DataType.INT64;
    if (c == byte.class) return DataType.UINT8;
    if (c == short.class) return DataType.INT16;
    if (c == boolean.class) return DataType.BOOL;
    if (c == double.class) return DataType.FLOAT64;
    if (c == String.class) throw new IllegalArgumentException("string tensors are not supported by the Java API yet");
    throw new IllegalArgumentException("a " + o.getClass().getName()
        + " cannot hold tensor data: use a primitive array of any rank (float[][]..., not Float[]), a boxed scalar or a Buffer");
  }

  /** Whether a Java element type can fill a tensor of type `tensor`: byte arrays carry uint8 or int8 alike. */
  static boolean compatible(DataType java, DataType tensor) {
    return java == tensor || (java == DataType.UINT8 && tensor == DataType.INT8);
  }

  static boolean isScalar(Object o) {
    return !o.getClass().isArray() && !(o instanceof Buffer);
  }

  /** The shape of a rectangular array (a scalar has shape []); ragged or null sub-arrays are refused. */
  static int[] shapeOf(Object o) {
    int rank = 0;
    for (Class<?> c = o.getClass(); c.isArray(); c = c.getComponentType()) rank++;
    int[] shape = new int[rank];
    Object level = o;
    for (int d = 0; d < rank; d++) {
      shape[d] = Array.getLength(level);
      if (d + 1 < rank) {
        if (shape[d] == 0) break; // an empty array: the deeper sizes are unknown and do not matter
        level = Array.get(level, 0);
        if (level == null) throw new IllegalArgumentException("the array holds a null sub-array at depth " + (d + 1));
      }
    }
    checkRectangular(o, shape, 0);
    return shape;
  }

  private static void checkRectangular(Object o, int[] shape, int depth) {
    if (o == null) throw new IllegalArgumentException("the array holds a null sub-array at depth " + depth);
    int n = Array.getLength(o);
    if (n != shape[depth]) {
      throw new IllegalArgumentException("the array is ragged: a sub-array at depth " + depth + " has " + n
          + " elements where the first has " + shape[depth] + " (shape " + Arrays.toString(shape) + ")");
    }
    if (depth + 1 < shape.length) {
      for (int i = 0; i < n; i++) checkRectangular(Array.get(o, i), shape, depth + 1);
    }
  }

  static int elementCount(int[] shape) {
    long n = 1;
    for (int d : shape) n *= d;
    if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("too many elements: " + Arrays.toString(shape));
    return (int) n;
  }

  /** The primitive array class of one element type, as the native side reads it. */
  static Class<?> primitiveOf(DataType t) {
    switch (t) {
      case FLOAT32: return float.class;
      case INT32: return int.class;
      case INT64: return long.class;
      case UINT8: case INT8: return byte.class;
      case INT16: return short.class;
      case BOOL: return boolean.class;
      case FLOAT64: return double.class;
      default: throw new IllegalArgumentException("tensors of type " + t + " have no Java array type; use a ByteBuffer");
    }
  }

  /** The values of an array of any rank (or a boxed scalar) as one primitive array; a rank-1 array as it is. */
  static Object flatten(Object o, DataType javaType, int count) {
    Class<?> element = primitiveOf(javaType);
    if (isScalar(o)) {
      Object flat = Array.newInstance(element, 1);
      Array.set(flat, 0, o);
      return flat;
    }
    if (o.getClass().getComponentType() == element) return o;
    Object flat = Array.newInstance(element, count);
    int filled = copyOut(o, flat, 0);
    if (filled != count) throw new IllegalStateException("flattened " + filled + " of " + count + " elements");
    return flat;
  }

  private static int copyOut(Object src, Object flat, int at) {
    if (src.getClass().getComponentType().isPrimitive()) {
      int n = Array.getLength(src);
      System.arraycopy(src, 0, flat, at, n);
      return at + n;
    }
    for (Object sub : (Object[]) src) at = copyOut(sub, flat, at);
    return at;
  }

  /** Fills an array of any rank from a flat primitive array in row-major order. */
  static void unflatten(Object flat, Object dst) {
    if (flat == dst) return;
    copyIn(flat, dst, 0);
  }

  private static int copyIn(Object flat, Object dst, int at) {
    if (dst.getClass().getComponentType().isPrimitive()) {
      int n = Array.getLength(dst);
      System.arraycopy(flat, at, dst, 0, n);
      return at + n;
    }
    for (Object sub : (Object[]) dst) at = copyIn(flat, sub, at);
    return at;
  }
}
