"""Whole models through the OpenCL delegate (PoCL in CI): every float golden model matches LiteRT's stored
outputs within 1e-3 and edgelite's CPU path within 1e-4 relative, with at least 90% of its operators
delegated; converted ONNX CNNs too. One kernel cache for the module, so each program compiles once."""

import os

import numpy as np
import pytest

import edgelite
from testutil import max_rel_error, model_path

try:
    edgelite.load_delegate("opencl")
    HAVE_OPENCL = True
except (ValueError, edgelite.EdgeliteError):
    HAVE_OPENCL = False

pytestmark = pytest.mark.skipif(not HAVE_OPENCL, reason="no OpenCL delegate or platform here")

FLOAT_MODELS = [
    ("tf", "mobilenet_v2"), ("tf", "mobilenet_v3_small"), ("tf", "convnet_pool_bn_dense"),
    ("tf", "float16_weights"), ("tf", "transformer_block"), ("tf", "transformer_block_dynamic_batch"),
    ("tf", "ops_elementwise"), ("tf", "ops_reduce"), ("tf", "ops_resize"), ("tf", "ops_shape"),
    ("tf", "ops_dynamic_reshape"),
    ("mediapipe", "face_detection_short_range"), ("mediapipe", "face_detection_full_range_sparse"),
    ("mediapipe", "face_landmark"), ("mediapipe", "iris_landmark"),
]


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    return str(tmp_path_factory.mktemp("opencl_cache"))


def run(content, inputs, delegate=None):
    interp = edgelite.Interpreter(model_content=content, experimental_delegates=[delegate] if delegate else None)
    for d, x in zip(interp.get_input_details(), inputs):
        if list(d["shape"]) != list(x.shape):
            interp.resize_tensor_input(d["index"], x.shape)
    interp.allocate_tensors()
    for d, x in zip(interp.get_input_details(), inputs):
        interp.set_tensor(d["index"], x)
    interp.invoke()
    return [interp.get_tensor(d["index"]) for d in interp.get_output_details()], interp


def delegated_share(interp):
    """Delegated share of the operators that run at invoke (those computed at prepare, e.g. DEQUANTIZE of
    float16 weights, DENSIFY, shape chains, run nowhere), and what stayed on the CPU with why."""
    model_ops = [n for n in interp._get_ops_details() if n["delegate"] is None and not n["folded"]]
    taken = sum(1 for n in model_ops if n["plan_position"] is None)
    kept = [f"{n['op_name']}: {n['delegate_note']}" for n in interp.get_ops_details()
            if n["delegate"] is None and not n["folded"]]
    return taken / max(1, len(model_ops)), kept


def check_model(content, inputs, expected, cache_dir, min_share=0.9):
    cpu, _ = run(content, inputs)
    got, interp = run(content, inputs, edgelite.load_delegate("opencl", {"cache_dir": cache_dir}))
    share, kept = delegated_share(interp)
    assert share >= min_share, f"only {share:.0%} of the operators delegated; on the CPU: {kept}"
    for g, c in zip(got, cpu):
        assert max_rel_error(g, c) < 1e-4, "delegate differs from the CPU path"
    for g, e in zip(got, expected or []):
        assert max_rel_error(g, e) < 1e-3, "delegate differs from LiteRT's stored output"
    return interp


@pytest.mark.parametrize("folder, name", FLOAT_MODELS, ids=[n for _, n in FLOAT_MODELS])
def test_float_golden_model(folder, name, cache_dir):
    path = model_path(folder, name + ".tflite")
    if not os.path.exists(path):
        pytest.skip("golden model not committed")
    io = np.load(model_path(folder, name + ".io.npz"))
    count = lambda prefix: sum(1 for k in io.files if k.startswith(prefix))  # noqa: E731
    inputs = [io[f"input_{i}"] for i in range(count("input_"))]
    expected = [io[f"output_{i}"] for i in range(count("output_"))]
    with open(path, "rb") as f:
        check_model(f.read(), inputs, expected, cache_dir)


@pytest.mark.parametrize("name", ["mobilenet_v2", "resnet_basic", "squeezenet", "shufflenet_v2"])
def test_converted_onnx_cnn(name, cache_dir):
    pytest.importorskip("onnx")
    path = model_path("onnx", name + ".onnx")
    if not os.path.exists(path):
        pytest.skip("ONNX model not committed")
    from edgelite.converter import convert
    content = convert(path)
    probe = edgelite.Interpreter(model_content=content)
    rng = np.random.default_rng(0)
    inputs = [rng.uniform(-1, 1, d["shape"]).astype(d["dtype"]) for d in probe.get_input_details()]
    check_model(content, inputs, None, cache_dir)
