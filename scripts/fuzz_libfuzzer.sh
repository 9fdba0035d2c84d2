#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer against the ASan + UBSan build (scripts/sanitized_env.sh):
#   scripts/fuzz_libfuzzer.sh [SECONDS (default 60)] [libFuzzer flags...]
#       fuzz/model_fuzzer.cc: model loading + allocate + invoke. Seeds: the committed models under tests/models
#       (up to 1 MiB each).
#   scripts/fuzz_libfuzzer.sh --python [SECONDS] [libFuzzer flags...]
#       fuzz/python_api_fuzzer.py with atheris (libFuzzer for Python): set_tensor, resize_tensor_input, signature
#       runners, on the edgelite python3 imports. atheris (a cp311 manylinux wheel) goes into build/atheris-site.
# The corpus each grows is kept in build/fuzz/, so a later run continues where this one stopped; a crashing input
# is written to build/fuzz/*artifacts/ (make it a regression: tests/models/fuzz_regressions/).
set -euo pipefail
cd "$(dirname "$0")/.."
harness=model
if [ "${1:-}" = --python ]; then harness=python; shift; fi
seconds="${1:-60}"
shift || true
if [ "$harness" = python ]; then
  # Against the edgelite that python3 imports (the .venv's, or PYTHONPATH's), not the ASan tree: atheris
  # counts coverage through libFuzzer's hooks, which Clang's preloaded ASan runtime would take over (no
  # coverage at all), and its own ASan + libFuzzer runtime lacks UBSan's C++ part the tree is built with.
  # Native bugs on this path are model_fuzzer's and the ASan test runs' to find; this one finds Python ones.
  if [ -x .venv/bin/python ]; then . .venv/bin/activate; fi
  [ -d build/atheris-site/atheris ] || python3 -m pip install -q --target build/atheris-site "atheris>=2.3"
  mkdir -p build/fuzz/python_corpus build/fuzz/python_artifacts
  PYTHONPATH="$PWD/build/atheris-site${PYTHONPATH:+:$PYTHONPATH}" exec python3 fuzz/python_api_fuzzer.py \
    -max_total_time="$seconds" -timeout=30 -print_final_stats=1 -artifact_prefix=build/fuzz/python_artifacts/ \
    "$@" build/fuzz/python_corpus
fi
SANITIZE=address,undefined
. scripts/sanitized_env.sh
mkdir -p build/fuzz/corpus build/fuzz/seeds build/fuzz/artifacts
find tests/models -name '*.tflite' -size -1025k -exec cp -u {} build/fuzz/seeds/ \;
# A hang past -timeout is a finding too: the harness cancels an invoke after 0.5 s, so only a stuck prepare or
# a kernel that never returns gets there.
exec "$build_dir/model_fuzzer" -max_total_time="$seconds" -max_len=1048576 -timeout=20 -rss_limit_mb=4096 \
  -print_final_stats=1 -artifact_prefix=build/fuzz/artifacts/ "$@" build/fuzz/corpus build/fuzz/seeds
