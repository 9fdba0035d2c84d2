"""MEAN and SUM: axes (negative, repeated, unordered, empty, all), keep_dims, float32/int32/int64, empty
inputs, against NumPy; the optimized layout against the reference twin; LiteRT; prepare failures."""

import importlib.util

import numpy as np
import pytest

from edgelite.errors import EdgeliteError
from edgelite.testing import run_single_op
from kernel_twins import run_optimized_and_reference

requires_litert = pytest.mark.skipif(importlib.util.find_spec("ai_edge_litert") is None,
                                     reason="ai-edge-litert is not installed")

FLOAT_TOL = dict(rtol=1e-5, atol=1e-5)  # float32 sums of a few hundred terms against float64 NumPy


def reduce(op, x, axes, keep_dims, *, axis_dtype=np.int32, num_threads=1):
    return run_single_op(op, [x, np.asarray(axes, dtype=axis_dtype)], {"keep_dims": keep_dims},
                         constant_inputs=[1], num_threads=num_threads)[0]


def numpy_reduce(op, x, axes, keep_dims):
    """NumPy's reduction with .tflite's axis rules (negative and repeated axes; an empty list reduces
    nothing); integer MEAN divides with truncation toward zero."""
    axes = tuple(sorted({a % x.ndim for a in np.atleast_1d(axes).tolist()})) if x.ndim else ()
    if np.issubdtype(x.dtype, np.integer):
        total = np.sum(x.astype(np.int64), axis=axes, keepdims=keep_dims)
        if op == "SUM":
            return total.astype(x.dtype)  # wraps, as the kernel's integer sum does
        count = int(np.prod([x.shape[a] for a in axes], dtype=np.int64))
        return (np.sign(total) * (np.abs(total) // count)).astype(x.dtype)
    fn = np.sum if op == "SUM" else np.mean
    return fn(x.astype(np.float64), axis=axes, keepdims=keep_dims)


AXES_CASES = [
    [1, 2],        # spatial mean of NHWC
    [2, 1],        # same, unordered
    [-1],          # last axis: contiguous runs
    [0],           # first axis: rows of vectors
    [0, 2],        # non-adjacent
    [1, 3],
    [0, 1, 2, 3],  # everything
    [3, -1, 3],    # repeated, also through a negative alias
    [],            # nothing
]


@pytest.mark.parametrize("op", ["SUM", "MEAN"])
@pytest.mark.parametrize("axes", AXES_CASES)
@pytest.mark.parametrize("keep_dims", [False, True])
def test_float_against_numpy(op, axes, keep_dims):
    x = np.random.default_rng(1).standard_normal((2, 7, 13, 3)).astype(np.float32)
    got = reduce(op, x, axes, keep_dims)
    expected = numpy_reduce(op, x, axes, keep_dims)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, **FLOAT_TOL)


@pytest.mark.parametrize("shape,axes", [((1,), [0]), ((1, 1, 1), [1]), ((5, 1, 4), [1]), ((5, 1, 4), [0, 2]),
                                        ((17,), [0]), ((3, 1), [-2]), ((4, 600), [0]), ((2, 3, 1100), [1])])
@pytest.mark.parametrize("op", ["SUM", "MEAN"])
def test_odd_shapes(op, shape, axes):
    x = np.random.default_rng(2).standard_normal(shape).astype(np.float32)
    for keep_dims in (False, True):
        np.testing.assert_allclose(reduce(op, x, axes, keep_dims), numpy_reduce(op, x, axes, keep_dims),
                                   **FLOAT_TOL)


def test_scalar_axis_tensor():
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    got = run_single_op("SUM", [x, np.int32(1)], {"keep_dims": False}, constant_inputs=[1])[0]
    np.testing.assert_array_equal(got, x.sum(axis=1))


def test_int64_axis_tensor():
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    np.testing.assert_array_equal(reduce("MEAN", x, [0], True, axis_dtype=np.int64), x.mean(0, keepdims=True))


def test_rank0_input():
    x = np.array(2.5, dtype=np.float32)
    for axes in ([], [0]):
        got = reduce("SUM", x, axes, False)
        assert got.shape == () and got == np.float32(2.5)


@pytest.mark.parametrize("op", ["SUM", "MEAN"])
@pytest.mark.parametrize("dtype", [np.int32, np.int64])
@pytest.mark.parametrize("axes", [[1], [0, 2], [-1], [0, 1, 2]])
def test_integers(op, dtype, axes):
    x = np.random.default_rng(3).integers(-1000, 1000, size=(3, 5, 7)).astype(dtype)
    got = reduce(op, x, axes, False)
    assert got.dtype == dtype
    np.testing.assert_array_equal(got, numpy_reduce(op, x, axes, False))


def test_integer_mean_truncates_toward_zero():
    x = np.array([[-7, 2], [7, -2], [3, 0]], dtype=np.int32)
    np.testing.assert_array_equal(reduce("MEAN", x, [1], False), [-2, 2, 1])


def test_int32_sum_wraps():
    x = np.array([2**31 - 1, 1, 5], dtype=np.int32)
    np.testing.assert_array_equal(reduce("SUM", x, [0], False), np.int32(-(2**31) + 5))


def test_int32_mean_accumulates_in_int64():
    x = np.full((4,), 2**31 - 1, dtype=np.int32)
    np.testing.assert_array_equal(reduce("MEAN", x, [0], False), np.int32(2**31 - 1))


@pytest.mark.parametrize("op,fill", [("SUM", 0.0), ("MEAN", np.nan)])
def test_empty_input(op, fill):
    x = np.zeros((0, 3), dtype=np.float32)
    got = reduce(op, x, [0], False)
    np.testing.assert_array_equal(got, np.full((3,), fill, dtype=np.float32))
    assert reduce(op, x, [1], True).shape == (0, 1)


def random_case(rng):
    rank = int(rng.integers(1, 6))
    shape = tuple(int(d) for d in rng.choice([1, 2, 3, 5, 16, 17, 31], size=rank))
    axes = [int(a) for a in rng.choice(np.arange(-rank, rank), size=int(rng.integers(0, rank + 1)))]
    return shape, axes, bool(rng.integers(0, 2))


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("op", ["SUM", "MEAN"])
def test_optimized_matches_reference(op, seed):
    rng = np.random.default_rng(seed)
    shape, axes, keep_dims = random_case(rng)
    x = rng.standard_normal(shape).astype(np.float32)
    optimized, reference = run_optimized_and_reference(op, [x, np.array(axes, np.int32)],
                                                       {"keep_dims": keep_dims}, constant_inputs=[1])
    assert optimized[0].shape == reference[0].shape
    # float32 sums in two orders: each within a few float32 ulps of the sum of magnitudes of the truth.
    bound = 1e-6 * numpy_reduce(op, np.abs(x), axes, keep_dims) + 1e-7
    truth = numpy_reduce(op, x, axes, keep_dims)
    assert np.all(np.abs(optimized[0] - truth) <= bound)
    assert np.all(np.abs(reference[0] - truth) <= bound)


@pytest.mark.parametrize("axes", [[1, 2], [3], [0, 1, 2, 3], [0]])
def test_results_do_not_depend_on_threads(axes):
    # Fixed work splits: the same sums in the same order whatever the thread count.
    x = np.random.default_rng(4).standard_normal((4, 33, 65, 37)).astype(np.float32)
    one = reduce("SUM", x, axes, False, num_threads=1)
    two = reduce("SUM", x, axes, False, num_threads=2)
    np.testing.assert_array_equal(one, two)
    np.testing.assert_allclose(one, numpy_reduce("SUM", x, axes, False), rtol=1e-4, atol=1e-3)


@requires_litert
@pytest.mark.parametrize("op", ["SUM", "MEAN"])
@pytest.mark.parametrize("axes,keep_dims", [([1, 2], True), ([1, 2], False), ([-1], False), ([0, 0, 2], True),
                                            ([], False), ([0, 1, 2, 3], False)])
def test_matches_litert(op, axes, keep_dims):
    x = np.random.default_rng(5).standard_normal((2, 5, 6, 3)).astype(np.float32)
    inputs = [x, np.array(axes, np.int32)]
    got = run_single_op(op, inputs, {"keep_dims": keep_dims}, constant_inputs=[1])[0]
    expected = run_single_op(op, inputs, {"keep_dims": keep_dims}, constant_inputs=[1], runtime="litert")[0]
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


@requires_litert
def test_int32_sum_matches_litert():
    x = np.random.default_rng(6).integers(-50, 50, size=(3, 4, 5)).astype(np.int32)
    inputs = [x, np.array([0, 2], np.int32)]
    got = run_single_op("SUM", inputs, {"keep_dims": True}, constant_inputs=[1])[0]
    expected = run_single_op("SUM", inputs, {"keep_dims": True}, constant_inputs=[1], runtime="litert")[0]
    np.testing.assert_array_equal(got, expected)


def test_axis_out_of_range():
    with pytest.raises(EdgeliteError, match="axis 4 is out of range for rank 4"):
        reduce("MEAN", np.zeros((1, 2, 3, 4), np.float32), [1, 4], True)
    with pytest.raises(EdgeliteError, match="axis -5 is out of range for rank 4"):
        reduce("SUM", np.zeros((1, 2, 3, 4), np.float32), [-5], True)


def test_runtime_axis_is_refused():
    x = np.zeros((2, 3), np.float32)
    with pytest.raises(EdgeliteError, match="axis input 'input1' must be constant"):
        run_single_op("SUM", [x, np.array([1], np.int32)], {"keep_dims": False})


def test_float_axis_is_refused():
    with pytest.raises(EdgeliteError, match="must be int32 or int64, got float32"):
        reduce("SUM", np.zeros((2, 3), np.float32), [1], False, axis_dtype=np.float32)


def test_2d_axis_is_refused():
    with pytest.raises(EdgeliteError, match=r"must be a scalar or 1-D, got shape \[1, 1\]"):
        reduce("SUM", np.zeros((2, 3), np.float32), [[1]], False)


def test_unsupported_input_type():
    with pytest.raises(EdgeliteError, match=r"input type int8 is not supported \(float32, int32, int64\)"):
        reduce("MEAN", np.zeros((2, 3), np.int8), [1], False)
