"""StridedSlice (as a Flex op) of libedgelite_select.so against NumPy indexing: random slice specs mixing
ranges with and without begin/end (masks), negative strides and indices, shrunk indices, new axes and an
ellipsis, encoded into begin/end/strides and the five masks as tf.strided_slice does."""

import numpy as np
import pytest

from select_harness import SelectError

RNG = np.random.default_rng(29)


def encode(spec):
    begin, end, strides = [], [], []
    masks = dict(begin_mask=0, end_mask=0, ellipsis_mask=0, new_axis_mask=0, shrink_axis_mask=0)
    for i, item in enumerate(spec):
        b, e, s = 0, 0, 1
        if item is Ellipsis:
            masks["ellipsis_mask"] |= 1 << i
        elif item is None:
            masks["new_axis_mask"] |= 1 << i
        elif isinstance(item, int):
            b, e = item, item + 1
            masks["shrink_axis_mask"] |= 1 << i
        else:
            s = 1 if item.step is None else item.step
            if item.start is None:
                masks["begin_mask"] |= 1 << i
            else:
                b = item.start
            if item.stop is None:
                masks["end_mask"] |= 1 << i
            else:
                e = item.stop
        begin.append(b), end.append(e), strides.append(s)
    return [np.array(v, np.int32) for v in (begin, end, strides)], masks


def random_spec(rank):
    spec, dims_left, ellipsis = [], rank, False
    while dims_left > 0 or (RNG.random() < 0.2 and len(spec) < 6):
        r = RNG.random()
        if r < 0.12 and not ellipsis:
            spec.append(Ellipsis)
            ellipsis = True
            dims_left = max(dims_left - int(RNG.integers(0, dims_left + 1)), 0)
            continue
        if r < 0.24:
            spec.append(None)
            continue
        if dims_left == 0:
            break
        dims_left -= 1
        if r < 0.4:
            spec.append(int(RNG.integers(-3, 3)))
        else:
            pick = lambda: None if RNG.random() < 0.3 else int(RNG.integers(-7, 8))
            step = int(RNG.choice([1, 2, 3, -1, -2]))
            spec.append(slice(pick(), pick(), step))
    return spec


@pytest.mark.parametrize("seed", range(60))
def test_strided_slice_matches_numpy_indexing(select_lib, seed):
    global RNG
    RNG = np.random.default_rng(seed)
    x = RNG.standard_normal((3, 4, 5, 6)[:int(RNG.integers(1, 5))]).astype(np.float32)
    spec = random_spec(x.ndim)
    (begin, end, strides), masks = encode(spec)
    ref = x[tuple(spec)]
    (y,) = select_lib.run("StridedSlice", [x, begin, end, strides], [np.float32], masks)
    assert y.shape == ref.shape, spec
    np.testing.assert_array_equal(y, ref)


@pytest.mark.parametrize("dtype", [np.int64, np.uint8, np.bool_, np.float64])
def test_strided_slice_types_and_int64_indices(select_lib, dtype):
    x = (RNG.standard_normal((4, 6)) * 10).astype(dtype)
    spec = [slice(None, None, -1), Ellipsis, None, slice(1, -1, 2)]
    (begin, end, strides), masks = encode(spec)
    (y,) = select_lib.run("StridedSlice", [x, begin.astype(np.int64), end.astype(np.int64), strides.astype(np.int64)],
                          [dtype], masks)
    np.testing.assert_array_equal(y, x[tuple(spec)])


def test_strided_slice_errors(select_lib):
    x = np.ones((3, 4), np.float32)
    (begin, end, strides), masks = encode([5])
    with pytest.raises(SelectError, match="slice index 5 of dimension 0 is out of bounds"):
        select_lib.run("StridedSlice", [x, begin, end, strides], [np.float32], masks)
    (begin, end, strides), masks = encode([slice(0, 2, 1)])
    with pytest.raises(SelectError, match=r"strides\[0\] must be non-zero"):
        select_lib.run("StridedSlice", [x, begin, end, np.array([0], np.int32)], [np.float32], masks)
    with pytest.raises(SelectError, match="attribute 'ellipsis_mask' = int 3 is not supported"):
        select_lib.run("StridedSlice", [x, np.zeros(2, np.int32), np.zeros(2, np.int32), np.ones(2, np.int32)],
                       [np.float32], {"ellipsis_mask": 3})
    with pytest.raises(SelectError, match="slice spec entry 2 is beyond the input's rank 2"):
        select_lib.run("StridedSlice", [x, np.zeros(3, np.int32), np.ones(3, np.int32), np.ones(3, np.int32)],
                       [np.float32])
