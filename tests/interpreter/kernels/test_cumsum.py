"""CUMSUM against NumPy: inclusive and exclusive, forward and reverse, every axis (negative ones too), float32
(bit for bit with a sequential float32 sum, as TensorFlow's scan adds), int32 and int64 (wrapping), empty
tensors, runtime axes, threads, failures with their messages, and LiteRT's builtin kernel (bit for bit)."""

import numpy as np
import pytest

from edgelite import Interpreter
from edgelite.errors import EdgeliteError
from edgelite.model_builder import ModelBuilder
from edgelite.testing import run_single_op
from litert_builtin import requires_litert, run_litert_builtin

MODES = [(False, False), (True, False), (False, True), (True, True)]


def cumsum_reference(x, axis, exclusive, reverse):
    """Sequential sums in x's dtype (np.cumsum adds one element at a time along the axis); integers wrap."""
    y = np.flip(x, axis) if reverse else x
    with np.errstate(over="ignore"):
        s = np.cumsum(y, axis=axis, dtype=x.dtype)
    if exclusive:
        s = np.concatenate([np.zeros_like(np.take(s, [0], axis=axis)),
                            np.take(s, range(s.shape[axis] - 1), axis=axis)], axis=axis) if s.shape[axis] else s
    return np.flip(s, axis) if reverse else s


def cumsum(x, axis, exclusive=False, reverse=False, constant=(1,), **kwargs):
    return run_single_op("CUMSUM", [x, np.int32(axis)], {"exclusive": exclusive, "reverse": reverse},
                         constant_inputs=list(constant), **kwargs)[0]


@pytest.mark.parametrize("exclusive,reverse", MODES)
@pytest.mark.parametrize("shape", [(1,), (7,), (3, 5), (2, 3, 17), (2, 1, 4, 3), (4097,), (0, 3)], ids=str)
def test_against_numpy(shape, exclusive, reverse):
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    for axis in range(-len(shape), len(shape)):
        got = cumsum(x, axis, exclusive, reverse)
        np.testing.assert_array_equal(got, cumsum_reference(x, axis, exclusive, reverse))


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
@pytest.mark.parametrize("exclusive,reverse", MODES)
def test_integers_wrap(dtype, exclusive, reverse):
    info = np.iinfo(dtype)
    x = np.array([[info.max, 1, 2, info.min], [5, -7, info.max, info.max]], dtype)
    for axis in (0, 1):
        got = cumsum(x, axis, exclusive, reverse)
        assert got.dtype == dtype
        np.testing.assert_array_equal(got, cumsum_reference(x, axis, exclusive, reverse))


@pytest.mark.parametrize("threads", [1, 2, 4])
def test_threads(threads):
    x = np.random.default_rng(2).standard_normal((64, 300, 3)).astype(np.float32)
    np.testing.assert_array_equal(cumsum(x, 1, True, True, num_threads=threads), cumsum_reference(x, 1, True, True))


def test_runtime_axis():
    b = ModelBuilder()
    x = b.add_input("x", [3, 4], np.float32)
    axis = b.add_input("axis", [], np.int32)
    out = b.add_tensor("y", None, np.float32)
    b.add_operator("CUMSUM", [x, axis], [out], {"reverse": True})
    b.mark_output(out)
    interp = Interpreter(model_content=b.build())
    interp.allocate_tensors()
    x_index, axis_index = (d["index"] for d in interp.get_input_details())
    value = np.random.default_rng(3).standard_normal((3, 4)).astype(np.float32)
    interp.set_tensor(x_index, value)
    for a in (0, 1, -1):
        interp.set_tensor(axis_index, np.int32(a))
        interp.invoke()
        np.testing.assert_array_equal(interp.get_tensor(interp.get_output_details()[0]["index"]),
                                      cumsum_reference(value, a, False, True))
    interp.set_tensor(axis_index, np.int32(2))
    with pytest.raises(EdgeliteError, match=r"node 0 \(CUMSUM\): axis 2 is out of range for rank 2"):
        interp.invoke()


def test_failures():
    x = np.zeros((2, 3), np.float32)
    with pytest.raises(EdgeliteError, match=r"node 0 \(CUMSUM\): axis -3 is out of range for rank 2"):
        cumsum(x, -3)
    with pytest.raises(EdgeliteError, match=r"input 'input0' must have rank 1 or more, got a scalar"):
        cumsum(np.float32(1.0), 0)
    with pytest.raises(EdgeliteError, match=r"axis 'input1' must have one element, got shape \[2\]"):
        run_single_op("CUMSUM", [x, np.int32([0, 1])], constant_inputs=[1])
    with pytest.raises(EdgeliteError, match=r"input 1 'input1' is int64, expected int32"):
        run_single_op("CUMSUM", [x, np.int64(0)], constant_inputs=[1])
    with pytest.raises(EdgeliteError, match=r"dtypes \(int8, int32\) -> int8 are not supported"):
        cumsum(np.zeros(3, np.int8), 0)


@requires_litert
@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int64])
@pytest.mark.parametrize("exclusive,reverse", MODES)
@pytest.mark.parametrize("constant", [(1,), ()], ids=["constant axis", "runtime axis"])
def test_matches_litert_bit_for_bit(constant, exclusive, reverse, dtype):
    rng = np.random.default_rng(4)
    x = (rng.standard_normal((3, 19, 5)) * 100).astype(dtype)
    for axis in (0, 1, -1):
        inputs = [x, np.int32(axis)]
        opts = {"exclusive": exclusive, "reverse": reverse}
        expected = run_litert_builtin("CUMSUM", inputs, opts, constant_inputs=list(constant))[0]
        np.testing.assert_array_equal(cumsum(x, axis, exclusive, reverse, constant), expected)
