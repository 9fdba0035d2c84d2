"""The OpenCL delegate through the interpreter: single-operator and chained models run on the device match
the CPU path within 1e-4, partitions hand buffers over, resizes re-prepare, the program cache is used on
the second start and survives corrupt files, and bad set-ups are named errors."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

import edgelite
from edgelite.model_builder import ModelBuilder

RNG = np.random.default_rng(7)


def opencl(tmp_path=None, **options):
    """The OpenCL delegate on this machine's device (skips when there is none)."""
    if tmp_path is not None:
        options.setdefault("cache_dir", str(tmp_path / "cache"))
    try:
        return edgelite.load_delegate("opencl", options=options)
    except ValueError as e:
        if "no OpenCL platform" in str(e) or "has no libedgelite_opencl" in str(e):
            pytest.skip(str(e))
        raise


def run(model, inputs, delegates=()):
    interp = edgelite.Interpreter(model_content=model, experimental_delegates=list(delegates))
    interp.allocate_tensors()
    for d, x in zip(interp.get_input_details(), inputs):
        interp.set_tensor(d["index"], x)
    interp.invoke()
    return [interp.get_tensor(d["index"]) for d in interp.get_output_details()], interp


def delegated_count(interp):
    return sum(1 for n in interp._get_ops_details() if n["op_name"] == "DELEGATE")


def binary_model(op, a_shape, b_shape, options=None, b_constant=None):
    b = ModelBuilder()
    x = b.add_input("x", list(a_shape))
    y = b.add_constant("y", b_constant) if b_constant is not None else b.add_input("y", list(b_shape))
    out = b.add_tensor("out", list(np.broadcast_shapes(a_shape, b_shape)))
    b.add_operator(op, [x, y], [out], options=options)
    b.mark_output(out)
    return b.build()


def unary_model(op, shape, options=None):
    b = ModelBuilder()
    x = b.add_input("x", list(shape))
    out = b.add_tensor("out", list(shape))
    b.add_operator(op, [x], [out], options=options)
    b.mark_output(out)
    return b.build()


def assert_matches_cpu(model, inputs, delegate):
    want, _ = run(model, inputs)
    got, interp = run(model, inputs, [delegate])
    assert delegated_count(interp) == 1, interp._get_ops_details()
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-5)
    return interp


@pytest.mark.parametrize("op", ["ADD", "SUB", "MUL", "DIV", "MAXIMUM", "MINIMUM", "SQUARED_DIFFERENCE"])
@pytest.mark.parametrize("a_shape,b_shape", [((2, 3, 5), (2, 3, 5)), ((4, 1, 7), (3, 1)), ((1, 6, 6, 9), (9,)),
                                             ((2, 1, 3, 1, 2, 3), (1, 5, 1, 2, 1, 1))])
def test_binary_matches_cpu(tmp_path, op, a_shape, b_shape):
    a = RNG.standard_normal(a_shape).astype(np.float32)
    b = RNG.standard_normal(b_shape).astype(np.float32)
    if op == "DIV":
        b = np.where(np.abs(b) < 0.1, 0.7, b).astype(np.float32)
    assert_matches_cpu(binary_model(op, a_shape, b_shape), [a, b], opencl(tmp_path))


@pytest.mark.parametrize("act", ["RELU", "RELU6", "RELU_N1_TO_1"])
def test_fused_activation_with_constant_operand(tmp_path, act):
    c = RNG.standard_normal((7,)).astype(np.float32)
    model = binary_model("MUL", (3, 7), (7,), {"fused_activation_function": act}, b_constant=c)
    assert_matches_cpu(model, [RNG.standard_normal((3, 7)).astype(np.float32) * 4], opencl(tmp_path))


def test_int32_add_is_declined_and_runs_on_cpu(tmp_path):
    b = ModelBuilder()
    x, y = b.add_input("x", [3, 7], np.int32), b.add_input("y", [3, 7], np.int32)
    out = b.add_tensor("out", [3, 7], np.int32)
    b.add_operator("ADD", [x, y], [out])
    b.mark_output(out)
    model = b.build()
    xs = [RNG.integers(-50, 50, (3, 7)).astype(np.int32) for _ in range(2)]
    got, interp = run(model, xs, [opencl(tmp_path)])
    assert delegated_count(interp) == 0
    np.testing.assert_array_equal(got[0], xs[0] + xs[1])


