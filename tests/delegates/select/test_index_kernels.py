"""Index-driven kernels of libedgelite_select.so against NumPy: Roll, BroadcastTo, Bincount, Unique,
segment reductions, ScatterNd, TensorScatter*, GatherV2 with batch_dims, ExtractImagePatches, TopKV2."""

import numpy as np
import pytest

from flex_encoding import Type
from select_harness import SelectError

RNG = np.random.default_rng(5)


def i32(v):
    return np.array(v, np.int32)


@pytest.mark.parametrize("shift,axis", [(2, 0), ([1, -2], [0, 1]), ([3, 1], [1, 1]), (-7, -1)])
def test_roll(select_lib, shift, axis):
    x = np.arange(24, dtype=np.int64).reshape(4, 6)
    (y,) = select_lib.run("Roll", [x, i32(shift), i32(axis)], [np.int64])
    np.testing.assert_array_equal(y, np.roll(x, shift, axis))


def test_broadcast_to_constant_and_dynamic_shape(select_lib):
    x = RNG.standard_normal((3, 1)).astype(np.float32)
    (y,) = select_lib.run("BroadcastTo", [x, i32([2, 3, 4])], [np.float32])
    np.testing.assert_array_equal(y, np.broadcast_to(x, (2, 3, 4)))
    assert not select_lib.last_dynamic[0]
    (y,) = select_lib.run("BroadcastTo", [x, i32([2, 3, 4])], [np.float32], constant=set())
    np.testing.assert_array_equal(y, np.broadcast_to(x, (2, 3, 4)))
    assert select_lib.last_dynamic[0]  # the shape is a runtime value: resized at eval
    with pytest.raises(SelectError, match="does not broadcast"):
        select_lib.run("BroadcastTo", [x, i32([2, 4])], [np.float32])


@pytest.mark.parametrize("weighted", [False, True])
def test_bincount(select_lib, weighted):
    arr = RNG.integers(0, 8, 30).astype(np.int32)
    w = RNG.standard_normal(30).astype(np.float32) if weighted else np.zeros(0, np.float32)
    (y,) = select_lib.run("Bincount", [arr, i32(6), w], [np.float32])
    mask = arr < 6
    expected = np.bincount(arr[mask], weights=w[mask] if weighted else None, minlength=6)[:6]
    np.testing.assert_allclose(y, expected, rtol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int64])
def test_unique_with_counts(select_lib, dtype):
    x = RNG.integers(-3, 4, 20).astype(dtype)
    y, idx, count = select_lib.run("UniqueWithCounts", [x], [dtype, np.int64, np.int64], {"out_idx": Type(np.int64)})
    assert select_lib.last_dynamic[0]
    _, first = np.unique(x, return_index=True)
    order = np.sort(first)
    np.testing.assert_array_equal(y, x[order])  # first-occurrence order, as TF
    np.testing.assert_array_equal(y[idx], x)
    np.testing.assert_array_equal(count, [(x == v).sum() for v in y])
    y2, idx2 = select_lib.run("Unique", [x], [dtype, np.int32])
    np.testing.assert_array_equal(y2, y)
    np.testing.assert_array_equal(idx2, idx)


SORTED = {"SegmentSum": np.add, "SegmentMax": np.maximum, "SegmentMin": np.minimum, "SegmentProd": np.multiply}


def segment_reference(op, data, ids, n, sorted_op):
    reduce = {"Sum": np.add, "Max": np.maximum, "Min": np.minimum, "Prod": np.multiply, "Mean": np.add}[op]
    out = []
    for s in range(n):
        rows = data[ids == s] if ids.ndim == 1 else data[ids == s]
        if len(rows) == 0:
            empty = {"Prod": 1, "Max": np.finfo(np.float32).min, "Min": np.finfo(np.float32).max}.get(op, 0)
            out.append(np.full(data.shape[ids.ndim:], 1 if op == "Prod" else (0 if sorted_op else empty), data.dtype))
        else:
            v = reduce.reduce(rows, axis=0)
            out.append(v / len(rows) if op == "Mean" else v)
    return np.stack(out)


@pytest.mark.parametrize("op", ["Sum", "Max", "Min", "Mean", "Prod"])
def test_sorted_segments(select_lib, op):
    data = RNG.standard_normal((7, 3)).astype(np.float32)
    ids = i32([0, 0, 1, 3, 3, 3, 5])  # segments 2 and 4 are empty
    (y,) = select_lib.run("Segment" + op, [data, ids], [np.float32])
    np.testing.assert_allclose(y, segment_reference(op, data, ids, 6, True), rtol=1e-5)


@pytest.mark.parametrize("op", ["Sum", "Max", "Min", "Prod"])
def test_unsorted_segments(select_lib, op):
    data = RNG.standard_normal((4, 3, 2)).astype(np.float32)
    ids = RNG.integers(0, 5, (4, 3)).astype(np.int32)
    ids[0, 0] = -1  # dropped, as on TF's CPU
    (y,) = select_lib.run("UnsortedSegment" + op, [data, ids, i32(6)], [np.float32])
    np.testing.assert_allclose(y, segment_reference(op, data, ids, 6, False), rtol=1e-5)


def test_segment_errors(select_lib):
    with pytest.raises(SelectError, match="not sorted"):
        select_lib.run("SegmentSum", [np.ones((3,), np.float32), i32([1, 0, 2])], [np.float32])
    with pytest.raises(SelectError, match=r"segment_ids\[1\] = 9 is out of range \[0, 3\)"):
        select_lib.run("UnsortedSegmentSum", [np.ones((3,), np.float32), i32([1, 9, 2]), i32(3)], [np.float32])


