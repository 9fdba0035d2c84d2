#!/usr/bin/env bash
# Cross-compiles edgelite's core for aarch64-linux-gnu and runs its C++ checks under qemu-aarch64: the NEON
# micro-kernels against the reference ones (tests/cross/kernel_check.cc), and committed models on their stored
# inputs against the stored LiteRT outputs (tests/cross/model_check.cc), each kernel's chosen instruction set
# printed and required. Every check runs twice: on `-cpu max` (Armv8.x with dot products: the neondot int8
# kernels) and on `-cpu cortex-a53` (Armv8.0, no asimddp: the plain NEON int8 kernels), with the C API's test
# programs (tests/c_api/, over libedgelite_c.so) on the same models. Emulation proves
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
# flatc (run on the host) and the FlatBuffers headers come from the virtual environment, as in the native build.
export PATH="$(dirname "$PY"):$PATH"
if ! command -v flatc >/dev/null 2>&1 && ! grep -qs "^FLATC:FILEPATH=/" "$build_dir/CMakeCache.txt"; then
  echo "cross_test_aarch64: no flatc beside $PY; run scripts/setup.sh, or set PYTHON to its .venv's python" >&2
  exit 2
fi
# Configuring again is cheap and keeps the objects; it also repairs a build tree whose last configure failed.
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DCMAKE_TOOLCHAIN_FILE="$root/cmake/aarch64-linux-gnu.cmake" \
  -DEDGELITE_BUILD_PYTHON=OFF -DPython_EXECUTABLE="$PY" >/dev/null
cmake --build "$build_dir" --target model_check kernel_check edgelite_c c_api_tests -j "${JOBS:-2}"

# The stored arrays as raw files the C++ program reads (the host's Python reads the .npz).
cases="$build_dir/cases"
extract() {  # name npz [--samples]
  "$PY" scripts/npz_to_bin.py "$2" "$cases/$1" ${3:-}
}
extract mobilenet_v2 tests/models/tf/mobilenet_v2.io.npz
extract face_detection_short_range tests/models/mediapipe/face_detection_short_range.io.npz
extract mobilenet_v2_int8 tests/models/tf_quant/mobilenet_v2_int8.io.npz --samples
extract ops_shape tests/models/tf/ops_shape.io.npz
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

# The C programs write OUT_DIR/output_<i>.bin; the host compares them with the stored float32 outputs.
compare_c() {  # out_dir case_dir
  if ! "$PY" - "$1" "$2" <<'PYEOF'; then
import os, sys
import numpy as np
out_dir, case_dir = sys.argv[1:]
bad = 0
for line in open(os.path.join(case_dir, "CASES.txt")):
    parts = line.split()
    if parts[0] != "output":
        continue
    want = np.fromfile(os.path.join(case_dir, parts[-1]), dtype=parts[2])
    got_path = os.path.join(out_dir, f"output_{parts[1]}.bin")
    got = np.fromfile(got_path, dtype=parts[2]) if os.path.exists(got_path) else np.array([])
    err = np.max(np.abs(got.astype(np.float64) - want)) / max(np.max(np.abs(want)), 1e-6) if got.shape == want.shape else np.inf
    print(f"  C output {parts[1]}: max relative error {err:.3g} (allowed 1e-4): {'ok' if err <= 1e-4 else 'MISMATCH'}")
    bad += err > 1e-4
sys.exit(1 if bad else 0)
PYEOF
    echo "== C API outputs in $1: FAILED"
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
  # Shape arithmetic: int32 element-wise rows (the baseline build's loops), as in every shape chain.
  run "$cpu" "ops_shape (int32 shape arithmetic)" "$build_dir/model_check" tests/models/tf/ops_shape.tflite \
    "$cases/ops_shape/CASES.txt" --rtol 1e-4
  # int8: LiteRT's reference-kernel outputs within one quantization step, as the x86 tests allow against
  # LiteRT's optimized kernels (on x86 edgelite is exact; model_check prints the steps it is off by).
  run "$cpu" "mobilenet_v2_int8" "$build_dir/model_check" tests/models/tf_quant/mobilenet_v2_int8.tflite \
    "$cases/mobilenet_v2_int8/CASES.txt" --step "$int8_step" --max-steps 1 \
    --expect CONV_2D=$int8_gemm --expect FULLY_CONNECTED=$int8_gemm --expect DEPTHWISE_CONV_2D=neon \
    --expect ADD=neon
  # The C API (bindings/c/, libedgelite_c.so) cross-built: its own test program and the one written for LiteRT's
  # C API (tests/c_api/), their error paths, and float models through them against LiteRT's stored outputs.
  run "$cpu" "C API error paths" "$build_dir/c_api_run_model" --errors tests/models/tf/mobilenet_v2.tflite
  run "$cpu" "LiteRT-API program's error paths" "$build_dir/c_api_litert_run_model" --errors \
    tests/models/tf/mobilenet_v2.tflite
  c_out="$build_dir/c_api_out/$cpu"
  rm -rf "$c_out" && mkdir -p "$c_out/edgelite" "$c_out/litert"
  run "$cpu" "C API: mobilenet_v2" "$build_dir/c_api_run_model" tests/models/tf/mobilenet_v2.tflite \
    "$c_out/edgelite" "$cases/mobilenet_v2/input_0.s0.bin"
  compare_c "$c_out/edgelite" "$cases/mobilenet_v2"
  run "$cpu" "LiteRT-API program: face_detection_short_range" "$build_dir/c_api_litert_run_model" \
    tests/models/mediapipe/face_detection_short_range.tflite "$c_out/litert" \
    "$cases/face_detection_short_range/input_0.s0.bin"
  compare_c "$c_out/litert" "$cases/face_detection_short_range"
done

if [ "$failures" -ne 0 ]; then
  echo "cross_test_aarch64: $failures run(s) FAILED"
  exit 1
fi
echo "cross_test_aarch64: all runs passed"
