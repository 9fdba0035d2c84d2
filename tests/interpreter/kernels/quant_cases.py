"""Shared by the test_integer_reference_litert*.py tests: random quantized tensors and quantization parameters
(typical and extreme), and the check that runs a one-op model in LiteRT and compares with the NumPy reference
bit for bit. A plain module, like conv_family."""

import numpy as np

from edgelite.testing import quantization
from litert_builtin import run_litert_single_op


def random_q(rng, shape, dtype, low=None, high=None):
    """Random values over the dtype's range (or [low, high])."""
    info = np.iinfo(dtype)
    lo = info.min if low is None else low
    hi = info.max if high is None else high
    return rng.integers(lo, hi, shape, endpoint=True).astype(dtype)


def random_zero_point(rng, dtype, extreme=False):
    """0 for int16 (LiteRT's int16 kernels require symmetric quantization); otherwise a random zero point, or one
    at an end of the range when `extreme`."""
    if np.dtype(dtype) == np.int16:
        return 0
    info = np.iinfo(dtype)
    if extreme:
        return int(rng.choice([info.min, info.max]))
    return int(rng.integers(info.min // 2, info.max // 2 + 1))


def output_scale_for(values, dtype, spread=1.0):
    """An output scale that maps the float values' spread onto the dtype's range times `spread` (spread > 1 makes
    outputs saturate, < 1 crowds them near the zero point)."""
    levels = np.iinfo(dtype).max - np.iinfo(dtype).min
    extent = float(np.max(values) - np.min(values)) if np.size(values) else 1.0
    return np.float32(max(extent, 1e-6) / levels * spread)


def assert_litert_equal(op, inputs, options, expected, *, resolver="reference", **kwargs):
    """Runs single_op_model(op, inputs, options, **kwargs) in LiteRT with `resolver` and asserts its first output
    equals `expected` exactly (dtype, shape and every value)."""
    (got,) = run_litert_single_op(op, inputs, options, resolver=resolver, **kwargs)
    expected = np.asarray(expected)
    assert got.dtype == expected.dtype, (got.dtype, expected.dtype)
    assert got.shape == expected.shape, (got.shape, expected.shape)
    if got.dtype.kind == "f":
        mismatch = got.view(np.int32) != expected.astype(np.float32).view(np.int32)
    else:
        mismatch = got != expected
    if np.any(mismatch):
        where = np.argwhere(mismatch)[:5]
        raise AssertionError(f"{op}: {int(mismatch.sum())} of {got.size} values differ; first at "
                             f"{[tuple(w) for w in where]}: LiteRT {[got[tuple(w)] for w in where]}, "
                             f"reference {[expected[tuple(w)] for w in where]}")


def litert_differences(op, inputs, options, resolver, **kwargs):
    """LiteRT's output with `resolver` minus BUILTIN_REF's, as int64 (for recording how kernels differ)."""
    (ref,) = run_litert_single_op(op, inputs, options, resolver="reference", **kwargs)
    (other,) = run_litert_single_op(op, inputs, options, resolver=resolver, **kwargs)
    return other.astype(np.int64) - ref.astype(np.int64)


__all__ = ["assert_litert_equal", "litert_differences", "output_scale_for", "quantization", "random_q",
           "random_zero_point"]
