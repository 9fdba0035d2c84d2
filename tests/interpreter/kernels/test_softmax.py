"""SOFTMAX (with beta) and LOG_SOFTMAX along the last axis: against NumPy in float64, the optimized rows
against the reference twin, numerical stability, threads, LiteRT, and prepare failures."""

import importlib.util

import numpy as np
import pytest

from edgelite.errors import EdgeliteError
from edgelite.testing import run_single_op
from kernel_twins import run_optimized_and_reference
from litert_builtin import run_litert_builtin

requires_litert = pytest.mark.skipif(importlib.util.find_spec("ai_edge_litert") is None,
                                     reason="ai-edge-litert is not installed")

TOL = dict(rtol=1e-5, atol=1e-7)


def numpy_softmax(x, beta):
    z = beta * (x.astype(np.float64) - x.max(axis=-1, keepdims=True))
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


SHAPES = [(1,), (7,), (1, 1), (3, 13), (5, 1), (2, 3, 16), (2, 3, 17), (2, 2, 3, 31), (4, 1009)]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("beta", [1.0, 0.5, 2.0])
def test_against_numpy(shape, beta):
    x = (np.random.default_rng(0).standard_normal(shape) * 3).astype(np.float32)
    got = run_single_op("SOFTMAX", [x], {"beta": beta})[0]
    assert got.shape == x.shape
    np.testing.assert_allclose(got, numpy_softmax(x, beta), **TOL)


def test_beta_zero_is_uniform():
    x = np.random.default_rng(1).standard_normal((3, 8)).astype(np.float32)
    np.testing.assert_allclose(run_single_op("SOFTMAX", [x], {"beta": 0.0})[0], np.full((3, 8), 1 / 8), rtol=1e-6)


def test_large_inputs_do_not_overflow():
    x = np.float32([[1000.0, 999.0, -1000.0, 0.0], [-3e4, -3e4, -3e4, -3e4], [3e38, 3e38, -3e38, 0.0]])
    got = run_single_op("SOFTMAX", [x], {"beta": 1.0})[0]
    assert np.all(np.isfinite(got))
    np.testing.assert_allclose(got[0], numpy_softmax(x[:1].astype(np.float64), 1.0)[0], **TOL)
    np.testing.assert_allclose(got[1], np.full(4, 0.25), rtol=1e-6)
    np.testing.assert_allclose(got[2], [0.5, 0.5, 0.0, 0.0], rtol=1e-6)


@pytest.mark.parametrize("shape,beta", [((1, 1), 1.0), ((6, 15), 1.0), ((5, 33), 0.3), ((3, 4, 1000), 1.7),
                                        ((2, 7), -1.0)])
def test_optimized_matches_reference(shape, beta):
    x = (np.random.default_rng(2).standard_normal(shape) * 5).astype(np.float32)
    optimized, reference = run_optimized_and_reference("SOFTMAX", [x], {"beta": beta})
    np.testing.assert_allclose(optimized[0], reference[0], rtol=2e-6, atol=1e-9)


def test_rows_in_parallel_match_one_thread():
    x = np.random.default_rng(3).standard_normal((257, 301)).astype(np.float32)
    one = run_single_op("SOFTMAX", [x], {"beta": 1.0}, num_threads=1)[0]
    two = run_single_op("SOFTMAX", [x], {"beta": 1.0}, num_threads=2)[0]
    np.testing.assert_array_equal(one, two)
    np.testing.assert_allclose(two, numpy_softmax(x, 1.0), **TOL)


@requires_litert
@pytest.mark.parametrize("shape,beta", [((2, 10), 1.0), ((1, 5, 5, 7), 0.7), ((3, 100), 2.0)])
def test_matches_litert(shape, beta):
    x = (np.random.default_rng(4).standard_normal(shape) * 2).astype(np.float32)
    got = run_single_op("SOFTMAX", [x], {"beta": beta})[0]
    expected = run_single_op("SOFTMAX", [x], {"beta": beta}, runtime="litert")[0]
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7)


@requires_litert
def test_missing_options_match_litert():
    # .tflite leaves beta at 0 when the options table is absent.
    x = np.random.default_rng(5).standard_normal((2, 6)).astype(np.float32)
    got = run_single_op("SOFTMAX", [x])[0]
    expected = run_single_op("SOFTMAX", [x], runtime="litert")[0]
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_integer_input_is_refused():
    with pytest.raises(EdgeliteError, match=r"dtypes \(int32\) -> int32 are not supported"):
        run_single_op("SOFTMAX", [np.zeros((2, 3), np.int32)], {"beta": 1.0})


def test_scalar_input_is_refused():
    with pytest.raises(EdgeliteError, match="must have rank 1 or more"):
        run_single_op("SOFTMAX", [np.float32(1.0)], {"beta": 1.0})


# LOG_SOFTMAX: x - max - log(sum(exp(x - max))) per row.
LOG_TOL = dict(rtol=1e-6, atol=1e-6)


