"""The operator-breadth golden models from TensorFlow's converter (tests/models/tf_ops, made by
tests/golden/make_ops_models.py): a model of miscellaneous operators (TOPK_V2, ARG_MAX, CUMSUM, GATHER_ND,
REVERSE_V2, TILE, SELECT, SPACE_TO_DEPTH, LOG_SOFTMAX and the new core ones) and a segmentation-style
encoder-decoder (strided and dilated convs, TRANSPOSE_CONV, bilinear resize, concat) in float32 and int8, run
by edgelite against LiteRT's recorded outputs, TensorFlow's own outputs and, where installed, LiteRT live."""

import json
import os

import numpy as np
import pytest

import edgelite
from testutil import has_module, model_path

MODELS = ["misc_ops", "segmentation", "segmentation_int8"]
requires_litert = pytest.mark.skipif(not has_module("ai_edge_litert"), reason="ai-edge-litert is not installed")


def load(name):
    path = model_path("tf_ops", f"{name}.tflite")
    with np.load(model_path("tf_ops", f"{name}.io.npz")) as z:
        arrays = dict(z)
    inputs = {k[len("input_"):]: v for k, v in arrays.items() if k.startswith("input_")}
    litert = {k[len("output_"):]: v for k, v in arrays.items() if k.startswith("output_")}
    tf_out = {k[len("tf_output_"):]: v for k, v in arrays.items() if k.startswith("tf_output_")}
    return path, inputs, litert, tf_out


def run(path, inputs, runtime=edgelite):
    if runtime is edgelite:
        interp = edgelite.Interpreter(model_path=path, num_threads=1)
    else:
        from ai_edge_litert.interpreter import Interpreter, OpResolverType
        interp = Interpreter(model_path=path, num_threads=1,
                             experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    return {k: np.asarray(v) for k, v in interp.get_signature_runner()(**inputs).items()}


def assert_close(name, key, ours, ref, *, what):
    assert ours.dtype == ref.dtype and ours.shape == ref.shape, (name, key, what, ours.dtype, ref.dtype)
    if ours.dtype == np.int8:
        assert np.abs(ours.astype(np.int32) - ref).max() <= 1, (name, key, what)
    elif np.issubdtype(ours.dtype, np.floating):
        np.testing.assert_allclose(ours, ref, rtol=1e-5, atol=1e-5, err_msg=f"{name}:{key} vs {what}")
    else:
        np.testing.assert_array_equal(ours, ref, err_msg=f"{name}:{key} vs {what}")


def test_manifest_lists_the_operators_the_issue_names():
    with open(model_path("tf_ops", "manifest.json")) as f:
        manifest = json.load(f)
    misc = manifest["misc_ops"]["operators"]
    for op in ["TOPK_V2", "ARG_MAX", "CUMSUM", "GATHER_ND", "REVERSE_V2", "TILE", "SELECT", "SPACE_TO_DEPTH",
               "LOG_SOFTMAX", "ADD_N", "REDUCE_ANY", "REDUCE_ALL", "UNPACK", "SPACE_TO_BATCH_ND", "BATCH_TO_SPACE_ND",
               "BITCAST", "BITWISE_XOR", "RIGHT_SHIFT", "SPARSE_TO_DENSE"]:
        assert op in misc, op
    for name in ("segmentation", "segmentation_int8"):
        for op in ["TRANSPOSE_CONV", "RESIZE_BILINEAR", "CONCATENATION", "CONV_2D"]:
            assert op in manifest[name]["operators"], (name, op)


@pytest.mark.parametrize("name", MODELS)
def test_matches_recorded_litert_outputs(name):
    path, inputs, litert, _ = load(name)
    ours = run(path, inputs)
    assert sorted(ours) == sorted(litert)
    for key in litert:
        assert_close(name, key, ours[key], litert[key], what="LiteRT (recorded)")


@pytest.mark.parametrize("name", ["misc_ops", "segmentation"])
def test_float_models_match_tensorflow(name):
    path, inputs, _, tf_out = load(name)
    ours = run(path, inputs)
    for key in tf_out:
        ref = tf_out[key]
        if np.issubdtype(ref.dtype, np.floating):
            np.testing.assert_allclose(ours[key], ref, rtol=1e-4, atol=1e-4, err_msg=f"{name}:{key} vs TF")
        else:
            np.testing.assert_array_equal(ours[key].astype(ref.dtype), ref, err_msg=f"{name}:{key} vs TF")


def test_int8_segmentation_is_close_to_the_float_model():
    path, inputs, _, tf_out = load("segmentation_int8")
    interp = edgelite.Interpreter(model_path=path)
    scale, zero = interp.get_output_details()[0]["quantization"]
    (key, q), = run(path, inputs).items()
    probabilities = scale * (q.astype(np.float32) - zero)
    assert np.abs(probabilities - tf_out[key]).max() < 0.08
    # The class picked per pixel agrees almost everywhere.
    assert np.mean(probabilities.argmax(-1) == tf_out[key].argmax(-1)) > 0.9


@requires_litert
@pytest.mark.parametrize("name", MODELS)
def test_matches_litert_live(name):
    path, inputs, _, _ = load(name)
    ours, theirs = run(path, inputs), run(path, inputs, runtime="litert")
    for key in theirs:
        assert_close(name, key, ours[key], theirs[key], what="LiteRT (live)")
