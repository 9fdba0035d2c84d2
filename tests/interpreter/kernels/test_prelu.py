"""PRELU: alpha per channel ([C], [1, 1, C]), same shape, scalar, and general broadcasting (including an
input that broadcasts to alpha), constant and runtime alpha; NumPy, LiteRT and prepare failures."""

import importlib.util

import numpy as np
import pytest

from edgelite.errors import EdgeliteError
from edgelite.testing import run_single_op

requires_litert = pytest.mark.skipif(importlib.util.find_spec("ai_edge_litert") is None,
                                     reason="ai-edge-litert is not installed")


def numpy_prelu(x, alpha):
    x, alpha = np.broadcast_arrays(x.astype(np.float64), alpha.astype(np.float64))
    return np.where(x >= 0, x, x * alpha)


CASES = [
    ((1, 4, 4, 3), (3,)),        # per channel
    ((2, 5, 7, 13), (1, 1, 13)),  # per channel, the converter's usual shape
    ((2, 3, 17), (2, 3, 17)),    # same shape
    ((3, 5), (1,)),              # one alpha
    ((2, 4, 3), (4, 1)),         # broadcast along the last axis: general path
    ((4, 1, 3), (1, 5, 1)),      # both sides broadcast: output [4, 5, 3]
    ((3,), (2, 3)),              # alpha of higher rank
    ((1,), (1,)),
]


@pytest.mark.parametrize("x_shape,alpha_shape", CASES)
@pytest.mark.parametrize("constant_alpha", [True, False])
def test_against_numpy(x_shape, alpha_shape, constant_alpha):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(x_shape).astype(np.float32)
    x.flat[0] = 0.0  # x >= 0 keeps x, so 0 stays 0 whatever alpha is
    alpha = rng.uniform(-1, 1, alpha_shape).astype(np.float32)
    got = run_single_op("PRELU", [x, alpha], constant_inputs=[1] if constant_alpha else [])[0]
    expected = numpy_prelu(x, alpha).astype(np.float32)  # one rounded product: exact
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)


def test_threads_do_not_change_results():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 63, 65, 32)).astype(np.float32)
    alpha = rng.uniform(0, 0.5, (32,)).astype(np.float32)
    one = run_single_op("PRELU", [x, alpha], constant_inputs=[1], num_threads=1)[0]
    two = run_single_op("PRELU", [x, alpha], constant_inputs=[1], num_threads=2)[0]
    np.testing.assert_array_equal(one, two)
    np.testing.assert_array_equal(two, numpy_prelu(x, alpha).astype(np.float32))


@requires_litert
@pytest.mark.parametrize("x_shape,alpha_shape", [((1, 4, 4, 3), (1, 1, 3)), ((2, 6, 5), (5,)), ((2, 3), (2, 3))])
def test_matches_litert(x_shape, alpha_shape):
    rng = np.random.default_rng(2)
    x = rng.standard_normal(x_shape).astype(np.float32)
    alpha = rng.uniform(-1, 1, alpha_shape).astype(np.float32)
    got = run_single_op("PRELU", [x, alpha], constant_inputs=[1])[0]
    expected = run_single_op("PRELU", [x, alpha], constant_inputs=[1], runtime="litert")[0]
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=0)


def test_incompatible_alpha_is_refused():
    with pytest.raises(EdgeliteError, match=r"shapes \[2, 3\] and \[4\] cannot be broadcast together"):
        run_single_op("PRELU", [np.zeros((2, 3), np.float32), np.zeros(4, np.float32)], constant_inputs=[1])


def test_integer_alpha_is_refused():
    with pytest.raises(EdgeliteError, match=r"input 1 'input1' is int32, expected float32.*supported: \(float32, float32\) -> float32; \(int8, int8\) -> int8; \(uint8, uint8\) -> uint8; \(int16, int8\) -> int16$"):
        run_single_op("PRELU", [np.zeros((2, 3), np.float32), np.zeros(3, np.int32)], constant_inputs=[1])


def test_missing_alpha_is_refused():
    with pytest.raises(EdgeliteError, match="expected 2 inputs, got 1"):
        run_single_op("PRELU", [np.zeros((2, 3), np.float32)])
