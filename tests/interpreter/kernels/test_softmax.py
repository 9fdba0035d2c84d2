"""SOFTMAX along the last axis with beta: against NumPy in float64, the optimized rows against the
reference twin, numerical stability, threads, LiteRT, and prepare failures."""

import importlib.util

import numpy as np
import pytest

from edgelite.errors import EdgeliteError
from edgelite.testing import run_single_op
from kernel_twins import run_optimized_and_reference

requires_litert = pytest.mark.skipif(importlib.util.find_spec("ai_edge_litert") is None,
                                     reason="ai-edge-litert is not installed")

TOL = dict(rtol=1e-5, atol=1e-7)


def numpy_softmax(x, beta):
    z = beta * (x.astype(np.float64) - x.max(axis=-1, keepdims=True))
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


@pytest.mark.parametrize("shape", [(1,), (7,), (1, 1), (3, 13), (5, 1), (2, 3, 16), (2, 3, 17), (2, 2, 3, 31),
                                   (4, 1009)])
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
    with pytest.raises(EdgeliteError, match="input 'input0' has type int32, expected float32"):
        run_single_op("SOFTMAX", [np.zeros((2, 3), np.int32)], {"beta": 1.0})


def test_scalar_input_is_refused():
    with pytest.raises(EdgeliteError, match="must have rank 1 or more"):
        run_single_op("SOFTMAX", [np.float32(1.0)], {"beta": 1.0})
