"""The builtin operators served from libedgelite_select.so (delegates/select/builtins/builtin_front.cc):
each on one-node models against NumPy over options and dtypes, and against LiteRT on the same file."""

import numpy as np
import pytest

from builtin_models import one_node, run_edgelite, run_litert
from test_volume_kernels import conv3d_reference as conv3d_ref
from test_volume_kernels import same_or_valid as _geometry
from testutil import requires_litert

rng = np.random.default_rng(17)

F32 = np.float32
ACTIVATIONS = {"NONE": (-np.inf, np.inf), "RELU": (0, np.inf), "RELU_N1_TO_1": (-1, 1), "RELU6": (0, 6)}


def both(content, feeds, litert=True):
    ours = run_edgelite(content, feeds)
    theirs = run_litert(content, feeds) if litert else None
    return ours, theirs


# ---- CONV_3D / CONV_3D_TRANSPOSE (the NumPy 3-D convolution of the select kernels' own tests) ----
def conv3d_transpose_ref(x, w, out_shape, strides, dilations, padding):
    # The input gradient of conv3d_ref: w is [kd, kh, kw, out_channels, in_channels].
    spatial = out_shape[1:4]
    geo = [_geometry(spatial[i], w.shape[i], strides[i], dilations[i], padding) for i in range(3)]
    out = np.zeros(out_shape, np.float64)
    for o in np.ndindex(*[g[0] for g in geo]):
        for k in np.ndindex(*w.shape[:3]):
            pos = [o[i] * strides[i] - geo[i][1] + k[i] * dilations[i] for i in range(3)]
            if all(0 <= pos[i] < spatial[i] for i in range(3)):
                out[(slice(None),) + tuple(pos)] += x[(slice(None),) + o] @ w[k].T
    return out


CONV_CASES = [
    ("SAME", (1, 1, 1), (1, 1, 1), "NONE", True),
    ("VALID", (2, 1, 2), (1, 1, 1), "RELU", True),
    ("SAME", (1, 2, 1), (1, 1, 1), "RELU6", False),
    ("VALID", (1, 1, 1), (2, 1, 2), "RELU_N1_TO_1", True),
]


@requires_litert
@pytest.mark.parametrize("padding,strides,dilations,act,with_bias", CONV_CASES)
def test_conv_3d(padding, strides, dilations, act, with_bias):
    x = rng.standard_normal((2, 5, 6, 7, 3)).astype(F32)
    w = rng.standard_normal((2, 3, 2, 3, 4)).astype(F32)
    bias = rng.standard_normal(4).astype(F32)
    expected = conv3d_ref(x, w, strides, dilations, padding) + (bias if with_bias else 0)
    expected = np.clip(expected, *ACTIVATIONS[act])
    options = {"padding": padding, "stride_d": strides[0], "stride_h": strides[1], "stride_w": strides[2],
               "dilation_d_factor": dilations[0], "dilation_h_factor": dilations[1],
               "dilation_w_factor": dilations[2], "fused_activation_function": act}
    content = one_node("CONV_3D", [("in", x.shape, F32), w, bias if with_bias else None],
                       [(expected.shape, F32)], options)
    (ours,), (theirs,) = both(content, [x])
    assert ours.shape == expected.shape
    np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-4)


@requires_litert
@pytest.mark.parametrize("padding,strides,dilations,act,with_bias", CONV_CASES[:2] + [
    ("SAME", (2, 2, 2), (1, 1, 1), "RELU", True)])
def test_conv_3d_transpose(padding, strides, dilations, act, with_bias):
    out_shape = (2, 5, 6, 7, 3)
    w = rng.standard_normal((2, 3, 2, 3, 4)).astype(F32)  # [kd, kh, kw, out_channels, in_channels]
    in_spatial = [_geometry(out_shape[1 + i], w.shape[i], strides[i], dilations[i], padding)[0] for i in range(3)]
    x = rng.standard_normal([2] + in_spatial + [4]).astype(F32)
    bias = rng.standard_normal(3).astype(F32)
    expected = conv3d_transpose_ref(x, w, out_shape, strides, dilations, padding) + (bias if with_bias else 0)
    expected = np.clip(expected, *ACTIVATIONS[act])
    options = {"padding": padding, "stride_d": strides[0], "stride_h": strides[1], "stride_w": strides[2],
               "dilation_d_factor": dilations[0], "dilation_h_factor": dilations[1],
               "dilation_w_factor": dilations[2], "fused_activation_function": act}
    inputs = [np.array(out_shape, np.int32), w, ("in", x.shape, F32)] + ([bias] if with_bias else [])
    content = one_node("CONV_3D_TRANSPOSE", inputs, [(out_shape, F32)], options)
    (ours,), (theirs,) = both(content, [x])
    np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-4)


