/* The Java API on the committed models: every way of passing inputs and outputs (arrays of any rank, direct and
 * heap buffers, typed buffers), several inputs and outputs, resizing, signatures and tensor details, each
 * compared with the outputs LiteRT recorded (float within 1e-4 relative, quantized models bit for bit). */
package dev.edgelite.hosttest;

import dev.edgelite.DataType;
import dev.edgelite.Delegate;
import dev.edgelite.Interpreter;
import dev.edgelite.Tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

public final class InterpreterTest {
  private static final double TOLERANCE = 1e-4;

  public void testMobileNetV2FromFileWithArrays() throws Exception {
    TestData.Recorded in = TestData.load("mobilenet_v2.input_0");
    TestData.Recorded out = TestData.load("mobilenet_v2.output_0");
    try (Interpreter interp = new Interpreter(TestData.model("tf/mobilenet_v2.tflite"))) {
      float[][][][] input = (float[][][][]) TestData.nested(in.floats(), in.shape);
      float[][] output = new float[1][1000];
      interp.run(input, output);
      Check.close(out.floats(), (float[]) TestData.flat(output, float.class, 1000), TOLERANCE, "mobilenet_v2 output");
      Check.isTrue(interp.getLastNativeInferenceDurationNanoseconds() > 0, "inference duration recorded");
    }
  }

  public void testMobileNetV2TensorDetails() throws Exception {
    try (Interpreter interp = new Interpreter(TestData.model("tf/mobilenet_v2.tflite"))) {
      Check.equal(1, interp.getInputTensorCount(), "inputs");
      Check.equal(1, interp.getOutputTensorCount(), "outputs");
      Tensor in = interp.getInputTensor(0);
      Check.equal(new int[] {1, 224, 224, 3}, in.shape(), "input shape");
      Check.equal(DataType.FLOAT32, in.dataType(), "input type");
      Check.equal(4, in.numDimensions(), "rank");
      Check.equal(224 * 224 * 3, in.numElements(), "elements");
      Check.equal(224 * 224 * 3 * 4, in.numBytes(), "bytes");
      Check.equal("serving_default_input:0", in.name(), "input name");
      Check.equal(0f, in.quantizationParams().getScale(), "float tensor scale");
      Check.equal(0, interp.getInputIndex("serving_default_input:0"), "input index by name");
      Tensor out = interp.getOutputTensor(0);
      Check.equal(new int[] {1, 1000}, out.shape(), "output shape");
      Check.equal(0, interp.getOutputIndex(out.name()), "output index by name");
      Check.equal(4, DataType.FLOAT32.byteSize(), "FLOAT32 byte size");
      Check.isTrue(Interpreter.version().matches("\\d+\\.\\d+\\.\\d+.*"), "version " + Interpreter.version());
    }
  }

  public void testMobileNetV2FromDirectBufferWithBuffers() throws Exception {
    byte[] model = TestData.readAll(TestData.model("tf/mobilenet_v2.tflite"));
    ByteBuffer modelBuffer = ByteBuffer.allocateDirect(model.length).order(ByteOrder.nativeOrder());
    modelBuffer.put(model); // position left at the end: the whole buffer is the model, as in LiteRT
    TestData.Recorded in = TestData.load("mobilenet_v2.input_0");
    float[] expected = TestData.load("mobilenet_v2.output_0").floats();
    Interpreter.Options options = new Interpreter.Options().setNumThreads(2);
    try (Interpreter interp = new Interpreter(modelBuffer, options)) {
      ByteBuffer input = in.directBuffer();
      input.position(input.capacity()); // an input buffer is read whole, wherever its position is
      ByteBuffer output = ByteBuffer.allocateDirect(4000).order(ByteOrder.nativeOrder());
      interp.run(input, output);
      Check.equal(4000, output.position(), "the output buffer's position moves past what was written");
      output.rewind();
      float[] got = new float[1000];
      output.asFloatBuffer().get(got);
      Check.close(expected, got, TOLERANCE, "direct buffers, 2 threads");

      FloatBuffer typed = FloatBuffer.allocate(1000); // a heap FloatBuffer for the output
      interp.run(input, typed);
      Check.close(expected, typed.array(), TOLERANCE, "heap FloatBuffer output");
    }
  }

  public void testMobileNetV2FromHeapBuffer() throws Exception {
    ByteBuffer model = ByteBuffer.wrap(TestData.readAll(TestData.model("tf/mobilenet_v2.tflite")));
    TestData.Recorded in = TestData.load("mobilenet_v2.input_0");
    try (Interpreter interp = new Interpreter(model)) {
      float[][] output = new float[1][1000];
      interp.run(FloatBuffer.wrap(in.floats()), output);
      Check.close(TestData.load("mobilenet_v2.output_0").floats(), output[0], TOLERANCE, "heap buffers");
    }
  }

