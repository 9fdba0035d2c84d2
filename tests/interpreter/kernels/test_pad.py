"""PAD / PADV2 against np.pad (constant mode): ranks 0-6, odd paddings, zero-sized inputs, int32/int64
paddings, run-time paddings (dynamic output), threads, and prepare failures."""

import numpy as np
import pytest

import edgelite
from edgelite.testing import run_single_op
from testutil import requires_litert


def pad(x, paddings, constant=True, num_threads=1, paddings_dtype=np.int32, value=None):
    inputs = [x, np.asarray(paddings, paddings_dtype)]
    op = "PAD"
    if value is not None:
        inputs.append(np.asarray(value, x.dtype))
        op = "PADV2"
    return run_single_op(op, inputs, constant_inputs=(1, 2) if constant else (), num_threads=num_threads)[0]


@pytest.mark.parametrize("rank", [1, 2, 3, 4, 5, 6])
def test_random_paddings(rank):
    rng = np.random.default_rng(rank)
    for _ in range(12):
        shape = tuple(int(d) for d in rng.choice([1, 2, 3, 5], size=rank))
        paddings = rng.integers(0, 3, size=(rank, 2))
        x = rng.standard_normal(shape).astype(np.float32)
        np.testing.assert_array_equal(pad(x, paddings), np.pad(x, paddings))


@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int64])
@pytest.mark.parametrize("paddings_dtype", [np.int32, np.int64])
def test_dtypes(dtype, paddings_dtype):
    x = np.arange(2 * 7 * 3, dtype=dtype).reshape(2, 7, 3) + 1
    paddings = [[0, 0], [3, 1], [2, 0]]
    np.testing.assert_array_equal(pad(x, paddings, paddings_dtype=paddings_dtype), np.pad(x, paddings))


def test_common_layouts():
    x = np.random.default_rng(0).standard_normal((1, 13, 17, 8)).astype(np.float32)
    for paddings in ([[0, 0], [1, 1], [1, 1], [0, 0]],   # NHWC spatial (rows of W*C copied whole)
                     [[0, 0], [0, 1], [0, 1], [0, 0]],   # SAME padding for stride 2
                     [[0, 0], [0, 0], [0, 0], [3, 5]],   # channels
                     [[2, 1], [0, 0], [0, 0], [0, 0]],   # batch
                     [[0, 0], [0, 0], [0, 0], [0, 0]]):  # nothing
        np.testing.assert_array_equal(pad(x, paddings), np.pad(x, paddings))


def test_zero_sized_and_scalar():
    x = np.zeros((0, 3), np.float32)
    np.testing.assert_array_equal(pad(x, [[1, 2], [0, 1]]), np.pad(x, [[1, 2], [0, 1]]))
    x = np.ones((2, 0, 2), np.float32)
    np.testing.assert_array_equal(pad(x, [[0, 0], [1, 0], [0, 0]]), np.zeros((2, 1, 2), np.float32))
    np.testing.assert_array_equal(pad(np.array(4.0, np.float32), np.zeros((0, 2), np.int32)), 4.0)


def test_run_time_paddings():
    x = np.random.default_rng(1).standard_normal((3, 4, 5)).astype(np.float32)
    paddings = [[1, 0], [2, 3], [0, 1]]
    np.testing.assert_array_equal(pad(x, paddings, constant=False), np.pad(x, paddings))
    with pytest.raises(edgelite.EdgeliteError, match="non-negative"):
        pad(x, [[1, 0], [-1, 3], [0, 1]], constant=False)


def test_large_multithreaded():
    x = np.random.default_rng(2).standard_normal((2, 112, 112, 16)).astype(np.float32)
    paddings = [[0, 0], [2, 3], [1, 1], [0, 0]]
    np.testing.assert_array_equal(pad(x, paddings, num_threads=4), np.pad(x, paddings))


def test_padv2_constant_value():
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    paddings = [[1, 1], [2, 0]]
    np.testing.assert_array_equal(pad(x, paddings, value=-7.5), np.pad(x, paddings, constant_values=-7.5))
    xi = x.astype(np.int64)
    np.testing.assert_array_equal(pad(xi, paddings, value=9, constant=False),
                                  np.pad(xi, paddings, constant_values=9))


