"""DILATE and REDUCE_WINDOW (delegates/select/builtins/window_ops.cc, served from libedgelite_select.so):
one-node models against NumPy over options and dtypes, and against LiteRT 2.3.0 on the same file. The models are
built with ModelBuilder: TensorFlow 2.21's converter writes neither operator (tf.XlaReduceWindow and tf.XlaPad with
interior padding are refused as "neither a custom op nor a flex op"), so there is no converted golden model."""

import numpy as np
import pytest

import edgelite
from builtin_models import one_node, run_edgelite, run_litert
from edgelite.model_builder import ModelBuilder
from testutil import requires_litert

rng = np.random.default_rng(203)


def sample(shape, dtype):
    if dtype == np.bool_:
        return rng.random(shape) < 0.6
    if np.issubdtype(dtype, np.floating):
        return (rng.standard_normal(shape) * 4).astype(dtype)
    if np.issubdtype(dtype, np.complexfloating):
        return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)
    info = np.iinfo(dtype)
    return rng.integers(max(info.min, -100), min(info.max, 100), shape, endpoint=True).astype(dtype)


# ---- DILATE ----
def dilate_ref(x, dilations, pad):
    shape = [0 if n == 0 else (n - 1) * d + 1 for n, d in zip(x.shape, dilations)]
    out = np.full(shape, pad, x.dtype)
    out[tuple(slice(None, None, d) for d in dilations)] = x
    return out


DILATE_CASES = [((5,), [3]), ((3, 3), [2, 3]), ((2, 3, 4), [1, 2, 1]), ((2, 2, 3, 2), [3, 1, 1, 1]),
                ((4, 1, 3), [1, 1, 1]), ((1, 2, 3, 2, 2), [2, 1, 3, 1, 2])]


@requires_litert
@pytest.mark.parametrize("shape,dilations", DILATE_CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.int8, np.int32, np.int64, np.bool_, np.float16, np.uint8,
                                   np.int16, np.float64, np.complex64])
def test_dilate_constant_dilations(shape, dilations, dtype):
    x = sample(shape, dtype)
    pad = sample((), dtype)
    expected = dilate_ref(x, dilations, pad)
    content = one_node("DILATE", [("in", x.shape, dtype), np.array(dilations, np.int32), np.array(pad, dtype)],
                       [(expected.shape, dtype)])
    (ours,), (theirs,) = run_edgelite(content, [x]), run_litert(content, [x])
    assert ours.dtype == dtype and ours.shape == expected.shape
    np.testing.assert_array_equal(ours, expected)
    np.testing.assert_array_equal(ours, theirs)


@requires_litert
def test_dilate_dilations_and_padding_as_inputs():
    """Dilations that are not constants make the output dynamic (shaped at each invoke), as LiteRT's."""
    x = sample((3, 4), np.float32)
    content = one_node("DILATE", [("in", x.shape, np.float32), ("in", (2,), np.int32), ("in", (), np.float32)],
                       [(None, np.float32)])
    for dilations in ([2, 1], [1, 4], [3, 2]):
        feeds = [x, np.array(dilations, np.int32), np.float32(-7.5)]
        (ours,), (theirs,) = run_edgelite(content, feeds), run_litert(content, feeds)
        np.testing.assert_array_equal(ours, dilate_ref(x, dilations, np.float32(-7.5)))
        np.testing.assert_array_equal(ours, theirs)


def test_dilate_empty_dimension_stays_empty():
    """An empty dimension stays empty (LiteRT 2.3.0 computes (0 - 1) * d + 1 for it and fails to prepare when
    d > 1)."""
    x = np.zeros((2, 0, 3), np.float32)
    content = one_node("DILATE", [("in", x.shape, np.float32), np.array([2, 3, 2], np.int32), np.float32(1)],
                       [((3, 0, 5), np.float32)])
    (ours,) = run_edgelite(content, [x])
    assert ours.shape == (3, 0, 5)


@pytest.mark.parametrize("dilations,message", [([0, 1], r"dilations\[0\] = 0 must be >= 1"),
                                               ([1, 2, 1], "dilations must be a vector of 2 values")])
def test_dilate_bad_dilations(dilations, message):
    content = one_node("DILATE", [("in", (2, 2), np.float32), np.array(dilations, np.int32), np.float32(0)],
                       [((2, 2), np.float32)])
    with pytest.raises(edgelite.EdgeliteError, match=message):
        run_edgelite(content, [np.zeros((2, 2), np.float32)])


