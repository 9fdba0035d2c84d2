"""Shared by the quantized kernel tests: run a one-op model in edgelite (optionally its reference twins too)
and compare bit for bit with the NumPy integer reference, and with LiteRT's BUILTIN_REF when installed. A
plain module, like quant_cases."""

import importlib.util

import numpy as np

from edgelite.testing import run_single_op
from kernel_twins import reference_kernels

HAVE_LITERT = importlib.util.find_spec("ai_edge_litert") is not None


def assert_bit_equal(got, expected, what=""):
    expected = np.asarray(expected)
    assert got.dtype == expected.dtype, (what, got.dtype, expected.dtype)
    assert got.shape == expected.shape, (what, got.shape, expected.shape)
    if got.dtype.kind == "f":  # bit patterns, so NaNs and signed zeros count
        word = {2: np.int16, 4: np.int32, 8: np.int64}[got.itemsize]
        mismatch = got.view(word) != expected.view(word)
    else:
        mismatch = got != expected
    if np.any(mismatch):
        where = [tuple(w) for w in np.argwhere(mismatch)[:5]]
        raise AssertionError(f"{what}: {int(mismatch.sum())} of {got.size} values differ; first at {where}: "
                             f"got {[got[w] for w in where]}, expected {[expected[w] for w in where]}")


def check(op, inputs, options, expected, *, twins=False, litert=False, **kwargs):
    """edgelite's first output of the one-op model equals `expected` exactly; with `twins` also with
    EDGELITE_FORCE_REFERENCE_KERNELS=1; with `litert` also LiteRT's reference kernels (when installed)."""
    (got,) = run_single_op(op, inputs, options, **kwargs)[:1]
    assert_bit_equal(got, expected, op)
    if twins:
        with reference_kernels():
            (ref,) = run_single_op(op, inputs, options, **kwargs)[:1]
        assert_bit_equal(ref, expected, f"{op} (reference twin)")
    if litert and HAVE_LITERT:
        from litert_builtin import run_litert_reference
        model_kwargs = {k: v for k, v in kwargs.items() if k != "num_threads"}
        (lite,) = run_litert_reference(op, inputs, options, **model_kwargs)[:1]
        assert_bit_equal(lite, expected, f"{op} (LiteRT BUILTIN_REF)")
    return got


def random_values(shape, dtype, seed=0):
    """Random values of any movable dtype (bool, integers within +-1000, standard normal floats)."""
    rng = np.random.default_rng(seed)
    if dtype == np.bool_:
        return rng.integers(0, 2, shape).astype(bool)
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        return rng.integers(max(info.min, -1000), min(info.max, 1000), shape, endpoint=True).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)