def test_conv_3d_refuses_what_litert_does_not_run():
    import edgelite
    x = np.zeros((1, 3, 3, 3, 2), np.float64)
    content = one_node("CONV_3D", [("in", x.shape, np.float64), np.zeros((1, 1, 1, 2, 2))],
                       [((1, 3, 3, 3, 2), np.float64)], {"padding": "SAME", "stride_d": 1, "stride_h": 1,
                                                         "stride_w": 1})
    with pytest.raises(edgelite.EdgeliteError, match=r"CONV_3D \(node 0\).*float64.*LiteRT's kernel takes float32"):
        run_edgelite(content, [x])
    content = one_node("CONV_3D", [("in", (1, 3, 3, 3, 2), F32), np.zeros((1, 1, 1, 2, 2), F32)],
                       [((1, 3, 3, 3, 2), F32)], {"padding": "SAME", "stride_d": 1, "stride_h": 1, "stride_w": 1,
                                                  "fused_activation_function": "TANH"})
    with pytest.raises(edgelite.EdgeliteError, match="fused activation TANH is not supported"):
        run_edgelite(content, [np.zeros((1, 3, 3, 3, 2), F32)])


# ---- NON_MAX_SUPPRESSION_V4 / V5 ----
def _boxes(n):
    yx = rng.uniform(0, 10, (n, 2))
    hw = rng.uniform(1, 4, (n, 2))
    return np.concatenate([yx, yx + hw], axis=1).astype(F32), rng.uniform(0, 1, n).astype(F32)


def nms_ref(boxes, scores, max_out, iou_t, score_t):
    def iou(a, b):
        inter = (max(min(a[2], b[2]) - max(a[0], b[0]), 0) * max(min(a[3], b[3]) - max(a[1], b[1]), 0))
        area = lambda r: (r[2] - r[0]) * (r[3] - r[1])  # noqa: E731
        return inter / (area(a) + area(b) - inter)
    selected = []
    for i in sorted(range(len(scores)), key=lambda i: (-scores[i], i)):
        if len(selected) == max_out or scores[i] <= score_t:
            break
        if all(iou(boxes[i], boxes[j]) <= iou_t for j in selected):
            selected.append(i)
    return selected


@requires_litert
@pytest.mark.parametrize("max_out,iou_t,score_t", [(5, 0.5, 0.0), (20, 0.3, 0.4), (3, 0.7, 0.95)])
def test_non_max_suppression_v4(max_out, iou_t, score_t):
    boxes, scores = _boxes(30)
    content = one_node("NON_MAX_SUPPRESSION_V4",
                       [("in", boxes.shape, F32), ("in", scores.shape, F32), np.int32(max_out), F32(iou_t),
                        F32(score_t)], [((max_out,), np.int32), ((), np.int32)])
    (idx, count), (idx_l, count_l) = both(content, [boxes, scores])
    expected = nms_ref(boxes, scores, max_out, iou_t, score_t)
    assert int(count) == len(expected) == int(count_l)
    assert idx.shape == (max_out,)
    np.testing.assert_array_equal(idx, expected + [0] * (max_out - len(expected)))
    np.testing.assert_array_equal(idx, idx_l)


@requires_litert
@pytest.mark.parametrize("sigma", [0.0, 0.5])
def test_non_max_suppression_v5(sigma):
    boxes, scores = _boxes(25)
    max_out = 10
    content = one_node("NON_MAX_SUPPRESSION_V5",
                       [("in", boxes.shape, F32), ("in", scores.shape, F32), np.int32(max_out), F32(0.4),
                        F32(0.1), F32(sigma)], [((max_out,), np.int32), ((max_out,), F32), ((), np.int32)])
    (idx, sel_scores, count), (idx_l, scores_l, count_l) = both(content, [boxes, scores])
    assert int(count) == int(count_l)
    np.testing.assert_array_equal(idx, idx_l)
    np.testing.assert_allclose(sel_scores, scores_l, rtol=1e-5, atol=1e-6)
    if sigma == 0.0:
        expected = nms_ref(boxes, scores, max_out, 0.4, 0.1)
        np.testing.assert_array_equal(idx[:int(count)], expected)
        np.testing.assert_allclose(sel_scores[:int(count)], scores[expected])


