/* Bad input through the Java API: each is an exception with a message (the C API's where the C API decides),
 * never a crash; a closed interpreter refuses every use. */
package dev.edgelite.hosttest;

import dev.edgelite.Delegate;
import dev.edgelite.Interpreter;
import dev.edgelite.Tensor;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

public final class ErrorsTest {
  private static File mobilenet() {
    return TestData.model("tf/mobilenet_v2.tflite");
  }

  private static Map<Integer, Object> output(Object o) {
    Map<Integer, Object> m = new HashMap<>();
    m.put(0, o);
    return m;
  }

  public void testBadModels() throws Exception {
    Check.raises(IllegalArgumentException.class, () -> new Interpreter(new File("/nonexistent/model.tflite")), "missing file");
    ByteBuffer junk = ByteBuffer.wrap("this is not a flatbuffer at all".getBytes("UTF-8"));
    Check.raises(IllegalArgumentException.class, () -> new Interpreter(junk), "corrupt bytes");
    byte[] model = TestData.readAll(mobilenet());
    ByteBuffer cut = ByteBuffer.allocateDirect(model.length / 2);
    cut.put(model, 0, model.length / 2);
    Check.raises(IllegalArgumentException.class, () -> new Interpreter(cut), "truncated model");
    Check.raises(IllegalArgumentException.class, () -> new Interpreter((File) null), "null file");
  }

  public void testBadOptions() throws Exception {
    IllegalArgumentException e = Check.raises(IllegalArgumentException.class,
        () -> new Interpreter(mobilenet(), new Interpreter.Options().setNumThreads(0)), "0 threads");
    Check.mentions(e, "0", "the C API names the thread count");
    Check.raises(IllegalArgumentException.class, () -> new Delegate("/nonexistent/libno_delegate.so"), "missing delegate");
    Check.raises(IllegalArgumentException.class,
        () -> new Interpreter(mobilenet(), new Interpreter.Options().addCustomOpLibrary("/nonexistent/libops.so")),
        "missing custom-op library");
  }

  public void testWrongSizesAndTypes() throws Exception {
    try (Interpreter interp = new Interpreter(mobilenet())) {
      IllegalArgumentException e = Check.raises(IllegalArgumentException.class,
          () -> interp.run(ByteBuffer.allocateDirect(100).order(ByteOrder.nativeOrder()), new float[1][1000]),
          "input buffer of 100 bytes");
      Check.mentions(e, "100", "the C API's size message");
      Check.raises(IllegalArgumentException.class, () -> interp.run(new int[1][224][224][3], new float[1][1000]),
          "int array into a float tensor");
      Check.raises(IllegalArgumentException.class, () -> interp.run(new float[1][224][224][3], new int[1][1000]),
          "int array out of a float tensor");
      e = Check.raises(IllegalArgumentException.class, () -> interp.run(new float[1][224][224][3], new float[1][999]),
          "output array too small");
      Check.mentions(e, "3996", "the C API names the byte count");
      Check.raises(IllegalArgumentException.class,
          () -> interp.run(new float[1][224][224][3], ByteBuffer.allocateDirect(16)), "output buffer too small");
      Check.raises(IllegalArgumentException.class,
          () -> interp.run(new float[1][224][224][3], ByteBuffer.allocateDirect(4000).asReadOnlyBuffer()),
          "read-only output buffer");
      Check.raises(IllegalArgumentException.class,
          () -> interp.run(new float[][][][] {{{{1f, 2f, 3f}}, {{1f}}}}, new float[1][1000]), "ragged input");
      Check.raises(IllegalArgumentException.class, () -> interp.run(new Object(), new float[1][1000]), "an Object");
      Check.raises(IllegalArgumentException.class, () -> interp.run(new String[] {"x"}, new float[1][1000]), "strings");
      Check.raises(IllegalArgumentException.class, () -> interp.run(null, new float[1][1000]), "null input");
      Check.raises(IllegalArgumentException.class,
          () -> interp.runForMultipleInputsOutputs(new Object[0], output(new float[1][1000])), "no inputs");
      Check.raises(IllegalArgumentException.class,
          () -> interp.runForMultipleInputsOutputs(new Object[] {new float[1][224][224][3], new float[1]},
              output(new float[1][1000])), "two inputs for one");
      Map<Integer, Object> seventh = output(new float[1][1000]);
      seventh.put(7, new float[1][1000]);
      Check.raises(IllegalArgumentException.class,
          () -> interp.runForMultipleInputsOutputs(new Object[] {new float[1][224][224][3]}, seventh), "output index 7");
      // After every refusal the interpreter still runs.
      float[][] y = new float[1][1000];
      interp.run(new float[1][224][224][3], y);
    }
  }

  public void testIndexAndNameOutOfRange() throws Exception {
    try (Interpreter interp = new Interpreter(mobilenet())) {
      Check.raises(IllegalArgumentException.class, () -> interp.getInputTensor(5), "input 5");
      Check.raises(IllegalArgumentException.class, () -> interp.getInputTensor(-1), "input -1");
      Check.raises(IllegalArgumentException.class, () -> interp.getOutputTensor(1), "output 1");
      Check.raises(IllegalArgumentException.class, () -> interp.resizeInput(3, new int[] {1}), "resize input 3");
      Check.raises(IllegalArgumentException.class, () -> interp.getInputIndex("nope"), "input name");
      Check.raises(IllegalArgumentException.class, () -> interp.getSignatureInputs("nope"), "signature key");
      Check.raises(IllegalArgumentException.class,
          () -> interp.getInputTensorFromSignature("nope", "serving_default"), "signature input name");
      Check.raises(IllegalArgumentException.class, () -> {
        interp.resizeInput(0, new int[] {1, 224, 224, 5});
        interp.allocateTensors();
      }, "a shape the model cannot take");
    }
  }

  public void testClosedInterpreter() throws Exception {
    Interpreter interp = new Interpreter(mobilenet());
    Tensor input = interp.getInputTensor(0);
    interp.close();
    interp.close(); // twice is fine
    Check.raises(IllegalStateException.class, () -> interp.run(new float[1][224][224][3], new float[1][1000]), "run");
    Check.raises(IllegalStateException.class, () -> interp.getInputTensor(0), "getInputTensor");
    Check.raises(IllegalStateException.class, interp::allocateTensors, "allocateTensors");
    Check.raises(IllegalStateException.class, () -> interp.resizeInput(0, new int[] {2, 224, 224, 3}), "resizeInput");
    Check.raises(IllegalStateException.class, interp::getInputTensorCount, "getInputTensorCount");
    Check.raises(IllegalStateException.class, interp::getSignatureKeys, "getSignatureKeys");
    Check.raises(IllegalStateException.class, input::shape, "a tensor of a closed interpreter");
  }

  public void testClosedDelegate() throws Exception {
    Delegate d = new Delegate(TestData.testPluginLibrary());
    d.close();
    d.close(); // twice is fine
    Check.raises(IllegalStateException.class, () -> new Interpreter(mobilenet(), new Interpreter.Options().addDelegate(d)),
        "a closed delegate");
  }

  public void testDelegateOptionsReachThePlugin() throws Exception {
    Map<String, String> options = new HashMap<>();
    options.put("no_such_option", "1");
    IllegalArgumentException e = Check.raises(IllegalArgumentException.class,
        () -> new Delegate(TestData.testPluginLibrary(), options), "an option the delegate does not know");
    Check.mentions(e, "no_such_option", "the plugin's own message");
  }
}
