/* A delegate library (the OpenCL GPU delegate, or a plugin by path) with its string options, for
 * Interpreter.Options.addDelegate. */
package dev.edgelite;

import java.util.Collections;
import java.util.Map;

/**
 * A delegate: {@code new Delegate("opencl", options)} for edgelite's OpenCL delegate ("precision", "device",
 * "cache_dir", ...), or a path to a delegate plugin library. Close it after every interpreter that uses it.
 */
public final class Delegate implements AutoCloseable {
  private long handle;

  public Delegate(String library) {
    this(library, Collections.<String, String>emptyMap());
  }

  public Delegate(String library, Map<String, String> options) {
    if (library == null) throw new IllegalArgumentException("the delegate library is null");
    if (options == null) options = Collections.emptyMap();
    String[] keys = new String[options.size()];
    String[] values = new String[options.size()];
    int i = 0;
    for (Map.Entry<String, String> e : options.entrySet()) {
      if (e.getKey() == null || e.getValue() == null) {
        throw new IllegalArgumentException("delegate option " + e.getKey() + " has a null key or value");
      }
      keys[i] = e.getKey();
      values[i] = e.getValue();
      i++;
    }
    handle = NativeBridge.createDelegate(library, keys, values);
  }

  /** The C API's ElcDelegate pointer. */
  public long getNativeHandle() {
    if (handle == 0) throw new IllegalStateException("the Delegate has been closed");
    return handle;
  }

  @Override
  public void close() {
    if (handle != 0) {
      NativeBridge.deleteDelegate(handle);
      handle = 0;
    }
  }
}
