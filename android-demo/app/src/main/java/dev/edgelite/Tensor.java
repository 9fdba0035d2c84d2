/* One input or output tensor of an Interpreter (or of one of its signatures): type, shape, size, name and
 * quantization, read from the native tensor on each call, so they follow resizes; and the copies in and out. */
package dev.edgelite;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/** A tensor owned by an {@link Interpreter}; valid until the interpreter is closed. */
public final class Tensor {
  /** Affine quantization of a tensor: real = scale * (quantized - zeroPoint); scale 0 when not quantized. */
  public static final class QuantizationParams {
    private final float scale;
    private final int zeroPoint;

    public QuantizationParams(float scale, int zeroPoint) {
      this.scale = scale;
      this.zeroPoint = zeroPoint;
    }

    public float getScale() {
      return scale;
    }

    public int getZeroPoint() {
      return zeroPoint;
    }
  }

  private final Interpreter owner;
  private final long handle;

  Tensor(Interpreter owner, long handle) {
    this.owner = owner;
    this.handle = handle;
  }

  private long live() {
    owner.nativeHandle(); // throws once the interpreter is closed
    return handle;
  }

  public DataType dataType() {
    return DataType.fromCode(NativeBridge.tensorType(live()));
  }

  public int numDimensions() {
    return shape().length;
  }

  public int[] shape() {
    return NativeBridge.tensorShape(live());
  }

  public int numElements() {
    return JavaData.elementCount(shape());
  }

  public int numBytes() {
    return (int) NativeBridge.tensorByteSize(live());
  }

  public String name() {
    return NativeBridge.tensorName(live());
  }

  public QuantizationParams quantizationParams() {
    long h = live();
    return new QuantizationParams(NativeBridge.tensorScale(h), NativeBridge.tensorZeroPoint(h));
  }

  /** The tensor's memory, read-only and in native order; valid until the next allocation or resize. */
  public ByteBuffer asReadOnlyBuffer() {
    ByteBuffer data = NativeBridge.tensorData(live());
    if (data == null) throw new IllegalStateException("tensor '" + name() + "' has no memory yet: allocate tensors first");
    return data.asReadOnlyBuffer().order(ByteOrder.nativeOrder());
  }

  /** The shape an array input asks for when it differs from the tensor's (buffers never resize). */
  int[] inputShapeIfDifferent(Object input) {
    if (input == null || JavaData.isBuffer(input)) return null;
    JavaData.typeOf(input); // refuses values that cannot be tensor data before anything is resized
    int[] wanted = JavaData.shapeOf(input);
    return Arrays.equals(wanted, shape()) ? null : wanted;
  }

  /** Copies a value in: the whole of a buffer (as LiteRT reads one), or an array or scalar of the tensor's shape. */
  void setTo(Object input) {
    if (input == null) throw new IllegalArgumentException("null input for tensor '" + name() + "'");
    long interpreter = owner.nativeHandle();
    DataType type = dataType();
    if (input instanceof Buffer) {
      Buffer buffer = (Buffer) input;
      int elementSize = bufferElementSize(buffer, type);
      if (buffer.isDirect()) {
        NativeBridge.copyFromBuffer(interpreter, handle, buffer, elementSize, 0, buffer.capacity());
      } else if (buffer.hasArray()) {
        NativeBridge.copyFromArray(interpreter, handle, buffer.array(), elementSize, buffer.arrayOffset(), buffer.capacity());
      } else { // a read-only heap buffer: no array to read, so copy it once
        ByteBuffer copy = ByteBuffer.allocateDirect(buffer.capacity() * elementSize).order(ByteOrder.nativeOrder());
        copyWhole(buffer, copy);
        NativeBridge.copyFromBuffer(interpreter, handle, copy, 1, 0, copy.capacity());
      }
      return;
    }
    DataType javaType = checkArrayType(input, type);
    int count = JavaData.elementCount(JavaData.shapeOf(input));
    Object flat = JavaData.flatten(input, javaType, count);
    NativeBridge.copyFromArray(interpreter, handle, flat, javaType.byteSize(), 0, count);
  }

