"""SPLIT / SPLIT_V against slicing in NumPy: every axis (negative too) of ranks 1-5, odd sizes, one -1 size,
zero-sized parts, all movable dtypes, run-time size_splits (dynamic outputs), threads, prepare failures, LiteRT."""

import numpy as np
import pytest

import edgelite
from edgelite.testing import run_single_op
from testutil import requires_litert

DTYPES = [np.float32, np.int32, np.int64, np.int8, np.uint8, np.int16]


def numpy_split(x, sizes, axis):
    """Consecutive slices of `x` along `axis` with the given sizes (a -1 takes the rest)."""
    sizes = list(sizes)
    if -1 in sizes:
        sizes[sizes.index(-1)] = x.shape[axis] - sum(s for s in sizes if s != -1)
    parts, start = [], 0
    for s in sizes:
        index = [slice(None)] * x.ndim
        index[axis] = slice(start, start + s)
        parts.append(x[tuple(index)])
        start += s
    assert start == x.shape[axis]
    return parts


def split(x, axis, num_splits, axis_dtype=np.int32, runtime="edgelite", num_threads=1, version=1):
    return run_single_op("SPLIT", [np.asarray(axis, axis_dtype), x], {"num_splits": num_splits},
                         constant_inputs=(0,), num_outputs=num_splits, output_types=x.dtype, runtime=runtime,
                         num_threads=num_threads, version=version)


def split_v(x, sizes, axis, constant_sizes=True, sizes_dtype=np.int32, runtime="edgelite", num_splits=None):
    n = len(sizes) if num_splits is None else num_splits
    return run_single_op("SPLIT_V", [x, np.asarray(sizes, sizes_dtype), np.int32(axis)], {"num_splits": n},
                         constant_inputs=(1, 2) if constant_sizes else (2,), num_outputs=n, output_types=x.dtype,
                         runtime=runtime)


def assert_parts_equal(actual, expected):
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected):
        assert a.shape == e.shape and a.dtype == e.dtype
        np.testing.assert_array_equal(a, e)