@pytest.mark.parametrize("op,options", [
    ("RELU", None), ("RELU6", None), ("RELU_N1_TO_1", None), ("LOGISTIC", None), ("TANH", None),
    ("HARD_SWISH", None), ("ELU", None), ("LEAKY_RELU", {"alpha": 0.3}), ("GELU", {"approximate": False}),
    ("GELU", {"approximate": True}), ("ABS", None), ("NEG", None), ("EXP", None),
])
def test_unary_matches_cpu(tmp_path, op, options):
    x = (RNG.standard_normal((3, 5, 7)) * 3).astype(np.float32)
    assert_matches_cpu(unary_model(op, x.shape, options), [x], opencl(tmp_path))


@pytest.mark.parametrize("op", ["RSQRT", "SQRT"])
def test_unary_positive_inputs(tmp_path, op):
    x = (np.abs(RNG.standard_normal((33,))) + 0.05).astype(np.float32)
    assert_matches_cpu(unary_model(op, x.shape), [x], opencl(tmp_path))


def test_prelu_broadcasts_alpha(tmp_path):
    alpha = RNG.uniform(0, 0.5, (1, 1, 6)).astype(np.float32)
    b = ModelBuilder()
    x = b.add_input("x", [2, 4, 6])
    a = b.add_constant("alpha", alpha)
    out = b.add_tensor("out", [2, 4, 6])
    b.add_operator("PRELU", [x, a], [out])
    b.mark_output(out)
    assert_matches_cpu(b.build(), [RNG.standard_normal((2, 4, 6)).astype(np.float32)], opencl(tmp_path))


def chain(ops, shape=(2, 9)):
    """x -> ops... with a constant second operand for binary ones; returns the model."""
    b = ModelBuilder()
    cur = b.add_input("x", list(shape))
    c = b.add_constant("c", RNG.standard_normal(shape[-1:]).astype(np.float32))
    for i, op in enumerate(ops):
        nxt = b.add_tensor(f"t{i}", list(shape))
        b.add_operator(op, [cur, c] if op in ("ADD", "MUL", "SUB") else [cur], [nxt])
        cur = nxt
    b.mark_output(cur)
    return b.build()


def test_chain_is_one_partition_and_matches_cpu(tmp_path):
    delegate = opencl(tmp_path)
    model = chain(["ADD", "RELU", "MUL", "TANH", "SUB", "LOGISTIC"])
    assert_matches_cpu(model, [RNG.standard_normal((2, 9)).astype(np.float32)], delegate)
    assert json.loads(delegate.query("partitions")) == [[0, 1, 2, 3, 4, 5]]


def test_partitions_around_a_cpu_node_match_cpu(tmp_path):
    # CEIL has no OpenCL kernel: two partitions with the CPU node between them.
    delegate = opencl(tmp_path)
    model = chain(["ADD", "RELU", "CEIL", "MUL", "TANH"])
    x = [RNG.standard_normal((2, 9)).astype(np.float32) * 3]
    want, _ = run(model, x)
    got, interp = run(model, x, [delegate])
    assert delegated_count(interp) == 2
    np.testing.assert_allclose(got[0], want[0], rtol=1e-4, atol=1e-5)
    assert json.loads(delegate.query("partitions")) == [[0, 1], [3, 4]]


def test_repeated_invokes_and_resize(tmp_path):
    model = chain(["ADD", "RELU", "MUL"], shape=(2, 9))
    interp = edgelite.Interpreter(model_content=model, experimental_delegates=[opencl(tmp_path)])
    cpu = edgelite.Interpreter(model_content=model)
    for n in (2, 5, 1):
        for it in (interp, cpu):
            it.resize_tensor_input(it.get_input_details()[0]["index"], [n, 9])
            it.allocate_tensors()
        for _ in range(2):
            x = RNG.standard_normal((n, 9)).astype(np.float32)
            outs = []
            for it in (interp, cpu):
                it.set_tensor(it.get_input_details()[0]["index"], x)
                it.invoke()
                outs.append(it.get_tensor(it.get_output_details()[0]["index"]))
            assert outs[0].shape == (n, 9)
            np.testing.assert_allclose(outs[0], outs[1], rtol=1e-4, atol=1e-5)


def test_queries_describe_device_and_cache(tmp_path):
    delegate = opencl(tmp_path)
    device = json.loads(delegate.query("device"))
    assert device["name"] and isinstance(device["fp16"], bool) and device["precision"] == "fp32"
    assert delegate.query("no such key") is None
    run(chain(["ADD", "RELU"]), [np.ones((2, 9), np.float32)], [delegate])
    cache = json.loads(delegate.query("cache"))
    assert cache["dir"] == str(tmp_path / "cache") and cache["misses"] == 1 and cache["hits"] == 0