# ---- RFFT2D ----
@requires_litert
@pytest.mark.parametrize("shape,lengths", [((4, 8), (4, 8)), ((2, 3, 5, 6), (8, 4)), ((6, 16), (2, 8))])
def test_rfft2d(shape, lengths):
    x = rng.standard_normal(shape).astype(F32)
    expected = np.fft.rfft2(x, s=lengths)
    content = one_node("RFFT2D", [("in", shape, F32), np.array(lengths, np.int32)], [(expected.shape, np.complex64)])
    (ours,), (theirs,) = both(content, [x])
    assert ours.dtype == np.complex64 and ours.shape == expected.shape
    np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("const_lengths", [True, False])
def test_rfft2d_needs_powers_of_two(const_lengths):
    import edgelite
    lengths = np.array([4, 6], np.int32)
    content = one_node("RFFT2D", [("in", (4, 6), F32), lengths if const_lengths else ("in", (2,), np.int32)],
                       [((4, 4), np.complex64)])
    with pytest.raises(edgelite.EdgeliteError, match="fft_length 6 is not a power of two"):
        run_edgelite(content, [np.zeros((4, 6), F32)] + ([] if const_lengths else [lengths]))


# ---- segment reductions ----
@requires_litert
@pytest.mark.parametrize("dtype", [F32, np.int32])
def test_segment_sum(dtype):
    data = (rng.standard_normal((7, 3)) * 10).astype(dtype)
    ids = np.array([0, 0, 1, 2, 2, 2, 3], np.int32)
    expected = np.zeros((4, 3), dtype)
    np.add.at(expected, ids, data)
    content = one_node("SEGMENT_SUM", [("in", data.shape, dtype), ("in", ids.shape, np.int32)], [(None, dtype)])
    (ours,), (theirs,) = both(content, [data, ids])
    np.testing.assert_allclose(ours, expected, rtol=1e-6)
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("const_ids", [True, False])
def test_segment_sum_refuses_gaps_as_litert(const_ids):
    import edgelite
    ids = np.array([0, 2, 2], np.int32)
    content = one_node("SEGMENT_SUM", [("in", (3,), F32), ids if const_ids else ("in", (3,), np.int32)],
                       [(None, F32)])
    with pytest.raises(edgelite.EdgeliteError, match=r"segment_ids\[1\] = 2 after 0: LiteRT's SEGMENT_SUM needs"):
        run_edgelite(content, [np.ones(3, F32)] + ([] if const_ids else [ids]))


UNSORTED = {"UNSORTED_SEGMENT_SUM": (np.add, 0), "UNSORTED_SEGMENT_PROD": (np.multiply, 1),
            "UNSORTED_SEGMENT_MAX": (np.maximum, "lowest"), "UNSORTED_SEGMENT_MIN": (np.minimum, "highest")}


@requires_litert
@pytest.mark.parametrize("op", sorted(UNSORTED))
@pytest.mark.parametrize("dtype", [F32, np.int32])
def test_unsorted_segment(op, dtype):
    ufunc, init = UNSORTED[op]
    data = (rng.standard_normal((6, 2)) * 4).astype(dtype)
    ids = np.array([3, 0, 3, 1, 0, 3], np.int32)
    num = 5  # segments 2 and 4 are empty
    if init == "lowest":
        init = np.finfo(dtype).min if dtype == F32 else np.iinfo(dtype).min
    elif init == "highest":
        init = np.finfo(dtype).max if dtype == F32 else np.iinfo(dtype).max
    expected = np.full((num, 2), init, dtype)
    ufunc.at(expected, ids, data)
    content = one_node(op, [("in", data.shape, dtype), ("in", ids.shape, np.int32), np.int32(num)],
                       [((num, 2), dtype)])
    (ours,), (theirs,) = both(content, [data, ids])
    np.testing.assert_allclose(ours, expected, rtol=1e-5)
    np.testing.assert_array_equal(ours, theirs)