  /** Copies the tensor out: into a buffer at its position (which then moves past the bytes written, as a put does),
   *  or into an array of the tensor's shape. */
  void copyTo(Object output) {
    if (output == null) throw new IllegalArgumentException("null output for tensor '" + name() + "'");
    long interpreter = owner.nativeHandle();
    DataType type = dataType();
    int bytes = numBytes();
    if (output instanceof Buffer) {
      Buffer buffer = (Buffer) output;
      if (buffer.isReadOnly()) throw new IllegalArgumentException("the output buffer for tensor '" + name() + "' is read-only");
      int elementSize = bufferElementSize(buffer, type);
      // Exactly the tensor's bytes when they fit; otherwise what remains, so the C API reports the size mismatch.
      int count = Math.min(buffer.remaining(), bytes / elementSize);
      int position = buffer.position();
      if (buffer.isDirect()) {
        NativeBridge.copyToBuffer(interpreter, handle, buffer, elementSize, position, count);
      } else {
        NativeBridge.copyToArray(interpreter, handle, buffer.array(), elementSize, buffer.arrayOffset() + position, count);
      }
      buffer.position(position + count);
      return;
    }
    if (JavaData.isScalar(output)) {
      throw new IllegalArgumentException("an output must be an array or a Buffer, not a " + output.getClass().getSimpleName());
    }
    DataType javaType = checkArrayType(output, type);
    int[] shape = JavaData.shapeOf(output);
    int count = JavaData.elementCount(shape);
    if ((long) count * javaType.byteSize() == bytes && !Arrays.equals(shape, shape())) {
      throw new IllegalArgumentException("cannot copy tensor '" + name() + "' of shape " + Arrays.toString(shape())
          + " into a Java array of shape " + Arrays.toString(shape));
    }
    Object flat = output.getClass().getComponentType().isPrimitive() ? output
        : java.lang.reflect.Array.newInstance(JavaData.primitiveOf(javaType), count);
    NativeBridge.copyToArray(interpreter, handle, flat, javaType.byteSize(), 0, count);
    JavaData.unflatten(flat, output);
  }

  private DataType checkArrayType(Object value, DataType tensorType) {
    DataType javaType = JavaData.typeOf(value);
    if (!JavaData.compatible(javaType, tensorType)) {
      throw new IllegalArgumentException("tensor '" + name() + "' has type " + tensorType + ", but the Java value is a "
          + value.getClass().getSimpleName() + " (" + javaType + ")");
    }
    return javaType;
  }

  private int bufferElementSize(Buffer buffer, DataType tensorType) {
    DataType javaType = JavaData.typeOf(buffer);
    if (javaType == null) return 1; // a ByteBuffer carries the raw bytes of any type
    if (javaType != tensorType) {
      throw new IllegalArgumentException("tensor '" + name() + "' has type " + tensorType + ", but the buffer is a "
          + buffer.getClass().getSimpleName() + " (" + javaType + ")");
    }
    return javaType.byteSize();
  }

  private static void copyWhole(Buffer from, ByteBuffer to) {
    if (from instanceof ByteBuffer) {
      to.put((ByteBuffer) ((ByteBuffer) from).duplicate().clear());
    } else if (from instanceof java.nio.FloatBuffer) {
      to.asFloatBuffer().put((java.nio.FloatBuffer) ((java.nio.FloatBuffer) from).duplicate().clear());
    } else if (from instanceof java.nio.IntBuffer) {
      to.asIntBuffer().put((java.nio.IntBuffer) ((java.nio.IntBuffer) from).duplicate().clear());
    } else if (from instanceof java.nio.LongBuffer) {
      to.asLongBuffer().put((java.nio.LongBuffer) ((java.nio.LongBuffer) from).duplicate().clear());
    } else if (from instanceof java.nio.ShortBuffer) {
      to.asShortBuffer().put((java.nio.ShortBuffer) ((java.nio.ShortBuffer) from).duplicate().clear());
    } else {
      to.asDoubleBuffer().put((java.nio.DoubleBuffer) ((java.nio.DoubleBuffer) from).duplicate().clear());
    }
    to.clear();
  }
}
