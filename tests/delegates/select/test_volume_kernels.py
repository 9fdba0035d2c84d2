"""Conv3D, Conv3DBackpropInputV2, AvgPool3D and MaxPool3D of libedgelite_select.so against NumPy: a
direct convolution over padded volumes, the input gradient checked as the convolution's adjoint
(<conv(x), dy> = <x, conv_backprop_input(dy)>) and against the NumPy scatter, pools over in-bounds
elements only."""

import numpy as np
import pytest

from select_harness import SelectError

RNG = np.random.default_rng(17)


def same_or_valid(in_size, k, stride, dilation, padding):
    extent = (k - 1) * dilation + 1
    if padding == "VALID":
        return max((in_size - extent) // stride + 1, 0), 0
    out = -(-in_size // stride)
    return out, max((out - 1) * stride + extent - in_size, 0) // 2


def conv3d_reference(x, w, strides, dilations, padding):
    b, *spatial, ci = x.shape
    *ks, fin, co = w.shape
    groups = ci // fin
    geo = [same_or_valid(spatial[i], ks[i], strides[i], dilations[i], padding) for i in range(3)]
    out = np.zeros((b,) + tuple(g[0] for g in geo) + (co,))
    xp = np.pad(x.astype(np.float64), [(0, 0)] + [(g[1], max(ks[i] * dilations[i] + g[0] * strides[i], 1))
                                                  for i, g in enumerate(geo)] + [(0, 0)])
    for kd in range(ks[0]):
        for kh in range(ks[1]):
            for kw in range(ks[2]):
                start = [kd * dilations[0], kh * dilations[1], kw * dilations[2]]
                patch = xp[:, start[0]::strides[0], start[1]::strides[1], start[2]::strides[2], :]
                patch = patch[:, :out.shape[1], :out.shape[2], :out.shape[3], :]
                for g in range(groups):
                    oc = slice(g * co // groups, (g + 1) * co // groups)
                    out[..., oc] += patch[..., g * fin:(g + 1) * fin] @ w[kd, kh, kw, :, oc]
    return out


CONV_CASES = [((1, 5, 6, 4, 3), (2, 3, 2, 3, 4), (1, 1, 1), (1, 1, 1), "SAME"),
              ((2, 6, 5, 7, 2), (3, 2, 3, 2, 3), (2, 1, 2), (1, 1, 1), "VALID"),
              ((1, 7, 7, 5, 2), (2, 2, 2, 2, 2), (1, 2, 1), (2, 1, 2), "SAME"),
              ((1, 4, 4, 4, 4), (1, 2, 2, 2, 6), (2, 2, 2), (1, 1, 1), "SAME")]  # 2 groups


def attrs(strides, dilations, padding):
    return {"strides": [1, *strides, 1], "dilations": [1, *dilations, 1], "padding": padding}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("xs,ws,strides,dilations,padding", CONV_CASES)
def test_conv3d(select_lib, xs, ws, strides, dilations, padding, dtype):
    x, w = RNG.standard_normal(xs).astype(dtype), RNG.standard_normal(ws).astype(dtype)
    (y,) = select_lib.run("Conv3D", [x, w], [dtype], attrs(strides, dilations, padding), constant={1})
    np.testing.assert_allclose(y, conv3d_reference(x, w, strides, dilations, padding), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("xs,ws,strides,dilations,padding", CONV_CASES)
def test_conv3d_backprop_input_is_the_adjoint(select_lib, xs, ws, strides, dilations, padding):
    x, w = RNG.standard_normal(xs), RNG.standard_normal(ws)
    y_ref = conv3d_reference(x, w, strides, dilations, padding)
    dy = RNG.standard_normal(y_ref.shape)
    (dx,) = select_lib.run("Conv3DBackpropInputV2", [np.array(xs, np.int32), w, dy], [np.float64],
                           attrs(strides, dilations, padding), constant={0, 1})
    assert dx.shape == xs
    np.testing.assert_allclose(np.vdot(y_ref, dy), np.vdot(x, dx), rtol=1e-9)
    # and element by element: the gradient of sum(conv(x) * dy) in x, by finite structure (linear in x)
    basis = np.zeros(xs)
    for flat in RNG.choice(x.size, 5, replace=False):
        basis.flat[:] = 0
        basis.flat[flat] = 1
        np.testing.assert_allclose(dx.flat[flat], np.vdot(conv3d_reference(basis, w, strides, dilations, padding), dy),
                                   rtol=1e-9, atol=1e-9)


def test_conv3d_errors(select_lib):
    x, w = np.ones((1, 4, 4, 4, 3), np.float32), np.ones((2, 2, 2, 2, 4), np.float32)
    with pytest.raises(SelectError, match="input channels 3 are not a multiple of the filter's 2"):
        select_lib.run("Conv3D", [x, w], [np.float32], attrs((1, 1, 1), (1, 1, 1), "SAME"))
    with pytest.raises(SelectError, match="attribute 'data_format' = string 'NCDHW' is not supported"):
        select_lib.run("Conv3D", [x, w[:, :, :, :1]], [np.float32],
                       dict(attrs((1, 1, 1), (1, 1, 1), "SAME"), data_format="NCDHW"))
    with pytest.raises(SelectError, match="out_backprop's shape does not match"):
        select_lib.run("Conv3DBackpropInputV2", [np.array([1, 4, 4, 4, 3], np.int32), np.ones((2, 2, 2, 3, 4)),
                                                 np.ones((1, 3, 4, 4, 4))], [np.float64],
                       attrs((1, 1, 1), (1, 1, 1), "SAME"), constant={0, 1})


def pool_reference(x, ksize, strides, padding, average):
    b, *spatial, ch = x.shape
    geo = [same_or_valid(spatial[i], ksize[i], strides[i], 1, padding) for i in range(3)]
    out = np.zeros((b,) + tuple(g[0] for g in geo) + (ch,))
    for idx in np.ndindex(*out.shape[1:4]):
        lo = [max(idx[i] * strides[i] - geo[i][1], 0) for i in range(3)]
        hi = [min(idx[i] * strides[i] - geo[i][1] + ksize[i], spatial[i]) for i in range(3)]
        win = x[:, lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2], :].astype(np.float64)
        out[:, idx[0], idx[1], idx[2], :] = win.mean(axis=(1, 2, 3)) if average else win.max(axis=(1, 2, 3))
    return out


@pytest.mark.parametrize("op", ["AvgPool3D", "MaxPool3D"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape,ksize,strides,padding", [((2, 5, 6, 7, 3), (2, 2, 2), (2, 2, 2), "SAME"),
                                                         ((1, 5, 5, 5, 2), (3, 2, 3), (1, 2, 2), "VALID"),
                                                         ((1, 4, 3, 5, 1), (3, 3, 3), (1, 1, 1), "SAME")])
def test_pool3d(select_lib, op, dtype, shape, ksize, strides, padding):
    x = RNG.standard_normal(shape).astype(dtype)
    (y,) = select_lib.run(op, [x], [dtype], {"ksize": [1, *ksize, 1], "strides": [1, *strides, 1], "padding": padding})
    np.testing.assert_allclose(y, pool_reference(x, ksize, strides, padding, op == "AvgPool3D"), rtol=1e-5, atol=1e-6)


def test_pool3d_errors(select_lib):
    with pytest.raises(SelectError, match="attribute 'ksize' = list\\(int\\) \\[2, 2, 2, 2, 1\\] is not supported"):
        select_lib.run("MaxPool3D", [np.ones((1, 4, 4, 4, 1), np.float32)], [np.float32],
                       {"ksize": [2, 2, 2, 2, 1], "strides": [1, 1, 1, 1, 1], "padding": "SAME"})
    with pytest.raises(SelectError, match="input must be 5-D NDHWC"):
        select_lib.run("AvgPool3D", [np.ones((1, 4, 4, 1), np.float32)], [np.float32],
                       {"ksize": [1, 2, 2, 2, 1], "strides": [1, 1, 1, 1, 1], "padding": "SAME"})
