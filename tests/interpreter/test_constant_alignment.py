"""Constant tensors are read at their element's natural alignment. TF's converter writes some int64 biases of
int16x8 models at offsets that are a multiple of 4, not 8 (UBSan found the misaligned loads in the 16x8
convolutions): such a buffer is copied once into an aligned block at load; the rest are read in place. The golden tests check the values."""

import numpy as np
import pytest

import edgelite
from testutil import model_path

MISALIGNED_IN_FILE = ["convnet_int16x8.tflite", "transformer_block_plainnorm_int16x8.tflite"]


@pytest.mark.parametrize("name", MISALIGNED_IN_FILE)
def test_every_constant_is_aligned_for_its_type(name):
    interp = edgelite.Interpreter(model_path=model_path("tf_quant", name))
    interp.allocate_tensors()
    checked = 0
    for d in interp.get_tensor_details():
        info = interp._core.tensor_info(0, d["index"])  # the core's view: allocation "constant"
        if not (info["is_constant"] and info["allocation"] == "constant"):
            continue
        value = interp.tensor(d["index"])()
        assert value.ctypes.data % value.dtype.itemsize == 0, (d["name"], value.dtype)
        checked += value.dtype == np.int64
    assert checked > 0, "the model has int64 constants (its biases)"
