"""The select-ops library is loaded only when a model needs it: a process that runs models without Flex
operators never maps libedgelite_select.so; the first Flex model maps it."""

import os
import subprocess
import sys

import pytest

from testutil import model_path

SCRIPT = r"""
import sys
import numpy as np
import edgelite

def mapped():
    with open("/proc/self/maps") as f:
        return "libedgelite_select.so" in f.read()

def run(path):
    interp = edgelite.Interpreter(model_path=path)
    interp.allocate_tensors()
    for d in interp.get_input_details():
        interp.set_tensor(d["index"], np.zeros(d["shape"], d["dtype"]))
    interp.invoke()

run(sys.argv[1])
print("after builtin model:", mapped())
run(sys.argv[2])
print("after flex model:", mapped())
"""


@pytest.mark.skipif(not os.path.exists("/proc/self/maps"), reason="needs /proc (Linux)")
def test_select_library_loads_only_for_flex_models():
    plain, flex = model_path("tf", "mobilenet_v3_small.tflite"), model_path("select", "select_math.tflite")
    if not (os.path.exists(plain) and os.path.exists(flex)):
        pytest.skip("golden models not committed")
    out = subprocess.run([sys.executable, "-c", SCRIPT, plain, flex], capture_output=True, text=True,
                         env=os.environ.copy(), timeout=120)
    assert out.returncode == 0, out.stderr
    assert "after builtin model: False" in out.stdout
    assert "after flex model: True" in out.stdout
