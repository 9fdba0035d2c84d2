"""STRIDED_SLICE against NumPy basic indexing built from TensorFlow's mask semantics, over every mask,
negative strides, ranks 1-5, constant and run-time (dynamic) index tensors, and against LiteRT."""

import numpy as np
import pytest

import edgelite
from edgelite.testing import run_single_op
from testutil import requires_litert

MASKS = ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask")


def numpy_strided_slice(x, begin, end, strides, begin_mask=0, end_mask=0, ellipsis_mask=0, new_axis_mask=0,
                        shrink_axis_mask=0, offset=False):
    """TensorFlow's strided slice as a NumPy index: entry i of the spec is `...` (ellipsis bit), a new axis
    (new_axis bit), an integer (shrink bit) or a slice; begin/end bits drop that bound. With `offset`, end
    counts from the resolved begin (a .tflite extension)."""
    n = len(begin)
    index = []
    axis = 0
    for i in range(n):
        bit = 1 << i
        if ellipsis_mask & bit:
            index.append(Ellipsis)
            later = sum(1 for j in range(i + 1, n) if not (new_axis_mask | ellipsis_mask) & (1 << j))
            axis = x.ndim - later
        elif new_axis_mask & bit:
            index.append(None)
        elif shrink_axis_mask & bit:
            # begin_mask on a shrunk axis takes its first element (as the .tflite kernel does).
            index.append(0 if begin_mask & bit else int(begin[i]))
            axis += 1
        else:
            b = None if begin_mask & bit else int(begin[i])
            e = None if end_mask & bit else int(end[i])
            s = int(strides[i])
            if offset and e is not None:
                # end = resolved begin + end, an absolute index: below 0 it means "past element 0".
                start = slice(b, None, s).indices(x.shape[axis])[0]
                e = start + e
                if e < 0:
                    e = None if s < 0 else 0
            index.append(slice(b, e, s))
            axis += 1
    return np.asarray(x[tuple(index)])


def run_slice(x, begin, end, strides, constant=True, **options):
    inputs = [x, np.asarray(begin, np.int32), np.asarray(end, np.int32), np.asarray(strides, np.int32)]
    return run_single_op("STRIDED_SLICE", inputs, options or None, constant_inputs=(1, 2, 3) if constant else ())[0]


def check(x, begin, end, strides, constant=True, **options):
    expected = numpy_strided_slice(x, begin, end, strides, **options)
    actual = run_slice(x, begin, end, strides, constant=constant, **options)
    assert actual.shape == expected.shape, (begin, end, strides, options)
    np.testing.assert_array_equal(actual, expected)


def random_spec(rng, shape, max_out_rank=5):
    """A valid spec for `shape`: index entries in axis order, maybe an ellipsis and new axes among them."""
    rank = len(shape)
    use_ellipsis = rng.random() < 0.35
    n_new = int(rng.integers(0, 3)) if rank + 2 <= max_out_rank else int(rng.integers(0, max_out_rank - rank + 1))
    n_index = int(rng.integers(0 if use_ellipsis or n_new else 1, rank + 1))
    kinds = ["index"] * n_index + ["new"] * n_new + (["ellipsis"] if use_ellipsis else [])
    rng.shuffle(kinds)
    # Input axis each index entry refers to.
    axes, axis = [], 0
    for k, kind in enumerate(kinds):
        if kind == "ellipsis":
            later = sum(1 for j in kinds[k + 1:] if j == "index")
            axis = rank - later
        axes.append(axis if kind == "index" else None)
        axis += kind == "index"
    begin, end, strides = [], [], []
    masks = dict.fromkeys(MASKS, 0)
    for i, (kind, ax) in enumerate(zip(kinds, axes)):
        bit = 1 << i
        size = shape[ax] if ax is not None else 1
        b = int(rng.integers(-size - 2, size + 3))
        e = int(rng.integers(-size - 2, size + 3))
        s = int(rng.choice([-3, -2, -1, 1, 1, 2, 3]))
        if kind == "ellipsis":
            masks["ellipsis_mask"] |= bit
        elif kind == "new":
            masks["new_axis_mask"] |= bit
        elif size > 0 and rng.random() < 0.25:
            masks["shrink_axis_mask"] |= bit
            b = int(rng.integers(-size, size))
            s = int(rng.choice([1, 2]))
        # Mask bits on entries they do not apply to must be ignored, so set them at random too.
        if rng.random() < 0.3:
            masks["begin_mask"] |= bit
        if rng.random() < 0.3:
            masks["end_mask"] |= bit
        begin.append(b)
        end.append(e)
        strides.append(s)
    if masks["begin_mask"] & masks["shrink_axis_mask"] and rng.random() < 0.5:
        masks["begin_mask"] &= ~masks["shrink_axis_mask"]
    return begin, end, strides, masks


def random_shape(rng, rank):
    return tuple(int(d) for d in rng.choice([1, 2, 3, 5, 7], size=rank))


