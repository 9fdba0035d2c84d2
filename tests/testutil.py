"""Shared test helpers: where the committed models live, tolerance arithmetic, optional-package marks.

A module of its own (not conftest.py), because several test folders have a conftest.py and
`from testutil import ...` would pick whichever was imported first."""

import json
import os

import numpy as np
import pytest

MODELS_DIR = os.path.join(os.path.dirname(__file__), "models")


def model_path(*parts: str) -> str:
    return os.path.join(MODELS_DIR, *parts)


def load_manifest():
    path = model_path("manifest.json")
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return json.load(f)


def max_rel_error(actual: np.ndarray, expected: np.ndarray) -> float:
    """Largest absolute difference relative to the expected output's largest magnitude."""
    expected = np.asarray(expected, dtype=np.float64)
    actual = np.asarray(actual, dtype=np.float64)
    scale = max(float(np.max(np.abs(expected))) if expected.size else 0.0, 1e-6)
    return float(np.max(np.abs(actual - expected))) / scale if expected.size else 0.0


def has_module(name: str) -> bool:
    try:
        __import__(name)
        return True
    except Exception:
        return False


requires_litert = pytest.mark.skipif(not has_module("ai_edge_litert"), reason="ai-edge-litert is not installed")
requires_onnxruntime = pytest.mark.skipif(not has_module("onnxruntime"), reason="onnxruntime is not installed")


def run_interpreter(interp, inputs):
    """Resizes inputs whose shape differs, allocates, sets `inputs` in input order and invokes; returns
    the interpreter (edgelite's or LiteRT's)."""
    for d, x in zip(interp.get_input_details(), inputs):
        if list(d["shape"]) != list(x.shape):
            interp.resize_tensor_input(d["index"], x.shape)
    interp.allocate_tensors()
    for d, x in zip(interp.get_input_details(), inputs):
        interp.set_tensor(d["index"], x)
    interp.invoke()
    return interp


def counting_loop():
    """A model running while i < n: i += 1 (inputs i, n: int32 scalars; two subgraph calls per iteration;
    n = 2**31 - 1 runs for minutes): an invoke() that lasts until cancel()."""
    from edgelite.model_builder import ModelBuilder
    b = ModelBuilder()
    i, n = b.add_input("i", [], np.int32), b.add_input("n", [], np.int32)
    outs = [b.add_tensor("i_out", [], np.int32), b.add_tensor("n_out", [], np.int32)]
    b.add_operator("WHILE", [i, n], outs, {"cond_subgraph_index": 1, "body_subgraph_index": 2})
    b.mark_output(outs[0])
    b.add_subgraph("cond")
    ci, cn = b.add_input("i", [], np.int32), b.add_input("n", [], np.int32)
    less = b.add_tensor("less", [], np.bool_)
    b.add_operator("LESS", [ci, cn], [less])
    b.mark_output(less)
    b.add_subgraph("body")
    bi, bn = b.add_input("i", [], np.int32), b.add_input("n", [], np.int32)
    one = b.add_constant("one", np.int32(1))
    nxt = b.add_tensor("next", [], np.int32)
    b.add_operator("ADD", [bi, one], [nxt])
    b.mark_output(nxt)
    b.mark_output(bn)
    return b.build()


def string_buffer(strings) -> bytes:
    """The .tflite string tensor layout (int32 count, int32 offsets[count + 1] from the buffer's start, the bytes),
    written here independently of the model builder and the runtime."""
    import struct
    header = 4 * (len(strings) + 2)
    offsets = [header]
    for s in strings:
        offsets.append(offsets[-1] + len(s))
    return struct.pack(f"<{len(offsets) + 1}i", len(strings), *offsets) + b"".join(strings)
