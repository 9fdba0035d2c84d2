"""RESIZE_NEAREST_NEIGHBOR against the .tflite index rule written in NumPy (float32 scale and position,
round half away from zero with align_corners, floor otherwise): every flag combination, up/down/odd scales,
1-pixel sides, exact tie cases, all movable dtypes, run-time sizes, threads, failures, and LiteRT."""

import numpy as np
import pytest

import edgelite
from edgelite.testing import run_single_op
from testutil import requires_litert

# .tflite's nearest-neighbor kernel (unlike bilinear) runs with both flags set.
MODES = [dict(align_corners=a, half_pixel_centers=h) for a in (False, True) for h in (False, True)]
MODE_IDS = ["plain", "half_pixel", "align_corners", "both"]


def source_index(out_size, in_size, align_corners, half_pixel_centers):
    if align_corners and out_size > 1:
        scale = np.float32(in_size - 1) / np.float32(out_size - 1)
    else:
        scale = np.float32(in_size) / np.float32(out_size)
    pos = (np.arange(out_size, dtype=np.float32) + np.float32(0.5 if half_pixel_centers else 0.0)) * scale
    pos = pos.astype(np.float64)  # the float32 products, exactly
    if align_corners:
        index = np.floor(pos) + (pos - np.floor(pos) >= 0.5)  # half away from zero (pos >= 0)
    else:
        index = np.floor(pos)
    return np.clip(index, 0, in_size - 1).astype(np.int64)


def numpy_resize_nearest(x, out_h, out_w, align_corners=False, half_pixel_centers=False):
    rows = source_index(out_h, x.shape[1], align_corners, half_pixel_centers)
    cols = source_index(out_w, x.shape[2], align_corners, half_pixel_centers)
    return x[:, rows][:, :, cols]


def resize(x, size, constant=True, num_threads=1, runtime="edgelite", **options):
    return run_single_op("RESIZE_NEAREST_NEIGHBOR", [x, np.asarray(size, np.int32)], options,
                         constant_inputs=(1,) if constant else (), num_threads=num_threads, runtime=runtime)[0]


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
@pytest.mark.parametrize("in_hw, out_hw", [
    ((4, 4), (8, 8)), ((5, 7), (13, 3)), ((13, 11), (5, 4)), ((1, 1), (3, 2)), ((6, 6), (1, 1)),
    ((3, 5), (3, 5)), ((2, 9), (7, 1)), ((7, 7), (16, 23)), ((3, 3), (9, 9)), ((10, 10), (4, 6)),
])
def test_matches_tflite_rule(mode, in_hw, out_hw):
    rng = np.random.default_rng(sum(in_hw) * 100 + sum(out_hw))
    x = rng.standard_normal((2, *in_hw, 3)).astype(np.float32)
    out = resize(x, out_hw, **mode)
    assert out.shape == (2, *out_hw, 3)
    np.testing.assert_array_equal(out, numpy_resize_nearest(x, *out_hw, **mode))


def test_exact_indices():
    def rows(in_size, out_size, **mode):
        x = np.arange(in_size, dtype=np.float32).reshape(1, in_size, 1, 1)
        return resize(x, (out_size, 1), **mode)[0, :, 0, 0].astype(int).tolist()

    assert rows(2, 4) == [0, 0, 1, 1]                                # 0, 0.5, 1, 1.5 floored
    assert rows(3, 2) == [0, 1]                                      # 0, 1.5
    assert rows(2, 3, align_corners=True) == [0, 1, 1]               # 0, 0.5 (half rounds up), 1
    assert rows(3, 2, align_corners=True) == [0, 2]                  # corners meet
    assert rows(2, 4, half_pixel_centers=True) == [0, 0, 1, 1]       # 0.25, 0.75, 1.25, 1.75
    assert rows(4, 2, half_pixel_centers=True) == [1, 3]             # 1.0 and 3.0: ties take the right pixel
    assert rows(3, 2, half_pixel_centers=True) == [0, 2]             # 0.75, 2.25
    assert rows(3, 2, align_corners=True, half_pixel_centers=True) == [1, 2]  # round(1.0), round(3.0) clamped
    assert rows(5, 1, align_corners=True) == [0]                     # one output pixel: plain ratio


@pytest.mark.parametrize("dtype", [np.float32, np.int32, np.int64, np.int8, np.uint8, np.int16])
def test_dtypes(dtype):
    x = (np.arange(2 * 5 * 6 * 3) % 100).astype(dtype).reshape(2, 5, 6, 3)
    np.testing.assert_array_equal(resize(x, (11, 4), half_pixel_centers=True),
                                  numpy_resize_nearest(x, 11, 4, half_pixel_centers=True))


@pytest.mark.parametrize("channels", [1, 7, 32])
def test_channels_threads_and_run_time_size(channels):
    x = np.random.default_rng(channels).standard_normal((2, 17, 19, channels)).astype(np.float32)
    expected = numpy_resize_nearest(x, 40, 33, align_corners=True)
    np.testing.assert_array_equal(resize(x, (40, 33), num_threads=4, align_corners=True), expected)
    np.testing.assert_array_equal(resize(x, (40, 33), constant=False, align_corners=True), expected)


def test_prepare_failures():
    x = np.zeros((1, 4, 4, 2), np.float32)
    with pytest.raises(edgelite.EdgeliteError, match="size must have shape \\[2\\].*got \\[3\\]"):
        resize(x, (8, 8, 1))
    with pytest.raises(edgelite.EdgeliteError, match="input must be 4-D \\(NHWC\\), got shape \\[4, 4, 2\\]"):
        resize(np.zeros((4, 4, 2), np.float32), (8, 8))
    with pytest.raises(edgelite.EdgeliteError, match="output size must be positive, got \\[0, 8\\]"):
        resize(x, (0, 8))
    with pytest.raises(edgelite.EdgeliteError, match="output size must be positive, got \\[8, -3\\]"):
        resize(x, (8, -3), constant=False)
    with pytest.raises(edgelite.EdgeliteError, match="input 1 .* is int64, expected int32"):
        run_single_op("RESIZE_NEAREST_NEIGHBOR", [x, np.int64([8, 8])], constant_inputs=(1,))
    with pytest.raises(edgelite.EdgeliteError, match=r"input 0 .* is bool, expected"):
        resize(x.astype(np.bool_), (8, 8))
    with pytest.raises(edgelite.EdgeliteError, match="no pixels"):
        resize(np.zeros((1, 4, 0, 2), np.float32), (8, 8))


@requires_litert
@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
def test_matches_litert(mode):
    x = np.random.default_rng(5).standard_normal((2, 9, 14, 5)).astype(np.float32)
    for size in [(18, 28), (5, 31), (4, 4), (27, 3), (1, 1)]:
        np.testing.assert_array_equal(resize(x, size, **mode), resize(x, size, runtime="litert", **mode))
    xi = (x * 40).astype(np.int8)
    np.testing.assert_array_equal(resize(xi, (13, 6), **mode), resize(xi, (13, 6), runtime="litert", **mode))
