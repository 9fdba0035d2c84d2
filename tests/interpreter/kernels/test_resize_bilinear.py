"""RESIZE_BILINEAR against TensorFlow's sampling formula written in NumPy: align_corners,
half_pixel_centers, up/down/odd scales, 1-pixel sides, run-time sizes, threads, failures, and LiteRT."""

import numpy as np
import pytest

import edgelite
from edgelite.testing import run_single_op
from testutil import requires_litert

MODES = [dict(align_corners=False, half_pixel_centers=False), dict(align_corners=True, half_pixel_centers=False),
         dict(align_corners=False, half_pixel_centers=True)]


def taps(in_size, out_size, align_corners, half_pixel_centers):
    """Per output index: lower and upper input index and the weight of the upper one (float32 math)."""
    if align_corners and out_size > 1:
        scale = np.float32(in_size - 1) / np.float32(out_size - 1)
    else:
        scale = np.float32(in_size) / np.float32(out_size)
    i = np.arange(out_size, dtype=np.float32)
    # Pixel centers: (i + 0.5) * scale - 0.5, which is below 0 near the top/left edge when upscaling.
    pos = (i + np.float32(0.5)) * scale - np.float32(0.5) if half_pixel_centers else i * scale
    lower = np.maximum(np.floor(pos).astype(np.int64), 0)
    upper = np.minimum(np.ceil(pos).astype(np.int64), in_size - 1)
    return lower, upper, (pos - lower.astype(np.float32)).astype(np.float64)


def numpy_resize_bilinear(x, out_h, out_w, align_corners=False, half_pixel_centers=False):
    _, in_h, in_w, _ = x.shape
    y0, y1, dy = taps(in_h, out_h, align_corners, half_pixel_centers)
    x0, x1, dx = taps(in_w, out_w, align_corners, half_pixel_centers)
    v = x.astype(np.float64)
    dy = dy[None, :, None, None]
    dx = dx[None, None, :, None]
    top = v[:, y0][:, :, x0] * (1 - dx) + v[:, y0][:, :, x1] * dx
    bottom = v[:, y1][:, :, x0] * (1 - dx) + v[:, y1][:, :, x1] * dx
    return (top * (1 - dy) + bottom * dy).astype(np.float32)


def resize(x, size, constant=True, num_threads=1, **options):
    return run_single_op("RESIZE_BILINEAR", [x, np.asarray(size, np.int32)], options,
                         constant_inputs=(1,) if constant else (), num_threads=num_threads)[0]


@pytest.mark.parametrize("mode", MODES, ids=["plain", "align_corners", "half_pixel"])
@pytest.mark.parametrize("in_hw, out_hw", [
    ((4, 4), (8, 8)), ((5, 7), (13, 3)), ((13, 11), (5, 4)), ((1, 1), (3, 2)), ((6, 6), (1, 1)),
    ((3, 5), (3, 5)), ((2, 9), (7, 1)), ((7, 7), (16, 23)),
])
def test_matches_tensorflow_formula(mode, in_hw, out_hw):
    rng = np.random.default_rng(sum(in_hw) * 100 + sum(out_hw))
    x = rng.standard_normal((2, *in_hw, 3)).astype(np.float32)
    out = resize(x, out_hw, **mode)
    assert out.shape == (2, *out_hw, 3)
    np.testing.assert_allclose(out, numpy_resize_bilinear(x, *out_hw, **mode), rtol=1e-5, atol=1e-5)


def test_half_pixel_edges_and_exact_values():
    # A 2x2 image upscaled to 4x4 with half-pixel centers: rows sample at -0.25, 0.25, 0.75, 1.25.
    x = np.array([0, 4, 8, 12], np.float32).reshape(1, 2, 2, 1)
    out = resize(x, (4, 4), half_pixel_centers=True)[0, :, :, 0]
    np.testing.assert_allclose(out[0], [0, 1, 3, 4], atol=1e-6)   # -0.25 clamps to the first pixel
    np.testing.assert_allclose(out[:, 0], [0, 2, 6, 8], atol=1e-6)
    out = resize(x, (3, 3), align_corners=True)[0, :, :, 0]
    np.testing.assert_allclose(out, [[0, 2, 4], [4, 6, 8], [8, 10, 12]], atol=1e-6)
    out = resize(x, (4, 4))[0, :, :, 0]  # plain: samples at 0, 0.5, 1, 1.5 (the last clamps)
    np.testing.assert_allclose(out[0], [0, 2, 4, 4], atol=1e-6)


@pytest.mark.parametrize("channels", [1, 7, 32])
def test_channels_threads_and_run_time_size(channels):
    x = np.random.default_rng(channels).standard_normal((1, 17, 19, channels)).astype(np.float32)
    expected = numpy_resize_bilinear(x, 40, 33, half_pixel_centers=True)
    np.testing.assert_allclose(resize(x, (40, 33), num_threads=4, half_pixel_centers=True), expected,
                               rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(resize(x, (40, 33), constant=False, half_pixel_centers=True), expected,
                               rtol=1e-5, atol=1e-5)


def test_prepare_failures():
    x = np.zeros((1, 4, 4, 2), np.float32)
    with pytest.raises(edgelite.EdgeliteError, match="align_corners and half_pixel_centers cannot both be true"):
        resize(x, (8, 8), align_corners=True, half_pixel_centers=True)
    with pytest.raises(edgelite.EdgeliteError, match="size must have shape \\[2\\]"):
        resize(x, (8, 8, 1))
    with pytest.raises(edgelite.EdgeliteError, match="input must be 4-D"):
        resize(np.zeros((4, 4, 2), np.float32), (8, 8))
    with pytest.raises(edgelite.EdgeliteError, match="output size must be positive, got \\[0, 8\\]"):
        resize(x, (0, 8))
    with pytest.raises(edgelite.EdgeliteError, match="output size must be positive"):
        resize(x, (-3, 8), constant=False)
    with pytest.raises(edgelite.EdgeliteError, match="input 1 .* is int64, expected int32"):
        run_single_op("RESIZE_BILINEAR", [x, np.int64([8, 8])], constant_inputs=(1,))
    with pytest.raises(edgelite.EdgeliteError, match="input.*int32, expected float32"):
        resize(x.astype(np.int32), (8, 8))
    with pytest.raises(edgelite.EdgeliteError, match="no pixels"):
        resize(np.zeros((1, 0, 4, 2), np.float32), (8, 8))


@requires_litert
@pytest.mark.parametrize("mode", MODES, ids=["plain", "align_corners", "half_pixel"])
def test_matches_litert(mode):
    x = np.random.default_rng(5).standard_normal((2, 9, 14, 5)).astype(np.float32)
    for size in [(18, 28), (5, 31), (4, 4)]:
        ours = resize(x, size, **mode)
        theirs = run_single_op("RESIZE_BILINEAR", [x, np.int32(size)], mode, constant_inputs=(1,),
                               runtime="litert")[0]
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)
