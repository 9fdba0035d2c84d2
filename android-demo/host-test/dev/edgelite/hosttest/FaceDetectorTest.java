/* The demo app's own pipeline (dev.edgelite.demo.FaceDetector) on its bundled picture: the pixels become the
 * input the Python API was given, the model's raw outputs match the Python API's within 1e-4 relative, and
 * the decoder finds the one face where it is in the picture. */
package dev.edgelite.hosttest;

import dev.edgelite.Interpreter;
import dev.edgelite.demo.FaceDetector;

import java.awt.image.BufferedImage;
import java.io.File;
import java.util.List;
import javax.imageio.ImageIO;

public final class FaceDetectorTest {
  /** The 128x128 ARGB pixels of the 256x256 picture by 2x2 box averaging, rounded (as host_test_data.py). */
  private static int[] pixels128() throws Exception {
    BufferedImage image = ImageIO.read(new File(System.getProperty("edgelite.test.picture")));
    Check.equal(256, image.getWidth(), "picture width");
    int[] out = new int[128 * 128];
    for (int y = 0; y < 128; y++) {
      for (int x = 0; x < 128; x++) {
        int r = 0, g = 0, b = 0;
        for (int dy = 0; dy < 2; dy++) {
          for (int dx = 0; dx < 2; dx++) {
            int p = image.getRGB(2 * x + dx, 2 * y + dy);
            r += (p >> 16) & 0xff;
            g += (p >> 8) & 0xff;
            b += p & 0xff;
          }
        }
        out[y * 128 + x] = 0xff000000 | (((r + 2) / 4) << 16) | (((g + 2) / 4) << 8) | ((b + 2) / 4);
      }
    }
    return out;
  }

  public void testFaceOnTheBundledPicture() throws Exception {
    float[][][][] input = FaceDetector.toInput(pixels128());
    Check.close(TestData.load("face.input_0").floats(), (float[]) TestData.flat(input, float.class, 128 * 128 * 3), 0,
        "the app's input equals the Python reference's");
    try (Interpreter interp = new Interpreter(TestData.model("mediapipe/face_detection_short_range.tflite"))) {
      FaceDetector detector = new FaceDetector(interp);
      float[][][][] raw = detector.runModel(input);
      Check.close(TestData.load("face.regressors").floats(), (float[]) TestData.flat(raw[0], float.class, 896 * 16),
          1e-4, "regressors");
      Check.close(TestData.load("face.classificators").floats(), (float[]) TestData.flat(raw[1], float.class, 896),
          1e-4, "classificators");
      List<FaceDetector.Detection> faces = detector.detect(input);
      Check.equal(1, faces.size(), "faces found: " + faces);
      FaceDetector.Detection face = faces.get(0);
      System.out.println("  " + face);
      // Where the face is, read off the picture by eye: about x 0.33-0.55, y 0.10-0.35 of the frame.
      float cx = face.xMin + face.width / 2, cy = face.yMin + face.height / 2;
      Check.isTrue(cx > 0.35 && cx < 0.53 && cy > 0.13 && cy < 0.32, "face center " + cx + ", " + cy);
      Check.isTrue(face.width > 0.12 && face.width < 0.35, "face width " + face.width);
      Check.isTrue(face.score > 0.8, "score " + face.score);
    }
  }
}
