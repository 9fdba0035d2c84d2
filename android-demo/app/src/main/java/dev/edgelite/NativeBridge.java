/* The JNI entry points (app/src/main/cpp/edgelite_jni.c), one per C API call the Java API needs. Handles are
 * the C API's pointers as longs; every call that can fail throws (IllegalArgumentException for bad input,
 * IllegalStateException for a call out of order) with the C API's message. */
package dev.edgelite;

import java.nio.Buffer;
import java.nio.ByteBuffer;

final class NativeBridge {
  private NativeBridge() {}

  /** System property naming the JNI library's path, for hosts without it on java.library.path. */
  static final String LIBRARY_PROPERTY = "dev.edgelite.jni.library";

  static {
    String path = System.getProperty(LIBRARY_PROPERTY);
    if (path != null && !path.isEmpty()) {
      System.load(path);
    } else {
      System.loadLibrary("edgelite_jni");
    }
  }

  static native String version();

  static native long modelFromFile(String path);
  /** From a direct buffer's first `size` bytes (the C API copies them). */
  static native long modelFromBuffer(ByteBuffer direct, long size);
  static native long modelFromBytes(byte[] data, int offset, int size);
  static native void deleteModel(long model);

  static native long createOptions(int numThreads, long[] delegates, String[] customOpLibraries);
  static native void deleteOptions(long options);
  static native long createDelegate(String library, String[] keys, String[] values);
  static native void deleteDelegate(long delegate);

  static native long createInterpreter(long model, long options);
  static native void deleteInterpreter(long interpreter);
  static native void allocateTensors(long interpreter);
  static native void invoke(long interpreter);
  static native void cancel(long interpreter);
  static native int inputCount(long interpreter);
  static native int outputCount(long interpreter);
  static native long inputTensor(long interpreter, int index);
  static native long outputTensor(long interpreter, int index);
  static native void resizeInput(long interpreter, int index, int[] dims);

  static native int tensorType(long tensor);
  static native int[] tensorShape(long tensor);
  static native long tensorByteSize(long tensor);
  static native String tensorName(long tensor);
  static native float tensorScale(long tensor);
  static native int tensorZeroPoint(long tensor);
  /** The tensor's memory as a direct buffer (null before allocation). */
  static native ByteBuffer tensorData(long tensor);

  /* Copies: elements [offset, offset + count) of a direct buffer or a primitive array, `elementSize` bytes each.
   * The native side checks the range against the buffer or array; the C API checks the byte count. */
  static native void copyFromBuffer(long interpreter, long tensor, Buffer direct, int elementSize, int offset, int count);
  static native void copyFromArray(long interpreter, long tensor, Object array, int elementSize, int offset, int count);
  static native void copyToBuffer(long interpreter, long tensor, Buffer direct, int elementSize, int offset, int count);
  static native void copyToArray(long interpreter, long tensor, Object array, int elementSize, int offset, int count);

  static native String[] signatureKeys(long interpreter);
  static native long signatureRunner(long interpreter, String key);
  static native void deleteSignatureRunner(long runner);
  static native String[] signatureInputNames(long runner);
  static native String[] signatureOutputNames(long runner);
  static native void signatureResizeInput(long interpreter, long runner, String name, int[] dims);
  static native void signatureAllocateTensors(long interpreter, long runner);
  static native long signatureInputTensor(long interpreter, long runner, String name);
  static native long signatureOutputTensor(long interpreter, long runner, String name);
  static native void signatureInvoke(long interpreter, long runner);
}
