"""Quantization parameters as user code sees them: every tensor's `quantization` tuple and
`quantization_parameters` dict (scales, zero_points, quantized_dimension, block_size) equal LiteRT's on the
quantized golden models, `edgelite inspect` prints them, and set_tensor refuses a float array for an int8
input by name."""

import glob
import os
import subprocess
import sys

import numpy as np
import pytest

import edgelite
from edgelite.testing import quantization, single_op_model
from testutil import model_path, requires_litert

QUANT_MODELS = sorted(glob.glob(model_path("tf_quant", "*.tflite")))


@requires_litert
@pytest.mark.parametrize("path", QUANT_MODELS, ids=os.path.basename)
def test_tensor_details_equal_litert(path):
    from ai_edge_litert.interpreter import Interpreter
    ours = {d["index"]: d for d in edgelite.Interpreter(model_path=path).get_tensor_details()}
    for theirs in Interpreter(model_path=path).get_tensor_details():
        d = ours[theirs["index"]]
        assert (d["name"], d["dtype"], d["quantization"]) == (theirs["name"], theirs["dtype"], theirs["quantization"])
        qp, tqp = d["quantization_parameters"], theirs["quantization_parameters"]
        assert set(qp) == set(tqp)
        for key in ("scales", "zero_points"):
            assert qp[key].dtype == tqp[key].dtype and np.array_equal(qp[key], tqp[key]), (d["name"], key)
        assert (qp["quantized_dimension"], qp["block_size"]) == (tqp["quantized_dimension"], tqp["block_size"])


def test_per_tensor_and_per_channel_details():
    x = np.zeros((1, 2, 2, 3), np.int8)
    model = single_op_model("RESHAPE", [x, np.array([1, 12], np.int32)], {"new_shape": [1, 12]}, constant_inputs=(1,),
                            input_quantization={0: (0.5, -3)}, output_quantization=(0.5, -3))
    interp = edgelite.Interpreter(model_content=model)
    d = interp.get_input_details()[0]
    assert d["dtype"] is np.int8 and d["quantization"] == (0.5, -3)
    assert d["quantization_parameters"]["zero_points"].dtype == np.int32
    model = single_op_model("DEQUANTIZE", [np.zeros((3, 2), np.int8)], constant_inputs=(0,),
                            input_quantization=[quantization([0.1, 0.2, 0.4], 0, quantized_dimension=0)],
                            output_types=np.float32)
    interp = edgelite.Interpreter(model_content=model)
    (weights,) = [t for t in interp.get_tensor_details() if t["dtype"] is np.int8]
    assert weights["quantization"] == (0.0, 0)  # per-channel: no single (scale, zero point), as LiteRT
    np.testing.assert_array_equal(weights["quantization_parameters"]["scales"], np.float32([0.1, 0.2, 0.4]))
    assert weights["quantization_parameters"]["quantized_dimension"] == 0


def test_set_tensor_refuses_a_float_array_for_an_int8_input():
    model = single_op_model("RESHAPE", [np.zeros((2, 3), np.int8), np.array([6], np.int32)], {"new_shape": [6]},
                            constant_inputs=(1,), input_quantization={0: (0.1, 0)}, output_quantization=(0.1, 0))
    interp = edgelite.Interpreter(model_content=model)
    interp.allocate_tensors()
    with pytest.raises(edgelite.InvalidArgumentError, match="got a value of type float32 but expected int8"):
        interp.set_tensor(interp.get_input_details()[0]["index"], np.zeros((2, 3), np.float32))


@pytest.mark.skipif(not QUANT_MODELS, reason="no quantized golden models")
def test_inspect_shows_quantization():
    path = model_path("tf_quant", "convnet_int8.tflite")
    out = subprocess.run([sys.executable, "-m", "edgelite", "inspect", path], capture_output=True, text=True).stdout
    assert "int8[1x32x32x3] q=0.00392157/-128" in out
    assert "const int8[8x3x3x3] q=8 scales on axis 0" in out
