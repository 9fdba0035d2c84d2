"""ROUND: halves to even as TensorFlow and LiteRT round (bit for bit, signed zeros included: a negative input
that rounds to zero gives +0, -0 stays -0), the optimized loop against its reference twin over dense grids and
the 2^23/2^24 boundaries, special values, other dtypes refused, and LiteRT's builtin kernel."""

import numpy as np
import pytest

from edgelite.errors import EdgeliteError
from edgelite.testing import run_single_op
from kernel_twins import run_optimized_and_reference
from litert_builtin import requires_litert, run_litert_builtin

EDGES = [0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999997, -0.49999997, 0.50000006, -0.50000006, 1e-30,
         -1e-30, 4194304.5, -4194304.5, 8388607.5, -8388607.5, 8388608.0, 8388609.0, 16777216.0, 16777218.0, 1e30,
         -1e30, np.inf, -np.inf, np.nan]


def grid():
    parts = [np.linspace(-6, 6, 120001), np.arange(-1000, 1000) + 0.5, np.linspace(-2e7, 2e7, 100003), EDGES]
    return np.concatenate([np.asarray(p, np.float64) for p in parts]).astype(np.float32)


def round_reference(x):
    """np.round halves to even; its -0 for negatives that round to 0 becomes +0 as in .tflite (x = -0 stays)."""
    r = np.round(x)
    return np.where((r == 0) & (x != 0), np.float32(0.0), r).astype(np.float32)


def assert_bits_equal(got, want):
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    keep = ~np.isnan(want)
    np.testing.assert_array_equal(got[keep].view(np.uint32), want[keep].view(np.uint32))


def test_halves_go_to_even():
    x = np.float32([0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5, -3.5, 0.4, 0.6, -0.4, -0.6])
    np.testing.assert_array_equal(run_single_op("ROUND", [x])[0], [0, 2, 2, 4, 0, -2, -2, -4, 0, 1, 0, -1])


def test_optimized_and_reference_against_numpy():
    x = grid()
    optimized, reference = run_optimized_and_reference("ROUND", [x])
    assert_bits_equal(optimized[0], round_reference(x))
    assert_bits_equal(reference[0], round_reference(x))


@pytest.mark.parametrize("shape", [(), (1,), (15,), (16,), (17,), (2, 3, 5), (0, 4), (10007,)], ids=str)
def test_shapes(shape):
    x = (np.random.default_rng(1).standard_normal(shape) * 10).astype(np.float32)
    got = run_single_op("ROUND", [x], num_threads=2)[0]
    assert got.shape == x.shape
    assert_bits_equal(got, round_reference(x))


@pytest.mark.parametrize("dtype", [np.int32, np.int8, np.float16])
def test_other_types_are_refused(dtype):
    name = np.dtype(dtype).name
    with pytest.raises(EdgeliteError, match=rf"node 0 \(ROUND\): dtypes \({name}\) -> {name} are not supported"):
        run_single_op("ROUND", [np.zeros(3, dtype)])


def test_version_two_is_refused():
    with pytest.raises(EdgeliteError, match="operator ROUND version 2 is not supported"):
        run_single_op("ROUND", [np.zeros(3, np.float32)], version=2)


@requires_litert
def test_matches_litert_bit_for_bit():
    x = grid()
    assert_bits_equal(run_single_op("ROUND", [x])[0], run_litert_builtin("ROUND", [x])[0])
