"""Issue 18's acceptance check: examples/keras3_training.py, a script written for Keras 3 (callbacks, class weights,
a regularizer, AdamW on a warmup schedule, LayerNormalization, Embedding + MultiHeadAttention + Conv1D,
SeparableConv2D, Conv2DTranspose, UpSampling2D, Rescaling, PReLU, save_weights/load_weights), runs with only its
import changed; each model it trains converts to a .tflite whose outputs at batch 5 match predict within 1e-4."""

import os
import runpy

import numpy as np
import pytest

from edgelite import Interpreter
from edgelite.converter import convert

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "keras3_training.py")


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    pytest.importorskip("h5py")  # the script saves .weights.h5 files as Keras users do
    with open(SCRIPT) as f:
        source = f.read()
    assert source.count("\nimport keras\n") == 1
    path = tmp_path_factory.mktemp("keras3") / "script.py"
    path.write_text(source.replace("\nimport keras\n", "\nfrom edgelite import training as keras\n"))
    return runpy.run_path(str(path))["TRAINED"]


@pytest.mark.parametrize("name", ["text", "image"])
def test_script_models_convert_and_match_predict_at_batch_5(trained, name):
    model, x = trained[name]
    assert x.shape[0] == 5
    interpreter = Interpreter(model_content=convert(model))
    detail = interpreter.get_input_details()[0]
    assert detail["shape_signature"][0] == -1  # converted with a dynamic batch
    interpreter.resize_tensor_input(detail["index"], x.shape)
    interpreter.allocate_tensors()
    interpreter.set_tensor(detail["index"], x.astype(detail["dtype"]))
    interpreter.invoke()
    out = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
    np.testing.assert_allclose(out, model.predict(x, verbose=0), rtol=1e-4, atol=1e-4)