def test_scatter_nd_adds_duplicates(select_lib):
    idx = i32([[1], [3], [1]])
    upd = RNG.standard_normal((3, 4)).astype(np.float32)
    (y,) = select_lib.run("ScatterNd", [idx, upd, i32([5, 4])], [np.float32], constant={2})
    expected = np.zeros((5, 4), np.float32)
    np.add.at(expected, idx[:, 0], upd)
    np.testing.assert_allclose(y, expected, rtol=1e-6)


@pytest.mark.parametrize("op", ["Update", "Add", "Sub", "Max", "Min"])
def test_tensor_scatter(select_lib, op):
    t = RNG.standard_normal((4, 3, 2)).astype(np.float32)
    idx = i32([[0, 1], [3, 2]])
    upd = RNG.standard_normal((2, 2)).astype(np.float32)
    (y,) = select_lib.run("TensorScatter" + op, [t, idx, upd], [np.float32], constant=set())
    e = t.copy()
    for k, (a, b) in enumerate(idx):
        e[a, b] = {"Update": lambda o, u: u, "Add": np.add, "Sub": np.subtract, "Max": np.maximum,
                   "Min": np.minimum}[op](e[a, b], upd[k])
    np.testing.assert_allclose(y, e)
    with pytest.raises(SelectError, match="out of range"):
        select_lib.run("TensorScatter" + op, [t, i32([[4, 0]]), upd[:1]], [np.float32])


@pytest.mark.parametrize("axis,batch_dims", [(0, 0), (1, 0), (2, 0), (1, 1), (2, 1), (2, 2), (-1, 1)])
def test_gather_v2_batch_dims(select_lib, axis, batch_dims):
    params = RNG.standard_normal((2, 3, 4, 5)).astype(np.float32)
    ax = axis % 4
    idx = RNG.integers(0, params.shape[ax], (2, 3, 2)[:max(batch_dims, 0)] + (3,)).astype(np.int32)
    if batch_dims == 0:
        idx = RNG.integers(0, params.shape[ax], (2, 3)).astype(np.int32)
    (y,) = select_lib.run("GatherV2", [params, idx, i32(axis)], [np.float32], {"batch_dims": batch_dims})
    # Reference: batch_dims leading dimensions are shared between params and indices.
    def gather(p, i, a, b):
        if b == 0:
            return np.take(p, i, axis=a)
        return np.stack([gather(p[k], i[k], a - 1, b - 1) for k in range(p.shape[0])])
    np.testing.assert_array_equal(y, gather(params, idx, ax, batch_dims))


def extract_patches_reference(x, k, s, r, padding):
    n, h, w, d = x.shape
    er, ec = k[0] + (k[0] - 1) * (r[0] - 1), k[1] + (k[1] - 1) * (r[1] - 1)
    if padding == "VALID":
        oh, ow, pt, pl = (h - er) // s[0] + 1, (w - ec) // s[1] + 1, 0, 0
    else:
        oh, ow = -(-h // s[0]), -(-w // s[1])
        pt, pl = max((oh - 1) * s[0] + er - h, 0) // 2, max((ow - 1) * s[1] + ec - w, 0) // 2
    out = np.zeros((n, oh, ow, k[0] * k[1] * d), x.dtype)
    for i in range(oh):
        for j in range(ow):
            patch = []
            for a in range(k[0]):
                for b in range(k[1]):
                    rr, cc = i * s[0] - pt + a * r[0], j * s[1] - pl + b * r[1]
                    patch.append(x[:, rr, cc] if 0 <= rr < h and 0 <= cc < w else np.zeros((n, d), x.dtype))
            out[:, i, j] = np.concatenate(patch, axis=-1)
    return out


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
@pytest.mark.parametrize("k,s,r", [((2, 2), (2, 2), (1, 1)), ((3, 2), (1, 2), (2, 1)), ((1, 1), (3, 3), (1, 1))])
def test_extract_image_patches(select_lib, padding, k, s, r):
    x = RNG.standard_normal((2, 7, 6, 3)).astype(np.float32)
    attrs = {"ksizes": [1, *k, 1], "strides": [1, *s, 1], "rates": [1, *r, 1], "padding": padding}
    (y,) = select_lib.run("ExtractImagePatches", [x], [np.float32], attrs)
    np.testing.assert_array_equal(y, extract_patches_reference(x, k, s, r, padding))


def test_extract_image_patches_bad_padding(select_lib):
    attrs = {"ksizes": [1, 2, 2, 1], "strides": [1, 1, 1, 1], "rates": [1, 1, 1, 1], "padding": "EXPLICIT"}
    with pytest.raises(SelectError, match="attribute 'padding' = string 'EXPLICIT' is not supported"):
        select_lib.run("ExtractImagePatches", [np.ones((1, 3, 3, 1), np.float32)], [np.float32], attrs)


@pytest.mark.parametrize("dtype", [np.float32, np.int32])
def test_top_k_ties_keep_lower_index(select_lib, dtype):
    x = RNG.integers(0, 5, (3, 10)).astype(dtype)
    values, indices = select_lib.run("TopKV2", [x, i32(4)], [dtype, np.int32])
    order = np.argsort(-x.astype(np.float64), axis=-1, kind="stable")[:, :4]
    np.testing.assert_array_equal(indices, order)
    np.testing.assert_array_equal(values, np.take_along_axis(x, order, -1))