def test_dilate_padding_value_of_another_type():
    content = one_node("DILATE", [("in", (2, 2), np.float32), np.array([2, 2], np.int32), np.int32(0)],
                       [((3, 3), np.float32)])
    with pytest.raises(edgelite.EdgeliteError, match="padding_value"):
        run_edgelite(content, [np.zeros((2, 2), np.float32)])


# ---- REDUCE_WINDOW ----
def reduce_window_ref(x, init, window, strides, dilations, function):
    """The reduction of each window in row-major order, in the element type (so sums wrap and round as the
    kernel's do)."""
    span = [(w - 1) * d + 1 for w, d in zip(window, dilations)]
    out_shape = [0 if n < s else (n - s) // st + 1 for n, s, st in zip(x.shape, span, strides)]
    compute = np.int8 if x.dtype == np.bool_ else x.dtype.type
    xs = x.astype(compute)
    out = np.empty(out_shape, compute)
    with np.errstate(over="ignore"):
        for o in np.ndindex(*out_shape):
            window_values = xs[tuple(slice(i * st, i * st + s, d) for i, st, s, d in
                                     zip(o, strides, span, dilations))].ravel()
            acc = compute(init)
            for v in window_values:
                if function == "ADD":
                    acc = compute(acc + v)
                elif function == "MUL":
                    acc = compute(acc * v)
                elif function == "MINIMUM":
                    acc = acc if acc <= v else v
                elif function == "MAXIMUM":
                    acc = acc if acc >= v else v
                elif function == "ALL":
                    acc = compute(bool(acc) and bool(v))
                else:
                    acc = compute(bool(acc) or bool(v))
            out[o] = acc
    return out.astype(np.bool_) if x.dtype == np.bool_ else out


def reduce_window_model(shape, dtype, init, window, strides, dilations, function, out_shape):
    b = ModelBuilder()
    x = b.add_input("x", list(shape), dtype)
    consts = [b.add_constant("init", np.array(init, dtype))]
    consts += [b.add_constant(name, np.array(v, np.int64))
               for name, v in (("window_shape", window), ("window_strides", strides), ("window_dilations", dilations))]
    y = b.add_tensor("y", list(out_shape), dtype)
    options = {"reduce_function": function} if function else None
    b.add_operator("REDUCE_WINDOW", [x] + consts, [y], options)
    b.mark_output(y)
    return b.build()


INITS = {"ADD": 0, "MUL": 1, "MINIMUM": 100, "MAXIMUM": -100, "ALL": 1, "ANY": 0}
WINDOWS = [((7,), [2], [2], [1]), ((6, 5), [2, 2], [1, 2], [1, 1]), ((3, 6, 5), [2, 2, 3], [1, 2, 1], [1, 2, 1]),
           ((2, 5, 6, 3), [1, 3, 2, 1], [1, 2, 2, 1], [1, 1, 2, 1])]


@requires_litert
@pytest.mark.parametrize("function", list(INITS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int8, np.int16, np.int32, np.int64, np.uint8,
                                   np.bool_])
def test_reduce_window_functions_and_dtypes(function, dtype):
    for shape, window, strides, dilations in WINDOWS:
        x = sample(shape, dtype)
        if function == "MUL" and dtype not in (np.bool_,):
            x = np.clip(x, -3, 3).astype(dtype) if np.issubdtype(dtype, np.number) else x
        init = np.array(INITS[function]).astype(dtype)
        expected = reduce_window_ref(x, init, window, strides, dilations, function)
        content = reduce_window_model(shape, dtype, init, window, strides, dilations, function, expected.shape)
        (ours,), (theirs,) = run_edgelite(content, [x]), run_litert(content, [x])
        assert ours.dtype == dtype and ours.shape == expected.shape
        if np.issubdtype(dtype, np.floating):
            np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-5)
        else:
            np.testing.assert_array_equal(ours, expected)
        np.testing.assert_array_equal(ours, theirs)  # bit for bit, floats included


@requires_litert
def test_reduce_window_rank_6():
    x = sample((2, 3, 2, 4, 3, 2), np.float32)
    window, strides, dilations = [1, 2, 1, 2, 2, 1], [1, 1, 2, 2, 1, 1], [1, 1, 1, 2, 1, 1]
    expected = reduce_window_ref(x, np.float32(0), window, strides, dilations, "ADD")
    content = reduce_window_model(x.shape, np.float32, np.float32(0), window, strides, dilations, "ADD",
                                  expected.shape)
    (ours,), (theirs,) = run_edgelite(content, [x]), run_litert(content, [x])
    np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(ours, theirs)


