"""ARG_MAX and ARG_MIN against np.argmax/np.argmin: every axis (negative ones too), the first index on ties,
NaNs never chosen over a number, every dtype LiteRT takes, int32 and int64 outputs and axes, constant axes
(sized at prepare, folded with a constant input) and runtime ones (a dynamic output), failures with their
messages, and LiteRT's builtin kernels."""

import numpy as np
import pytest

from edgelite import Interpreter
from edgelite.errors import EdgeliteError
from edgelite.model_builder import ModelBuilder
from edgelite.testing import run_single_op
from dtype_values import random_values
from litert_builtin import requires_litert, run_litert_builtin

OPS = {"ARG_MAX": np.argmax, "ARG_MIN": np.argmin}
DTYPES = [np.float32, np.int32, np.int8, np.uint8, np.bool_]


def values(shape, dtype, seed=0, spread=1000):
    return random_values(shape, dtype, seed, spread)


def arg(op, x, axis, out=np.int64, axis_dtype=np.int32, constant=(1,), **kwargs):
    opts = {"output_type": out}
    return run_single_op(op, [x, np.array([axis], axis_dtype)], opts, constant_inputs=list(constant),
                         output_types=out, **kwargs)[0]


def nan_aware(op, x, axis):
    """The first index of the largest (smallest) number; 0 where the slice is all NaN."""
    if not np.issubdtype(x.dtype, np.floating):
        return OPS[op](x, axis=axis)
    fill = -np.inf if op == "ARG_MAX" else np.inf
    filled = np.where(np.isnan(x), fill, x)
    best = OPS[op](filled, axis=axis)
    # A slice whose numbers are all the fill value (or absent) picks its first non-NaN, or 0.
    first_number = np.argmax(~np.isnan(x), axis=axis)
    ties = np.take_along_axis(filled, np.expand_dims(best, axis), axis).squeeze(axis) == fill
    return np.where(ties, first_number, best)


@pytest.mark.parametrize("constant", [(1,), (), (0, 1)], ids=["constant axis", "runtime axis", "folded"])
@pytest.mark.parametrize("op", sorted(OPS))
@pytest.mark.parametrize("shape", [(7,), (3, 5), (2, 3, 4), (2, 1, 17, 3), (1, 10007)], ids=str)
def test_every_axis(shape, op, constant):
    x = values(shape, np.float32, 1)
    for axis in range(-len(shape), len(shape)):
        got = arg(op, x, axis, constant=constant)
        np.testing.assert_array_equal(got, OPS[op](x, axis=axis))
        assert got.dtype == np.int64


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("out", [np.int32, np.int64])
@pytest.mark.parametrize("op", sorted(OPS))
def test_dtypes_and_ties(op, out, dtype):
    x = values((4, 6, 5), dtype, 2, spread=3)  # few distinct values: ties everywhere
    for axis in (0, 1, 2):
        got = arg(op, x, axis, out, version=3)
        assert got.dtype == out
        np.testing.assert_array_equal(got, OPS[op](x, axis=axis))


@pytest.mark.parametrize("op", sorted(OPS))
def test_nans_are_never_chosen(op):
    # As LiteRT's current sources and TensorFlow. The installed LiteRT (2.3) is not a reference here: a leading
    # NaN sticks as its answer, and its vectorized last-axis path can answer 0 for [4, 3, nan, 9].
    nan = np.nan
    x = np.float32([[nan, 1.0, 3.0], [2.0, nan, -1.0], [nan, nan, nan], [nan, nan, 5.0], [-np.inf, nan, np.inf]])
    got = arg(op, x, 1)
    np.testing.assert_array_equal(got, nan_aware(op, x, 1))
    np.testing.assert_array_equal(got, [2, 0, 0, 2, 2] if op == "ARG_MAX" else [1, 2, 0, 2, 0])


def test_int64_axis():
    x = values((3, 4), np.float32, 3)
    np.testing.assert_array_equal(arg("ARG_MAX", x, -1, axis_dtype=np.int64), x.argmax(-1))


def test_runtime_axis_resizes_the_output_at_each_invoke():
    b = ModelBuilder()
    x = b.add_input("x", [2, 3, 4], np.float32)
    axis = b.add_input("axis", [1], np.int32)
    out = b.add_tensor("y", None, np.int32)
    b.add_operator("ARG_MIN", [x, axis], [out], {"output_type": np.int32})
    b.mark_output(out)
    interp = Interpreter(model_content=b.build())
    interp.allocate_tensors()
    x_index, axis_index = (d["index"] for d in interp.get_input_details())
    value = values((2, 3, 4), np.float32, 4)
    interp.set_tensor(x_index, value)
    for a in (0, 2, -2, 1):
        interp.set_tensor(axis_index, np.int32([a]))
        interp.invoke()
        np.testing.assert_array_equal(interp.get_tensor(interp.get_output_details()[0]["index"]), value.argmin(a))
    interp.set_tensor(axis_index, np.int32([3]))
    with pytest.raises(EdgeliteError, match=r"node 0 \(ARG_MIN\): axis 3 is out of range for rank 3"):
        interp.invoke()


@pytest.mark.parametrize("op", sorted(OPS))
def test_failures(op):
    with pytest.raises(EdgeliteError, match=rf"node 0 \({op}\): axis -3 is out of range for rank 2"):
        arg(op, np.zeros((2, 3), np.float32), -3)
    with pytest.raises(EdgeliteError, match=r"axis 1 of input 'input0' \[2, 0\] is empty: it has no largest or "
                                            r"smallest value"):
        arg(op, np.zeros((2, 0), np.float32), 1)
    with pytest.raises(EdgeliteError, match=r"input 'input0' must have rank 1 or more, got a scalar"):
        arg(op, np.float32(1.0), 0)
    with pytest.raises(EdgeliteError, match=r"axis 'input1' must have one element, got shape \[2\]"):
        run_single_op(op, [np.zeros((2, 3), np.float32), np.int32([0, 1])], constant_inputs=[1],
                      output_types=np.int32)
    with pytest.raises(EdgeliteError, match=r"output_type INT32 differs from output 'output0' of type int64"):
        run_single_op(op, [np.zeros((2, 3), np.float32), np.int32([0])], {"output_type": np.int32},
                      constant_inputs=[1], output_types=np.int64)
    with pytest.raises(EdgeliteError, match=r"dtypes \(int64, int32\) -> int32 are not supported"):
        arg(op, np.zeros((2, 3), np.int64), 0, np.int32)
    with pytest.raises(EdgeliteError, match=rf"operator {op} version 4 is not supported"):
        arg(op, np.zeros((2, 3), np.float32), 0, version=4)


@requires_litert
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("out", [np.int32, np.int64])
@pytest.mark.parametrize("constant", [(1,), ()], ids=["constant axis", "runtime axis"])
@pytest.mark.parametrize("op", sorted(OPS))
def test_matches_litert(op, constant, out, dtype):
    x = values((3, 4, 37), dtype, 5, spread=4)
    version = {np.int8: 2, np.bool_: 3}.get(dtype, 1)
    for axis in (0, 1, -1):
        inputs = [x, np.array([axis], np.int32)]
        expected = run_litert_builtin(op, inputs, {"output_type": out}, constant_inputs=list(constant),
                                      output_types=out, version=version)[0]
        got = arg(op, x, axis, out, constant=constant, version=version)
        assert got.dtype == expected.dtype
        np.testing.assert_array_equal(got, expected)