def test_constant_value_input_variants():
    # .tflite runs PAD and PADV2 with one kernel: both take an optional scalar input 2 (any shape with one
    # element), and an omitted one (index -1) pads with zero.
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    paddings = np.int32([[1, 0], [0, 2]])
    np.testing.assert_array_equal(run_single_op("PAD", [x, paddings, np.float32(7)], constant_inputs=(1, 2))[0],
                                  np.pad(x, paddings, constant_values=7))
    np.testing.assert_array_equal(run_single_op("PADV2", [x, paddings, None], constant_inputs=(1,))[0],
                                  np.pad(x, paddings))
    np.testing.assert_array_equal(run_single_op("PADV2", [x, paddings, np.float32([[-3]])], constant_inputs=(1,))[0],
                                  np.pad(x, paddings, constant_values=-3))
    xi = x.astype(np.int32)
    np.testing.assert_array_equal(run_single_op("PADV2", [xi, paddings, np.int32([5])], constant_inputs=(1, 2))[0],
                                  np.pad(xi, paddings, constant_values=5))


@pytest.mark.parametrize("paddings, message", [
    ([[1, 1], [1, 1]], "paddings must have shape \\[3, 2\\] for an input of rank 3, got \\[2, 2\\]"),
    ([[1, 1, 0], [1, 1, 0], [0, 0, 0]], "paddings must have shape \\[3, 2\\].*got \\[3, 3\\]"),
    ([1, 1, 1, 1, 1, 1], "paddings must have shape \\[3, 2\\].*got \\[6\\]"),
    ([[0, 0], [0, -1], [0, 0]], "paddings must be non-negative, got \\[0, -1\\] for axis 1"),
])
def test_bad_paddings_fail_in_prepare(paddings, message):
    x = np.zeros((2, 3, 4), np.float32)
    with pytest.raises(edgelite.EdgeliteError, match=message):
        pad(x, paddings)


def test_bad_types_fail_in_prepare():
    x = np.zeros((2, 3), np.float32)
    with pytest.raises(edgelite.EdgeliteError, match=r"input 1 .* is float32, expected int32\|int64"):
        pad(x, [[0, 0], [1, 1]], paddings_dtype=np.float32)
    with pytest.raises(edgelite.EdgeliteError, match="input 2 .* is int32, expected same as input 0"):
        run_single_op("PADV2", [x, np.int32([[0, 0], [1, 1]]), np.int32(1)], constant_inputs=(1, 2))
    with pytest.raises(edgelite.EdgeliteError, match="expected 2 to 3 inputs, got 4"):
        run_single_op("PADV2", [x, np.int32([[0, 0], [1, 1]]), np.float32(1), np.float32(1)], constant_inputs=(1, 2, 3))
    with pytest.raises(edgelite.EdgeliteError, match="constant_values must hold one value"):
        run_single_op("PADV2", [x, np.int32([[0, 0], [1, 1]]), np.float32([1, 2])], constant_inputs=(1, 2))


@requires_litert
def test_matches_litert():
    x = np.random.default_rng(3).standard_normal((2, 5, 6, 3)).astype(np.float32)
    paddings = np.int32([[0, 1], [2, 1], [0, 3], [1, 0]])
    ours = run_single_op("PAD", [x, paddings], constant_inputs=(1,))[0]
    theirs = run_single_op("PAD", [x, paddings], constant_inputs=(1,), runtime="litert")[0]
    np.testing.assert_array_equal(ours, theirs)


@requires_litert
def test_padv2_matches_litert():
    x = np.random.default_rng(4).standard_normal((3, 4, 5)).astype(np.float32)
    paddings = np.int32([[1, 2], [0, 3], [2, 0]])
    for value, constant_inputs in [(np.float32(-1.5), (1, 2)), (np.float32([2.25]), (1,)), (None, (1,))]:
        ours = run_single_op("PADV2", [x, paddings, value], constant_inputs=constant_inputs)[0]
        theirs = run_single_op("PADV2", [x, paddings, value], constant_inputs=constant_inputs, runtime="litert")[0]
        np.testing.assert_array_equal(ours, theirs)
