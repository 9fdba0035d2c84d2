"""kernels/mean.cl, launched as ops/mean.cc launches it (axes merged into at most 4 kept and 4 reduced
groups), against NumPy: MEAN and SUM over any axes, negative and repeated axes, none, all, size-1 axes."""

import numpy as np
import pytest

import clharness

KERNEL_SLOTS = 4


def reduce_launch(x, axes, mean):
    """MEAN/SUM as ops/mean.cc builds it."""
    rank = x.ndim
    reduced = [False] * rank
    for a in axes:  # every axis of the cases is in [-rank, rank)
        reduced[a % rank] = True
    groups, stride = [], 1  # (reduced, size, stride), innermost first
    for i in reversed(range(rank)):
        if x.shape[i] != 1:
            if groups and groups[-1][0] == reduced[i]:
                groups[-1][1] *= x.shape[i]
            else:
                groups.append([reduced[i], x.shape[i], stride])
        stride *= x.shape[i]
    groups.reverse()
    kept = [g for g in groups if not g[0]]
    summed = [g for g in groups if g[0]]
    defines = {}
    for slot in range(KERNEL_SLOTS):
        from_end = KERNEL_SLOTS - 1 - slot
        k = kept[len(kept) - 1 - from_end] if from_end < len(kept) else [False, 1, 0]
        r = summed[len(summed) - 1 - from_end] if from_end < len(summed) else [True, 1, 0]
        defines.update({f"KS{slot}": k[1], f"KT{slot}": k[2], f"RS{slot}": r[1], f"RT{slot}": r[2]})
    outputs = int(np.prod([d for d, r in zip(x.shape, reduced) if not r]))
    count = int(np.prod([d for d, r in zip(x.shape, reduced) if r]))
    defines.update(OUTPUTS=outputs, DIVISOR=f"{count if mean else 1}.0f")
    out = np.zeros(outputs, np.float32)
    (y,) = clharness.run("mean.cl", defines, [x, out], (outputs,), outputs=[1])
    return y


@pytest.mark.parametrize("mean", [True, False])
@pytest.mark.parametrize("shape,axes", [
    ((2, 7, 9, 5), (1, 2)),            # NHWC global average pool
    ((2, 7, 9, 5), (3,)),              # last axis (layer norm style)
    ((2, 7, 9, 5), (-1, 1)),           # negative axes, two groups apart
    ((3, 4, 5), (0, 2)),
    ((3, 4, 5), (1, 1, -2)),           # repeated axes
    ((3, 4, 5), ()),                   # nothing reduced
    ((3, 4, 5), (0, 1, 2)),            # everything
    ((2, 1, 3, 1, 4), (1, 2)),         # size-1 axes, reduced and kept
    ((2, 3, 2, 3, 2, 3, 2, 3), (0, 2, 4, 6)),  # rank 8: 4 kept and 4 reduced groups
    ((7,), (0,)),
])
def test_reduce(shape, axes, mean):
    rng = np.random.default_rng(len(shape) * 7 + len(axes))
    x = rng.standard_normal(shape).astype(np.float32)
    got = reduce_launch(x, axes, mean)
    axis = tuple(sorted({a % len(shape) for a in axes}))
    want = (np.mean if mean else np.sum)(x.astype(np.float64), axis=axis) if axis else x.astype(np.float64)
    np.testing.assert_allclose(got, np.ravel(want), rtol=1e-5, atol=1e-6)
