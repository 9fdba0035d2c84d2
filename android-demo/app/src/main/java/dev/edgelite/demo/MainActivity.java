/* The demo's one screen: runs MediaPipe's face detector through the dev.edgelite Java API on the picture bundled
 * in the APK (no camera), draws the faces found, and shows the timing. */
package dev.edgelite.demo;

import android.app.Activity;
import android.content.res.AssetFileDescriptor;
import android.graphics.Bitmap;
import android.graphics.BitmapFactory;
import android.graphics.Canvas;
import android.graphics.Color;
import android.graphics.Paint;
import android.os.Bundle;
import android.widget.Button;
import android.widget.ImageView;
import android.widget.TextView;

import dev.edgelite.Interpreter;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.List;

public class MainActivity extends Activity {
  private static final String MODEL_ASSET = "face_detection_short_range.tflite";
  private static final String PICTURE_ASSET = "astronaut.png";

  private ImageView picture;
  private TextView result;

  @Override
  protected void onCreate(Bundle savedInstanceState) {
    super.onCreate(savedInstanceState);
    setContentView(R.layout.activity_main);
    picture = findViewById(R.id.picture);
    result = findViewById(R.id.result);
    Button again = findViewById(R.id.run_again);
    again.setOnClickListener(v -> runInBackground());
    runInBackground();
  }

  /** Inference stays off the UI thread; only the drawing comes back to it. */
  private void runInBackground() {
    result.setText(R.string.running);
    new Thread(() -> {
      String text;
      Bitmap drawn = null;
      try {
        Bitmap photo = loadPicture();
        long start = System.nanoTime();
        List<FaceDetector.Detection> faces;
        long invokeNanos;
        try (Interpreter interpreter = new Interpreter(loadModel(), new Interpreter.Options().setNumThreads(2))) {
          long loaded = System.nanoTime();
          FaceDetector detector = new FaceDetector(interpreter);
          faces = detector.detect(FaceDetector.toInput(pixels128(photo)));
          invokeNanos = interpreter.getLastNativeInferenceDurationNanoseconds();
          text = String.format("%d face(s); model load %.1f ms, invoke %.1f ms (edgelite %s)", faces.size(),
              (loaded - start) / 1e6, invokeNanos / 1e6, Interpreter.version());
        }
        for (FaceDetector.Detection f : faces) text += "\n" + f;
        drawn = draw(photo, faces);
      } catch (IOException | RuntimeException e) {
        text = "failed: " + e.getMessage();
      }
      final String shown = text;
      final Bitmap image = drawn;
      runOnUiThread(() -> {
        if (image != null) picture.setImageBitmap(image);
        result.setText(shown);
      });
    }).start();
  }

  /** The model memory-mapped from the APK (stored uncompressed: see noCompress in build.gradle). */
  private MappedByteBuffer loadModel() throws IOException {
    try (AssetFileDescriptor fd = getAssets().openFd(MODEL_ASSET);
         FileInputStream in = new FileInputStream(fd.getFileDescriptor());
         FileChannel channel = in.getChannel()) {
      return channel.map(FileChannel.MapMode.READ_ONLY, fd.getStartOffset(), fd.getDeclaredLength());
    }
  }

  private Bitmap loadPicture() throws IOException {
    try (InputStream in = getAssets().open(PICTURE_ASSET)) {
      Bitmap b = BitmapFactory.decodeStream(in);
      if (b == null) throw new IOException("cannot decode " + PICTURE_ASSET);
      return b;
    }
  }

  private static int[] pixels128(Bitmap photo) {
    int n = FaceDetector.INPUT_SIZE;
    Bitmap small = Bitmap.createScaledBitmap(photo, n, n, true);
    int[] argb = new int[n * n];
    small.getPixels(argb, 0, n, 0, 0, n, n);
    return argb;
  }

  private static Bitmap draw(Bitmap photo, List<FaceDetector.Detection> faces) {
    Bitmap out = photo.copy(Bitmap.Config.ARGB_8888, true);
    Canvas canvas = new Canvas(out);
    Paint box = new Paint();
    box.setStyle(Paint.Style.STROKE);
    box.setStrokeWidth(Math.max(2f, out.getWidth() / 128f));
    box.setColor(Color.GREEN);
    Paint point = new Paint();
    point.setColor(Color.RED);
    float w = out.getWidth(), h = out.getHeight();
    for (FaceDetector.Detection f : faces) {
      canvas.drawRect(f.xMin * w, f.yMin * h, (f.xMin + f.width) * w, (f.yMin + f.height) * h, box);
      for (int k = 0; k + 1 < f.keypoints.length; k += 2) {
        canvas.drawCircle(f.keypoints[k] * w, f.keypoints[k + 1] * h, box.getStrokeWidth(), point);
      }
    }
    return out;
  }
}
