/* The Java API's interpreter, shaped like LiteRT's org.tensorflow.lite.Interpreter: a model from a file or a
 * buffer, options, run / runForMultipleInputsOutputs with arrays or buffers (array inputs of a new shape resize
 * the model, as in LiteRT), tensors by index, resizing, signatures; all through the C API (NativeBridge). */
package dev.edgelite;

import java.io.File;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs a .tflite model. Not thread-safe: use one interpreter from one thread at a time. */
public class Interpreter implements AutoCloseable {
  /** Settings applied when the interpreter is created. */
  public static class Options {
    private int numThreads = -1;
    private final List<Delegate> delegates = new ArrayList<>();
    private final List<String> customOpLibraries = new ArrayList<>();

    /** Threads for the kernels: >= 1, or -1 (the default) for the library's choice. */
    public Options setNumThreads(int numThreads) {
      this.numThreads = numThreads;
      return this;
    }

    public int getNumThreads() {
      return numThreads;
    }

    /** A delegate to apply (in the order added); it must stay open while the interpreter lives. */
    public Options addDelegate(Delegate delegate) {
      if (delegate == null) throw new IllegalArgumentException("the delegate is null");
      delegates.add(delegate);
      return this;
    }

    public List<Delegate> getDelegates() {
      return Collections.unmodifiableList(delegates);
    }

    /** A custom-operator library (edgelite's plugin ABI), loaded when the interpreter is created. */
    public Options addCustomOpLibrary(String path) {
      if (path == null) throw new IllegalArgumentException("the custom-op library path is null");
      customOpLibraries.add(path);
      return this;
    }
  }

  private long model;
  private long options;
  private long handle;
  private final Tensor[] inputs;
  private final Tensor[] outputs;
  private final Map<String, SignatureRunner> runners = new HashMap<>();
  private boolean needsAllocation = true;
  private Long lastInferenceNanos;

  public Interpreter(File modelFile) {
    this(modelFile, null);
  }

  public Interpreter(File modelFile, Options options) {
    this(loadModel(modelFile), options);
  }

  /** From the model's bytes: the whole buffer, direct or not; it is copied, so the caller may reuse it. */
  public Interpreter(ByteBuffer byteBuffer) {
    this(byteBuffer, null);
  }

  public Interpreter(ByteBuffer byteBuffer, Options options) {
    this(loadModel(byteBuffer), options);
  }

