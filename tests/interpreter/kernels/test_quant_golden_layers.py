"""Every layer of the quantized golden models (tests/models/tf_quant, made by TensorFlow's converter: int8 with
float or int8 I/O, int16x8, dynamic range), run alone, both as edgelite chooses its kernels and with the
reference twins: LiteRT runs the whole model with every tensor kept (golden_layers.py) and each layer is
rerun in edgelite on the inputs LiteRT gave it, with the model's options, constants and quantization.

- Against LiteRT's reference kernels (BUILTIN_REF, the normative answer) every integer and dynamic-range layer
  is equal bit for bit. Float layers (those the converter left in float) sum in another order and get the
  float golden layers' tolerance.
- Against LiteRT's default kernels (BUILTIN_WITHOUT_DEFAULT_DELEGATES: ruy, NEON-style rounding) every layer
  with an integer output is within one quantization step, on the inputs those kernels saw. (A whole model
  compounds such steps through its layers, as LiteRT's own two kernel sets do: tests/models/README.md.)

This covers every operator x dtype x option combination of tests/models/tf_quant/WORKLIST.md."""

import json
import os

import numpy as np
import pytest

from edgelite.testing import run_single_op
from golden_layers import golden_layers
from kernel_twins import reference_kernels
from quant_kernel_checks import assert_bit_equal
from testutil import model_path, requires_litert

FLOAT_TOLERANCE = 2e-5  # relative to the layer output's largest magnitude, as test_conv_family_golden_layers
# LiteRT's reference kernels take up to 300 ms per invoke on the 224x224 MobileNets, whose layers repeat the
# small models' ones.
HEAVY_ARCHITECTURES = {"mobilenet_v2", "mobilenet_v3_small"}


def _models():
    path = model_path("tf_quant", "manifest.json")
    entries = json.load(open(path))["models"] if os.path.exists(path) else []
    out = []
    for e in entries:
        if not e.get("litert_runs") or not os.path.exists(model_path(e["path"])):
            continue
        heavy = e["source"]["architecture"] in HEAVY_ARCHITECTURES
        out.append(pytest.param(e["path"], id=os.path.splitext(os.path.basename(e["path"]))[0],
                                marks=[pytest.mark.slow] if heavy else []))
    return out or [pytest.param(None, marks=pytest.mark.skip(reason="no quantized golden models"))]


MODELS = _models()


def _is_float(layer):
    """Float outputs from float data (index inputs such as axes aside): no quantized tensor involved."""
    quantized = [x for x in layer.inputs + layer.outputs if x is not None and x.dtype.itemsize <= 2]
    return not quantized and all(o.dtype.kind == "f" for o in layer.outputs)


def _check_float(actual, expected, what):
    scale = max(float(np.max(np.abs(expected))), 1e-6) if expected.size else 1.0
    err = float(np.max(np.abs(actual.astype(np.float64) - expected), initial=0.0)) / scale
    assert err <= FLOAT_TOLERANCE, f"{what}: float layer, relative error {err:.2e}"


@requires_litert
@pytest.mark.parametrize("path", MODELS)
def test_layers_equal_litert_reference_kernels(path):
    ops = set()
    for layer in golden_layers(model_path(path), resolver="BUILTIN_REF", sample=0):
        optimized = run_single_op(layer.op, layer.inputs, layer.options, **layer.run_kwargs())
        with reference_kernels():
            reference = run_single_op(layer.op, layer.inputs, layer.options, **layer.run_kwargs())
        for kind, got in (("optimized", optimized), ("reference", reference)):
            for k, (actual, expected) in enumerate(zip(got, layer.outputs)):
                what = f"node {layer.index} ({layer.op}, {kind} kernels, output {k})"
                if _is_float(layer):
                    _check_float(actual, expected, what)
                else:
                    assert_bit_equal(actual, expected, what)
        ops.add(layer.op)
    assert ops


@requires_litert
@pytest.mark.parametrize("path", MODELS)
def test_integer_layers_within_one_step_of_litert_default_kernels(path):
    checked = 0
    for layer in golden_layers(model_path(path), resolver="BUILTIN_WITHOUT_DEFAULT_DELEGATES", sample=0):
        if not any(o.dtype.kind in "iu" and o.dtype.itemsize <= 2 for o in layer.outputs):
            continue
        got = run_single_op(layer.op, layer.inputs, layer.options, **layer.run_kwargs())
        for k, (actual, expected) in enumerate(zip(got, layer.outputs)):
            steps = int(np.max(np.abs(actual.astype(np.int64) - expected.astype(np.int64)), initial=0))
            assert steps <= 1, f"node {layer.index} ({layer.op}, output {k}): {steps} steps from LiteRT's default"
        checked += 1
    if checked == 0:
        assert "dynamic" in path  # dynamic-range models have float outputs only
