"""FAKE_QUANT: float32 values clamped and rounded to 2^num_bits levels with TensorFlow's nudging of min and
max (0.0 exact), narrow_range, option errors, against NumPy and LiteRT's builtin kernel."""

import numpy as np
import pytest

import edgelite
from edgelite.testing import run_single_op
from litert_builtin import requires_litert, run_litert_builtin


def numpy_fake_quant(x, lo, hi, bits, narrow):
    q_min, q_max = np.float32(1 if narrow else 0), np.float32(2 ** bits - 1)
    scale = np.float32((np.float32(hi) - np.float32(lo)) / (q_max - q_min))
    zero_from_min = q_min - np.float32(lo) / scale
    zero = q_min if zero_from_min < q_min else q_max if zero_from_min > q_max else np.round(zero_from_min)
    nmin, nmax = (q_min - zero) * scale, (q_max - zero) * scale
    shifted = np.clip(x, nmin, nmax) - nmin
    # Halves round away from zero (std::round, as LiteRT), not to even as np.round.
    return (np.floor(shifted * (np.float32(1) / scale) + np.float32(0.5)) * scale + nmin).astype(np.float32)


@pytest.mark.parametrize("lo,hi", [(-1.0, 1.0), (0.0, 6.0), (-3.7, 0.4), (0.5, 2.0), (-5.0, -1.0)])
@pytest.mark.parametrize("bits", [8, 4, 2, 16])
@pytest.mark.parametrize("narrow", [False, True])
def test_against_numpy(lo, hi, bits, narrow):
    x = np.linspace(lo - 1, hi + 1, 301, dtype=np.float32)
    o = {"min": lo, "max": hi, "num_bits": bits, "narrow_range": narrow}
    got = run_single_op("FAKE_QUANT", [x], o, version=2 if narrow else 1)[0]
    np.testing.assert_allclose(got, numpy_fake_quant(x, lo, hi, bits, narrow), atol=1e-6)


def test_zero_is_exact():
    o = {"min": -0.3, "max": 1.1, "num_bits": 8, "narrow_range": False}
    assert run_single_op("FAKE_QUANT", [np.zeros(3, np.float32)], o)[0].tolist() == [0, 0, 0]


def test_option_errors():
    with pytest.raises(edgelite.EdgeliteError, match="min 1 must be below max 1"):
        run_single_op("FAKE_QUANT", [np.zeros(3, np.float32)], {"min": 1.0, "max": 1.0, "num_bits": 8})
    with pytest.raises(edgelite.EdgeliteError, match="num_bits 1 is outside"):
        run_single_op("FAKE_QUANT", [np.zeros(3, np.float32)], {"min": 0.0, "max": 1.0, "num_bits": 1})


@requires_litert
@pytest.mark.parametrize("lo,hi", [(-2.5, 4.0), (-1.0, 1.0), (0.0, 6.0)])
def test_against_litert(lo, hi):
    """LiteRT refuses narrow_range at runtime (TensorFlow's semantics, which we run, are tested above)."""
    rng = np.random.default_rng(0)
    x = np.concatenate([(rng.standard_normal(500) * 3), np.linspace(lo - 1, hi + 1, 301)]).astype(np.float32)
    o = {"min": lo, "max": hi, "num_bits": 8, "narrow_range": False}
    np.testing.assert_array_equal(run_single_op("FAKE_QUANT", [x], o)[0], run_litert_builtin("FAKE_QUANT", [x], o)[0])
