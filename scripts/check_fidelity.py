#!/usr/bin/env python3
"""Checks, point by point, what user code and users can tell apart between edgelite and LiteRT 2.3 (issue 9):

  1. Interpreter   every LiteRT constructor option and method, details dictionaries on every golden model,
                   preserved intermediates equal to LiteRT's, variables, views, errors (side by side with
                   ai_edge_litert, which must be installed: this script refuses to pass without it)
  2. Command line  one-line errors on every kind of bad input (no traceback), run/inspect manners, --version
  3. Visual        inspect --html / --svg rendered in headless Chromium, benchmark --plot
  4. Package       docstrings, py.typed and _core.pyi against the compiled module, type checking, onnx optional;
                   with --wheel also the manylinux wheel (scripts/build_wheel.sh: a full build, minutes)

Runs the tests of each point with the installed edgelite (scripts/setup.sh first, or PYTHONPATH at a dev build),
prints one line per point and exits non-zero if any point fails or was skipped for a missing tool.

    .venv/bin/python scripts/check_fidelity.py            # points 1-4
    .venv/bin/python scripts/check_fidelity.py --wheel    # and build + check the wheel
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTS = os.path.join(REPO, "tests")

POINTS = [
    ("1 Interpreter", ["interpreter/test_litert_fidelity.py", "interpreter/test_interpreter_api.py",
                       "interpreter/test_quantization_details.py", "interpreter/test_delegate_partitioning.py"]),
    ("2 Command line", ["cli/test_cli_errors.py", "cli/test_cli_run.py", "cli/test_cli_inspect.py",
                        "cli/test_cli_help.py", "cli/test_cli_basics.py"]),
    ("3 Visual", ["cli/test_cli_pictures.py", "cli/test_graph_layout.py"]),
    ("4 Package", ["bindings/test_docstrings.py", "bindings/test_core_stub.py", "bindings/test_typing.py",
                   "converter/test_optional_onnx.py"]),
]
WHEEL_POINT = ("4 Package: wheel", ["bindings/test_build_wheel.py"])


def run_point(name: str, files, env) -> bool:
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", *files]
    result = subprocess.run(cmd, cwd=TESTS, env=env, capture_output=True, text=True)
    tail = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr.strip()[-200:]
    skipped = re.findall(r"^SKIPPED \[\d+\] (.*)$", result.stdout, re.M)
    ok = result.returncode == 0 and not skipped
    print(f"{'PASS' if ok else 'FAIL'}  {name:<18} {tail}")
    for reason in skipped:
        print(f"        skipped: {reason}")
    if result.returncode != 0:
        print("\n".join("        " + line for line in result.stdout.splitlines()[-30:]))
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wheel", action="store_true", help="also build and check the manylinux wheel (slow)")
    args = parser.parse_args()
    try:
        import ai_edge_litert  # noqa: F401
    except ImportError:
        print("FAIL  ai-edge-litert is not installed: the side-by-side checks need it (pip install ai-edge-litert)")
        return 1
    env = dict(os.environ, EDGELITE_TEST_WHEEL="1" if args.wheel else "0")
    points = POINTS + ([WHEEL_POINT] if args.wheel else [])
    results = [run_point(name, files, env) for name, files in points]
    print(f"\n{sum(results)}/{len(results)} points pass")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
