"""Inputs the coverage-guided fuzzers (fuzz/model_fuzzer.cc, fuzz/python_api_fuzzer.py) once crashed edgelite
with, kept in tests/models/fuzz_regressions/ (README.md there says what each one hit): each must load, allocate
and invoke to a run or an edgelite error, as the fuzz harness drives it, in a child process so that a crash is
reported rather than fatal."""

import glob
import os
import subprocess
import sys
import textwrap

import pytest

from testutil import MODELS_DIR

REGRESSIONS = sorted(glob.glob(os.path.join(MODELS_DIR, "fuzz_regressions", "*.tflite")))

# As fuzz/model_fuzzer.cc: load, allocate, zero the inputs, invoke with a deadline, read the outputs.
CHILD = textwrap.dedent(r"""
    import sys, threading, numpy as np, edgelite
    try:
        interp = edgelite.Interpreter(model_path=sys.argv[1])
        interp.allocate_tensors()
        zeros = {d["index"]: np.zeros(d["shape"], d["dtype"]) for d in interp.get_input_details()}
        for index, value in zeros.items():
            interp.set_tensor(index, value)
        deadline = threading.Timer(5.0, interp.cancel)  # a mutated loop may never end
        deadline.start()
        try:
            interp.invoke()
        finally:
            deadline.cancel()
        outputs = [interp.get_tensor(d["index"]) for d in interp.get_output_details()]
        print("ran:", len(outputs), "outputs")
    except edgelite.EdgeliteError as e:
        print("error:", type(e).__name__, e)
""")



@pytest.mark.parametrize("path", REGRESSIONS, ids=[os.path.basename(p) for p in REGRESSIONS])
def test_fuzzer_finding_no_longer_crashes(path):
    result = subprocess.run([sys.executable, "-c", CHILD, path], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, (
        f"{os.path.basename(path)} crashed the process (exit {result.returncode}):\n{result.stderr[-4000:]}")
    assert result.stdout.startswith(("ran:", "error:")), result.stdout
