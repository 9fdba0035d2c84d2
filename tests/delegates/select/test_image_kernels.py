"""ResizeBicubic and CropAndResize of libedgelite_select.so against NumPy references written from TF's
documented method (TF's own outputs are checked by the select_image golden model)."""

import numpy as np
import pytest

from select_harness import SelectError

RNG = np.random.default_rng(23)


def cubic_weights(in_size, out_size, align_corners, half_pixel):
    """[out_size, in_size] matrix of TF's bicubic tap weights: a 1025-entry table of the cubic kernel
    (a = -0.5 with half-pixel centres, taps outside dropped and the rest renormalised; else a = -0.75 with
    taps clamped to the edge)."""
    a = -0.5 if half_pixel else -0.75
    x = (np.arange(1025) / 1024).astype(np.float32)
    near = ((a + 2) * x - (a + 3)) * x * x + 1
    far = ((a * (x + 1) - 5 * a) * (x + 1) + 8 * a) * (x + 1) - 4 * a
    scale = np.float32((in_size - 1) / (out_size - 1) if align_corners and out_size > 1 else in_size / out_size)
    m = np.zeros((out_size, in_size), np.float64)
    for o in range(out_size):
        pos = np.float32((o + 0.5) * scale - 0.5) if half_pixel else np.float32(o * scale)
        base = int(np.floor(pos))
        off = int(np.rint((pos - base) * 1024))
        raw = [far[off], near[off], near[1024 - off], far[1024 - off]]
        taps = [(base - 1 + k, raw[k]) for k in range(4)]
        if half_pixel:
            taps = [(i, w) for i, w in taps if 0 <= i < in_size]
            total = sum(w for _, w in taps)
            taps = [(i, w / total) for i, w in taps]
        for i, w in taps:
            m[o, min(max(i, 0), in_size - 1)] += w
    return m


@pytest.mark.parametrize("dtype", [np.float32, np.uint8, np.int32, np.float64])
@pytest.mark.parametrize("align,half", [(False, False), (True, False), (False, True)])
@pytest.mark.parametrize("in_hw,out_hw", [((4, 5), (7, 9)), ((6, 6), (3, 4)), ((1, 3), (2, 1)), ((5, 4), (5, 4))])
def test_resize_bicubic(select_lib, dtype, align, half, in_hw, out_hw):
    x = (RNG.standard_normal((2,) + in_hw + (3,)) * 40 + 100).astype(dtype)
    (y,) = select_lib.run("ResizeBicubic", [x, np.array(out_hw, np.int32)], [np.float32],
                          {"align_corners": align, "half_pixel_centers": half})
    wy = cubic_weights(in_hw[0], out_hw[0], align, half)
    wx = cubic_weights(in_hw[1], out_hw[1], align, half)
    ref = np.einsum("yi,xj,bijc->byxc", wy, wx, x.astype(np.float64))
    assert y.dtype == np.float32 and y.shape == (2,) + out_hw + (3,)
    np.testing.assert_allclose(y, ref, rtol=1e-5, atol=1e-3)


def test_resize_bicubic_keeps_a_constant_image_with_half_pixel_centers(select_lib):
    x = np.full((1, 3, 3, 1), 7.0, np.float32)
    (y,) = select_lib.run("ResizeBicubic", [x, np.array([8, 8], np.int32)], [np.float32], {"half_pixel_centers": True})
    np.testing.assert_allclose(y, 7.0, rtol=1e-6)


def test_resize_bicubic_errors(select_lib):
    x = np.ones((1, 3, 3, 1), np.float32)
    with pytest.raises(SelectError, match="attribute 'align_corners' = bool true is not supported"):
        select_lib.run("ResizeBicubic", [x, np.array([4, 4], np.int32)], [np.float32],
                       {"align_corners": True, "half_pixel_centers": True})
    with pytest.raises(SelectError, match=r"output size \[0, 4\] must be positive"):
        select_lib.run("ResizeBicubic", [x, np.array([0, 4], np.int32)], [np.float32])


def crop_reference(image, boxes, box_ind, size, method, extrapolation):
    n, (ch, cw) = len(boxes), size
    _, h, w, d = image.shape
    out = np.zeros((n, ch, cw, d), np.float64)
    for b, (y1, x1, y2, x2) in enumerate(boxes.astype(np.float64)):
        img = image[box_ind[b]].astype(np.float64)
        for oy in range(ch):
            iy = y1 * (h - 1) + oy * (y2 - y1) * (h - 1) / (ch - 1) if ch > 1 else 0.5 * (y1 + y2) * (h - 1)
            for ox in range(cw):
                ix = x1 * (w - 1) + ox * (x2 - x1) * (w - 1) / (cw - 1) if cw > 1 else 0.5 * (x1 + x2) * (w - 1)
                if not (0 <= iy <= h - 1 and 0 <= ix <= w - 1):
                    out[b, oy, ox] = extrapolation
                elif method == "nearest":
                    out[b, oy, ox] = img[int(np.floor(iy + 0.5)), int(np.floor(ix + 0.5))]
                else:
                    t, l = int(np.floor(iy)), int(np.floor(ix))
                    bt, r = int(np.ceil(iy)), int(np.ceil(ix))
                    dy, dx = iy - t, ix - l
                    top = img[t, l] + (img[t, r] - img[t, l]) * dx
                    bottom = img[bt, l] + (img[bt, r] - img[bt, l]) * dx
                    out[b, oy, ox] = top + (bottom - top) * dy
    return out


BOXES = np.array([[0, 0, 1, 1], [0.1, 0.2, 0.7, 0.9], [0.8, 0.9, 0.2, 0.1], [-0.3, -0.2, 1.2, 1.4],
                  [0.4, 0.4, 0.4, 0.4]], np.float32)


@pytest.mark.parametrize("method", ["bilinear", "nearest"])
@pytest.mark.parametrize("size", [(3, 4), (1, 1), (5, 2)])
@pytest.mark.parametrize("dtype", [np.float32, np.uint8, np.int16])
def test_crop_and_resize(select_lib, method, size, dtype):
    image = (RNG.standard_normal((2, 6, 7, 3)) * 30 + 60).astype(dtype)
    box_ind = np.array([0, 1, 0, 1, 1], np.int32)
    (y,) = select_lib.run("CropAndResize", [image, BOXES, box_ind, np.array(size, np.int32)], [np.float32],
                          {"method": method, "extrapolation_value": -5.0})
    ref = crop_reference(image, BOXES, box_ind, size, method, -5.0)
    np.testing.assert_allclose(y, ref, rtol=1e-5, atol=1e-3)


def test_crop_and_resize_errors(select_lib):
    image = np.ones((2, 4, 4, 1), np.float32)
    with pytest.raises(SelectError, match=r"box_ind\[0\] = 2 is outside \[0, 2\)"):
        select_lib.run("CropAndResize", [image, BOXES[:1], np.array([2], np.int32), np.array([2, 2], np.int32)],
                       [np.float32])
    with pytest.raises(SelectError, match="attribute 'method' = string 'bicubic' is not supported"):
        select_lib.run("CropAndResize", [image, BOXES[:1], np.array([0], np.int32), np.array([2, 2], np.int32)],
                       [np.float32], {"method": "bicubic"})
