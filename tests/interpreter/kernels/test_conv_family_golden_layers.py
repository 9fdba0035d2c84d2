"""Every CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, BATCH_MATMUL, AVERAGE_POOL_2D and MAX_POOL_2D layer of
the golden models (TF-converted and MediaPipe's), run alone: LiteRT's builtin kernels run the whole model
with every tensor kept, and each layer is rerun in edgelite as a one-op model on the inputs LiteRT gave it,
with the model's own weights and options. Checks real shapes, options and weights without needing the
rest of the model's operators."""

import os

import numpy as np
import pytest

from testutil import load_manifest, model_path, requires_litert
from golden_layers import golden_layers
from edgelite.testing import run_single_op

FAMILY = {"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "BATCH_MATMUL", "AVERAGE_POOL_2D", "MAX_POOL_2D"}
# Relative to the layer output's largest magnitude; the worst layer of these models is at 2e-6.
TOLERANCE = 2e-5


def _models():
    models = load_manifest().get("models", [])
    if isinstance(models, dict):
        models = [dict(v, path=k) for k, v in models.items()]
    return [m["path"] for m in models
            if FAMILY & set(m.get("ops", [])) and os.path.exists(model_path(m["path"]))]


MODELS = _models()


@requires_litert
@pytest.mark.skipif(not MODELS, reason="no golden models with these operators")
@pytest.mark.parametrize("path", MODELS)
def test_layers_match_litert(path):
    checked = 0
    for layer in golden_layers(model_path(path), FAMILY):
        (actual,) = run_single_op(layer.op, layer.inputs, layer.options, constant_inputs=layer.constant_inputs,
                                  version=layer.version)
        expected = layer.expected
        assert actual.shape == expected.shape, f"node {layer.index} ({layer.op}): shape"
        scale = max(float(np.max(np.abs(expected))), 1e-6)
        err = float(np.max(np.abs(actual.astype(np.float64) - expected))) / scale if expected.size else 0.0
        assert err <= TOLERANCE, f"node {layer.index} ({layer.op}): relative error {err:.2e}"
        checked += 1
    assert checked > 0
