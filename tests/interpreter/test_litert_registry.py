"""edgelite's operator registry held against LiteRT's: every (builtin, version) pair LiteRT 2.3.0's builtin
resolver accepts (tests/models/litert_registry.json, asked of LiteRT itself by
tests/golden/make_litert_registry.py) must be accepted here too, or be named in GAPS with its reason. GAPS
must shrink to nothing: an entry that is no longer a gap fails the test, so it is removed when the gap closes."""

import json
import os

import numpy as np
import pytest

import edgelite
from edgelite import _core
from edgelite.testing import run_single_op

TABLE = os.path.join(os.path.dirname(__file__), "..", "models", "litert_registry.json")

UNCHECKED = ("LiteRT's newer versions add dtypes or options this kernel has not been checked against; raise the "
             "version in builtin_ops.h once a test covers them")

# Builtins (name -> reason) whose LiteRT version range edgelite does not cover yet.
GAPS = {
    # Operators edgelite runs, at fewer versions than LiteRT registers.
    "DEQUANTIZE": "versions 7, 8 and 9 add int2, uint4 and float8 inputs (op_version.cc): edgelite has no tensor "
                  "type for them (tensor.h), so a model holding one fails at load",
    "FULLY_CONNECTED": "version 14 adds int2 weights (op_version.cc): edgelite has no int2 tensor type (tensor.h)",
    "CAST": "versions 7, 8 and 9 add bfloat16, int2/uint4 and float8 inputs or outputs (op_version.cc): edgelite "
            "has no tensor type for them (tensor.h)",
    "QUANTIZE": "versions 4 and 5 add int4 and uint4 inputs or outputs (op_version.cc): edgelite has no int4/uint4 "
                "tensor type (tensor.h); version 6 (int8/uint8 -> int16 requantization) runs",
}

# Custom operators LiteRT's builtin resolver registers (name -> reason) whose versions edgelite does not cover.
CUSTOM_GAPS = {}


def plugin_served_ops():
    """The operators served outside the core (interpreter/plugin_ops.h, run by the select-ops plugin library):
    ({builtin: (first, last)}, {custom: (first, last)}), as edgelite.plugins.plugin_ops() lists them."""
    from edgelite import plugins
    from edgelite.schema.BuiltinOperator import BuiltinOperator
    builtins, customs = {}, {}
    for name, first, last, _library in plugins.plugin_ops():
        (builtins if isinstance(getattr(BuiltinOperator, name, None), int) else customs)[name] = (first, last)
    return builtins, customs


def litert_table():
    with open(TABLE) as f:
        return json.load(f)


def edgelite_builtins():
    ops = {name: (first, last) for name, first, last in _core.builtin_ops()}
    plugin_builtins, _ = plugin_served_ops()
    for name, versions in plugin_builtins.items():
        assert name not in ops, f"{name} is served by both the core and a plugin"
        ops[name] = tuple(versions)
    return ops


def uncovered(ours, theirs):
    """LiteRT's entries (name -> [first, last]) whose range ours does not contain, as name -> why."""
    out = {}
    for name, (first, last) in theirs.items():
        if name not in ours:
            out[name] = f"not registered (LiteRT: versions {first} to {last})"
            continue
        our_first, our_last = ours[name]
        if our_first > first or (last is None and our_last is not None) or (last is not None and our_last < last):
            out[name] = f"versions {our_first} to {our_last}; LiteRT registers {first} to {last}"
    return out


def test_table_is_litert_2_3_0():
    table = litert_table()
    assert table["litert_version"] == "2.3.0"
    assert len(table["builtins"]) > 150 and "CONV_2D" in table["builtins"]


def test_every_litert_builtin_is_registered_or_a_named_gap():
    missing = uncovered(edgelite_builtins(), litert_table()["builtins"])
    unexplained = {name: why for name, why in missing.items() if name not in GAPS}
    assert not unexplained, f"LiteRT builtins edgelite does not cover and GAPS does not name: {unexplained}"


def test_gaps_are_still_gaps():
    missing = uncovered(edgelite_builtins(), litert_table()["builtins"])
    closed = sorted(set(GAPS) - set(missing))
    assert not closed, f"no longer gaps, remove them from GAPS: {closed}"


def test_custom_ops_are_served_or_named_gaps():
    _, plugin_customs = plugin_served_ops()
    missing = uncovered({k: tuple(v) for k, v in plugin_customs.items()}, litert_table()["customs"])
    assert set(missing) == set(CUSTOM_GAPS), (
        f"custom gaps are {sorted(missing)}; CUSTOM_GAPS names {sorted(CUSTOM_GAPS)}")


@pytest.mark.parametrize("name", ["EXPAND_DIMS", "SPACE_TO_BATCH_ND", "BATCH_TO_SPACE_ND", "REDUCE_ANY", "WHERE"])
def test_new_core_ops_match_litert_ranges(name):
    first, last = litert_table()["builtins"][name]
    ours = edgelite_builtins()[name]
    assert ours[0] <= first and ours[1] >= last


