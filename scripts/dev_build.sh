#!/usr/bin/env bash
# Developer build without pip: configures and builds into BUILD_DIR (default build/dev) and installs the
# complete `edgelite` package into BUILD_DIR/site. Use it with: PYTHONPATH=BUILD_DIR/site python -m pytest
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${1:-build/dev}"
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release \
    -Dpybind11_DIR="$(python3 -m pybind11 --cmakedir)" -DPython_EXECUTABLE="$(command -v python3)" >/dev/null
fi
cmake --build "$build_dir" -j "${JOBS:-2}"
cmake --install "$build_dir" --prefix "$build_dir/site" >/dev/null
echo "built: PYTHONPATH=$build_dir/site"
