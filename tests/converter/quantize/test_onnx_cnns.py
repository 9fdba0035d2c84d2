"""Converted ONNX CNNs (ResNet, MobileNet v2) quantize to int8 with calibration data and give the same outputs
in edgelite and LiteRT BUILTIN_REF; close to the float model; the report names a layer."""

import os

import numpy as np
import pytest

from quant_testutil import HAVE_LITERT, run_batch, spoil_weights

from edgelite.converter import convert, quantization_report
from edgelite.converter.quantize.report import worst_layer

onnx = pytest.importorskip("onnx")
MODELS = os.path.join(os.path.dirname(__file__), "..", "..", "models", "onnx")


@pytest.mark.parametrize("name", ["resnet_basic", "mobilenet_v2_hardswish", "mobilenet_v2"])
def test_int8_onnx_cnn(name):
    model = onnx.load(os.path.join(MODELS, f"{name}.onnx"))
    shape = [d.dim_value or 1 for d in model.graph.input[0].type.tensor_type.shape.dim]
    rng = np.random.default_rng(0)
    calib = rng.random([16] + shape[1:]).astype(np.float32)
    x = rng.random([3] + shape[1:]).astype(np.float32)
    float_file = convert(model)
    content = convert(model, quantize="int8", representative_data=calib)
    assert len(content) < 0.5 * len(float_file)
    want, got = run_batch(float_file, x), run_batch(content, x)
    assert np.max(np.abs(got - want)) <= 0.03 * np.max(np.abs(want))
    if HAVE_LITERT:
        np.testing.assert_array_equal(run_batch(content, x, "litert"), got)
    rows = quantization_report(float_file, content, x[:1])
    assert len(rows) > 20 and all(np.isfinite(r.relative_rmse) and r.relative_rmse < 0.1 for r in rows)
    if name == "resnet_basic":
        # A layer made bad inside the file (its int8 weights halved) is the one the report names.
        spoiled, layer = spoil_weights(content, "CONV_2D", 5)
        assert worst_layer(quantization_report(float_file, spoiled, x[:1])).tensor == layer
