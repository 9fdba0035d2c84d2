"""kernels/fully_connected.cl and batch_matmul.cl, launched as ops/fully_connected.cc launches them, against
NumPy: units and depths off 4, one row, keep_num_dims-style inputs of rank 3, fused activations, no bias;
BATCH_MATMUL with adj_x/adj_y and broadcast batch dimensions."""

import itertools

import numpy as np
import pytest

import clharness
from filter_launches import activate, div_up, pack_bias_blocks, pack_filter_blocks, run_gemm

RTOL, ATOL = 1e-4, 1e-5


def close(got, want):
    np.testing.assert_allclose(got.astype(np.float64), want, rtol=RTOL, atol=ATOL * max(1.0, np.abs(want).max()))


@pytest.mark.parametrize("shape,units,act,has_bias", [
    ((1, 16), 10, 0, True),
    ((3, 7), 5, 1, True),          # depth and units off 4, rows off 4
    ((4, 8), 12, 3, False),        # no bias
    ((2, 3, 9), 6, 2, True),       # rank-3 input: 6 rows (keep_num_dims changes only the output shape)
    ((5, 1), 1, 0, True),          # depth 1, one unit
    ((9, 64), 33, 0, True),        # rows past one work item, units a block + 1
])
def test_fully_connected(shape, units, act, has_bias):
    rng = np.random.default_rng(units * 31 + len(shape))
    x = rng.standard_normal(shape).astype(np.float32)
    depth = shape[-1]
    w = rng.standard_normal((units, depth)).astype(np.float32)
    b = rng.standard_normal(units).astype(np.float32) if has_bias else None
    rows = x.size // depth
    got = run_gemm(x.reshape(rows, depth), pack_filter_blocks(w, 1), pack_bias_blocks(b, units, 1), rows, depth,
                   units, act)
    want = x.reshape(rows, depth).astype(np.float64) @ w.T.astype(np.float64) + (0 if b is None else b)
    close(got, activate(want, act))


def batch_matmul_launch(a, b, adj_x, adj_y):
    """BATCH_MATMUL as ops/fully_connected.cc builds it (batch offsets resolved on the host)."""
    m, k = (a.shape[-1], a.shape[-2]) if adj_x else (a.shape[-2], a.shape[-1])
    n = b.shape[-2] if adj_y else b.shape[-1]
    out_batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    rank = len(out_batch)
    a_dims = (1,) * (rank - (a.ndim - 2)) + a.shape[:-2]
    b_dims = (1,) * (rank - (b.ndim - 2)) + b.shape[:-2]
    offsets = []
    for idx in itertools.product(*[range(d) for d in out_batch]):
        ia = np.ravel_multi_index([i if d > 1 else 0 for i, d in zip(idx, a_dims)], a_dims) if rank else 0
        ib = np.ravel_multi_index([i if d > 1 else 0 for i, d in zip(idx, b_dims)], b_dims) if rank else 0
        offsets += [ia * m * k, ib * k * n]
    batches = len(offsets) // 2
    mb = 4 if m >= 4 else m
    blocks = div_up(n, 4)
    defines = dict(M=m, N=n, K=k, BATCHES=batches, ADJ_X=int(adj_x), ADJ_Y=int(adj_y), MB=mb, NUM_BLOCKS=blocks,
                   RHS_VEC4=int(not adj_y and n % 4 == 0))
    out = np.zeros(out_batch + (m, n), np.float32)
    (y,) = clharness.run("batch_matmul.cl", defines, [a, b, np.array(offsets, np.int32), out],
                         (blocks, div_up(m, mb), batches), outputs=[3])
    return y


@pytest.mark.parametrize("a_shape,b_shape", [
    ((3, 5), (5, 7)),
    ((2, 4, 8), (2, 8, 12)),          # vector rhs loads
    ((2, 1, 3, 6), (4, 6, 5)),        # broadcast both ways: [2, 4]
    ((1, 1), (1, 1)),
    ((3, 2, 9, 2), (1, 2, 2, 9)),     # rank 4, broadcast the first dim
    ((2, 1, 2, 3, 5), (3, 1, 5, 4)),  # rank 5 against rank 4
])
@pytest.mark.parametrize("adj_x,adj_y", [(False, False), (True, False), (False, True), (True, True)])
def test_batch_matmul(a_shape, b_shape, adj_x, adj_y):
    rng = np.random.default_rng(len(a_shape) * 10 + len(b_shape) + 2 * adj_x + adj_y)
    a = rng.standard_normal(a_shape).astype(np.float32)
    b = rng.standard_normal(b_shape).astype(np.float32)
    a_stored = np.swapaxes(a, -1, -2).copy() if adj_x else a
    b_stored = np.swapaxes(b, -1, -2).copy() if adj_y else b
    got = batch_matmul_launch(a_stored, b_stored, adj_x, adj_y)
    close(got, np.matmul(a.astype(np.float64), b.astype(np.float64)))