  private Interpreter(long model, Options opts) {
    this.model = model;
    try {
      if (opts == null) opts = new Options();
      long[] delegateHandles = new long[opts.delegates.size()];
      for (int i = 0; i < delegateHandles.length; i++) delegateHandles[i] = opts.delegates.get(i).getNativeHandle();
      options = NativeBridge.createOptions(opts.numThreads, delegateHandles,
          opts.customOpLibraries.toArray(new String[0]));
      handle = NativeBridge.createInterpreter(model, options);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    inputs = new Tensor[NativeBridge.inputCount(handle)];
    outputs = new Tensor[NativeBridge.outputCount(handle)];
  }

  private static long loadModel(File file) {
    if (file == null) throw new IllegalArgumentException("the model file is null");
    return NativeBridge.modelFromFile(file.getPath());
  }

  private static long loadModel(ByteBuffer buffer) {
    if (buffer == null) throw new IllegalArgumentException("the model buffer is null");
    if (buffer.isDirect()) return NativeBridge.modelFromBuffer(buffer, buffer.capacity());
    if (buffer.hasArray()) return NativeBridge.modelFromBytes(buffer.array(), buffer.arrayOffset(), buffer.capacity());
    byte[] bytes = new byte[buffer.capacity()];
    ((ByteBuffer) buffer.duplicate().clear()).get(bytes);
    return NativeBridge.modelFromBytes(bytes, 0, bytes.length);
  }

  /** The native library's version ("0.x.y"). */
  public static String version() {
    return NativeBridge.version();
  }

  long nativeHandle() {
    if (handle == 0) throw new IllegalStateException("the Interpreter has been closed");
    return handle;
  }

  void recordInference(long nanos) {
    lastInferenceNanos = nanos;
  }

  /** One input, one output. */
  public void run(Object input, Object output) {
    Map<Integer, Object> outputMap = new HashMap<>();
    outputMap.put(0, output);
    runForMultipleInputsOutputs(new Object[] {input}, outputMap);
  }

  /**
   * Inputs in the model's input order; outputs by output index (only those wanted). Array inputs whose shape
   * differs from the input tensor's resize it first; buffers are copied as they are.
   */
  public void runForMultipleInputsOutputs(Object[] inputValues, Map<Integer, Object> outputValues) {
    long h = nativeHandle();
    if (inputValues == null || inputValues.length == 0) {
      throw new IllegalArgumentException("inputs must not be null or empty");
    }
    if (outputValues == null) throw new IllegalArgumentException("outputs must not be null");
    if (inputValues.length != inputs.length) {
      throw new IllegalArgumentException("the model has " + inputs.length + " inputs, but " + inputValues.length + " were given");
    }
    for (int i = 0; i < inputValues.length; i++) {
      int[] shape = getInputTensor(i).inputShapeIfDifferent(inputValues[i]);
      if (shape != null) resizeInput(i, shape);
    }
    if (needsAllocation) allocateTensors();
    for (int i = 0; i < inputValues.length; i++) getInputTensor(i).setTo(inputValues[i]);
    long start = System.nanoTime();
    NativeBridge.invoke(h);
    lastInferenceNanos = System.nanoTime() - start;
    for (Map.Entry<Integer, Object> e : outputValues.entrySet()) {
      if (e.getKey() == null) throw new IllegalArgumentException("an output index is null");
      getOutputTensor(e.getKey()).copyTo(e.getValue());
    }
  }

  public void allocateTensors() {
    NativeBridge.allocateTensors(nativeHandle());
    needsAllocation = false;
    for (SignatureRunner r : runners.values()) r.invalidate();
  }

  /** A new shape for input `index`; tensors are allocated again before the next run. */
  public void resizeInput(int index, int[] dims) {
    long h = nativeHandle();
    if (dims == null) throw new IllegalArgumentException("the new shape is null");
    if (Arrays.equals(getInputTensor(index).shape(), dims)) return;
    NativeBridge.resizeInput(h, index, dims);
    needsAllocation = true;
    for (SignatureRunner r : runners.values()) r.invalidate();
  }

  public int getInputTensorCount() {
    nativeHandle();
    return inputs.length;
  }

  public int getOutputTensorCount() {
    nativeHandle();
    return outputs.length;
  }

  public Tensor getInputTensor(int index) {
    long h = nativeHandle();
    if (index >= 0 && index < inputs.length && inputs[index] != null) return inputs[index];
    Tensor t = new Tensor(this, NativeBridge.inputTensor(h, index)); // the C API refuses an index out of range
    inputs[index] = t;
    return t;
  }

  public Tensor getOutputTensor(int index) {
    long h = nativeHandle();
    if (index >= 0 && index < outputs.length && outputs[index] != null) return outputs[index];
    Tensor t = new Tensor(this, NativeBridge.outputTensor(h, index));
    outputs[index] = t;
    return t;
  }

  /** The index of the input whose tensor has this name. */
  public int getInputIndex(String tensorName) {
    for (int i = 0; i < getInputTensorCount(); i++) {
      if (getInputTensor(i).name().equals(tensorName)) return i;
    }
    throw new IllegalArgumentException("no input tensor named '" + tensorName + "'");
  }

  public int getOutputIndex(String tensorName) {
    for (int i = 0; i < getOutputTensorCount(); i++) {
      if (getOutputTensor(i).name().equals(tensorName)) return i;
    }
    throw new IllegalArgumentException("no output tensor named '" + tensorName + "'");
  }

  /** Wall time of the last run's invoke, in nanoseconds; null before the first run. */
  public Long getLastNativeInferenceDurationNanoseconds() {
    nativeHandle();
    return lastInferenceNanos;
  }

  public String[] getSignatureKeys() {
    return NativeBridge.signatureKeys(nativeHandle());
  }

  public String[] getSignatureInputs(String key) {
    return runner(key).inputNames.clone();
  }

  public String[] getSignatureOutputs(String key) {
    return runner(key).outputNames.clone();
  }

  public Tensor getInputTensorFromSignature(String inputName, String key) {
    return runner(key).input(inputName);
  }

  public Tensor getOutputTensorFromSignature(String outputName, String key) {
    return runner(key).output(outputName);
  }

  /** Runs signature `key` with inputs and outputs by the signature's names. */
  public void runSignature(Map<String, Object> inputValues, Map<String, Object> outputValues, String key) {
    SignatureRunner r = runner(key);
    r.run(inputValues, outputValues);
    needsAllocation = true; // the signature call may have resized the interpreter's tensors
  }

  /** Runs the model's only signature. */
  public void runSignature(Map<String, Object> inputValues, Map<String, Object> outputValues) {
    runSignature(inputValues, outputValues, null);
  }

  private SignatureRunner runner(String key) {
    nativeHandle();
    String mapKey = key == null ? "" : key;
    SignatureRunner r = runners.get(mapKey);
    if (r == null) {
      r = new SignatureRunner(this, key);
      runners.put(mapKey, r);
    }
    return r;
  }

  /** Frees the native interpreter and model; safe to call twice. Tensors from it are unusable after. */
  @Override
  public void close() {
    for (SignatureRunner r : runners.values()) r.close();
    runners.clear();
    if (handle != 0) NativeBridge.deleteInterpreter(handle);
    handle = 0;
    if (options != 0) NativeBridge.deleteOptions(options);
    options = 0;
    if (model != 0) NativeBridge.deleteModel(model);
    model = 0;
  }

  @Override
  public String toString() {
    if (handle == 0) return "Interpreter(closed)";
    Map<String, String> io = new LinkedHashMap<>();
    for (int i = 0; i < inputs.length; i++) io.put("input " + i, Arrays.toString(getInputTensor(i).shape()));
    for (int i = 0; i < outputs.length; i++) io.put("output " + i, Arrays.toString(getOutputTensor(i).shape()));
    return "Interpreter" + io;
  }
}
