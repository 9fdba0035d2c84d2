/* MediaPipe's short-range face detector (face_detection_short_range.tflite, 128x128 RGB in [-1, 1]) in plain
 * Java, no Android classes, so the host tests run the app's own pipeline: pixels to input, the model, then SSD
 * anchor decoding and weighted non-maximum suppression as MediaPipe's face detection graph configures them. */
package dev.edgelite.demo;

import dev.edgelite.Interpreter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

public final class FaceDetector {
  public static final int INPUT_SIZE = 128;
  private static final int NUM_ANCHORS = 896;
  private static final int NUM_COORDS = 16; // box (x, y, w, h) then 6 keypoints (x, y)
  private static final int NUM_KEYPOINTS = 6;
  private static final float MIN_SCORE = 0.5f;
  private static final float MIN_SUPPRESSION_IOU = 0.3f;
  // MediaPipe clips raw scores to +-100 before the sigmoid, so exp never overflows.
  private static final float SCORE_CLIP = 100f;

  /** A face: box in [0, 1] image coordinates (may reach past the edges), score, and 6 keypoints (x, y). */
  public static final class Detection {
    public final float xMin, yMin, width, height, score;
    public final float[] keypoints;

    Detection(float xMin, float yMin, float width, float height, float score, float[] keypoints) {
      this.xMin = xMin;
      this.yMin = yMin;
      this.width = width;
      this.height = height;
      this.score = score;
      this.keypoints = keypoints;
    }

    @Override
    public String toString() {
      return String.format("face %.2f at (%.3f, %.3f) size %.3f x %.3f", score, xMin, yMin, width, height);
    }
  }

  private final Interpreter interpreter;
  private final float[][] anchors = buildAnchors();

  public FaceDetector(Interpreter interpreter) {
    this.interpreter = interpreter;
  }

  /** The model's input from 128x128 ARGB pixels (row-major, as Bitmap.getPixels gives them). */
  public static float[][][][] toInput(int[] argb) {
    if (argb.length != INPUT_SIZE * INPUT_SIZE) {
      throw new IllegalArgumentException("expected " + INPUT_SIZE + "x" + INPUT_SIZE + " pixels, got " + argb.length);
    }
    float[][][][] input = new float[1][INPUT_SIZE][INPUT_SIZE][3];
    for (int y = 0; y < INPUT_SIZE; y++) {
      for (int x = 0; x < INPUT_SIZE; x++) {
        int p = argb[y * INPUT_SIZE + x];
        input[0][y][x][0] = ((p >> 16) & 0xff) / 127.5f - 1f;
        input[0][y][x][1] = ((p >> 8) & 0xff) / 127.5f - 1f;
        input[0][y][x][2] = (p & 0xff) / 127.5f - 1f;
      }
    }
    return input;
  }

  /** Raw outputs of one run: regressors [1, 896, 16] and classificators [1, 896, 1]. */
  public float[][][][] runModel(float[][][][] input) {
    float[][][] regressors = new float[1][NUM_ANCHORS][NUM_COORDS];
    float[][][] scores = new float[1][NUM_ANCHORS][1];
    java.util.Map<Integer, Object> outputs = new java.util.HashMap<>();
    outputs.put(interpreter.getOutputIndex("regressors"), regressors);
    outputs.put(interpreter.getOutputIndex("classificators"), scores);
    interpreter.runForMultipleInputsOutputs(new Object[] {input}, outputs);
    return new float[][][][] {regressors, scores};
  }

  public List<Detection> detect(float[][][][] input) {
    float[][][][] raw = runModel(input);
    return decode(raw[0][0], raw[1][0]);
  }

