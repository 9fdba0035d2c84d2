"""Kernel tests of resize_bilinear.cl and resize_nearest.cl on PoCL against NumPy over both flags and odd
sizes. The taps are made as delegates/opencl/ops/resize.cc makes them (the CPU kernel's geometry, in
float32), the expected values by an independent NumPy resize."""

import numpy as np
import pytest

import clharness

RNG = np.random.default_rng(23)
F = np.float32


def scale(in_size, out_size, align_corners):
    if align_corners and out_size > 1:
        return F(in_size - 1) / F(out_size - 1)
    return F(in_size) / F(out_size)


def bilinear_taps(in_size, out_size, align_corners, half_pixel):
    s = scale(in_size, out_size, align_corners)
    i = np.arange(out_size, dtype=F)
    pos = (i + F(0.5)) * s - F(0.5) if half_pixel else i * s
    lower = np.maximum(np.floor(pos).astype(np.int32), 0)
    upper = np.minimum(np.ceil(pos).astype(np.int32), in_size - 1)
    return lower, upper, (pos - lower).astype(F)


def nearest_index(in_size, out_size, align_corners, half_pixel):
    s = scale(in_size, out_size, align_corners)
    pos = (np.arange(out_size, dtype=F) + F(0.5 if half_pixel else 0.0)) * s
    # Half away from zero (positions are never negative here, so floor(pos + 0.5)).
    index = np.floor(pos + F(0.5)) if align_corners else np.floor(pos)
    return np.clip(index.astype(np.int32), 0, in_size - 1)


def bilinear_reference(x, out_h, out_w, align_corners, half_pixel):
    _, h, w, _ = x.shape
    y0, y1, dy = bilinear_taps(h, out_h, align_corners, half_pixel)
    x0, x1, dx = bilinear_taps(w, out_w, align_corners, half_pixel)
    dy, dx = dy[None, :, None, None].astype(np.float64), dx[None, None, :, None].astype(np.float64)
    xd = x.astype(np.float64)
    top = xd[:, y0][:, :, x0] * (1 - dx) + xd[:, y0][:, :, x1] * dx
    bottom = xd[:, y1][:, :, x0] * (1 - dx) + xd[:, y1][:, :, x1] * dx
    return top * (1 - dy) + bottom * dy


SIZES = [((1, 4, 4, 1), (8, 8)), ((2, 5, 7, 3), (3, 11)), ((1, 1, 1, 2), (4, 3)), ((1, 9, 6, 5), (9, 6)),
         ((1, 13, 3, 4), (1, 1))]
FLAGS = [(False, False), (True, False), (False, True)]


@pytest.mark.parametrize("shape,out_hw", SIZES)
@pytest.mark.parametrize("align_corners,half_pixel", FLAGS)
def test_resize_bilinear(shape, out_hw, align_corners, half_pixel):
    x = RNG.standard_normal(shape).astype(F)
    n, h, w, c = shape
    oh, ow = out_hw
    y0, y1, dy = bilinear_taps(h, oh, align_corners, half_pixel)
    x0, x1, dx = bilinear_taps(w, ow, align_corners, half_pixel)
    taps = np.concatenate([y0, y1, x0, x1]).astype(np.int32)
    fractions = np.concatenate([dy, dx]).astype(F)
    defines = {"IN_H": h, "IN_W": w, "OUT_H": oh, "OUT_W": ow, "C": c}
    out = np.zeros((n, oh, ow, c), F)
    (y,) = clharness.run("resize_bilinear.cl", defines, [x, taps, fractions, out], [c, ow, n * oh], outputs=[3])
    np.testing.assert_allclose(y, bilinear_reference(x, oh, ow, align_corners, half_pixel), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("shape,out_hw", SIZES)
@pytest.mark.parametrize("align_corners,half_pixel", FLAGS + [(True, True)])
def test_resize_nearest(shape, out_hw, align_corners, half_pixel):
    x = RNG.standard_normal(shape).astype(F)
    n, h, w, c = shape
    oh, ow = out_hw
    iy = nearest_index(h, oh, align_corners, half_pixel)
    ix = nearest_index(w, ow, align_corners, half_pixel)
    src = np.concatenate([iy, ix]).astype(np.int32)
    defines = {"IN_H": h, "IN_W": w, "OUT_H": oh, "OUT_W": ow, "C": c}
    out = np.zeros((n, oh, ow, c), F)
    (y,) = clharness.run("resize_nearest.cl", defines, [x, src, out], [c, ow, n * oh], outputs=[2])
    np.testing.assert_array_equal(y, x[:, iy][:, :, ix])
