"""MIRROR_PAD (REFLECT, SYMMETRIC) against an index-mapping reference and np.pad: ranks 0-5, paddings up to
the TensorFlow limits, padded and unpadded axes mixed (folded inner axes must be mirrored as whole slices),
all movable dtypes, run-time paddings, threads, prepare failures, and LiteRT."""

import numpy as np
import pytest

import edgelite
from edgelite.testing import run_single_op
from testutil import requires_litert

MODES = ["REFLECT", "SYMMETRIC"]


def mirror_index(j, size, before, mode):
    """Input index that output index `j` of a padded axis reads (TensorFlow's definition)."""
    i = j - before
    offset = 1 if mode == "REFLECT" else 0
    if i < 0:
        return -i - 1 + offset
    if i >= size:
        return 2 * size - 1 - i - offset
    return i


def numpy_mirror_pad(x, paddings, mode):
    out = x
    for axis, (b, e) in enumerate(paddings):
        index = [mirror_index(j, x.shape[axis], b, mode) for j in range(x.shape[axis] + b + e)]
        out = np.take(out, np.asarray(index, np.int64), axis=axis)
    return out


def mirror_pad(x, paddings, mode, constant=True, num_threads=1, paddings_dtype=np.int32, runtime="edgelite"):
    return run_single_op("MIRROR_PAD", [x, np.asarray(paddings, paddings_dtype).reshape(-1, 2)], {"mode": mode},
                         constant_inputs=(1,) if constant else (), num_threads=num_threads, runtime=runtime)[0]


def test_reference_agrees_with_numpy():
    x = np.arange(5 * 4, dtype=np.float32).reshape(5, 4)
    for mode in MODES:
        paddings = [[3, 4], [2, 3]] if mode == "SYMMETRIC" else [[4, 2], [1, 3]]
        np.testing.assert_array_equal(numpy_mirror_pad(x, paddings, mode), np.pad(x, paddings, mode=mode.lower()))


def test_exact_values():
    x = np.float32([1, 2, 3])
    np.testing.assert_array_equal(mirror_pad(x, [[2, 2]], "REFLECT"), [3, 2, 1, 2, 3, 2, 1])
    np.testing.assert_array_equal(mirror_pad(x, [[3, 2]], "SYMMETRIC"), [3, 2, 1, 1, 2, 3, 3, 2])


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("rank", [1, 2, 3, 4, 5])
def test_random_paddings(mode, rank):
    rng = np.random.default_rng(rank + 10 * (mode == "REFLECT"))
    for _ in range(10):
        shape = tuple(int(d) for d in rng.choice([1, 2, 3, 5, 7], size=rank))
        limit = [d - 1 if mode == "REFLECT" else d for d in shape]
        # Leave some axes unpadded so that inner axes are folded into padded ones.
        paddings = [[int(rng.integers(0, m + 1)), int(rng.integers(0, m + 1))] if rng.random() < 0.6 else [0, 0]
                    for m in limit]
        x = rng.standard_normal(shape).astype(np.float32)
        np.testing.assert_array_equal(mirror_pad(x, paddings, mode), numpy_mirror_pad(x, paddings, mode))


@pytest.mark.parametrize("mode", MODES)
def test_common_layouts(mode):
    x = np.random.default_rng(0).standard_normal((2, 13, 11, 5)).astype(np.float32)
    for paddings in ([[0, 0], [1, 1], [1, 1], [0, 0]],   # NHWC spatial: rows of W*C mirrored whole
                     [[0, 0], [3, 2], [0, 0], [0, 0]],   # H only: W*C folded into H
                     [[0, 0], [0, 0], [4, 4], [0, 0]],   # W only
                     [[0, 0], [0, 0], [0, 0], [4, 2]],   # channels
                     [[1, 1], [0, 0], [0, 0], [0, 0]],   # batch
                     [[0, 0], [0, 0], [0, 0], [0, 0]]):  # nothing
        np.testing.assert_array_equal(mirror_pad(x, paddings, mode), numpy_mirror_pad(x, paddings, mode))


@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int64, np.int8, np.uint8, np.int16])
@pytest.mark.parametrize("paddings_dtype", [np.int32, np.int64])
def test_dtypes(dtype, paddings_dtype):
    x = (np.arange(3 * 7 * 2) % 100).astype(dtype).reshape(3, 7, 2)
    paddings = [[2, 1], [0, 6], [1, 0]]
    np.testing.assert_array_equal(mirror_pad(x, paddings, "REFLECT", paddings_dtype=paddings_dtype),
                                  numpy_mirror_pad(x, paddings, "REFLECT"))


