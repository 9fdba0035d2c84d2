#!/usr/bin/env bash
# Builds the Android app's JNI library (app/src/main/cpp, the same CMakeLists.txt the NDK build uses) and its
# Java sources for this machine's JVM, against the Python package's libedgelite_c.so, then runs the Java API's
# tests (host-test/) on committed models against the outputs LiteRT recorded. Exits non-zero on any failure.
#
# usage: android-demo/host_test.sh [BUILD_DIR]     (default build/android-host)
# PYTHON selects the interpreter with edgelite installed (default .venv/bin/python, else python3).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
build="$(mkdir -p "${1:-$repo/build/android-host}" && cd "${1:-$repo/build/android-host}" && pwd)"
py="${PYTHON:-}"
if [ -z "$py" ]; then
  if [ -x "$repo/.venv/bin/python" ]; then py="$repo/.venv/bin/python"; else py="python3"; fi
fi
[ -d "$(dirname "$py")" ] && export PATH="$(dirname "$py"):$PATH" # the venv's cmake, where setup.sh put one

# A JDK (javac and the JNI headers) from Debian when missing, as scripts/setup.sh installs it.
if ! command -v javac >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
  { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq default-jdk-headless >/dev/null; } ||
    { echo "host_test.sh: no javac, and default-jdk-headless could not be installed" >&2; exit 1; }
fi
java_home="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"

# The C API as the Python package ships it.
read -r include_dir lib_dir < <("$py" -c 'import edgelite; print(edgelite.get_include(), edgelite.get_library_dir())')
[ -f "$lib_dir/libedgelite_c.so" ] || { echo "host_test.sh: no libedgelite_c.so in $lib_dir" >&2; exit 1; }

echo "== Java classes (javac --release 8, as Android compiles them)"
rm -rf "$build/classes" "$build/jni-headers"
javac --release 8 -Xlint:all -Xlint:-options -Werror -d "$build/classes" -h "$build/jni-headers" \
  "$here"/app/src/main/java/dev/edgelite/*.java "$here"/app/src/main/java/dev/edgelite/demo/FaceDetector.java \
  "$here"/host-test/dev/edgelite/hosttest/*.java

echo "== JNI library (app/src/main/cpp/CMakeLists.txt)"
cmake -S "$here/app/src/main/cpp" -B "$build/jni" -DCMAKE_BUILD_TYPE=Release -DJAVA_HOME="$java_home" \
  -DEDGELITE_C_LIBRARY_DIR="$lib_dir" -DEDGELITE_C_INCLUDE_DIR="$include_dir" \
  -DEDGELITE_JNI_CHECK_HEADER="$build/jni-headers/dev_edgelite_NativeBridge.h" >/dev/null
cmake --build "$build/jni" >/dev/null

echo "== test data (recorded inputs and outputs as raw files)"
"$py" "$here/host_test_data.py" "$repo" "$build/data"

echo "== tests"
# -Xcheck:jni makes the JVM verify every JNI call the glue makes (wrong types, calls with an exception pending);
# a warning it prints fails the run as a failed test does.
set +e
java -Xcheck:jni -cp "$build/classes" \
  -Ddev.edgelite.jni.library="$build/jni/libedgelite_jni.so" \
  -Dedgelite.test.models="$repo/tests/models" -Dedgelite.test.data="$build/data" -Dedgelite.test.libdir="$lib_dir" \
  -Dedgelite.test.picture="$here/app/src/main/assets/astronaut.png" \
  dev.edgelite.hosttest.TestRunner dev.edgelite.hosttest.InterpreterTest dev.edgelite.hosttest.ErrorsTest \
  dev.edgelite.hosttest.FaceDetectorTest 2>&1 | tee "$build/java_tests.log"
status=${PIPESTATUS[0]}
set -e
if grep -q "WARNING in native method" "$build/java_tests.log"; then
  echo "host_test.sh: -Xcheck:jni found misuse of JNI (above)" >&2
  exit 1
fi
exit "$status"
