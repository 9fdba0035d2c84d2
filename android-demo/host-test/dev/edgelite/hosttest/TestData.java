/* The committed models and their recorded inputs and outputs, as host_test_data.py wrote them: raw
 * little-endian files with a shape line (dtype then dimensions) beside each. */
package dev.edgelite.hosttest;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;

final class TestData {
  private TestData() {}

  static File model(String relative) {
    File f = new File(System.getProperty("edgelite.test.models"), relative);
    if (!f.isFile()) throw new IllegalStateException("missing model " + f);
    return f;
  }

  /** edgelite's test plugins (the CPU test delegate), from the C API's library folder. */
  static String testPluginLibrary() {
    File f = new File(System.getProperty("edgelite.test.libdir"), "libedgelite_test_plugins.so");
    if (!f.isFile()) throw new IllegalStateException("missing " + f);
    return f.getPath();
  }

  static File dataDir() {
    return new File(System.getProperty("edgelite.test.data"));
  }

  /** A recorded array: dtype, shape and its bytes in native order. */
  static final class Recorded {
    final String dtype;
    final int[] shape;
    final ByteBuffer bytes;

    Recorded(String dtype, int[] shape, ByteBuffer bytes) {
      this.dtype = dtype;
      this.shape = shape;
      this.bytes = bytes;
    }

    float[] floats() {
      float[] out = new float[bytes.capacity() / 4];
      ((ByteBuffer) bytes.duplicate().clear()).order(ByteOrder.nativeOrder()).asFloatBuffer().get(out);
      return out;
    }

    byte[] bytesArray() {
      byte[] out = new byte[bytes.capacity()];
      ((ByteBuffer) bytes.duplicate().clear()).get(out);
      return out;
    }

    /** Sample `i` of a stack recorded as (samples, *shape). */
    Recorded sample(int i) {
      int[] inner = java.util.Arrays.copyOfRange(shape, 1, shape.length);
      int size = bytes.capacity() / shape[0];
      ByteBuffer slice = ((ByteBuffer) bytes.duplicate().position(i * size).limit((i + 1) * size)).slice();
      ByteBuffer copy = ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
      copy.put(slice).clear();
      return new Recorded(dtype, inner, copy);
    }

    /** A direct buffer copy in native order, position 0. */
    ByteBuffer directBuffer() {
      ByteBuffer copy = ByteBuffer.allocateDirect(bytes.capacity()).order(ByteOrder.nativeOrder());
      copy.put((ByteBuffer) bytes.duplicate().clear()).clear();
      return copy;
    }
  }

  static Recorded load(String stem) throws IOException {
    File dir = dataDir();
    String[] line = new String(Files.readAllBytes(new File(dir, stem + ".shape").toPath()), "UTF-8").trim().split(" ");
    int[] shape = new int[line.length - 1];
    for (int i = 0; i < shape.length; i++) shape[i] = Integer.parseInt(line[i + 1]);
    byte[] raw = Files.readAllBytes(new File(dir, stem + ".bin").toPath());
    ByteBuffer le = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer out = ByteBuffer.allocateDirect(raw.length).order(ByteOrder.nativeOrder());
    int width = line[0].equals("float32") || line[0].equals("int32") ? 4 : line[0].equals("int8") || line[0].equals("uint8") ? 1 : 0;
    if (width == 0) throw new IllegalStateException("unsupported recorded dtype " + line[0]);
    if (width == 4) {
      while (le.hasRemaining()) out.putInt(le.getInt());
    } else {
      out.put(le);
    }
    out.clear();
    return new Recorded(line[0], shape, out);
  }

  /** A nested primitive array of `shape` filled from `flat` in row-major order. */
  static Object nested(Object flat, int[] shape) {
    Object dst = Array.newInstance(flat.getClass().getComponentType(), shape);
    fill(flat, dst, 0);
    return dst;
  }

  private static int fill(Object flat, Object dst, int at) {
    if (dst.getClass().getComponentType().isPrimitive()) {
      int n = Array.getLength(dst);
      System.arraycopy(flat, at, dst, 0, n);
      return at + n;
    }
    for (Object sub : (Object[]) dst) at = fill(flat, sub, at);
    return at;
  }

  /** The values of a nested primitive array in row-major order. */
  static Object flat(Object nested, Class<?> element, int count) {
    Object out = Array.newInstance(element, count);
    int n = drain(nested, out, 0);
    if (n != count) throw new IllegalStateException("flattened " + n + " of " + count);
    return out;
  }

  private static int drain(Object src, Object out, int at) {
    if (src.getClass().getComponentType().isPrimitive()) {
      int n = Array.getLength(src);
      System.arraycopy(src, 0, out, at, n);
      return at + n;
    }
    for (Object sub : (Object[]) src) at = drain(sub, out, at);
    return at;
  }

  static byte[] readAll(File f) throws IOException {
    return Files.readAllBytes(f.toPath());
  }
}
