"""The committed SSD-style detectors (tests/models/detection/, scripts/make_detection_golden.py) end in
TFLite_Detection_PostProcess: edgelite's outputs equal the LiteRT outputs stored with them, and LiteRT's own
when it is installed. The operator runs from libedgelite_select.so, loaded because the model has it."""

import os

import numpy as np
import pytest

import edgelite
from testutil import has_module, model_path

MODELS = ["ssd_fast", "ssd_regular"]


def _run(interp_cls, path, image):
    interp = interp_cls(model_path=path)
    interp.allocate_tensors()
    interp.set_tensor(interp.get_input_details()[0]["index"], image)
    interp.invoke()
    return interp, {d["name"]: interp.get_tensor(d["index"]) for d in interp.get_output_details()}


def _check(ours, golden, per_detection):
    count = int(golden["num_detections"][0])
    assert count > 0 and int(ours["num_detections"][0]) == count
    n = count * per_detection  # slots LiteRT wrote
    np.testing.assert_allclose(ours["detection_boxes"][0, :n], golden["detection_boxes"][0, :n], rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(ours["detection_classes"][0, :n], golden["detection_classes"][0, :n])
    np.testing.assert_allclose(ours["detection_scores"][0, :n], golden["detection_scores"][0, :n], rtol=1e-6)


@pytest.mark.parametrize("name", MODELS)
def test_detector_matches_litert(name):
    path = model_path("detection", name + ".tflite")
    if not os.path.exists(path):
        pytest.skip("golden detector not committed")
    golden = dict(np.load(model_path("detection", name + ".io.npz")))
    interp, ours = _run(edgelite.Interpreter, path, golden["image"])
    per = 2 if name == "ssd_fast" else 1
    _check(ours, golden, per)
    kernels = {op["op_name"]: op.get("kernel") for op in interp._get_ops_details()}
    assert kernels["TFLite_Detection_PostProcess"] == "libedgelite_select.so (plugin)"
    if has_module("ai_edge_litert"):
        from ai_edge_litert.interpreter import Interpreter
        _check(ours, _run(Interpreter, path, golden["image"])[1], per)


def test_detector_without_the_plugin_names_the_library():
    with pytest.raises(edgelite.EdgeliteError, match=r"operator TFLite_Detection_PostProcess runs in the "
                                                     r"plugin library libedgelite_select.so, which was not loaded"):
        edgelite.Interpreter(model_path=model_path("detection", "ssd_fast.tflite"), select_ops=False).allocate_tensors()