CACHE_SCRIPT = """
import json, sys, time
import numpy as np
import edgelite
sys.path.insert(0, sys.argv[2])
from test_opencl_delegate import chain
d = edgelite.load_delegate("opencl", options={"cache_dir": sys.argv[1]})
model = chain(["ADD", "RELU", "MUL", "TANH", "SUB", "LOGISTIC", "HARD_SWISH", "ELU"])
start = time.perf_counter()
it = edgelite.Interpreter(model_content=model, experimental_delegates=[d])
it.allocate_tensors()
it.set_tensor(it.get_input_details()[0]["index"], np.ones((2, 9), np.float32))
it.invoke()
out = it.get_tensor(it.get_output_details()[0]["index"])
print(json.dumps({"cache": json.loads(d.query("cache")), "ms": (time.perf_counter() - start) * 1e3,
                  "out": out.tolist()}))
"""


def start_process(cache_dir):
    """A fresh process's first interpreter through the delegate: its cache facts, time and output."""
    result = subprocess.run([sys.executable, "-c", CACHE_SCRIPT, str(cache_dir), os.path.dirname(__file__)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_second_process_uses_cached_binaries_and_survives_corrupt_files(tmp_path):
    opencl(tmp_path)  # skips without a device
    cache_dir = tmp_path / "cache"
    cold = start_process(cache_dir)
    assert cold["cache"]["misses"] == 1 and cold["cache"]["hits"] == 0
    files = list(cache_dir.glob("*.clbin"))
    assert len(files) == 1
    warm = start_process(cache_dir)
    assert warm["cache"]["hits"] == 1 and warm["cache"]["misses"] == 0
    assert warm["out"] == cold["out"]
    print(f"first invoke, cold cache {cold['ms']:.1f} ms (build {cold['cache']['build_ms']:.1f} ms), "
          f"warm {warm['ms']:.1f} ms (build {warm['cache']['build_ms']:.1f} ms)")
    # Flipped bytes in the middle, then a truncated file: both ignored, rebuilt and rewritten.
    data = bytearray(files[0].read_bytes())
    data[len(data) // 2] ^= 0xFF
    files[0].write_bytes(bytes(data))
    spoiled = start_process(cache_dir)
    assert spoiled["cache"]["corrupt"] == 1 and spoiled["cache"]["misses"] == 1
    assert spoiled["out"] == cold["out"]
    files[0].write_bytes(files[0].read_bytes()[:20])
    truncated = start_process(cache_dir)
    assert truncated["cache"]["corrupt"] == 1 and truncated["out"] == cold["out"]
    assert start_process(cache_dir)["cache"]["hits"] == 1


def test_options_are_checked(tmp_path):
    opencl(tmp_path)
    with pytest.raises(ValueError, match="unknown option.*'colour'"):
        edgelite.load_delegate("opencl", options={"colour": "blue"})
    with pytest.raises(ValueError, match="precision must be"):
        edgelite.load_delegate("opencl", options={"precision": "fp64"})
    with pytest.raises(ValueError, match="device 'no-such-device' not found"):
        edgelite.load_delegate("opencl", options={"device": "no-such-device"})
    device = json.loads(opencl(tmp_path).query("device"))
    if not device["fp16"]:
        with pytest.raises(ValueError, match="cl_khr_fp16"):
            edgelite.load_delegate("opencl", options={"precision": "fp16"})
    assert json.loads(opencl(tmp_path, device="0").query("device"))["name"]


def test_fp16_matches_cpu_within_half_precision(tmp_path):
    if not json.loads(opencl(tmp_path).query("device"))["fp16"]:
        pytest.skip("the OpenCL device has no cl_khr_fp16")
    model = chain(["ADD", "RELU", "MUL", "TANH"])
    x = [RNG.standard_normal((2, 9)).astype(np.float32)]
    want, _ = run(model, x)
    got, _ = run(model, x, [opencl(tmp_path, precision="fp16")])
    np.testing.assert_allclose(got[0], want[0], rtol=5e-3, atol=5e-3)


def test_a_build_failure_is_a_named_error(tmp_path):
    delegate = opencl(tmp_path, build_options="-cl-no-such-option")
    interp = edgelite.Interpreter(model_content=chain(["ADD"]), experimental_delegates=[delegate])
    with pytest.raises(Exception, match="clBuildProgram failed: CL_INVALID_(BUILD|COMPILER)_OPTIONS"):
        interp.allocate_tensors()


def test_no_opencl_library_is_a_named_error():
    script = ("import edgelite\n"
              "try:\n"
              "    edgelite.load_delegate('opencl')\n"
              "except ValueError as e:\n"
              "    print('ERROR', e)\n")
    env = dict(os.environ, EDGELITE_OPENCL_LIBRARY="/nonexistent/libOpenCL.so.1")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    if "has no libedgelite_opencl" in result.stdout:
        pytest.skip(result.stdout)
    assert "ERROR no OpenCL platform: the OpenCL library could not be loaded" in result.stdout