# ---- UNIQUE, ATAN2, MATRIX_DIAG ----
@requires_litert
@pytest.mark.parametrize("dtype", [F32, np.int8, np.int32, np.int64, np.uint8])
@pytest.mark.parametrize("idx_type", [np.int32, np.int64])
def test_unique(dtype, idx_type):
    x = rng.integers(0, 6, 15).astype(dtype)
    _, first = np.unique(x, return_index=True)
    y = x[np.sort(first)]
    idx = np.array([list(y).index(v) for v in x], idx_type)
    content = one_node("UNIQUE", [("in", x.shape, dtype)], [(None, dtype), (x.shape, idx_type)],
                       {"idx_out_type": "INT64" if idx_type == np.int64 else "INT32"})
    (oy, oidx), (ly, lidx) = both(content, [x])
    np.testing.assert_array_equal(oy, y)
    assert oidx.dtype == idx_type
    np.testing.assert_array_equal(oidx, idx)
    np.testing.assert_array_equal(oy, ly)
    np.testing.assert_array_equal(oidx, lidx)


@requires_litert
@pytest.mark.parametrize("dtype", [F32, np.float64])
def test_atan2(dtype):
    y, x = rng.standard_normal((2, 3, 4)).astype(dtype)
    x[0, 0] = 0
    content = one_node("ATAN2", [("in", y.shape, dtype), ("in", x.shape, dtype)], [(y.shape, dtype)])
    (ours,), (theirs,) = both(content, [y, x])
    np.testing.assert_allclose(ours, np.arctan2(y, x), rtol=1e-6)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)


@requires_litert
@pytest.mark.parametrize("dtype", [F32, np.int32, np.int8, np.int64])
def test_matrix_diag(dtype):
    d = (rng.standard_normal((2, 3, 4)) * 10).astype(dtype)
    expected = np.zeros((2, 3, 4, 4), dtype)
    for i in range(4):
        expected[..., i, i] = d[..., i]
    content = one_node("MATRIX_DIAG", [("in", d.shape, dtype)], [(expected.shape, dtype)])
    (ours,), (theirs,) = both(content, [d])
    np.testing.assert_array_equal(ours, expected)
    np.testing.assert_array_equal(ours, theirs)


# ---- RANDOM_UNIFORM, RANDOM_STANDARD_NORMAL, MULTINOMIAL (LiteRT's seeding) ----
def _invoke_twice(interp_cls, content, feeds):
    interp = interp_cls(model_content=content)
    interp.allocate_tensors()
    outs = []
    for _ in range(2):
        for d, x in zip(interp.get_input_details(), feeds):
            interp.set_tensor(d["index"], x)
        interp.invoke()
        outs.append(interp.get_tensor(interp.get_output_details()[0]["index"]).copy())
    return outs


@requires_litert
@pytest.mark.parametrize("op", ["RANDOM_UNIFORM", "RANDOM_STANDARD_NORMAL"])
@pytest.mark.parametrize("seeds,shape", [((1, 2), (3, 5)), ((-7, 123456789012), (7,)), ((0, 5), (2, 2, 3))])
def test_random_distributions_match_litert(op, seeds, shape):
    import edgelite
    from ai_edge_litert.interpreter import Interpreter
    content = one_node(op, [np.array(shape, np.int32)], [(shape, F32)], {"seed": seeds[0], "seed2": seeds[1]})
    ours = _invoke_twice(edgelite.Interpreter, content, [])
    theirs = _invoke_twice(Interpreter, content, [])
    assert not np.array_equal(ours[0], ours[1])  # the generator moves on between invokes
    for a, b in zip(ours, theirs):
        assert a.shape == shape
        if op == "RANDOM_UNIFORM":
            np.testing.assert_array_equal(a, b)
            assert a.min() >= 0 and a.max() < 1
        else:
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)


def test_random_without_seeds_is_not_repeatable():
    content = one_node("RANDOM_UNIFORM", [np.array([64], np.int32)], [((64,), F32)], {"seed": 0, "seed2": 0})
    a, b = run_edgelite(content, [])[0], run_edgelite(content, [])[0]
    assert not np.array_equal(a, b) and 0 <= a.min() and a.max() < 1


