"""UNPACK (every axis, dtypes, quantization kept) and ADD_N (float32, int32 wrapping) against NumPy, prepare
failures, and LiteRT's builtin kernels."""

import numpy as np
import pytest

import edgelite
from edgelite.testing import run_single_op
from litert_builtin import requires_litert, run_litert_builtin


@pytest.mark.parametrize("shape", [(4,), (3, 2), (2, 3, 4)], ids=str)
def test_unpack_every_axis(shape):
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    for axis in range(-len(shape), len(shape)):
        n = shape[axis]
        got = run_single_op("UNPACK", [x], {"num": n, "axis": axis}, num_outputs=n)
        for i, g in enumerate(got):
            np.testing.assert_array_equal(g, np.take(x, i, axis=axis))


@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int64, np.int8, np.uint8, np.int16, np.bool_])
def test_unpack_dtypes(dtype):
    x = (np.arange(24) % 7).astype(dtype).reshape(2, 3, 4)
    got = run_single_op("UNPACK", [x], {"num": 3, "axis": 1}, num_outputs=3, version=6)
    for i, g in enumerate(got):
        assert g.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(g, x[:, i])


def test_unpack_num_must_match():
    x = np.zeros((3, 2), np.float32)
    with pytest.raises(edgelite.EdgeliteError, match="num is 2 but the operator has 3 outputs"):
        run_single_op("UNPACK", [x], {"num": 2, "axis": 0}, num_outputs=3)
    with pytest.raises(edgelite.EdgeliteError, match="has 2 values along axis 1"):
        run_single_op("UNPACK", [x], {"num": 3, "axis": 1}, num_outputs=3)


@pytest.mark.parametrize("n", [1, 2, 5])
@pytest.mark.parametrize("dtype", [np.float32, np.int32])
def test_add_n(n, dtype):
    rng = np.random.default_rng(n)
    xs = [(rng.standard_normal((3, 4)) * 100).astype(dtype) for _ in range(n)]
    got = run_single_op("ADD_N", xs)[0]
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_allclose(got, np.sum(xs, axis=0, dtype=dtype), rtol=1e-6)


def test_add_n_int32_wraps():
    big = np.int32([2 ** 31 - 1, -2 ** 31])
    got = run_single_op("ADD_N", [big, np.int32([1, -1])])[0]
    np.testing.assert_array_equal(got, np.int32([-2 ** 31, 2 ** 31 - 1]))


def test_add_n_shapes_must_match():
    with pytest.raises(edgelite.EdgeliteError, match="all inputs must match"):
        run_single_op("ADD_N", [np.zeros((2, 3), np.float32), np.zeros((3,), np.float32)])
    with pytest.raises(edgelite.EdgeliteError, match="int8"):
        run_single_op("ADD_N", [np.zeros(3, np.int8), np.zeros(3, np.int8)])


@requires_litert
def test_against_litert():
    x = np.random.default_rng(1).standard_normal((2, 3, 4)).astype(np.float32)
    ours = run_single_op("UNPACK", [x], {"num": 4, "axis": -1}, num_outputs=4)
    theirs = run_litert_builtin("UNPACK", [x], {"num": 4, "axis": -1}, num_outputs=4)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)
    xs = [x, x * 2, -x]
    np.testing.assert_allclose(run_single_op("ADD_N", xs)[0], run_litert_builtin("ADD_N", xs)[0], rtol=1e-6)