def numpy_log_softmax(x):
    z = x.astype(np.float64) - x.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def assert_log_softmax_close(got, x):
    """Within a few float32 ulps of the terms x - max and log(sum) that the output is the difference of
    (an output near 0 comes from two terms that cancel, so a relative tolerance alone is too tight), plus
    the relative error of the float32 sum of exps, which log(sum) turns into an absolute one (growing
    like the square root of the row length for an in-order sum)."""
    z = x.astype(np.float64) - x.max(axis=-1, keepdims=True)
    log_sum = np.log(np.exp(z).sum(axis=-1, keepdims=True))
    bound = 4e-7 * (np.abs(z) + np.abs(log_sum)) + 5e-7 * (1 + np.sqrt(x.shape[-1]) / 2)
    error = np.abs(got - (z - log_sum))
    assert np.all(error <= bound), f"max error {np.max(error - bound):.3g} over the bound"


@pytest.mark.parametrize("shape", SHAPES + [(2, 1, 64)])
def test_log_softmax_against_numpy(shape):
    x = (np.random.default_rng(6).standard_normal(shape) * 3).astype(np.float32)
    got = run_single_op("LOG_SOFTMAX", [x])[0]
    assert got.shape == x.shape and got.dtype == np.float32
    assert_log_softmax_close(got, x)


def test_log_softmax_of_empty_rows():
    for shape in [(3, 0), (0, 4)]:
        assert run_single_op("LOG_SOFTMAX", [np.zeros(shape, np.float32)])[0].shape == shape


def test_log_softmax_is_stable_for_large_and_infinite_inputs():
    # No overflow for large inputs; -inf entries give -inf; a row with +inf, or only -inf, gives NaNs
    # (inf - inf), as .tflite's kernels do.
    x = np.float32([[1000.0, 999.0, -1000.0, 0.0], [-3e4, -3e4, -3e4, -3e4], [3e38, 3e38, -3e38, 0.0],
                    [-np.inf, 0.0, 1.0, 2.0], [np.inf, 0.0, 1.0, 2.0], [-np.inf] * 4])
    got = run_single_op("LOG_SOFTMAX", [x])[0]
    np.testing.assert_allclose(got[:2], numpy_log_softmax(x[:2]), **LOG_TOL)
    np.testing.assert_allclose(got[2], [-np.log(2), -np.log(2), -np.inf, -3e38], rtol=1e-6)
    assert got[3, 0] == -np.inf
    np.testing.assert_allclose(got[3, 1:], numpy_log_softmax(x[3:4, 1:])[0], **LOG_TOL)
    assert np.all(np.isnan(got[4])) and np.all(np.isnan(got[5]))


def test_log_softmax_scalar_is_zero():
    # .tflite takes a scalar as one row of one value (unlike SOFTMAX, which refuses it).
    got = run_single_op("LOG_SOFTMAX", [np.float32(3.5)])[0]
    assert got.shape == () and got == 0.0


@pytest.mark.parametrize("shape", [(1, 1), (6, 15), (5, 33), (3, 4, 1000), (2, 7)])
def test_log_softmax_optimized_matches_reference(shape):
    x = (np.random.default_rng(7).standard_normal(shape) * 5).astype(np.float32)
    optimized, reference = run_optimized_and_reference("LOG_SOFTMAX", [x])
    assert_log_softmax_close(optimized[0], x)
    assert_log_softmax_close(reference[0], x)


def test_log_softmax_rows_in_parallel_match_one_thread():
    x = np.random.default_rng(8).standard_normal((257, 301)).astype(np.float32)
    one = run_single_op("LOG_SOFTMAX", [x], num_threads=1)[0]
    np.testing.assert_array_equal(one, run_single_op("LOG_SOFTMAX", [x], num_threads=2)[0])


@requires_litert
@pytest.mark.parametrize("shape", [(2, 10), (1, 5, 5, 7), (3, 100), (4, 1)])
def test_log_softmax_matches_litert(shape):
    x = (np.random.default_rng(9).standard_normal(shape) * 2).astype(np.float32)
    got = run_single_op("LOG_SOFTMAX", [x])[0]
    np.testing.assert_allclose(got, run_litert_builtin("LOG_SOFTMAX", [x])[0], **LOG_TOL)


@requires_litert
def test_log_softmax_special_rows_match_litert():
    x = np.float32([[1000.0, 0.0, -1000.0], [-np.inf, 0.0, 1.0], [np.inf, 0.0, 1.0], [-np.inf] * 3,
                    [np.nan, 0.0, 1.0]])
    got = run_single_op("LOG_SOFTMAX", [x])[0]
    np.testing.assert_allclose(got, run_litert_builtin("LOG_SOFTMAX", [x])[0], rtol=1e-6, atol=1e-6,
                               equal_nan=True)


def test_log_softmax_version_two_runs_and_three_is_refused():
    x = np.float32([[1.0, 2.0]])
    np.testing.assert_allclose(run_single_op("LOG_SOFTMAX", [x], version=2)[0], numpy_log_softmax(x), **LOG_TOL)
    with pytest.raises(EdgeliteError, match="operator LOG_SOFTMAX version 3 is not supported"):
        run_single_op("LOG_SOFTMAX", [x], version=3)


@pytest.mark.parametrize("dtype", [np.int16, np.int32])  # LiteRT's has no int16 either
def test_log_softmax_refuses_other_types(dtype):
    name = np.dtype(dtype).name
    with pytest.raises(EdgeliteError, match=rf"dtypes \({name}\) -> {name} are not supported"):
        run_single_op("LOG_SOFTMAX", [np.zeros((2, 3), dtype)], version=2)