@requires_litert
@pytest.mark.parametrize("out_type", [np.int64, np.int32])
def test_multinomial_matches_litert(out_type):
    import edgelite
    from ai_edge_litert.interpreter import Interpreter
    logits = np.log(np.array([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]], F32))
    logits[1, 2] = -np.inf  # a class with no mass is never drawn
    content = one_node("MULTINOMIAL", [logits, np.int32(9)], [((2, 9), out_type)], {"seed": 42, "seed2": 7})
    ours = _invoke_twice(edgelite.Interpreter, content, [])
    theirs = _invoke_twice(Interpreter, content, [])
    for a, b in zip(ours, theirs):
        assert a.dtype == out_type and a.shape == (2, 9)
        np.testing.assert_array_equal(a, b)
        assert not (a[1] == 2).any()
    assert not np.array_equal(ours[0], ours[1])


# ---- BUCKETIZE, REAL, IMAG, COMPLEX_ABS, MATRIX_SET_DIAG ----
@requires_litert
@pytest.mark.parametrize("dtype", [F32, np.float64, np.int32, np.int64])
def test_bucketize(dtype):
    x = (rng.standard_normal((3, 7)) * 5).astype(dtype)
    bounds = [-3.0, -0.5, 0.0, 1.0, 4.5]
    x[0, :3] = np.array([-3, 0, 1]).astype(dtype)  # values on a boundary go above it
    content = one_node("BUCKETIZE", [("in", x.shape, dtype)], [(x.shape, np.int32)], {"boundaries": bounds})
    (ours,), (theirs,) = both(content, [x])
    np.testing.assert_array_equal(ours, np.searchsorted(np.array(bounds), x, side="right"))
    np.testing.assert_array_equal(ours, theirs)


def test_bucketize_needs_sorted_boundaries():
    import edgelite
    content = one_node("BUCKETIZE", [("in", (3,), F32)], [((3,), np.int32)], {"boundaries": [1.0, 0.0]})
    with pytest.raises(edgelite.EdgeliteError, match="boundaries must be sorted"):
        run_edgelite(content, [np.zeros(3, F32)])


@requires_litert
@pytest.mark.parametrize("op,fn", [("REAL", np.real), ("IMAG", np.imag), ("COMPLEX_ABS", np.abs)])
@pytest.mark.parametrize("ctype,rtype", [(np.complex64, F32)])  # the core has no complex128 tensors
def test_complex_parts(op, fn, ctype, rtype):
    z = (rng.standard_normal((2, 5)) + 1j * rng.standard_normal((2, 5))).astype(ctype)
    content = one_node(op, [("in", z.shape, ctype)], [(z.shape, rtype)])
    (ours,), (theirs,) = both(content, [z])
    assert ours.dtype == rtype
    np.testing.assert_allclose(ours, fn(z), rtol=1e-6)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)


@requires_litert
@pytest.mark.parametrize("shape", [(4, 4), (2, 3, 5), (2, 6, 3)])
@pytest.mark.parametrize("dtype", [F32, np.int32])
def test_matrix_set_diag(shape, dtype):
    x = (rng.standard_normal(shape) * 10).astype(dtype)
    n = min(shape[-2:])
    d = (rng.standard_normal(shape[:-2] + (n,)) * 10).astype(dtype)
    expected = x.copy()
    for i in range(n):
        expected[..., i, i] = d[..., i]
    content = one_node("MATRIX_SET_DIAG", [("in", x.shape, dtype), ("in", d.shape, dtype)], [(shape, dtype)])
    (ours,), (theirs,) = both(content, [x, d])
    np.testing.assert_array_equal(ours, expected)
    np.testing.assert_array_equal(ours, theirs)


