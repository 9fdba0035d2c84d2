/* One signature of an Interpreter: its input and output names, resizing, allocation and invoke through the
 * C API's signature runner; Interpreter.runSignature drives it. */
package dev.edgelite;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

final class SignatureRunner {
  private final Interpreter owner;
  private long handle;
  final String key;
  final String[] inputNames;
  final String[] outputNames;
  private final Map<String, Tensor> inputs = new HashMap<>();
  private final Map<String, Tensor> outputs = new HashMap<>();
  private boolean needsAllocation = true;

  SignatureRunner(Interpreter owner, String key) {
    this.owner = owner;
    this.key = key;
    handle = NativeBridge.signatureRunner(owner.nativeHandle(), key);
    inputNames = NativeBridge.signatureInputNames(handle);
    outputNames = NativeBridge.signatureOutputNames(handle);
  }

  Tensor input(String name) {
    Tensor t = inputs.get(name);
    if (t == null) {
      t = new Tensor(owner, NativeBridge.signatureInputTensor(owner.nativeHandle(), handle, name));
      inputs.put(name, t);
    }
    return t;
  }

  Tensor output(String name) {
    Tensor t = outputs.get(name);
    if (t == null) {
      t = new Tensor(owner, NativeBridge.signatureOutputTensor(owner.nativeHandle(), handle, name));
      outputs.put(name, t);
    }
    return t;
  }

  void run(Map<String, Object> inputValues, Map<String, Object> outputValues) {
    if (inputValues == null || inputValues.isEmpty()) {
      throw new IllegalArgumentException("signature '" + key + "': inputs must not be null or empty");
    }
    if (outputValues == null) throw new IllegalArgumentException("signature '" + key + "': outputs must not be null");
    long interpreter = owner.nativeHandle();
    for (Map.Entry<String, Object> e : inputValues.entrySet()) {
      int[] shape = input(e.getKey()).inputShapeIfDifferent(e.getValue());
      if (shape != null) {
        NativeBridge.signatureResizeInput(interpreter, handle, e.getKey(), shape);
        needsAllocation = true;
      }
    }
    if (needsAllocation) {
      NativeBridge.signatureAllocateTensors(interpreter, handle);
      needsAllocation = false;
    }
    for (Map.Entry<String, Object> e : inputValues.entrySet()) input(e.getKey()).setTo(e.getValue());
    long start = System.nanoTime();
    NativeBridge.signatureInvoke(interpreter, handle);
    owner.recordInference(System.nanoTime() - start);
    for (Map.Entry<String, Object> e : outputValues.entrySet()) output(e.getKey()).copyTo(e.getValue());
  }

  /** The runner's allocation is stale once the interpreter's own tensors are resized or allocated. */
  void invalidate() {
    needsAllocation = true;
  }

  void close() {
    if (handle != 0) {
      NativeBridge.deleteSignatureRunner(handle);
      handle = 0;
    }
  }

  @Override
  public String toString() {
    return "signature '" + key + "' inputs " + Arrays.toString(inputNames) + " outputs " + Arrays.toString(outputNames);
  }
}
