"""Models converted by TensorFlow with SELECT_TF_OPS (tests/models/select/, made by
scripts/make_select_golden.py) run in edgelite.Interpreter, which loads libedgelite_select.so for their
Flex operators, and match TensorFlow's own outputs stored beside them; broken Flex nodes fail at
allocate_tensors with named errors."""

import glob
import os

import numpy as np
import pytest

from flex_models import flex_operators
from testutil import model_path

edgelite = pytest.importorskip("edgelite")

MODELS = sorted(glob.glob(model_path("select", "*.tflite")))


def interpreter(data, **kwargs):
    try:
        return edgelite.Interpreter(model_content=data, **kwargs)
    except TypeError as e:  # a core from before select-ops loading has no such keyword
        if "select_ops" in str(e):
            pytest.skip("this edgelite core does not load select-ops libraries")
        raise


@pytest.mark.parametrize("path", MODELS, ids=os.path.basename)
def test_matches_tensorflow(path):
    data = open(path, "rb").read()
    ref = np.load(path[:-len(".tflite")] + ".io.npz")
    interp = interpreter(data, select_ops=True)
    interp.allocate_tensors()
    for i, d in enumerate(interp.get_input_details()):
        interp.set_tensor(d["index"], ref[f"input_{i}"])
    interp.invoke()
    outputs = interp.get_output_details()
    assert len(outputs) == len([k for k in ref.files if k.startswith("output_")])
    for i, d in enumerate(outputs):
        np.testing.assert_allclose(interp.get_tensor(d["index"]), ref[f"output_{i}"], rtol=2e-5, atol=2e-5,
                                   err_msg=f"{os.path.basename(path)} output {i}")


def test_library_ships_in_the_package():
    # scripts/setup.sh (pip install through CMake's install rules) puts every plugin in edgelite/lib/.
    lib = os.path.join(os.path.dirname(edgelite.__file__), "lib", "libedgelite_select.so")
    assert os.path.isfile(lib), f"{lib} is missing"


def test_select_ops_false_refuses_by_name():
    data = open(model_path("select", "select_math.tflite"), "rb").read()
    with pytest.raises(Exception, match="FlexErf"):
        interpreter(data, select_ops=False).allocate_tensors()


@pytest.mark.parametrize("path", MODELS, ids=os.path.basename)
def test_select_ops_false_fails_at_allocate_naming_every_flex_op(path):
    data = open(path, "rb").read()
    interp = interpreter(data, select_ops=False)  # the model loads; running it is what needs the library
    with pytest.raises(edgelite.EdgeliteError) as info:
        interp.allocate_tensors()
    message = str(info.value)
    flex_ops = {name for _, name, _ in flex_operators(data)}
    assert flex_ops and all(f"'{name}'" in message for name in flex_ops), message
    assert "select_ops=False" in message


def test_random_model_matches_tensorflow_bit_for_bit():
    ref = np.load(model_path("select", "select_random.io.npz"))
    interp = interpreter(open(model_path("select", "select_random.tflite"), "rb").read(), select_ops=True)
    interp.allocate_tensors()
    for i, d in enumerate(interp.get_input_details()):
        interp.set_tensor(d["index"], ref[f"input_{i}"])
    interp.invoke()
    for i, d in enumerate(interp.get_output_details()):
        np.testing.assert_array_equal(interp.get_tensor(d["index"]), ref[f"output_{i}"])


@pytest.mark.parametrize("old,new,message", [
    (b"\x12\x03Erf", b"\x12\x03Erx", "names op 'Erf' but its NodeDef is 'Erx'"),  # NodeDef op field
    (b"FlexCumprod", b"FlexCumprox", "FlexCumprox"),                             # unknown Flex op
])
def test_broken_flex_nodes_fail_at_allocate(old, new, message):
    data = open(model_path("select", "select_math.tflite"), "rb").read()
    assert old in data
    interp = interpreter(data.replace(old, new), select_ops=True)
    with pytest.raises(Exception, match=message):
        interp.allocate_tensors()
