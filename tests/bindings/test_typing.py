"""A type checker sees edgelite's API: mypy checks small user scripts against the package (its annotations,
py.typed and the _core.pyi stub), accepting correct use and reporting wrong calls. Skipped without mypy
(it is in the `test` extra)."""

import os
import subprocess
import sys
import textwrap

import pytest

import edgelite
from testutil import has_module

pytestmark = pytest.mark.skipif(not has_module("mypy"), reason="mypy is not installed")

GOOD = """
    import numpy as np
    import edgelite
    from edgelite import _core
    from edgelite.converter import ConversionError, convert
    from edgelite.training import Sequential, layers

    interp = edgelite.Interpreter(model_path="model.tflite", num_threads=2)
    interp.allocate_tensors()
    index: int = interp.get_input_details()[0]["index"]
    interp.set_tensor(index, np.zeros((1, 4), np.float32))
    interp.invoke()
    out: np.ndarray = interp.get_tensor(interp.get_output_details()[0]["index"])
    ops: list = _core.builtin_ops()
    name: str = ops[0][0]
    info = _core.CoreInterpreter(None, b"", 1, []).tensor_info(0, 0)
    scale = info["scales"]
    try:
        content: bytes = convert("model.onnx")
    except (ConversionError, edgelite.MissingDependencyError):
        pass
    model = Sequential([layers.Input((4,)), layers.Dense(2)])
"""

BAD = """
    import edgelite
    from edgelite import _core
    from edgelite.converter import convert

    interp = edgelite.Interpreter(model_path="model.tflite")
    interp.invoke(1)
    interp.get_tensor("output")
    size: int = convert("model.onnx")
    _core.builtin_ops() + 1
    _core.CoreInterpreter(None, b"", 1, []).tensor_info(0, 0)["no_such_key"]
"""


def _mypy(tmp_path, source):
    script = tmp_path / "user_script.py"
    script.write_text(textwrap.dedent(source))
    env = dict(os.environ)
    package_parent = os.path.dirname(os.path.dirname(edgelite.__file__))
    if "site-packages" not in package_parent:
        # A development overlay on PYTHONPATH: point mypy at it (an installed package is found through py.typed).
        env["MYPYPATH"] = package_parent
    # follow-imports=silent: check the user's script against edgelite's types, not edgelite's own code.
    cmd = [sys.executable, "-m", "mypy", "--follow-imports=silent", "--no-incremental", "--cache-dir", os.devnull,
           "--no-error-summary", "--hide-error-context", str(script)]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)


def test_correct_use_type_checks(tmp_path):
    result = _mypy(tmp_path, GOOD)
    assert result.returncode == 0, result.stdout + result.stderr


def test_wrong_calls_are_reported(tmp_path):
    result = _mypy(tmp_path, BAD)
    lines = result.stdout.splitlines()
    assert result.returncode == 1, result.stdout + result.stderr
    for line_no, what in ((7, "Too many arguments"), (8, 'incompatible type "str"'),
                          (9, 'Incompatible types in assignment (expression has type "bytes"'),
                          (10, '"__add__" of "list"'), (11, '"no_such_key"')):
        assert any(f"user_script.py:{line_no}:" in l and what in l for l in lines), \
            f"mypy did not report line {line_no} ({what}):\n{result.stdout}"