# ---- NumericVerify (LiteRT's custom debugging op: dequantized input minus the float reference) ----
@requires_litert
@pytest.mark.parametrize("dtype,scale,zero", [(np.int8, 0.1, 3), (np.uint8, 0.05, 128), (np.int16, 0.001, 0)])
@pytest.mark.parametrize("n", [12, 37, 64])  # LiteRT dequantizes blocks of 8 and the rest apart
def test_numeric_verify(dtype, scale, zero, n):
    from edgelite.model_builder import ModelBuilder
    info = np.iinfo(dtype)
    q = rng.integers(info.min, info.max, n).astype(dtype)
    ref = ((q.astype(np.float64) - zero) * scale + rng.normal(0, scale, n)).astype(F32)
    b = ModelBuilder()
    ins = [b.add_input("q", [n], dtype, quantization=(scale, zero)), b.add_input("ref", [n])]
    out = b.add_tensor("diff", [n])
    b.mark_output(out)
    b.add_operator("CUSTOM", ins, [out], custom_code="NumericVerify", custom_options=np.float32(0.5).tobytes())
    (ours,), (theirs,) = both(b.build(), [q, ref])
    expected = ((q.astype(np.float64) - zero) * np.float64(F32(scale))).astype(F32) - ref
    np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(ours, theirs)


# ---- EMBEDDING_LOOKUP_SPARSE ----
def embedding_lookup_sparse_ref(ids, indices, dense_shape, weights, params, combiner):
    out = np.zeros(tuple(dense_shape[:-1]) + params.shape[1:], np.float64)
    flat = out.reshape(-1, int(np.prod(params.shape[1:])))
    buckets = {}
    for i, idx in enumerate(ids):
        b = int(np.ravel_multi_index(tuple(indices[i, :-1]), tuple(dense_shape[:-1])))
        buckets.setdefault(b, []).append((idx, weights[i]))
    for b, items in buckets.items():
        total = sum(params[idx].ravel() * w for idx, w in items)
        ws = np.array([w for _, w in items], np.float64)
        flat[b] = total / (1 if combiner == "SUM" else ws.sum() if combiner == "MEAN" else np.sqrt((ws ** 2).sum()))
    return out


@requires_litert
@pytest.mark.parametrize("combiner", ["SUM", "MEAN", "SQRTN"])
def test_embedding_lookup_sparse(combiner):
    params = rng.standard_normal((10, 3, 2)).astype(F32)
    indices = np.array([[0, 0], [0, 1], [1, 0], [3, 2], [3, 4]], np.int32)  # sorted; rows 2 is empty
    ids = np.array([1, 3, 0, 9, 1], np.int32)
    weights = np.array([2.0, 0.5, 1.0, 3.0, -1.5], F32)
    dense_shape = np.array([4, 5], np.int32)
    content = one_node("EMBEDDING_LOOKUP_SPARSE", [("in", ids.shape, np.int32), ("in", indices.shape, np.int32),
                                                   dense_shape, ("in", weights.shape, F32), params],
                       [(None, F32)], {"combiner": combiner})
    (ours,), (theirs,) = both(content, [ids, indices, weights])
    expected = embedding_lookup_sparse_ref(ids, indices, dense_shape, weights, params, combiner)
    assert ours.shape == (4, 3, 2)
    np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(ours, theirs)


# ---- LSH_PROJECTION (farmhash Fingerprint64 over seed and row bytes) ----
@requires_litert
@pytest.mark.parametrize("kind", ["SPARSE", "DENSE"])
@pytest.mark.parametrize("dtype,row", [(np.int32, 2), (F32, 5), (np.int32, 16), (np.uint8, 100)])
@pytest.mark.parametrize("weighted", [False, True])
def test_lsh_projection(kind, dtype, row, weighted):
    # Row sizes give keys of 4 + 8, 24, 68 and 104 bytes: every length branch of the hash.
    hash_seeds = rng.standard_normal((4, 6)).astype(F32)
    x = (rng.standard_normal((3, row)) * 50).astype(dtype) if dtype == F32 else \
        rng.integers(0, 200, (3, row)).astype(dtype)
    w = rng.standard_normal(3).astype(F32)
    n = 4 if kind == "SPARSE" else 24
    content = one_node("LSH_PROJECTION", [hash_seeds, ("in", x.shape, dtype)] + ([w] if weighted else []),
                       [((n,), np.int32)], {"type": kind})
    (ours,), (theirs,) = both(content, [x])
    np.testing.assert_array_equal(ours, theirs)
    if kind == "SPARSE":
        assert ((ours >> 6) == np.arange(4)).all()
    else:
        assert set(np.unique(ours)) <= {0, 1}