  /** Anchor-relative boxes to image boxes, the sigmoid of the scores, then weighted NMS. */
  public List<Detection> decode(float[][] regressors, float[][] scores) {
    List<Detection> candidates = new ArrayList<>();
    for (int i = 0; i < NUM_ANCHORS; i++) {
      float logit = Math.max(-SCORE_CLIP, Math.min(SCORE_CLIP, scores[i][0]));
      float score = (float) (1.0 / (1.0 + Math.exp(-logit)));
      if (score < MIN_SCORE) continue;
      float[] r = regressors[i];
      float cx = r[0] / INPUT_SIZE + anchors[i][0];
      float cy = r[1] / INPUT_SIZE + anchors[i][1];
      float w = r[2] / INPUT_SIZE;
      float h = r[3] / INPUT_SIZE;
      float[] keypoints = new float[2 * NUM_KEYPOINTS];
      for (int k = 0; k < NUM_KEYPOINTS; k++) {
        keypoints[2 * k] = r[4 + 2 * k] / INPUT_SIZE + anchors[i][0];
        keypoints[2 * k + 1] = r[5 + 2 * k] / INPUT_SIZE + anchors[i][1];
      }
      candidates.add(new Detection(cx - w / 2, cy - h / 2, w, h, score, keypoints));
    }
    return weightedNms(candidates);
  }

  /* MediaPipe's WEIGHTED suppression: each kept face is the score-weighted mean of the boxes that overlap the
   * best remaining one by more than the threshold, which steadies the box from frame to frame. */
  private static List<Detection> weightedNms(List<Detection> candidates) {
    List<Detection> remaining = new ArrayList<>(candidates);
    Collections.sort(remaining, new Comparator<Detection>() {
      @Override
      public int compare(Detection a, Detection b) {
        return Float.compare(b.score, a.score);
      }
    });
    List<Detection> kept = new ArrayList<>();
    while (!remaining.isEmpty()) {
      Detection best = remaining.get(0);
      List<Detection> cluster = new ArrayList<>();
      List<Detection> rest = new ArrayList<>();
      for (Detection d : remaining) (iou(best, d) > MIN_SUPPRESSION_IOU ? cluster : rest).add(d);
      float total = 0, x = 0, y = 0, w = 0, h = 0;
      float[] keypoints = new float[best.keypoints.length];
      for (Detection d : cluster) {
        total += d.score;
        x += d.score * d.xMin;
        y += d.score * d.yMin;
        w += d.score * d.width;
        h += d.score * d.height;
        for (int k = 0; k < keypoints.length; k++) keypoints[k] += d.score * d.keypoints[k];
      }
      for (int k = 0; k < keypoints.length; k++) keypoints[k] /= total;
      kept.add(new Detection(x / total, y / total, w / total, h / total, best.score, keypoints));
      remaining = rest;
    }
    return kept;
  }

  private static float iou(Detection a, Detection b) {
    float ix = Math.max(0, Math.min(a.xMin + a.width, b.xMin + b.width) - Math.max(a.xMin, b.xMin));
    float iy = Math.max(0, Math.min(a.yMin + a.height, b.yMin + b.height) - Math.max(a.yMin, b.yMin));
    float inter = ix * iy;
    float union = a.width * a.height + b.width * b.height - inter;
    return union > 0 ? inter / union : 0;
  }

  /* The short-range model's SSD anchors: 4 layers with strides 8, 16, 16, 16 on the 128x128 input, 2 anchors
   * per cell and layer, fixed size (so only centers matter); layers of one stride share a grid, giving
   * 16x16x2 + 8x8x6 = 896 anchors in the order the model's outputs use. */
  private static float[][] buildAnchors() {
    int[] strides = {8, 16, 16, 16};
    float[][] anchors = new float[NUM_ANCHORS][];
    int n = 0;
    for (int layer = 0; layer < strides.length; ) {
      int stride = strides[layer];
      int perCell = 0;
      while (layer < strides.length && strides[layer] == stride) {
        perCell += 2;
        layer++;
      }
      int grid = INPUT_SIZE / stride;
      for (int y = 0; y < grid; y++) {
        for (int x = 0; x < grid; x++) {
          for (int a = 0; a < perCell; a++) anchors[n++] = new float[] {(x + 0.5f) / grid, (y + 0.5f) / grid};
        }
      }
    }
    return anchors;
  }
}
