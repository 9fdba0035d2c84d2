"""The NodeDef / Flex custom_options decoder of libedgelite_select.so against NodeDefs serialized by
TensorFlow (tests/models/select/node_defs/, made by scripts/make_select_golden.py with TF's parse beside
each), the Flex options of TF-converted models, and malformed bytes that must give named errors."""

import glob
import json
import math
import os

import pytest

from flex_encoding import Raw, Type, flex_options, length_delimited, node_def
from select_harness import SelectError
from testutil import model_path

NODE_DEFS = sorted(glob.glob(model_path("select", "node_defs", "*.pb")))


def same(a, b):
    """JSON equality with float32 tolerance (the decoder prints 9 significant digits)."""
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), rel_tol=1e-7, abs_tol=0)
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def test_golden_node_defs_exist():
    ops = {json.load(open(p[:-3] + ".json"))["op"] for p in NODE_DEFS}
    assert {"Einsum", "Cumsum", "MatrixDiagV3", "ExtractImagePatches", "TopKV2", "Unique", "Const"} <= ops


@pytest.mark.parametrize("path", NODE_DEFS, ids=os.path.basename)
def test_decodes_as_tensorflow_does(select_lib, path):
    data = open(path, "rb").read()
    expected = json.load(open(path[:-3] + ".json"))
    got = json.loads(select_lib.describe(flex_options(expected["op"], data)))
    assert same(got, expected), (got, expected)


@pytest.mark.parametrize("path", sorted(glob.glob(model_path("select", "*.tflite"))), ids=os.path.basename)
def test_converted_models_flex_options_decode(select_lib, path):
    pytest.importorskip("edgelite.schema.Model")
    from flex_models import flex_operators
    flex = flex_operators(open(path, "rb").read())
    assert flex
    for _, name, options in flex:
        described = json.loads(select_lib.describe(options))
        assert "Flex" + described["op"] == name
        assert name in select_lib.kernels, f"{name} has no kernel"


def test_truncated_node_defs_name_the_problem(select_lib):
    data = open(NODE_DEFS[0], "rb").read()
    op = json.load(open(NODE_DEFS[0][:-3] + ".json"))["op"]
    for cut in range(1, len(data)):
        try:
            select_lib.describe(flex_options(op, data[:cut]))
        except SelectError as e:
            assert "does not parse" in str(e) or "names no op" in str(e) or "NodeDef is" in str(e), str(e)


@pytest.mark.parametrize("options,message", [
    (b"", "has no custom_options"),
    (b"\x01\x02\x03\x04\x05", "not valid FlexBuffers"),
    (flex_options("Erf", b"\x12\x7fErf"), "declares 127 bytes but 3 are left"),
    (flex_options("Erf", b"\x12\x03Erf\x2a\x85"), "truncated varint"),
    (flex_options("Erf", b"\x12\x03Erf\x0b"), "start-group"),
    (flex_options("Erf", b"\x12\x03Erf" + length_delimited(5, length_delimited(2, b"\x25\x00"))), "truncated fixed32"),
    (flex_options("Erf", node_def("Sign")), "names op 'Erf' but its NodeDef is 'Sign'"),
    (flex_options("Erf", b"\x0a\x01x"), "names no op"),
    (flex_options("Erf", node_def("Erf", {"T": Raw(b"\x32\x01\x01")})), r"field 6 \(type\) is length-delimited, expected varint"),
])
def test_malformed_options_are_named_errors(select_lib, options, message):
    with pytest.raises(SelectError, match=message):
        select_lib.describe(options)


def test_malformed_options_fail_at_init(select_lib):
    import numpy as np
    with pytest.raises(SelectError, match="init: FlexErf \\(node 0\\): .*not valid FlexBuffers"):
        select_lib.run("Erf", [np.ones(2, np.float32)], [np.float32], options=b"\x00\x01\x02")
    with pytest.raises(SelectError, match="carries a NodeDef for 'Sign'"):
        select_lib.run("Erf", [np.ones(2, np.float32)], [np.float32], options=flex_options("Sign", node_def("Sign")))
    with pytest.raises(SelectError, match="no kernel registered for FlexNoSuchOp"):
        select_lib.run("NoSuchOp", [np.ones(2, np.float32)], [np.float32])


def test_wrong_attribute_type_names_op_attribute_and_value(select_lib):
    import numpy as np
    x = np.ones((3,), np.float32)
    with pytest.raises(SelectError, match="FlexCumsum .*attribute 'exclusive' is int 1, expected a bool"):
        select_lib.run("Cumsum", [x, np.array(0, np.int32)], [np.float32], {"exclusive": 1})
    with pytest.raises(SelectError, match="attribute 'out_idx' = type float32 is not supported"):
        select_lib.run("Unique", [x], [np.float32, np.int32], {"out_idx": Type(np.float32)})
