"""Kernel tests of the OpenCL delegate's data-movement kernels (copy.cl, strided_copy.cl, pad.cl) on
PoCL, against NumPy over options and odd shapes, with the defines delegates/opencl/ops/layout.cc uses
(planned by copy_plans.py)."""

import numpy as np
import pytest

import clharness
import copy_plans as plans

RNG = np.random.default_rng(12)


def _floats(shape):
    return RNG.standard_normal(shape).astype(np.float32)


def _strided_copy(x, axes, out_shape, in_base=0, out_base=0, out=None, defines=None, dtype=None):
    d, total = plans.strided_copy_defines(axes, in_base, out_base)
    d.update(defines or {})
    if out is None:
        out = np.full(out_shape, -7, dtype=x.dtype)
    (y,) = clharness.run("strided_copy.cl", d, [x, out], [max(total, 1)], outputs=[1])
    return y


@pytest.mark.parametrize("n", [1, 63, 64, 65, 1021])
def test_copy_float_and_int(n):
    x = _floats(n)
    (y,) = clharness.run("copy.cl", {}, [x, np.zeros_like(x), n], [n], outputs=[1])
    np.testing.assert_array_equal(y, x)
    xi = RNG.integers(-2**31, 2**31 - 1, n, dtype=np.int32)
    (yi,) = clharness.run("copy.cl", {"ELEM": "int"}, [xi, np.zeros_like(xi), n], [n], outputs=[1])
    np.testing.assert_array_equal(yi, xi)


@pytest.mark.parametrize("shape,perm", [
    ((5,), (0,)),
    ((3, 7), (1, 0)),
    ((2, 3, 5), (2, 0, 1)),
    ((1, 13, 17, 3), (0, 3, 1, 2)),  # NHWC -> NCHW
    ((2, 3, 1, 5), (0, 2, 1, 3)),    # moves an axis of size 1 only: a plain copy after simplifying
    ((2, 3, 4, 5, 3), (4, 2, 0, 3, 1)),
    ((2, 1, 3, 2, 5, 3), (5, 3, 1, 4, 0, 2)),
])
def test_transpose(shape, perm):
    x = _floats(shape)
    expected = np.transpose(x, perm)
    y = _strided_copy(x, plans.transpose_axes(shape, perm), expected.shape)
    np.testing.assert_array_equal(y, expected)


def test_transpose_int32():
    x = RNG.integers(-1000, 1000, (3, 4, 7), dtype=np.int32)
    y = _strided_copy(x, plans.transpose_axes(x.shape, (2, 0, 1)), (7, 3, 4), defines={"ELEM": "int"})
    np.testing.assert_array_equal(y, np.transpose(x, (2, 0, 1)))


@pytest.mark.parametrize("shape,slices", [
    ((10,), (slice(1, 9, 3),)),
    ((10,), (slice(8, 0, -3),)),
    ((7, 11), (slice(None), slice(None, None, -1))),
    ((4, 9, 13, 3), (slice(0, 4, 2), slice(1, 8), slice(12, None, -5), slice(0, 3))),
    ((3, 5, 7), (slice(2, 3), slice(0, 5, 4), slice(6, 0, -2))),
    ((2, 3, 4, 5, 6, 7), (slice(1, 2), slice(None), slice(3, 0, -1), slice(0, 5, 2), slice(None), slice(1, 6, 2))),
])
def test_strided_slice(shape, slices):
    x = _floats(shape)
    expected = x[slices]
    starts, strides, counts = [], [], []
    for s, d in zip(slices, shape):
        start, stop, step = s.indices(d)
        starts.append(start)
        strides.append(step)
        counts.append(len(range(start, stop, step)))
    axes, base = plans.slice_axes(shape, starts, strides, counts)
    y = _strided_copy(x, axes, expected.shape, in_base=base)
    np.testing.assert_array_equal(y, expected)