@pytest.mark.parametrize("rank", [1, 2, 3, 4, 5])
def test_random_specs_match_numpy(rank):
    rng = np.random.default_rng(rank)
    for trial in range(40):
        shape = random_shape(rng, rank)
        x = rng.standard_normal(shape).astype(np.float32)
        begin, end, strides, masks = random_spec(rng, shape)
        check(x, begin, end, strides, **masks)


@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int64])
def test_dtypes(dtype):
    x = np.arange(7 * 5 * 3).reshape(7, 5, 3).astype(dtype)
    check(x, [1, -1, 0], [6, 0, 3], [2, -2, 1])
    check(x, [0, 4], [7, 5], [3, 1], shrink_axis_mask=2)


def test_each_mask_alone():
    x = np.arange(4 * 5 * 6, dtype=np.float32).reshape(4, 5, 6)
    check(x, [1, 1, 1], [3, 4, 5], [1, 1, 1])
    check(x, [1, 1, 1], [3, 4, 5], [1, 1, 1], begin_mask=0b101)
    check(x, [1, 1, 1], [3, 4, 5], [1, 1, 1], end_mask=0b011)
    check(x, [2, 3], [3, 5], [1, 2], ellipsis_mask=0b01)  # x[..., 3:5:2]
    check(x, [0, 1, 0], [0, 4, 0], [1, 1, 1], new_axis_mask=0b101)
    check(x, [2, -1, 3], [0, 0, 0], [1, 1, 1], shrink_axis_mask=0b111)


def test_negative_strides_reverse():
    x = np.arange(13 * 7, dtype=np.int32).reshape(13, 7)
    check(x, [0, 0], [0, 0], [-1, -1], begin_mask=3, end_mask=3)  # x[::-1, ::-1]
    check(x, [-2, 5], [1, -8], [-3, -2])
    check(x, [100, 100], [-100, -100], [-4, -1])  # clamped to the last element and to before the first
    check(x, [3, 2], [3, 2], [-1, 1])  # empty


def test_ellipsis_in_middle_and_with_new_axes():
    x = np.arange(2 * 3 * 4 * 5, dtype=np.float32).reshape(2, 3, 4, 5)
    check(x, [1, 0, 0, 2], [2, 0, 0, 4], [1, 1, 1, 1], ellipsis_mask=0b0100, new_axis_mask=0b0010)
    check(x, [0, 0, 1], [0, 0, 3], [1, 1, 1], ellipsis_mask=0b001, new_axis_mask=0b010)
    # An ellipsis standing for no axis (every input axis indexed explicitly).
    check(x[0], [0, 1, 1, 2], [0, 2, 3, 4], [1, 1, 1, 1], ellipsis_mask=0b0001)
    # new_axis and ellipsis on the same entry: the ellipsis wins.
    check(x, [0, 1], [0, 2], [1, 1], ellipsis_mask=1, new_axis_mask=1)


def test_mask_bits_past_the_spec_are_ignored():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    expected = x[1:2]
    actual = run_slice(x, [1], [2], [1], new_axis_mask=0b110, shrink_axis_mask=0b1000, ellipsis_mask=0b10000)
    np.testing.assert_array_equal(actual, expected)


def test_shrink_to_scalar_and_int_shape_vector():
    # The SHAPE -> STRIDED_SLICE pattern: pick one dimension of a shape vector as a scalar.
    shape = np.array([8, 224, 224, 3], np.int32)
    check(shape, [0], [1], [1], shrink_axis_mask=1)
    check(shape, [-1], [0], [1], shrink_axis_mask=1)
    check(shape, [1], [3], [1])


def test_offset_makes_end_relative_to_begin():
    x = np.arange(6 * 8, dtype=np.float32).reshape(6, 8)
    check(x, [1, -5], [3, 2], [1, 1], offset=True)
    check(x, [4, 2], [-2, 3], [1, 2], offset=True)
    check(x, [0, 6], [4, 10], [2, 1], offset=True, begin_mask=1)
    check(x, [2, -1], [-3, -9], [-1, -2], offset=True)  # ends before element 0 going backward
    check(x, [2, 7], [-3, -20], [1, -1], offset=True)


@pytest.mark.parametrize("rank", [1, 3, 5])
def test_dynamic_index_tensors(rank):
    rng = np.random.default_rng(100 + rank)
    for _ in range(15):
        shape = random_shape(rng, rank)
        x = rng.standard_normal(shape).astype(np.float32)
        begin, end, strides, masks = random_spec(rng, shape)
        check(x, begin, end, strides, constant=False, **masks)


def test_large_contiguous_and_strided_rows_multithreaded():
    x = np.random.default_rng(0).standard_normal((64, 33, 130)).astype(np.float32)
    for begin, end, strides in [([1, 0, 0], [63, 33, 130], [1, 1, 1]), ([0, 32, 129], [64, 0, 0], [2, -1, -3])]:
        inputs = [x, np.int32(begin), np.int32(end), np.int32(strides)]
        out = run_single_op("STRIDED_SLICE", inputs, constant_inputs=(1, 2, 3), num_threads=4)[0]
        np.testing.assert_array_equal(out, numpy_strided_slice(x, begin, end, strides))