  public void testInt8MobileNetV2FloatIo() throws Exception {
    TestData.Recorded in = TestData.load("mobilenet_v2_int8.input_0");
    TestData.Recorded out = TestData.load("mobilenet_v2_int8.output_0");
    try (Interpreter interp = new Interpreter(TestData.model("tf_quant/mobilenet_v2_int8.tflite"))) {
      for (int s = 0; s < in.shape[0]; s++) {
        TestData.Recorded x = in.sample(s);
        float[][] y = new float[1][1000];
        interp.run(TestData.nested(x.floats(), x.shape), y);
        float[] expected = out.sample(s).floats();
        for (int i = 0; i < 1000; i++) {
          if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(y[0][i])) {
            throw new AssertionError("sample " + s + " output " + i + ": " + y[0][i] + ", LiteRT's reference kernels " + expected[i]);
          }
        }
      }
    }
  }

  public void testInt8IoMobileNetWithByteArrays() throws Exception {
    TestData.Recorded in = TestData.load("mobilenet_v2_035_96_int8io.input_0");
    TestData.Recorded out = TestData.load("mobilenet_v2_035_96_int8io.output_0");
    try (Interpreter interp = new Interpreter(TestData.model("tf_quant/mobilenet_v2_035_96_int8io.tflite"))) {
      Tensor input = interp.getInputTensor(0);
      Check.equal(DataType.INT8, input.dataType(), "input type");
      Check.equal(1, input.numBytes() / input.numElements(), "int8 element size");
      Tensor.QuantizationParams q = input.quantizationParams();
      Check.isTrue(Math.abs(q.getScale() - 0.007843137718737125) < 1e-9, "input scale " + q.getScale());
      Check.equal(-1, q.getZeroPoint(), "input zero point");
      Check.equal(DataType.INT8, interp.getOutputTensor(0).dataType(), "output type");
      for (int s = 0; s < in.shape[0]; s++) {
        TestData.Recorded x = in.sample(s);
        byte[][][][] bytes = (byte[][][][]) TestData.nested(x.bytesArray(), x.shape);
        byte[][] y = new byte[1][out.shape[2]];
        interp.run(bytes, y);
        Check.same(out.sample(s).bytesArray(), y[0], "int8 output, sample " + s);
      }
    }
  }

  public void testSeveralInputsAndOutputs() throws Exception {
    try (Interpreter interp = new Interpreter(TestData.model("tf/ops_elementwise.tflite"))) {
      Object[] inputs = new Object[3];
      for (int i = 0; i < 3; i++) {
        TestData.Recorded r = TestData.load("ops_elementwise.input_" + i);
        inputs[i] = i == 1 ? r.directBuffer() : TestData.nested(r.floats(), r.shape);
      }
      int n = interp.getOutputTensorCount();
      Check.equal(12, n, "outputs");
      Map<Integer, Object> outputs = new HashMap<>();
      for (int k = 0; k < n; k++) outputs.put(k, new float[interp.getOutputTensor(k).numElements()]);
      // Rank-1 arrays for multi-dimensional outputs have the same bytes but not the shape: refused by name.
      IllegalArgumentException e = Check.raises(IllegalArgumentException.class,
          () -> interp.runForMultipleInputsOutputs(inputs, outputs), "flat output arrays");
      Check.mentions(e, "shape", "flat output arrays");
      for (int k = 0; k < n; k++) {
        int[] shape = interp.getOutputTensor(k).shape();
        outputs.put(k, TestData.nested(new float[interp.getOutputTensor(k).numElements()], shape));
      }
      interp.runForMultipleInputsOutputs(inputs, outputs);
      for (int k = 0; k < n; k++) {
        TestData.Recorded expected = TestData.load("ops_elementwise.output_" + k);
        float[] got = (float[]) TestData.flat(outputs.get(k), float.class, expected.floats().length);
        Check.close(expected.floats(), got, TOLERANCE, "ops_elementwise output " + k);
      }
      Map<Integer, Object> one = new HashMap<>(); // only the outputs wanted
      float[][][][] third = new float[1][6][6][8];
      one.put(3, third);
      interp.runForMultipleInputsOutputs(inputs, one);
      Check.close(TestData.load("ops_elementwise.output_3").floats(), (float[]) TestData.flat(third, float.class, 288),
          TOLERANCE, "output 3 alone");
    }
  }

  public void testArrayInputOfANewShapeResizes() throws Exception {
    TestData.Recorded in = TestData.load("transformer_block_dynamic_batch.input_0");
    float[] expected = TestData.load("transformer_block_dynamic_batch.output_0").floats();
    try (Interpreter interp = new Interpreter(TestData.model("tf/transformer_block_dynamic_batch.tflite"))) {
      Check.equal(1, interp.getInputTensor(0).shape()[0], "batch before");
      float[][][] x = (float[][][]) TestData.nested(in.floats(), in.shape);
      float[][][] y = new float[2][16][64];
      interp.run(x, y);
      Check.equal(new int[] {2, 16, 64}, interp.getInputTensor(0).shape(), "input resized to the array's shape");
      Check.equal(new int[] {2, 16, 64}, interp.getOutputTensor(0).shape(), "output follows");
      Check.close(expected, (float[]) TestData.flat(y, float.class, expected.length), TOLERANCE, "batch 2");

      // Explicit resize to batch 1, then the first sample alone.
      interp.resizeInput(0, new int[] {1, 16, 64});
      interp.allocateTensors();
      float[][][] y1 = new float[1][16][64];
      interp.run(new float[][][] {x[0]}, y1);
      float[] first = java.util.Arrays.copyOf(expected, 16 * 64);
      Check.close(first, (float[]) TestData.flat(y1, float.class, first.length), TOLERANCE, "batch 1 after resizeInput");
    }
  }

  public void testRunSignature() throws Exception {
    TestData.Recorded in = TestData.load("transformer_block_dynamic_batch.input_0");
    float[] expected = TestData.load("transformer_block_dynamic_batch.output_0").floats();
    try (Interpreter interp = new Interpreter(TestData.model("tf/transformer_block_dynamic_batch.tflite"))) {
      Check.equal("[serving_default]", java.util.Arrays.toString(interp.getSignatureKeys()), "signature keys");
      Check.equal("[tokens]", java.util.Arrays.toString(interp.getSignatureInputs("serving_default")), "inputs");
      Check.equal("[output_0]", java.util.Arrays.toString(interp.getSignatureOutputs("serving_default")), "outputs");
      Map<String, Object> inputs = new HashMap<>();
      inputs.put("tokens", TestData.nested(in.floats(), in.shape));
      Map<String, Object> outputs = new HashMap<>();
      float[][][] y = new float[2][16][64];
      outputs.put("output_0", y);
      interp.runSignature(inputs, outputs, "serving_default");
      Check.close(expected, (float[]) TestData.flat(y, float.class, expected.length), TOLERANCE, "signature run");
      Check.equal(new int[] {2, 16, 64}, interp.getOutputTensorFromSignature("output_0", "serving_default").shape(),
          "signature output shape");
      float[][][] again = new float[2][16][64];
      outputs.put("output_0", again);
      interp.runSignature(inputs, outputs); // the only signature, without its key
      Check.close(expected, (float[]) TestData.flat(again, float.class, expected.length), TOLERANCE, "default signature");
    }
  }

  public void testTensorReadOnlyBuffer() throws Exception {
    TestData.Recorded in = TestData.load("mobilenet_v2.input_0");
    try (Interpreter interp = new Interpreter(TestData.model("tf/mobilenet_v2.tflite"))) {
      float[][] output = new float[1][1000];
      interp.run(in.directBuffer(), output);
      ByteBuffer view = interp.getOutputTensor(0).asReadOnlyBuffer();
      Check.isTrue(view.isReadOnly(), "read-only");
      Check.equal(4000, view.capacity(), "view size");
      float[] viewed = new float[1000];
      view.asFloatBuffer().get(viewed);
      Check.close(output[0], viewed, 0, "the view holds the output");
    }
  }

  public void testWithADelegate() throws Exception {
    // The CPU test delegate (libedgelite_test_plugins.so) takes the convolutions and additions and runs them
    // with the core's kernels: a delegated graph through Options.addDelegate gives the same outputs.
    TestData.Recorded in = TestData.load("mobilenet_v2.input_0");
    Map<String, String> options = new HashMap<>();
    options.put("ops", "CONV_2D,DEPTHWISE_CONV_2D,ADD");
    try (Delegate delegate = new Delegate(TestData.testPluginLibrary(), options)) {
      Interpreter.Options o = new Interpreter.Options().addDelegate(delegate);
      try (Interpreter interp = new Interpreter(TestData.model("tf/mobilenet_v2.tflite"), o)) {
        float[][] output = new float[1][1000];
        interp.run(in.directBuffer(), output);
        Check.close(TestData.load("mobilenet_v2.output_0").floats(), output[0], TOLERANCE, "delegated mobilenet_v2");
      }
    }
  }
}
