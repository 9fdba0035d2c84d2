"""TRANSPOSE against np.transpose: every permutation of ranks 1-4, random ones of ranks 5-6 (channel
shuffles), each copy path (single copy, contiguous rows, tiled 2-D transposes with and without outer axes,
register blocks and ragged edges), threads, dtypes, run-time perms, and prepare failures. Ranks 7-8 (version 8)
and float16/float64 are in test_data_movement_versions.py."""

import itertools

import numpy as np
import pytest

import edgelite
from edgelite.testing import run_single_op
from testutil import requires_litert
from kernel_twins import run_optimized_and_reference


def transpose(x, perm, constant=True, num_threads=1, perm_dtype=np.int32):
    inputs = [x, np.asarray(perm, perm_dtype)]
    return run_single_op("TRANSPOSE", inputs, constant_inputs=(1,) if constant else (), num_threads=num_threads)[0]


def check(x, perm, **kwargs):
    out = transpose(x, perm, **kwargs)
    expected = np.transpose(x, perm)
    assert out.shape == expected.shape
    np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize("shape", [(7,), (3, 5), (1, 13), (2, 3, 5), (3, 1, 7), (2, 3, 4, 5), (1, 5, 1, 3)])
def test_every_permutation_of_small_ranks(shape):
    x = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    for perm in itertools.permutations(range(len(shape))):
        check(x, perm)


@pytest.mark.parametrize("rank", [5, 6])
def test_random_permutations_of_ranks_5_and_6(rank):
    rng = np.random.default_rng(rank)
    for _ in range(40):
        shape = tuple(int(d) for d in rng.choice([1, 2, 3, 4, 5], size=rank))
        x = rng.standard_normal(shape).astype(np.float32)
        check(x, rng.permutation(rank))


@pytest.mark.parametrize("num_threads", [1, 3])
def test_channel_shuffle_5d_and_6d(num_threads):
    # ShuffleNet: [N, H, W, groups, C/groups] -> swap the last two axes (written as a 5-D or 6-D transpose).
    x = np.random.default_rng(0).standard_normal((2, 14, 14, 4, 29)).astype(np.float32)
    check(x, (0, 1, 2, 4, 3), num_threads=num_threads)
    y = x.reshape(2, 14, 7, 2, 4, 29)
    check(y, (0, 1, 2, 3, 5, 4), num_threads=num_threads)
    check(y, (0, 3, 1, 2, 5, 4), num_threads=num_threads)


@pytest.mark.parametrize("num_threads", [1, 4])
@pytest.mark.parametrize("shape, perm", [
    ((127, 129), (1, 0)),                  # tiles with ragged edges
    ((1, 3, 224, 224), (0, 2, 3, 1)),      # NCHW -> NHWC: 3 rows, no full register block
    ((2, 3, 13, 11), (0, 2, 3, 1)),        # 3 rows interleaved a vector at a time, 143 columns: a ragged tail
    ((1, 3, 1, 7), (0, 2, 3, 1)),          # fewer columns than a vector
    ((2, 4, 37, 5), (0, 2, 3, 1)),         # 4 rows, a batch of 2
    ((1, 2, 100), (0, 2, 1)),              # 2 rows
    ((1, 6, 45), (0, 2, 1)),               # 6 rows: fewer than a block, more than the few-row loops
    ((2, 56, 56, 17), (0, 3, 1, 2)),       # NHWC -> NCHW: a batch of matrices
    ((33, 17, 65), (1, 0, 2)),             # innermost axis stays: contiguous rows
    ((9, 10, 11, 12), (2, 0, 1, 3)),       # rows after merging
    ((17, 19, 23), (2, 1, 0)),             # strided matrices placed by an outer axis
    ((6, 7, 8, 9), (1, 0, 3, 2)),          # two outer axes
    ((1, 1, 1), (2, 0, 1)),                # nothing moves
    ((5, 1, 6), (1, 0, 2)),                # identity after dropping the size-1 axis
])
def test_copy_paths(shape, perm, num_threads):
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    check(x, perm, num_threads=num_threads)


@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int64, np.int8, np.uint8, np.int16, np.bool_])
def test_dtypes(dtype):
    rng = np.random.default_rng(2)
    x = (rng.standard_normal((3, 17, 18)) * 50).astype(dtype)
    for perm in [(0, 2, 1), (2, 1, 0), (1, 0, 2), (2, 0, 1)]:
        check(x, perm)


def test_zero_sized_and_scalar():
    check(np.zeros((0, 3, 4), np.float32), (2, 0, 1))
    check(np.zeros((3, 0), np.float32), (1, 0))
    check(np.array(5.0, np.float32), ())


def test_perm_known_only_at_run_time_and_int64_perm():
    x = np.random.default_rng(3).standard_normal((4, 5, 6)).astype(np.float32)
    check(x, (2, 0, 1), constant=False)
    check(x, (1, 2, 0), perm_dtype=np.int64)
    check(x, (0, 2, 1), constant=False, perm_dtype=np.int64)


@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.uint8])
def test_optimized_matches_reference_twin(dtype):
    rng = np.random.default_rng(5)
    for rank in range(1, 7):
        for _ in range(6):
            shape = tuple(int(d) for d in rng.choice([1, 2, 3, 8, 9, 17], size=rank))
            if np.prod(shape) > 40000:
                continue
            x = (rng.standard_normal(shape) * 100).astype(dtype)
            perm = np.int32(rng.permutation(rank))
            optimized, reference = run_optimized_and_reference("TRANSPOSE", [x, perm], constant_inputs=(1,),
                                                               num_threads=2)
            np.testing.assert_array_equal(optimized[0], reference[0])
            np.testing.assert_array_equal(reference[0], np.transpose(x, perm))


@pytest.mark.parametrize("perm, message", [
    ((0, 1, 3), "perm\\[2\\] = 3 is out of range"),
    ((0, -1, 1), "perm\\[1\\] = -1 is out of range"),
    ((0, 1, 1), "repeats axis 1"),
    ((1, 0), "perm must have shape \\[3\\]"),
])
def test_bad_perm_fails_in_prepare(perm, message):
    x = np.zeros((2, 3, 4), np.float32)
    with pytest.raises(edgelite.EdgeliteError, match=message):
        transpose(x, perm)


def test_bad_perm_known_at_run_time_fails_in_invoke():
    x = np.zeros((2, 3, 4), np.float32)
    with pytest.raises(edgelite.EdgeliteError, match="repeats axis 0"):
        transpose(x, (0, 0, 1), constant=False)


def test_rank_9_and_float_perm_are_refused():
    with pytest.raises(edgelite.EdgeliteError, match="rank 9 is not supported"):
        transpose(np.zeros((1,) * 9, np.float32), tuple(range(9)))
    with pytest.raises(edgelite.EdgeliteError, match=r"dtypes \(float32, float32\) -> float32 are not supported"):
        transpose(np.zeros((2, 3), np.float32), (1, 0), perm_dtype=np.float32)


@requires_litert
def test_matches_litert():
    rng = np.random.default_rng(4)
    for shape in [(3, 5, 7), (2, 3, 4, 5), (2, 4, 4, 3, 5), (1, 2, 3, 2, 2, 3)]:
        x = rng.standard_normal(shape).astype(np.float32)
        perm = np.int32(rng.permutation(len(shape)))
        ours = run_single_op("TRANSPOSE", [x, perm], constant_inputs=(1,))[0]
        theirs = run_single_op("TRANSPOSE", [x, perm], constant_inputs=(1,), runtime="litert")[0]
        np.testing.assert_array_equal(ours, theirs)
