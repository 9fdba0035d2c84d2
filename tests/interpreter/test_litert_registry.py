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

# Builtins (name -> reason) whose LiteRT version range edgelite does not cover yet.
GAPS = {}

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


# Versions of the data-movement operators whose only addition (op_version.cc) is one of the low-precision tensor
# types (interpreter/tensor.h): they move them as bytes (one a byte for INT4, held unpacked), checked here against
# NumPy on ml_dtypes' arrays, and INT4 and BFLOAT16 against LiteRT 2.3.0 too (its set_tensor takes no float8
# value, so float8 is checked against NumPy only). BROADCAST_TO is also accepted at version 1, which LiteRT
# refuses: its converter never writes it (LiteRT's register.cc: version 1 was rolled back and the operator's code
# number changed), and the kernel is the same at every version, so accepting it changes no model LiteRT runs.
FLOAT8 = ("FLOAT8_E4M3FN", "FLOAT8_E5M2")
VERSIONS_OF_LOW_PRECISION_TYPES = {
    ("CONCATENATION", 5): ("INT4",), ("CONCATENATION", 7): FLOAT8,
    ("PAD", 6): FLOAT8, ("PADV2", 6): FLOAT8, ("GATHER", 7): ("INT4",), ("GATHER", 8): FLOAT8,
    ("GATHER_ND", 6): FLOAT8, ("TRANSPOSE", 7): ("INT4",), ("TRANSPOSE", 8): ("BFLOAT16",),
    ("SPLIT", 5): FLOAT8, ("SPLIT_V", 3): FLOAT8, ("SLICE", 7): ("INT4",),
    ("PACK", 5): FLOAT8, ("FILL", 5): FLOAT8, ("BROADCAST_TO", 4): FLOAT8,
}


def low_precision_values(type_name, shape):
    """Values of the type as ml_dtypes' array (int4 in its range; float8 with NaN, -0.0 and a subnormal)."""
    import ml_dtypes
    n = int(np.prod(shape))
    if type_name == "INT4":
        return (np.arange(n) % 16 - 8).astype(ml_dtypes.int4).reshape(shape)
    dtype = getattr(ml_dtypes, type_name.lower())
    x = (np.arange(n, dtype=np.float32) * 1.75 - 5).astype(dtype)
    x[:3] = np.float32([np.nan, -0.0, 0.001]).astype(dtype)[:min(3, n)]
    return x.reshape(shape)


def data_movement_case(op, x):
    """(inputs, options, run_single_op keywords, NumPy's answer, number of outputs) moving `x` (2 x 4: LiteRT's
    GATHER moves a constant INT4 table packed, right only when a row fills whole bytes, so rows of 4 here)."""
    i32 = np.int32
    if op == "CONCATENATION":
        return [x, x[:, ::-1].copy()], {"axis": 1}, {}, np.concatenate([x, x[:, ::-1]], axis=1), 1
    if op in ("PAD", "PADV2"):
        pads = i32([[1, 0], [0, 2]])  # 3 x 6
        inputs = [x, pads] + ([x.reshape(-1)[3:4].reshape(())] if op == "PADV2" else [])
        fill = x.reshape(-1)[3] if op == "PADV2" else np.float32(0).astype(x.dtype)
        want = np.full((3, 6), fill, x.dtype)
        want[1:, :4] = x
        return inputs, None, {"constant_inputs": [1]}, want, 1
    if op == "GATHER":
        # a constant table (an embedding's): LiteRT's GATHER reads a runtime INT4 input as packed two a byte
        # although its set_tensor writes one a byte (probed: other values), a constant one as edgelite does
        return [x, i32([1, 0, 1])], {"axis": 0}, {"constant_inputs": [0]}, x[[1, 0, 1]], 1
    if op == "GATHER_ND":
        return [x, i32([[1, 2], [0, 0]])], None, {}, x[[1, 0], [2, 0]], 1
    if op == "TRANSPOSE":
        return [x, i32([1, 0])], None, {"constant_inputs": [1]}, x.T, 1
    if op == "SLICE":
        return [x, i32([0, 1]), i32([2, 2])], None, {"constant_inputs": [1, 2]}, x[:, 1:3], 1
    if op == "SPLIT":
        return ([i32(1), x], {"num_splits": 2}, {"constant_inputs": [0], "num_outputs": 2, "output_types": x.dtype},
                x[:, :2], 2)
    if op == "SPLIT_V":
        return ([x, i32([3, 1]), i32(1)], {"num_splits": 2},
                {"constant_inputs": [1, 2], "num_outputs": 2, "output_types": x.dtype}, x[:, :3], 2)
    if op == "PACK":
        return [x, x], {"axis": 1, "values_count": 2}, {}, np.stack([x, x], axis=1), 1
    if op == "FILL":
        value = x.reshape(-1)[3:4].reshape(())
        return ([i32([2, 4]), value], None, {"constant_inputs": [0], "output_types": x.dtype},
                np.full((2, 4), value, x.dtype), 1)
    if op == "BROADCAST_TO":
        return [x[:1], i32([3, 4])], None, {"constant_inputs": [1]}, np.broadcast_to(x[:1], (3, 4)), 1
    raise AssertionError(op)


def same_bits(got, want):
    """Arrays equal bit for bit (NaN and -0.0 included); INT4 is held (and read back) as int8."""
    want = np.asarray(want)
    if want.dtype.name == "int4":
        want = want.astype(np.int8)
    assert got.dtype == want.dtype and got.shape == want.shape, (got.dtype, got.shape, want.dtype, want.shape)
    width = {1: np.uint8, 2: np.uint16}[want.dtype.itemsize]
    np.testing.assert_array_equal(np.ascontiguousarray(got).view(width), np.ascontiguousarray(want).view(width))


@pytest.mark.parametrize("op, version", sorted(VERSIONS_OF_LOW_PRECISION_TYPES))
def test_versions_that_add_a_low_precision_type_move_it(op, version):
    first, last = edgelite_builtins()[op]
    assert first <= version <= last
    for type_name in VERSIONS_OF_LOW_PRECISION_TYPES[op, version]:
        x = low_precision_values(type_name, (2, 4))
        inputs, options, kwargs, want, outputs = data_movement_case(op, x)
        got = run_single_op(op, inputs, options, version=version, **kwargs)[0]
        same_bits(got, want)
        if type_name in FLOAT8:
            continue  # LiteRT 2.3.0's set_tensor takes no float8 value
        try:
            theirs = run_single_op(op, inputs, options, version=version, runtime="litert", **kwargs)[0]
        except (RuntimeError, ValueError) as e:  # a kernel of LiteRT's refusing the type: said, not compared
            pytest.skip(f"LiteRT 2.3.0 does not run {op} {version} on {type_name}: {e}")
        same_bits(theirs, want)


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