def test_reduce_window_geometry_as_inputs():
    """LiteRT requires constant window inputs; here they may also be model inputs (the output is then shaped at
    each invoke)."""
    b = ModelBuilder()
    x = b.add_input("x", [6, 5], np.int32)
    init = b.add_constant("init", np.array(-1000, np.int32))
    geometry = [b.add_input(name, [2], np.int64) for name in ("window_shape", "window_strides", "window_dilations")]
    y = b.add_tensor("y", [], np.int32)
    b.add_operator("REDUCE_WINDOW", [x, init] + geometry, [y], {"reduce_function": "MAXIMUM"})
    b.mark_output(y)
    data = sample((6, 5), np.int32)
    for window, strides, dilations in (([2, 2], [1, 1], [1, 1]), ([3, 1], [2, 3], [2, 1])):
        feeds = [data] + [np.array(v, np.int64) for v in (window, strides, dilations)]
        (ours,) = run_edgelite(b.build(), feeds)
        np.testing.assert_array_equal(ours, reduce_window_ref(data, -1000, window, strides, dilations, "MAXIMUM"))


def test_reduce_window_rank_7_is_refused():
    content = reduce_window_model((1,) * 7, np.float32, np.float32(0), [1] * 7, [1] * 7, [1] * 7, "ADD", (1,) * 7)
    with pytest.raises(edgelite.EdgeliteError, match="rank 1 to 6"):
        run_edgelite(content, [np.zeros((1,) * 7, np.float32)])


@requires_litert
def test_reduce_window_integer_sums_wrap_and_nan_ordering():
    x = np.full((1, 8), 100, np.int8)
    content = reduce_window_model(x.shape, np.int8, np.int8(0), [1, 4], [1, 4], [1, 1], "ADD", (1, 2))
    (ours,), (theirs,) = run_edgelite(content, [x]), run_litert(content, [x])
    np.testing.assert_array_equal(ours, np.int8([[-112, -112]]))
    np.testing.assert_array_equal(ours, theirs)
    y = np.float32([[np.nan, 1, 2, np.nan, 3, np.nan]])
    for function in ("MINIMUM", "MAXIMUM"):
        content = reduce_window_model(y.shape, np.float32, np.float32(0), [1, 2], [1, 1], [1, 1], function, (1, 5))
        (ours,), (theirs,) = run_edgelite(content, [y]), run_litert(content, [y])
        np.testing.assert_array_equal(ours, theirs)


@requires_litert
def test_reduce_window_larger_than_the_input_gives_an_empty_dimension():
    x = sample((5, 4), np.float32)
    content = reduce_window_model(x.shape, np.float32, np.float32(0), [6, 2], [1, 1], [1, 1], "ADD", (0, 3))
    (ours,), (theirs,) = run_edgelite(content, [x]), run_litert(content, [x])
    assert ours.shape == theirs.shape == (0, 3)


@pytest.mark.parametrize("function,window,message", [
    (None, [2], "reduce_function must be ADD, MUL, MINIMUM, MAXIMUM, ALL or ANY"),
    ("ADD", [0], "window_shape has 0; every value must be >= 1"),
    ("ADD", [2, 2], "window_shape must be a vector of 1 values"),
])
def test_reduce_window_bad_options(function, window, message):
    content = reduce_window_model((4,), np.float32, np.float32(0), window, [1] * len(window), [1] * len(window),
                                  function, (3,))
    with pytest.raises(edgelite.EdgeliteError, match=message):
        run_edgelite(content, [np.zeros(4, np.float32)])


def test_reduce_window_init_value_of_another_type():
    b = ModelBuilder()
    x = b.add_input("x", [4], np.float32)
    ins = [x, b.add_constant("init", np.array(0, np.int32))]
    ins += [b.add_constant(name, np.array([2], np.int64)) for name in ("shape", "strides", "dilations")]
    y = b.add_tensor("y", [2], np.float32)
    b.add_operator("REDUCE_WINDOW", ins, [y], {"reduce_function": "ADD"})
    b.mark_output(y)
    with pytest.raises(edgelite.EdgeliteError, match="init_value"):
        run_edgelite(b.build(), [np.zeros(4, np.float32)])


@requires_litert
def test_reduce_window_refuses_the_dtypes_litert_refuses():
    """LiteRT 2.3.0's kernel has no float16 case (it fails at invoke); edgelite refuses it by name at prepare."""
    content = reduce_window_model((4,), np.float16, np.float16(0), [2], [1], [1], "ADD", (3,))
    with pytest.raises(edgelite.EdgeliteError, match="input has type float16"):
        run_edgelite(content, [np.zeros(4, np.float16)])
    with pytest.raises(RuntimeError):
        run_litert(content, [np.zeros(4, np.float16)])
