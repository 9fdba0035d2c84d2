"""BATCH_MATMUL: the packed GEMM and its reference twin against np.matmul, over adj_x/adj_y, ranks 2 to 5,
broadcast batch dimensions (including different ranks), constant and runtime right-hand sides, threads,
and prepare failures."""

import numpy as np
import pytest

import edgelite
from testutil import requires_litert
from conv_family import assert_close, check_both_kernels, random
from edgelite.testing import run_single_op


def bmm_reference(lhs, rhs, adj_x, adj_y):
    a = np.swapaxes(lhs, -1, -2) if adj_x else lhs
    b = np.swapaxes(rhs, -1, -2) if adj_y else rhs
    return np.matmul(a.astype(np.float64), b.astype(np.float64))


def stored(shape, adj):
    """The stored shape of a logical [..., r, c] operand: [..., c, r] when adjoint."""
    return shape[:-2] + (shape[-1], shape[-2]) if adj else shape


# (lhs logical shape [..., m, k], rhs logical shape [..., k, n])
CASES = [
    ((3, 5), (5, 7)),
    ((1, 1), (1, 1)),
    ((2, 7, 13), (2, 13, 17)),
    ((4, 6, 16), (16, 32)),  # rhs without batch dimensions: shared by every lhs matrix
    ((3, 12, 64), (1, 64, 33)),
    ((2, 1, 5, 9), (1, 3, 9, 6)),  # both broadcast
    ((2, 3, 1, 4, 8), (3, 2, 8, 5)),  # rank 5 with rank 4
    ((31, 9), (4, 9, 20)),  # rank 2 lhs against batched rhs
    ((8, 50, 64), (8, 64, 50)),  # attention-like
]


@pytest.mark.parametrize("adj_x, adj_y", [(False, False), (True, False), (False, True), (True, True)])
@pytest.mark.parametrize("lhs_shape, rhs_shape", CASES, ids=[f"{a}x{b}" for a, b in CASES])
def test_matches_numpy_both_kernels(lhs_shape, rhs_shape, adj_x, adj_y):
    rng = np.random.default_rng(sum(lhs_shape) + sum(rhs_shape))
    lhs, rhs = random(rng, stored(lhs_shape, adj_x)), random(rng, stored(rhs_shape, adj_y))
    expected = bmm_reference(lhs, rhs, adj_x, adj_y)
    opts = {"adj_x": adj_x, "adj_y": adj_y}
    for constant_inputs in [(), (1,)]:
        check_both_kernels("BATCH_MATMUL", [lhs, rhs], opts, expected, lhs_shape[-1],
                           constant_inputs=constant_inputs)


@pytest.mark.parametrize("lhs_shape, rhs_shape", [CASES[2], CASES[4], CASES[8], ((1, 200, 64), (64, 48))])
def test_two_threads(lhs_shape, rhs_shape):
    rng = np.random.default_rng(5)
    lhs, rhs = random(rng, lhs_shape), random(rng, rhs_shape)
    (y,) = run_single_op("BATCH_MATMUL", [lhs, rhs], {"adj_y": False}, num_threads=2)
    assert_close(y, bmm_reference(lhs, rhs, False, False), lhs_shape[-1])


@requires_litert
@pytest.mark.parametrize("adj_x, adj_y", [(False, False), (True, True)])
def test_matches_litert(adj_x, adj_y):
    rng = np.random.default_rng(6)
    lhs, rhs = random(rng, stored((2, 1, 5, 9), adj_x)), random(rng, stored((1, 3, 9, 6), adj_y))
    opts = {"adj_x": adj_x, "adj_y": adj_y}
    (ours,) = run_single_op("BATCH_MATMUL", [lhs, rhs], opts)
    (theirs,) = run_single_op("BATCH_MATMUL", [lhs, rhs], opts, runtime="litert")
    assert_close(ours, theirs, 9)


@pytest.mark.parametrize("lhs_shape, rhs_shape, opts, match", [
    ((3, 5), (4, 7), {}, "inner dimensions differ"),
    ((3, 5), (3, 7), {"adj_x": True, "adj_y": True}, "inner dimensions differ"),
    ((2, 3, 5), (3, 5, 7), {}, "cannot be broadcast"),
    ((5,), (5, 7), {}, "rank 1"),
    ((1, 1, 1, 1, 1, 3, 5), (5, 7), {}, "rank 7"),
])
def test_prepare_failures(lhs_shape, rhs_shape, opts, match):
    with pytest.raises(edgelite.InvalidModelError, match=match):
        run_single_op("BATCH_MATMUL", [np.ones(lhs_shape, np.float32), np.ones(rhs_shape, np.float32)], opts)


def test_rejects_int_operands():
    with pytest.raises(edgelite.UnsupportedError, match="int32"):
        run_single_op("BATCH_MATMUL", [np.ones((2, 3), np.int32), np.ones((3, 2), np.int32)], {})