@pytest.mark.parametrize("shapes,axis,act", [
    ([(3, 5), (3, 2), (3, 7)], 1, 0),
    ([(1, 4, 4, 3), (1, 4, 4, 5)], 3, 1),
    ([(2, 3, 5), (4, 3, 5), (1, 3, 5)], 0, 3),
    ([(2, 1, 5, 3), (2, 6, 5, 3), (2, 3, 5, 3), (2, 2, 5, 3)], 1, 2),
    ([(5,), (1,), (11,)], 0, 0),
])
def test_concatenation(shapes, axis, act):
    xs = [_floats(s) * 4 for s in shapes]
    expected = np.concatenate(xs, axis)
    if act == 1:
        expected = np.maximum(expected, 0)
    elif act == 2:
        expected = np.clip(expected, -1, 1)
    elif act == 3:
        expected = np.clip(expected, 0, 6)
    out = np.full(expected.shape, np.nan, dtype=np.float32)
    offset = 0
    for x in xs:
        axes, base = plans.concat_axes(x.shape, axis, expected.shape[axis], offset)
        out = _strided_copy(x, axes, None, out_base=base, out=out, defines={"ACT": act})
        offset += x.shape[axis]
    np.testing.assert_array_equal(out, expected)


def _depth_to_space(x, bs):
    n, h, w, c = x.shape
    return x.reshape(n, h, w, bs, bs, c // (bs * bs)).transpose(0, 1, 3, 2, 4, 5).reshape(n, h * bs, w * bs, -1)


@pytest.mark.parametrize("shape,bs", [((1, 3, 5, 4), 2), ((2, 2, 3, 27), 3), ((1, 7, 1, 8), 2), ((1, 2, 2, 5), 1)])
def test_depth_to_space_and_back(shape, bs):
    x = _floats(shape)
    expected = _depth_to_space(x, bs)
    y = _strided_copy(x, plans.depth_space_axes(shape, bs, to_space=True), expected.shape)
    np.testing.assert_array_equal(y, expected)
    back = _strided_copy(y, plans.depth_space_axes(shape, bs, to_space=False), shape)
    np.testing.assert_array_equal(back, x)


@pytest.mark.parametrize("shape,paddings", [
    ((5,), [(2, 3)]),
    ((3, 4), [(0, 0), (1, 2)]),
    ((1, 5, 7, 3), [(0, 0), (1, 1), (2, 3), (0, 0)]),
    ((2, 3, 4, 5), [(1, 0), (0, 2), (0, 0), (3, 1)]),
    ((2, 3, 1, 4, 2, 3), [(0, 1), (2, 0), (0, 0), (1, 3), (0, 0), (0, 0)]),
])
@pytest.mark.parametrize("mode", ["constant", "reflect", "symmetric"])
def test_pad(shape, paddings, mode):
    x = _floats(shape)
    limit = 1 if mode == "reflect" else 0
    if any(b > d - limit or a > d - limit for d, (b, a) in zip(shape, paddings)):
        pytest.skip("paddings too large for this mirror mode (the CPU prepare refuses them)")
    value = np.array([2.5], np.float32)
    if mode == "constant":
        expected = np.pad(x, paddings, mode="constant", constant_values=2.5)
    else:
        expected = np.pad(x, paddings, mode=mode)
    code = {"constant": 0, "reflect": 1, "symmetric": 2}[mode]
    d, total = plans.pad_defines(shape, [p[0] for p in paddings], [p[1] for p in paddings], code)
    out = np.zeros(expected.shape, np.float32)
    (y,) = clharness.run("pad.cl", d, [x, value, out], [total], outputs=[2])
    np.testing.assert_array_equal(y, expected)


def test_pad_int32_constant():
    x = RNG.integers(-50, 50, (3, 4), dtype=np.int32)
    d, total = plans.pad_defines(x.shape, [1, 0], [2, 3], 0)
    d["ELEM"] = "int"
    out = np.zeros((6, 7), np.int32)
    (y,) = clharness.run("pad.cl", d, [x, np.array([-9], np.int32), out], [total], outputs=[2])
    np.testing.assert_array_equal(y, np.pad(x, [(1, 2), (0, 3)], constant_values=-9))
