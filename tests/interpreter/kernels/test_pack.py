"""PACK against np.stack: every axis (negative too), ranks 0-4, dtypes, values_count 1..5, threads, and
prepare failures."""

import numpy as np
import pytest

import edgelite
from edgelite.testing import run_single_op


def pack(values, axis, num_threads=1, constant=False, values_count=None):
    options = {"values_count": len(values) if values_count is None else values_count, "axis": axis}
    constant_inputs = tuple(range(len(values))) if constant else ()
    return run_single_op("PACK", values, options, constant_inputs=constant_inputs, num_threads=num_threads)[0]


@pytest.mark.parametrize("shape", [(), (7,), (3, 5), (2, 1, 13), (2, 3, 4, 5)])
@pytest.mark.parametrize("count", [1, 2, 5])
def test_every_axis(shape, count):
    rng = np.random.default_rng(len(shape) * 10 + count)
    values = [rng.standard_normal(shape).astype(np.float32) for _ in range(count)]
    rank = len(shape) + 1
    for axis in range(-rank, rank):
        np.testing.assert_array_equal(pack(values, axis), np.stack(values, axis=axis))


@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int64])
def test_dtypes_and_constant_inputs(dtype):
    values = [np.arange(6, dtype=dtype).reshape(2, 3) * k for k in range(3)]
    np.testing.assert_array_equal(pack(values, 1), np.stack(values, axis=1))
    np.testing.assert_array_equal(pack(values, -1, constant=True), np.stack(values, axis=-1))


def test_scalars_into_shape_vector():
    values = [np.int32(4), np.int32(-1), np.int32(7)]
    np.testing.assert_array_equal(pack(values, 0, constant=True), np.int32([4, -1, 7]))


def test_large_multithreaded_and_empty():
    rng = np.random.default_rng(1)
    values = [rng.standard_normal((257, 3, 129)).astype(np.float32) for _ in range(3)]
    np.testing.assert_array_equal(pack(values, 1, num_threads=4), np.stack(values, axis=1))
    empty = [np.zeros((0, 3), np.float32)] * 2
    assert pack(empty, 2).shape == (0, 3, 2)


def test_prepare_failures():
    a = np.zeros((2, 3), np.float32)
    with pytest.raises(edgelite.EdgeliteError, match="values_count is 3 but the operator has 2 inputs"):
        pack([a, a], 0, values_count=3)
    with pytest.raises(edgelite.EdgeliteError, match="input 1 has shape \\[3, 2\\] but input 0 has \\[2, 3\\]"):
        pack([a, a.reshape(3, 2)], 0)
    with pytest.raises(edgelite.EdgeliteError, match="input 1 .* is int32, expected same as input 0"):
        pack([a, a.astype(np.int32)], 0)
    with pytest.raises(edgelite.EdgeliteError, match="axis 3 is out of range for rank 3"):
        pack([a, a], 3)
    with pytest.raises(edgelite.EdgeliteError, match="axis -4 is out of range"):
        pack([a, a], -4)
    with pytest.raises(edgelite.EdgeliteError, match="float16"):
        pack([a.astype(np.float16)] * 2, 0)
