"""LOCAL_RESPONSE_NORMALIZATION against a NumPy reference of the .tflite definition."""

import numpy as np
import pytest

import edgelite
from edgelite.testing import run_single_op


def lrn_reference(x, radius, bias, alpha, beta):
    c = x.shape[-1]
    sq = x.astype(np.float64) ** 2
    out = np.empty_like(x, dtype=np.float64)
    for ch in range(c):
        lo, hi = max(0, ch - radius), min(c, ch + radius + 1)
        out[..., ch] = x[..., ch] / (bias + alpha * sq[..., lo:hi].sum(-1)) ** beta
    return out


@pytest.mark.parametrize("shape", [(1, 1, 1, 1), (1, 3, 5, 7), (2, 4, 4, 13), (1, 2, 3, 64)])
@pytest.mark.parametrize("radius, bias, alpha, beta", [(0, 1.0, 1.0, 0.5), (2, 2.0, 1e-4, 0.75),
                                                       (5, 1.0, 0.1, 0.5), (1, 0.5, 0.3, 1.0)])
def test_matches_reference(shape, radius, bias, alpha, beta):
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    (y,) = run_single_op("LOCAL_RESPONSE_NORMALIZATION", [x],
                         {"radius": radius, "bias": bias, "alpha": alpha, "beta": beta})
    np.testing.assert_allclose(y, lrn_reference(x, radius, bias, alpha, beta), rtol=1e-5, atol=1e-6)


def test_rejects_wrong_rank():
    with pytest.raises(edgelite.InvalidModelError, match="rank 4"):
        run_single_op("LOCAL_RESPONSE_NORMALIZATION", [np.zeros((2, 3), np.float32)], {"radius": 1})


def test_rejects_int_input():
    with pytest.raises(edgelite.UnsupportedError, match="int32"):
        run_single_op("LOCAL_RESPONSE_NORMALIZATION", [np.zeros((1, 2, 2, 3), np.int32)], {"radius": 1})
