"""The built module runs on x86-64 CPUs older than this one: under qemu-user emulating a Nehalem (SSE4.2,
no AVX) and a Haswell (AVX2, no AVX-512), it loads real models, picks the instruction set that CPU has and
gives the recorded outputs. A build that used this machine's instructions outside the per-ISA kernels would
die with SIGILL here. Needs qemu-x86_64 (Debian's qemu-user, which scripts/setup.sh installs)."""

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(os.path.dirname(HERE), "models")

pytestmark = [
    pytest.mark.skipif(os.uname().machine != "x86_64", reason="x86-64 only"),
    pytest.mark.skipif(shutil.which("qemu-x86_64") is None, reason="qemu-x86_64 (qemu-user) is not installed"),
]

# Runs in the emulated CPU: each model's outputs against its recorded LiteRT reference.
SCRIPT = r"""
import sys, numpy as np, edgelite
from edgelite import _core
print(_core.cpu_features()["best_available"])
for path in sys.argv[1:]:
    interp = edgelite.Interpreter(model_path=path + ".tflite")
    interp.allocate_tensors()
    io = np.load(path + ".io.npz")
    for k, d in enumerate(interp.get_input_details()):
        interp.set_tensor(d["index"], io[f"input_{k}"])
    interp.invoke()
    worst = 0.0
    for k, d in enumerate(interp.get_output_details()):
        want = io[f"output_{k}"].astype(np.float64)
        got = interp.get_tensor(d["index"]).astype(np.float64)
        worst = max(worst, float(np.max(np.abs(got - want) / (np.abs(want).max() + 1e-6))))
    kernels = sorted({n["kernel"].split("(")[1].rstrip(")") for n in interp._get_ops_details() if n["kernel"]})
    print(path, worst, ",".join(kernels))
"""


# NumPy's OpenBLAS picks its kernels by the CPU's family and model number, which the emulated CPU does not
# change: without being told, it runs this machine's AVX-512 kernels inside the emulated Nehalem (SIGILL in
# numpy's import-time check) and never reaches edgelite.


def run_emulated(cpu, models, timeout=300):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    env.pop("EDGELITE_MAX_ISA", None)
    env["OPENBLAS_CORETYPE"] = cpu  # see the comment above
    cmd = ["qemu-x86_64", "-cpu", cpu, os.path.realpath(sys.executable), "-c", SCRIPT] + models
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    assert result.returncode == 0, f"exit {result.returncode} under {cpu}:\n{result.stdout}\n{result.stderr[-3000:]}"
    return result.stdout.split("\n")


@pytest.mark.parametrize("cpu,isa", [("Nehalem", "portable"), ("Haswell", "avx2")])
def test_models_run_on_older_cpus(cpu, isa):
    models = [os.path.join(MODELS, "mediapipe", "face_detection_short_range"),
              os.path.join(MODELS, "tf", "convnet_pool_bn_dense"),
              os.path.join(MODELS, "tf", "transformer_block")]
    lines = run_emulated(cpu, models)
    assert lines[0] == isa
    for line in lines[1:1 + len(models)]:
        path, worst, kernels = line.split(" ")
        assert float(worst) < 1e-4, line
        assert set(kernels.split(",")) <= {"reference", "portable", isa}, line


# The kernel tests of operators with per-ISA rows: on a CPU without AVX they must choose the portable rows and
# still give the answers every other row gives (the rest of the suite runs no ISA-specific code).
ISA_KERNEL_TESTS = ["test_conv2d.py", "test_depthwise_conv2d.py", "test_fully_connected.py", "test_batch_matmul.py",
                    "test_int8_filter_optimized.py", "test_pooling.py", "test_pooling_integer.py",
                    "test_activations.py", "test_activations_integer.py", "test_softmax.py", "test_reduce.py",
                    "test_transpose.py", "test_binary_arithmetic.py", "test_binary_integer.py", "test_quantize.py",
                    "test_transpose_conv.py", "test_unidirectional_sequence_lstm.py"]


@pytest.mark.slow
def test_optimized_kernels_on_a_cpu_without_avx():
    # A few minutes under emulation.
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    env.pop("EDGELITE_MAX_ISA", None)
    env["OPENBLAS_CORETYPE"] = "Nehalem"  # see run_emulated
    paths = [os.path.join(HERE, "kernels", name) for name in ISA_KERNEL_TESTS
             if os.path.exists(os.path.join(HERE, "kernels", name))]
    cmd = ["qemu-x86_64", "-cpu", "Nehalem", os.path.realpath(sys.executable), "-m", "pytest", "-q", "-p",
           "no:cacheprovider", "-m", "not slow"] + paths
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=1800, env=env, cwd=os.path.dirname(HERE))
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
