/* Assertions for the host tests, and comparisons of outputs with the recorded references. */
package dev.edgelite.hosttest;

import java.util.Arrays;

final class Check {
  private Check() {}

  static void isTrue(boolean condition, String what) {
    if (!condition) throw new AssertionError(what);
  }

  static void equal(Object expected, Object actual, String what) {
    boolean same = expected instanceof int[] && actual instanceof int[]
        ? Arrays.equals((int[]) expected, (int[]) actual)
        : expected == null ? actual == null : expected.equals(actual);
    if (!same) throw new AssertionError(what + ": expected " + show(expected) + ", got " + show(actual));
  }

  private static String show(Object o) {
    return o instanceof int[] ? Arrays.toString((int[]) o) : String.valueOf(o);
  }

  /** Largest |actual - expected| over the largest |expected|: the "within 1e-4 relative" of the task. */
  static void close(float[] expected, float[] actual, double tolerance, String what) {
    equal(expected.length, actual.length, what + " length");
    double maxDiff = 0, maxRef = 0;
    for (int i = 0; i < expected.length; i++) {
      if (Float.isNaN(actual[i]) != Float.isNaN(expected[i])) throw new AssertionError(what + ": NaN mismatch at " + i);
      if (Float.isNaN(expected[i])) continue;
      maxDiff = Math.max(maxDiff, Math.abs((double) actual[i] - expected[i]));
      maxRef = Math.max(maxRef, Math.abs((double) expected[i]));
    }
    double rel = maxDiff / Math.max(maxRef, 1e-30);
    if (rel > tolerance) throw new AssertionError(what + String.format(": relative error %.3g > %.1g", rel, tolerance));
  }

  static void same(byte[] expected, byte[] actual, String what) {
    if (!Arrays.equals(expected, actual)) {
      int at = 0;
      while (at < Math.min(expected.length, actual.length) && expected[at] == actual[at]) at++;
      throw new AssertionError(what + ": bytes differ first at " + at + " (of " + expected.length + ")");
    }
  }

  interface Body {
    void run() throws Exception;
  }

  /** Runs `body` and returns the exception it must throw, of class `type`, with a message. */
  static <T extends Throwable> T raises(Class<T> type, Body body, String what) {
    try {
      body.run();
    } catch (Throwable t) {
      if (!type.isInstance(t)) {
        throw new AssertionError(what + ": expected " + type.getSimpleName() + ", got " + t, t);
      }
      if (t.getMessage() == null || t.getMessage().isEmpty()) throw new AssertionError(what + ": the exception has no message");
      return type.cast(t);
    }
    throw new AssertionError(what + ": expected " + type.getSimpleName() + ", nothing was thrown");
  }

  static void mentions(Throwable t, String text, String what) {
    if (!t.getMessage().contains(text)) throw new AssertionError(what + ": message '" + t.getMessage() + "' lacks '" + text + "'");
  }
}
