"""scripts/cross_test_aarch64.sh passes: the core cross-compiled for aarch64-linux-gnu runs the NEON kernel checks
and MobileNet v2 (float and int8) and a MediaPipe face detector under qemu-aarch64 with LiteRT's outputs, on a CPU
with dot products and on one without, the NEON kernels selected. Slow: the first cross build compiles the whole
core (about 15 minutes on 2 cores); later runs rebuild only what changed."""

import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "scripts", "cross_test_aarch64.sh")
HAVE_TOOLS = shutil.which("aarch64-linux-gnu-g++") and (
    shutil.which("qemu-aarch64") or shutil.which("qemu-aarch64-static"))


@pytest.mark.slow
@pytest.mark.skipif(not HAVE_TOOLS, reason="needs g++-aarch64-linux-gnu and qemu-user (scripts/setup.sh)")
def test_cross_test_aarch64_passes():
    # The host's Python (this one, with NumPy) extracts the stored arrays and finds flatc beside it.
    env = dict(os.environ, JOBS=os.environ.get("JOBS", "1"), PYTHON=sys.executable)
    proc = subprocess.run([SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-6000:]
    # Both CPUs ran, and the int8 GEMM took the dot-product kernels on one and the plain NEON ones on the other.
    assert out.count("kernel_check: ") >= 2 and "FAILED" not in out, out[-6000:]
    assert "neondot" in out and "cross_test_aarch64: all runs passed" in out