def test_versions_that_only_add_dtypes_this_build_lacks():
    """SQUEEZE 2 (string input) and TRANSPOSE_CONV 5 (int16 with quantized_bias_type) add only dtypes edgelite
    does not run: the versions are accepted, the old dtypes run, the new ones are refused by name. (SELECT 4's
    uint32 runs: test_select.py.)"""
    x = np.arange(6, dtype=np.float32).reshape(1, 6)
    np.testing.assert_array_equal(run_single_op("SQUEEZE", [x], {"squeeze_dims": [0]}, version=2)[0], x[0])
    cond = np.array([True, False, True])
    a, b = np.float32([1, 2, 3]), np.float32([4, 5, 6])
    np.testing.assert_array_equal(run_single_op("SELECT", [cond, a, b], version=4, output_types=np.float32)[0], np.where(cond, a, b))
    w = np.ones((2, 3, 3, 2), np.int8)
    x16 = np.ones((1, 2, 2, 2), np.int16)
    with pytest.raises(edgelite.EdgeliteError, match="int16 tensor"):
        options = {"padding": "SAME", "stride_h": 2, "stride_w": 2}
        run_single_op("TRANSPOSE_CONV", [np.int32([1, 4, 4, 2]), w, x16], options, constant_inputs=[0, 1],
                      output_types=np.int16, version=5,
                      input_quantization={1: (0.1, 0), 2: (0.1, 0)}, output_quantization=(0.1, 0))


# Versions of the data-movement operators whose only addition (op_version.cc) is a tensor type this build cannot
# hold (interpreter/tensor.h): the version is registered, the older dtypes run at it
# (kernels/test_data_movement_versions.py), and a model with a tensor of the new type is refused when it is
# loaded, by the type's name. (LiteRT 2.3.0 registers these versions, but its set_tensor takes no float8 value
# and its CONCATENATION refuses float8 in prepare.) BROADCAST_TO is also accepted at version 1, which LiteRT
# refuses: its converter never writes it (LiteRT's register.cc: version 1 was rolled back and the operator's code
# number changed), and the kernel is the same at every version, so accepting it changes no model LiteRT runs.
FLOAT8 = ("FLOAT8_E4M3FN", "FLOAT8_E5M2")
VERSIONS_OF_TYPES_NOT_HELD = {
    ("CONCATENATION", 5): ("INT4",), ("CONCATENATION", 7): FLOAT8,
    ("PAD", 6): FLOAT8, ("PADV2", 6): FLOAT8, ("GATHER", 7): ("INT4",), ("GATHER", 8): FLOAT8,
    ("GATHER_ND", 6): FLOAT8, ("TRANSPOSE", 7): ("INT4",), ("TRANSPOSE", 8): ("BFLOAT16",),
    ("SPLIT", 5): FLOAT8, ("SPLIT_V", 3): FLOAT8, ("SLICE", 7): ("INT4",),
    ("PACK", 5): FLOAT8, ("FILL", 5): FLOAT8, ("BROADCAST_TO", 4): FLOAT8,
}


def one_node_model_with_input_type(op, version, type_name):
    """A model running `op` at `version` whose data input has the schema TensorType `type_name`."""
    from edgelite.model_builder import ModelBuilder
    from edgelite.schema.TensorType import TensorType
    b = ModelBuilder()
    data = b.add_input("data", [2, 2], np.float32)
    b.tensor(data).type = getattr(TensorType, type_name)
    index = b.add_constant("index", np.int32([0, 1]))
    inputs = {"SPLIT": [index, data], "FILL": [index, data]}.get(op, [data, index])
    out = b.add_tensor("out", [2, 2], np.float32)
    b.tensor(out).type = getattr(TensorType, type_name)
    b.add_operator(op, inputs, [out], version=version)
    b.mark_output(out)
    return b.build()


@pytest.mark.parametrize("op, version", sorted(VERSIONS_OF_TYPES_NOT_HELD))
def test_versions_whose_tensor_type_this_build_lacks_refuse_it_by_name(op, version):
    first, last = edgelite_builtins()[op]
    assert first <= version <= last
    for type_name in VERSIONS_OF_TYPES_NOT_HELD[op, version]:
        model = one_node_model_with_input_type(op, version, type_name)
        with pytest.raises(edgelite.EdgeliteError, match=f"has type {type_name}, which this build does not support"):
            edgelite.Interpreter(model_content=model).allocate_tensors()


@pytest.mark.parametrize("op, version", [("CONCATENATION", 4), ("SLICE", 6), ("PACK", 4)])
def test_versions_that_add_uint32_run_it(op, version):
    """CONCATENATION 4, SLICE 6 and PACK 4 add uint32 (op_version.cc), which this build holds: they run it."""
    x = np.array([[1, 4000000000], [7, 2 ** 32 - 1]], np.uint32)
    if op == "SLICE":
        got = run_single_op(op, [x, np.int32([0, 1]), np.int32([2, 1])], constant_inputs=[1, 2], version=version)[0]
        want = x[:, 1:]
    else:
        got = run_single_op(op, [x, x + 1], {"axis": 0} if op == "CONCATENATION" else {"axis": 1, "values_count": 2},
                            version=version)[0]
        want = np.concatenate([x, x + 1]) if op == "CONCATENATION" else np.stack([x, x + 1], axis=1)
    assert got.dtype == np.uint32
    np.testing.assert_array_equal(got, want)
