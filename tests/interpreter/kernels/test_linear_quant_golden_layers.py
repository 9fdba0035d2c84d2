"""Every CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED and BATCH_MATMUL layer of the quantized golden models
(tests/models/tf_quant: int8, int16x8 and dynamic range, as TensorFlow's converter makes them), run alone:
LiteRT's reference kernels (BUILTIN_REF) run the whole model with every tensor kept, and each layer is rerun
in edgelite as a one-op model on the inputs LiteRT gave it, with the model's weights, quantization and options.
Integer and dynamic-range layers must give LiteRT's outputs bit for bit (dynamic-range float outputs included);
the float layers the converter left in dynamic-range models (weights under 1024 elements) sum in another order,
so they get the float golden layers' tolerance. This covers every combination in the worklist
(tests/models/tf_quant/WORKLIST.md) before the rest of the models' operators exist."""

import json
import os

import numpy as np
import pytest

from conv_family import golden_layers
from linear_cases import assert_bit_exact
from testutil import model_path, requires_litert
from edgelite.testing import run_single_op

FAMILY = {"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "BATCH_MATMUL"}
FLOAT_TOLERANCE = 2e-5  # relative to the layer output's largest magnitude, as test_conv_family_golden_layers


def _models():
    path = model_path("tf_quant", "manifest.json")
    manifest = json.load(open(path)) if os.path.exists(path) else {}
    out = []
    for entry in manifest.get("models", []):
        if not entry.get("litert_runs") or not os.path.exists(model_path(entry["path"])):
            continue
        if not FAMILY & set(entry.get("op_counts", {})):
            continue
        out.append(pytest.param(entry["path"], id=os.path.splitext(os.path.basename(entry["path"]))[0]))
    return out


MODELS = _models()


@requires_litert
@pytest.mark.skipif(not MODELS, reason="no quantized golden models")
@pytest.mark.parametrize("path", MODELS or [None])
def test_layers_match_litert_reference_kernels(path):
    checked = 0
    for layer in golden_layers(model_path(path), FAMILY, resolver="BUILTIN_REF", sample=0):
        (actual,) = run_single_op(layer.op, layer.inputs, layer.options, constant_inputs=layer.constant_inputs,
                                  version=layer.version, input_quantization=layer.input_quantization,
                                  output_quantization=layer.output_quantization, output_types=layer.expected.dtype)
        what = f"node {layer.index} ({layer.op})"
        if all(x is None or x.dtype == np.float32 for x in layer.inputs):
            scale = max(float(np.max(np.abs(layer.expected))), 1e-6) if layer.expected.size else 1.0
            err = float(np.max(np.abs(actual - layer.expected), initial=0.0)) / scale
            assert err <= FLOAT_TOLERANCE, f"{what}: float layer, relative error {err:.2e}"
        else:
            assert_bit_exact(actual, layer.expected, what)
        checked += 1
    assert checked > 0
