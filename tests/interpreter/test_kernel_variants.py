"""Kernel variants chosen at run time (interpreter/kernels/kernel_variant.h, interpreter/cpu_features.h):
the chosen row shows in _get_ops_details, EDGELITE_MAX_ISA caps the instruction set and
EDGELITE_FORCE_REFERENCE_KERNELS picks the reference twin through the same tables, every capped choice
computes the same result, the "not supported" message comes from the table, and the build keeps ISA code
where only CPUs with the ISA reach it (scripts/check_isa_isolation.py over the build's objects)."""

import glob
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

import edgelite
from edgelite import _core
from edgelite.testing import single_op_model

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ISA_ORDER = ["reference", "portable", "avx2", "avx512"]
# x86-64's portable build holds only integer loops (optimized/vector_isa.h): the vector kernels' rows are AVX2 and
# AVX-512, and a cap at portable leaves their reference rows.
VECTOR_ISAS = ["avx2", "avx512"]


@pytest.fixture
def env(monkeypatch):
    """Sets environment variables for interpreters allocated inside the test."""
    return monkeypatch


def conv_model():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, 9, 9, 5)).astype(np.float32)
    w = rng.standard_normal((7, 3, 3, 5)).astype(np.float32)
    b = rng.standard_normal(7).astype(np.float32)
    opts = {"padding": "SAME", "stride_h": 1, "stride_w": 1, "fused_activation_function": "RELU"}
    return single_op_model("CONV_2D", [x, w, b], opts, constant_inputs=(1, 2)), x


def run(model, x):
    interp = edgelite.Interpreter(model_content=model)
    interp.allocate_tensors()
    interp.set_tensor(interp.get_input_details()[0]["index"], x)
    interp.invoke()
    return interp.get_tensor(interp.get_output_details()[0]["index"]), interp._get_ops_details()[0]["kernel"]


def available_vector_isas():
    features = _core.cpu_features()
    return [isa for isa in VECTOR_ISAS if features[isa]]


def test_cpu_features_report_the_best_isa(env):
    features = _core.cpu_features()
    assert set(features) == {"avx2", "avx512", "avx512vnni", "amx-int8", "neon", "neondot", "best_available"}
    # Each level includes the one below it; one architecture's levels at most.
    assert not features["neondot"] or features["neon"]
    assert not (features["neon"] and features["avx2"])
    assert not features["avx512"] or features["avx2"]
    assert not features["avx512vnni"] or features["avx512"]
    assert not features["amx-int8"] or features["avx512vnni"]
    env.setenv("EDGELITE_MAX_ISA", "avx2")
    assert _core.cpu_features()["best_available"] in ("avx2", "portable")
    env.setenv("EDGELITE_MAX_ISA", "portable")
    assert _core.cpu_features()["best_available"] == "portable"


def test_the_widest_available_isa_is_chosen(env):
    env.delenv("EDGELITE_MAX_ISA", raising=False)  # uncapped, whatever the suite runs under
    model, x = conv_model()
    _, kernel = run(model, x)
    assert kernel == f"float32 ({(['reference'] + available_vector_isas())[-1]})"


@pytest.mark.parametrize("cap", ISA_ORDER[1:])
def test_a_cap_keeps_kernels_at_or_below_it(env, cap):
    model, x = conv_model()
    env.setenv("EDGELITE_MAX_ISA", cap)
    _, kernel = run(model, x)
    chosen = kernel.split("(")[1].rstrip(")")
    assert ISA_ORDER.index(chosen) <= ISA_ORDER.index(cap)


def test_every_isa_and_the_reference_agree(env):
    model, x = conv_model()
    results = {}
    for cap in ["portable"] + available_vector_isas():
        env.setenv("EDGELITE_MAX_ISA", cap)
        results[cap], kernel = run(model, x)
        assert kernel == f"float32 ({'reference' if cap == 'portable' else cap})"
    env.delenv("EDGELITE_MAX_ISA")
    env.setenv("EDGELITE_FORCE_REFERENCE_KERNELS", "1")
    reference, kernel = run(model, x)
    assert kernel == "float32 (reference)"
    for cap, y in results.items():
        np.testing.assert_allclose(y, reference, rtol=1e-5, atol=1e-5, err_msg=cap)


def test_the_message_comes_from_the_table():
    model = single_op_model("SOFTMAX", [np.zeros((2, 3), np.int32)], {"beta": 1.0})
    interp = edgelite.Interpreter(model_content=model)
    with pytest.raises(edgelite.UnsupportedError) as e:
        interp.allocate_tensors()
    message = str(e.value)
    assert "node 0 (SOFTMAX): dtypes (int32) -> int32 are not supported" in message
    assert "input 0 'input0' is int32, expected float32" in message
    assert message.endswith("supported: (float32) -> float32; (float16) -> float16; (int8) -> int8; (int8) -> int16; "
                            "(uint8) -> uint8; (uint8) -> int16; (int16) -> int16")


def test_a_condition_that_no_row_meets_is_named():
    # DEPTHWISE_CONV_2D's vectorized float rows take at most 64 filter taps; the reference row takes any, so
    # a 9x9 filter runs (on the reference) rather than failing.
    x = np.ones((1, 4, 4, 2), np.float32)
    w = np.ones((1, 9, 9, 4), np.float32)
    model = single_op_model("DEPTHWISE_CONV_2D", [x, w], {"padding": "SAME", "stride_h": 1, "stride_w": 1,
                                                           "depth_multiplier": 2}, constant_inputs=(1,))
    _, kernel = run(model, x)
    assert kernel == "float32 (reference)"


def build_dirs():
    """Build trees under build/, except sanitizer and fuzzing ones (scripts/sanitized_env.sh): their objects are
    instrumented, not the code that ships, and reading them takes minutes."""
    def instrumented(d):
        cache = os.path.join(d, "CMakeCache.txt")
        text = open(cache).read() if os.path.exists(cache) else ""
        return bool(re.search(r"^EDGELITE_SANITIZE:STRING=.+$", text, re.M)) or "EDGELITE_FUZZ:BOOL=ON" in text
    return sorted(d for d in glob.glob(os.path.join(ROOT, "build", "*"))
                  if glob.glob(os.path.join(d, "CMakeFiles", "edgelite_isa_*.dir")) and not instrumented(d))


@pytest.mark.skipif(sys.platform != "linux" or os.uname().machine != "x86_64", reason="x86-64 builds only")
@pytest.mark.skipif(shutil.which("objdump") is None, reason="objdump (binutils) is not installed")
def test_isa_code_stays_in_its_namespaces():
    dirs = build_dirs()
    if not dirs:
        pytest.skip("no build tree with object files next to the tests")
    for d in dirs:
        result = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "check_isa_isolation.py"), d],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
