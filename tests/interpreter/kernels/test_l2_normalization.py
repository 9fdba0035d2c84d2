"""L2_NORMALIZATION along the last axis: against NumPy in float64, .tflite's epsilon rule (divide by
max(norm, 1e-6)), overflow and special values, fused activations, the optimized rows against the reference
twin, LiteRT's builtin kernel, and prepare failures."""

import numpy as np
import pytest

from edgelite.errors import EdgeliteError
from edgelite.testing import run_single_op
from kernel_twins import run_optimized_and_reference
from litert_builtin import requires_litert, run_litert_builtin

TOL = dict(rtol=2e-6, atol=1e-7)
CLAMPS = {"NONE": (-np.inf, np.inf), "RELU": (0.0, np.inf), "RELU_N1_TO_1": (-1.0, 1.0), "RELU6": (0.0, 6.0)}


def numpy_l2_normalize(x, activation="NONE"):
    x64 = x.astype(np.float64)
    norm = np.maximum(np.sqrt(np.sum(x64 * x64, axis=-1, keepdims=True)), 1e-6)
    return np.clip(x64 / norm, *CLAMPS[activation])


def l2_normalize(x, activation="NONE", **kwargs):
    return run_single_op("L2_NORMALIZATION", [x], {"fused_activation_function": activation}, **kwargs)[0]


@pytest.mark.parametrize("shape", [(1,), (7,), (1, 1), (3, 13), (5, 1), (2, 3, 16), (2, 3, 17), (1, 1, 1, 2, 3),
                                   (4, 1009)])
def test_against_numpy(shape):
    x = (np.random.default_rng(0).standard_normal(shape) * 3).astype(np.float32)
    got = l2_normalize(x)
    assert got.shape == x.shape and got.dtype == np.float32
    np.testing.assert_allclose(got, numpy_l2_normalize(x), **TOL)


def test_small_norms_are_divided_by_epsilon():
    # .tflite divides by max(sqrt(sum of squares), 1e-6): a row of norm 1e-7 is scaled by 1e6, not
    # normalized; an all-zero row stays zero (not NaN).
    x = np.float32([[1e-7, 0.0], [3e-7, -4e-7], [0.0, 0.0], [3e-6, 4e-6], [-0.0, 0.0]])
    got = l2_normalize(x)
    np.testing.assert_allclose(got[:4], [[0.1, 0.0], [0.3, -0.4], [0.0, 0.0], [0.6, 0.8]], rtol=1e-6)
    np.testing.assert_array_equal(np.signbit(got[4]), [True, False])


def test_sum_of_squares_in_float32():
    # The sum of squares overflows to inf as .tflite's does: the row becomes zeros; inf gives NaN.
    x = np.float32([[1e20, 1e20], [np.inf, 1.0], [np.nan, 1.0]])
    got = l2_normalize(x)
    np.testing.assert_array_equal(got[0], [0.0, 0.0])
    assert np.isnan(got[1, 0]) and got[1, 1] == 0.0
    assert np.all(np.isnan(got[2]))


@pytest.mark.parametrize("activation", ["RELU", "RELU_N1_TO_1", "RELU6"])
def test_fused_activations(activation):
    # .tflite's kernel refuses fused activations; the clamping ones are well defined, so edgelite runs them.
    x = (np.random.default_rng(1).standard_normal((4, 9)) * 2).astype(np.float32)
    np.testing.assert_allclose(l2_normalize(x, activation), numpy_l2_normalize(x, activation), **TOL)


def test_without_options():
    x = np.float32([[3.0, 4.0]])
    np.testing.assert_allclose(run_single_op("L2_NORMALIZATION", [x])[0], [[0.6, 0.8]], rtol=1e-6)


@pytest.mark.parametrize("shape", [(1, 1), (6, 15), (5, 33), (3, 4, 1000), (2, 7)])
def test_optimized_matches_reference(shape):
    x = (np.random.default_rng(2).standard_normal(shape) * 5).astype(np.float32)
    optimized, reference = run_optimized_and_reference("L2_NORMALIZATION", [x], {})
    np.testing.assert_allclose(optimized[0], reference[0], rtol=2e-6, atol=1e-9)
    np.testing.assert_allclose(reference[0], numpy_l2_normalize(x), rtol=1e-5, atol=1e-7)


def test_rows_in_parallel_match_one_thread():
    x = np.random.default_rng(3).standard_normal((257, 301)).astype(np.float32)
    one = l2_normalize(x, num_threads=1)
    np.testing.assert_array_equal(one, l2_normalize(x, num_threads=2))


@requires_litert
@pytest.mark.parametrize("shape", [(2, 10), (1, 5, 5, 7), (3, 100), (4, 1), (1, 1, 1, 2, 3)])
def test_matches_litert(shape):
    x = (np.random.default_rng(4).standard_normal(shape) * 2).astype(np.float32)
    np.testing.assert_allclose(l2_normalize(x), run_litert_builtin("L2_NORMALIZATION", [x], {})[0], **TOL)


@requires_litert
def test_edge_cases_match_litert():
    x = np.float32([[1e-7, 0.0], [0.0, 0.0], [1e20, 1e20], [np.inf, 1.0], [-0.0, 0.0], [3e-7, -4e-7]])
    got = l2_normalize(x)
    expected = run_litert_builtin("L2_NORMALIZATION", [x], {})[0]
    np.testing.assert_allclose(got, expected, rtol=1e-6, equal_nan=True)
    np.testing.assert_array_equal(np.signbit(got), np.signbit(expected))


def test_version_two_runs_and_three_is_refused():
    x = np.float32([[3.0, 4.0]])
    np.testing.assert_allclose(l2_normalize(x, version=2), [[0.6, 0.8]], rtol=1e-6)
    with pytest.raises(EdgeliteError, match="operator L2_NORMALIZATION version 3 is not supported"):
        l2_normalize(x, version=3)


@pytest.mark.parametrize("dtype", [np.int8, np.int32])
def test_other_types_are_refused(dtype):
    # Version 2 is quantized int8, which this kernel does not run.
    name = np.dtype(dtype).name
    with pytest.raises(EdgeliteError, match=rf"dtypes \({name}\) -> {name} are not supported"):
        l2_normalize(np.zeros((2, 3), dtype), version=2)


def test_scalar_is_refused():
    with pytest.raises(EdgeliteError, match="must have rank 1 or more, got a scalar"):
        l2_normalize(np.float32(2.0))


def test_tanh_activation_is_refused():
    with pytest.raises(EdgeliteError, match=r"fused activation 4 \(TANH\) is not supported"):
        l2_normalize(np.ones((2, 3), np.float32), "TANH")