@pytest.mark.parametrize("rank", [1, 2, 3, 4, 5])
def test_split_every_axis(rank):
    rng = np.random.default_rng(rank)
    for axis in range(-rank, rank):
        shape = [int(d) for d in rng.choice([1, 2, 3, 5], size=rank)]
        n = int(rng.choice([1, 2, 3, 7]))
        shape[axis] *= n
        x = rng.standard_normal(shape).astype(np.float32)
        assert_parts_equal(split(x, axis, n), numpy_split(x, [shape[axis] // n] * n, axis))


@pytest.mark.parametrize("dtype", DTYPES)
def test_split_dtypes_and_int64_axis(dtype):
    x = (np.arange(4 * 13 * 3) % 120).astype(dtype).reshape(4, 13, 3)
    assert_parts_equal(split(x, 1, 13), numpy_split(x, [1] * 13, 1))
    assert_parts_equal(split(x, -1, 3, axis_dtype=np.int64), numpy_split(x, [1, 1, 1], 2))


def test_split_zero_sized_and_version_4():
    x = np.zeros((0, 6), np.float32)
    assert_parts_equal(split(x, 1, 2), numpy_split(x, [3, 3], 1))
    x = np.arange(12, dtype=np.int16).reshape(3, 4)
    assert_parts_equal(split(x, 0, 3, version=4), numpy_split(x, [1, 1, 1], 0))
    with pytest.raises(edgelite.EdgeliteError, match="SPLIT version 6 is not supported \\(.*versions 1 to 5\\)"):
        split(x, 0, 3, version=6)


def test_split_large_multithreaded():
    x = np.random.default_rng(0).standard_normal((64, 96, 40)).astype(np.float32)
    assert_parts_equal(split(x, 2, 5, num_threads=4), numpy_split(x, [8] * 5, 2))


@pytest.mark.parametrize("shape, sizes, axis", [
    ((2, 6, 7, 5), [1, 3, 2], 1), ((2, 6, 7, 5), [1, -1, 2], 1), ((1, 6, 7, 5), [-1], 0),
    ((2, 6, 7, 5), [0, 7, 0], 2), ((2, 6, 7, 5), [2, 0, -1], -1), ((2, 6, 7, 5), [5, 1, 1], -2),
    ((13,), [7, -1], 0), ((2, 6, 7, 5), [1, 1, 1, 1, 1], 3),
])
@pytest.mark.parametrize("constant_sizes", [True, False], ids=["constant", "run_time"])
def test_split_v_sizes(shape, sizes, axis, constant_sizes):
    x = np.random.default_rng(len(sizes)).standard_normal(shape).astype(np.float32)
    assert_parts_equal(split_v(x, sizes, axis, constant_sizes=constant_sizes), numpy_split(x, sizes, axis))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("sizes_dtype", [np.int32, np.int64])
def test_split_v_dtypes(dtype, sizes_dtype):
    x = (np.arange(3 * 11) % 100).astype(dtype).reshape(3, 11)
    assert_parts_equal(split_v(x, [4, -1, 2], 1, sizes_dtype=sizes_dtype), numpy_split(x, [4, 5, 2], 1))


@pytest.mark.parametrize("sizes, message", [
    ([2, 2, 2], "size_splits sum to 6, but axis 1 has size 7"),
    ([-1, 5, 3], "size_splits sum to 8 \\(besides the -1\\), more than the size 7 of axis 1"),
    ([-1, 2, -1], "size_splits has more than one -1 \\(at 0 and 2\\)"),
    ([4, -2, 5], "size_splits\\[1\\] is -2; sizes must be non-negative or -1"),
])
@pytest.mark.parametrize("constant_sizes", [True, False], ids=["prepare", "invoke"])
def test_split_v_bad_sizes(sizes, message, constant_sizes):
    x = np.zeros((3, 7), np.float32)
    with pytest.raises(edgelite.EdgeliteError, match=message):
        split_v(x, sizes, 1, constant_sizes=constant_sizes)


def test_prepare_failures():
    x = np.zeros((4, 6), np.float32)
    with pytest.raises(edgelite.EdgeliteError, match="axis 1 of size 6 does not split into 4 equal parts"):
        split(x, 1, 4)
    with pytest.raises(edgelite.EdgeliteError, match="axis 2 is out of range for rank 2"):
        split(x, 2, 2)
    with pytest.raises(edgelite.EdgeliteError, match="axis -3 is out of range for rank 2"):
        split(x, -3, 2)
    with pytest.raises(edgelite.EdgeliteError, match="cannot split a scalar"):
        split(np.float32(1), 0, 1)
    with pytest.raises(edgelite.EdgeliteError, match="axis must hold one value, got shape \\[2\\]"):
        split(x, [0, 1], 2)
    with pytest.raises(edgelite.EdgeliteError, match=r"input 0 .* is float32, expected int32\|int64"):
        split(x, 0, 2, axis_dtype=np.float32)
    with pytest.raises(edgelite.EdgeliteError, match="axis 'input0' must be a constant tensor"):
        run_single_op("SPLIT", [np.int32(0), x], {"num_splits": 2}, num_outputs=2, output_types=np.float32)
    with pytest.raises(edgelite.EdgeliteError, match="num_splits is 3, but the operator has 2 outputs"):
        run_single_op("SPLIT", [np.int32(0), x], {"num_splits": 3}, constant_inputs=(0,), num_outputs=2,
                      output_types=np.float32)
    with pytest.raises(edgelite.EdgeliteError, match="output 1 .* is int32, expected same as input 1"):
        run_single_op("SPLIT", [np.int32(0), x], {"num_splits": 2}, constant_inputs=(0,), num_outputs=2,
                      output_types=[np.float32, np.int32])
    with pytest.raises(edgelite.EdgeliteError, match=r"input 1 .* is bool, expected"):
        split(np.zeros((2, 2), np.bool_), 0, 2)
    with pytest.raises(edgelite.EdgeliteError, match="size_splits must have shape \\[2\\].*got \\[3\\]"):
        split_v(x, [2, 2, 2], 1, num_splits=2)
    with pytest.raises(edgelite.EdgeliteError, match=r"input 1 .* is float32, expected int32\|int64"):
        split_v(x, [3, 3], 1, sizes_dtype=np.float32)
    with pytest.raises(edgelite.EdgeliteError, match="expected 3 inputs, got 2"):
        run_single_op("SPLIT_V", [x, np.int32([3, 3])], {"num_splits": 2}, constant_inputs=(1,), num_outputs=2)


@requires_litert
@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int64, np.int8, np.int16])
def test_split_matches_litert(dtype):
    x = (np.random.default_rng(1).standard_normal((3, 10, 7)) * 50).astype(dtype)
    for axis, n in [(1, 5), (-1, 7), (0, 3)]:
        assert_parts_equal(split(x, axis, n), split(x, axis, n, runtime="litert"))


@requires_litert
def test_split_v_matches_litert():
    x = np.random.default_rng(2).standard_normal((3, 13, 4)).astype(np.float32)
    for sizes, axis in [([2, -1, 6], 1), ([1, 0, 3], 2), ([3], 0)]:
        assert_parts_equal(split_v(x, sizes, axis), split_v(x, sizes, axis, runtime="litert"))