@pytest.mark.parametrize("begin, end, strides, options, message", [
    ([0, 0], [1, 1], [1, 0], {}, "strides\\[1\\] is 0"),
    ([5], [6], [1], {"shrink_axis_mask": 1}, "out of range"),
    ([-6], [0], [1], {"shrink_axis_mask": 1}, "out of range"),
    ([1], [0], [-1], {"shrink_axis_mask": 1}, "negative stride"),
    ([0, 0, 0, 0], [1, 1, 1, 1], [1, 1, 1, 1], {}, "indexes 4 axes but the input has rank 3"),
    ([0, 0, 0], [1, 1, 1], [1, 1, 1], {"ellipsis_mask": 0b101}, "more than one bit"),
])
def test_bad_specs_fail_in_prepare(begin, end, strides, options, message):
    x = np.zeros((5, 4, 3), np.float32)
    with pytest.raises(edgelite.EdgeliteError, match=message):
        run_slice(x, begin, end, strides, **options)


def test_bad_index_tensors_fail_in_prepare():
    x = np.zeros((5, 4), np.float32)
    with pytest.raises(edgelite.EdgeliteError, match="same length"):
        run_single_op("STRIDED_SLICE", [x, np.int32([0, 0]), np.int32([1]), np.int32([1, 1])],
                      constant_inputs=(1, 2, 3))
    with pytest.raises(edgelite.EdgeliteError, match=r"input 1 .* is float32, expected int32\|int64"):
        run_single_op("STRIDED_SLICE", [x, np.float32([0, 0]), np.int32([1, 1]), np.int32([1, 1])],
                      constant_inputs=(1, 2, 3))
    with pytest.raises(edgelite.EdgeliteError, match="end must be 1-D"):
        run_single_op("STRIDED_SLICE", [x, np.int32([0, 0]), np.int32([[1, 1]]), np.int32([1, 1])],
                      constant_inputs=(1, 2, 3))


def test_int64_index_tensors():
    x = np.arange(30, dtype=np.float32).reshape(5, 6)
    out = run_single_op("STRIDED_SLICE", [x, np.int64([4, 1]), np.int64([0, 6]), np.int64([-2, 2])],
                        constant_inputs=(1, 2, 3))[0]
    np.testing.assert_array_equal(out, x[4:0:-2, 1:6:2])


@requires_litert
def test_matches_litert_on_random_specs():
    """The .tflite runtime itself, on specs where its behaviour is defined: it expands an ellipsis that
    stands for no axis to one axis, and `offset` with a partial spec crashes it, so those are left out."""
    rng = np.random.default_rng(7)
    checked = 0
    while checked < 60:
        rank = int(rng.integers(1, 5))
        shape = random_shape(rng, rank)
        begin, end, strides, masks = random_spec(rng, shape)
        n_index = len(begin) - bin(masks["ellipsis_mask"]).count("1") - bin(
            masks["new_axis_mask"] & ~masks["ellipsis_mask"]).count("1")
        if masks["ellipsis_mask"] and n_index == rank:
            continue
        x = rng.standard_normal(shape).astype(np.float32)
        inputs = [x, np.int32(begin), np.int32(end), np.int32(strides)]
        ours = run_single_op("STRIDED_SLICE", inputs, masks, constant_inputs=(1, 2, 3))[0]
        theirs = run_single_op("STRIDED_SLICE", inputs, masks, constant_inputs=(1, 2, 3), runtime="litert")[0]
        assert ours.shape == theirs.shape, (shape, begin, end, strides, masks)
        np.testing.assert_array_equal(ours, theirs)
        checked += 1


@requires_litert
def test_offset_matches_litert_on_in_bounds_slices():
    """LiteRT 2.3 implements `offset` only for slices whose absolute end stays inside the input (it sizes
    the output as if nothing were clamped and then reads past the buffer, and ignores masks), so only those
    are compared."""
    rng = np.random.default_rng(8)
    for _ in range(25):
        shape = random_shape(rng, int(rng.integers(1, 5)))
        x = rng.standard_normal(shape).astype(np.float32)
        begin, end, strides = [], [], []
        for d in shape:
            start = int(rng.integers(0, d))
            step = int(rng.choice([-2, -1, 1, 2, 3]))
            begin.append(start - d if rng.random() < 0.5 else start)
            end.append(int(rng.integers(0, d - start + 1)) if step > 0 else -int(rng.integers(0, start + 1)))
            strides.append(step)
        inputs = [x, np.int32(begin), np.int32(end), np.int32(strides)]
        ours = run_single_op("STRIDED_SLICE", inputs, {"offset": True}, constant_inputs=(1, 2, 3))[0]
        theirs = run_single_op("STRIDED_SLICE", inputs, {"offset": True}, constant_inputs=(1, 2, 3),
                               runtime="litert")[0]
        expected = numpy_strided_slice(x, begin, end, strides, offset=True)
        assert ours.shape == theirs.shape == expected.shape, (shape, begin, end, strides)
        np.testing.assert_array_equal(ours, theirs)
        np.testing.assert_array_equal(ours, expected)