def test_scalar_zero_sized_and_single_element():
    np.testing.assert_array_equal(mirror_pad(np.float32(4), np.zeros((0, 2), np.int32), "REFLECT"), 4.0)
    x = np.zeros((0, 3), np.float32)  # a zero-sized axis may not be padded, but others may
    assert mirror_pad(x, [[0, 0], [2, 1]], "REFLECT").shape == (0, 6)
    x = np.float32([[5]])  # SYMMETRIC may repeat the only element; REFLECT may not pad it
    np.testing.assert_array_equal(mirror_pad(x, [[1, 1], [0, 1]], "SYMMETRIC"), np.full((3, 2), 5, np.float32))


@pytest.mark.parametrize("mode", MODES)
def test_run_time_paddings_and_threads(mode):
    x = np.random.default_rng(1).standard_normal((1, 64, 48, 8)).astype(np.float32)
    paddings = [[0, 0], [3, 3], [2, 5], [0, 0]]
    expected = numpy_mirror_pad(x, paddings, mode)
    np.testing.assert_array_equal(mirror_pad(x, paddings, mode, constant=False), expected)
    np.testing.assert_array_equal(mirror_pad(x, paddings, mode, num_threads=4), expected)
    with pytest.raises(edgelite.EdgeliteError, match="paddings \\[0, 49\\] of axis 2"):
        mirror_pad(x, [[0, 0], [3, 3], [0, 49], [0, 0]], mode, constant=False)


@pytest.mark.parametrize("mode, paddings, message", [
    ("REFLECT", [[0, 0], [3, 0], [0, 0]], "REFLECT paddings \\[3, 0\\] of axis 1 must be less than its size 3"),
    ("REFLECT", [[0, 0], [0, 0], [0, 4]], "REFLECT paddings \\[0, 4\\] of axis 2 must be less than its size 4"),
    ("REFLECT", [[1, 0], [0, 0], [0, 0]], "REFLECT paddings \\[1, 0\\] of axis 0 must be less than its size 1"),
    ("SYMMETRIC", [[0, 0], [4, 0], [0, 0]], "SYMMETRIC paddings \\[4, 0\\] of axis 1 must be at most its size 3"),
    ("SYMMETRIC", [[0, 2], [0, 0], [0, 0]], "SYMMETRIC paddings \\[0, 2\\] of axis 0 must be at most its size 1"),
    ("SYMMETRIC", [[0, 0], [0, -1], [0, 0]], "paddings must be non-negative, got \\[0, -1\\] for axis 1"),
    ("REFLECT", [[0, 0], [1, 1]], "paddings must have shape \\[3, 2\\] for an input of rank 3, got \\[2, 2\\]"),
])
def test_bad_paddings_fail_in_prepare(mode, paddings, message):
    x = np.zeros((1, 3, 4), np.float32)
    with pytest.raises(edgelite.EdgeliteError, match=message):
        mirror_pad(x, paddings, mode)


def test_bad_inputs_fail_in_prepare():
    x = np.zeros((2, 3), np.float32)
    paddings = np.int32([[0, 0], [1, 1]])
    with pytest.raises(edgelite.EdgeliteError, match="expected 2 inputs, got 3"):
        run_single_op("MIRROR_PAD", [x, paddings, np.float32(0)], {"mode": "REFLECT"}, constant_inputs=(1, 2))
    with pytest.raises(edgelite.EdgeliteError, match=r"input 0 .* is bool, expected"):
        mirror_pad(x.astype(np.bool_), paddings, "REFLECT")
    with pytest.raises(edgelite.EdgeliteError, match=r"input 1 .* is float32, expected int32\|int64"):
        mirror_pad(x, paddings, "REFLECT", paddings_dtype=np.float32)


@requires_litert
@pytest.mark.parametrize("mode", MODES)
def test_matches_litert(mode):
    x = np.random.default_rng(3).standard_normal((2, 5, 6, 3)).astype(np.float32)
    for paddings in ([[0, 1], [2, 4], [0, 5], [1, 0]], [[0, 0], [1, 1], [1, 1], [0, 0]],
                     [[1, 0], [0, 0], [3, 3], [0, 0]]):
        paddings = np.int32(paddings)
        if mode == "REFLECT":
            paddings = np.minimum(paddings, np.int32(x.shape)[:, None] - 1)
        np.testing.assert_array_equal(mirror_pad(x, paddings, mode), mirror_pad(x, paddings, mode, runtime="litert"))
