#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and runs the test suite. Extra arguments go to pytest, e.g.
#   scripts/test.sh -m "not slow"     scripts/test.sh tests/interpreter
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. .venv/bin/activate
# Tests import the installed package, not the source tree.
cd tests
exec python -m pytest -q -p no:cacheprovider "$@" .
