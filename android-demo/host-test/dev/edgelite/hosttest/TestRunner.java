/* A plain test runner for the Java API's host tests (no JUnit download: only Debian's JDK is reachable): runs
 * every public no-argument method named test* of the classes given, prints one line per test, exits 1 on any
 * failure. */
package dev.edgelite.hosttest;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Comparator;

public final class TestRunner {
  public static void main(String[] args) throws Exception {
    int passed = 0, failed = 0;
    for (String className : args) {
      Class<?> cls = Class.forName(className);
      Method[] methods = cls.getDeclaredMethods();
      Arrays.sort(methods, Comparator.comparing(Method::getName));
      for (Method m : methods) {
        if (!m.getName().startsWith("test") || m.getParameterCount() != 0 || !Modifier.isPublic(m.getModifiers())) continue;
        String name = cls.getSimpleName() + "." + m.getName();
        long start = System.nanoTime();
        try {
          Object instance = Modifier.isStatic(m.getModifiers()) ? null : cls.getDeclaredConstructor().newInstance();
          m.invoke(instance);
          passed++;
          System.out.printf("PASS %s (%.0f ms)%n", name, (System.nanoTime() - start) / 1e6);
        } catch (InvocationTargetException e) {
          failed++;
          System.out.println("FAIL " + name + ": " + e.getCause());
          e.getCause().printStackTrace(System.out);
        }
      }
    }
    System.out.println(passed + " passed, " + failed + " failed");
    System.exit(failed == 0 && passed > 0 ? 0 : 1);
  }
}
