"""L2_POOL_2D (float32): the root mean square of each window over real elements only, against NumPy over
filter sizes, strides, SAME/VALID padding and fused activations, and LiteRT's builtin kernel."""

import numpy as np
import pytest

from edgelite.testing import run_single_op
from litert_builtin import requires_litert, run_litert_builtin


def numpy_l2_pool(x, fh, fw, sh, sw, padding):
    n, h, w, c = x.shape
    if padding == "SAME":
        oh, ow = -(-h // sh), -(-w // sw)
        pt = max((oh - 1) * sh + fh - h, 0) // 2
        pl = max((ow - 1) * sw + fw - w, 0) // 2
    else:
        oh, ow = (h - fh) // sh + 1, (w - fw) // sw + 1
        pt = pl = 0
    out = np.zeros((n, oh, ow, c), np.float32)
    for y in range(oh):
        for xx in range(ow):
            y0, x0 = y * sh - pt, xx * sw - pl
            win = x[:, max(y0, 0):min(y0 + fh, h), max(x0, 0):min(x0 + fw, w)]
            out[:, y, xx] = np.sqrt(np.mean(win.astype(np.float64) ** 2, axis=(1, 2)))
    return out


def options(fh, fw, sh, sw, padding, act="NONE"):
    return {"filter_height": fh, "filter_width": fw, "stride_h": sh, "stride_w": sw, "padding": padding,
            "fused_activation_function": act}


@pytest.mark.parametrize("fh,fw,sh,sw", [(2, 2, 2, 2), (3, 3, 1, 1), (3, 2, 2, 1), (1, 1, 1, 1)])
@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_against_numpy(fh, fw, sh, sw, padding):
    x = np.random.default_rng(fh).standard_normal((2, 7, 6, 3)).astype(np.float32)
    got = run_single_op("L2_POOL_2D", [x], options(fh, fw, sh, sw, padding))[0]
    np.testing.assert_allclose(got, numpy_l2_pool(x, fh, fw, sh, sw, padding), rtol=1e-5)


def test_fused_relu6():
    x = (np.random.default_rng(0).standard_normal((1, 4, 4, 2)) * 10).astype(np.float32)
    got = run_single_op("L2_POOL_2D", [x], options(2, 2, 2, 2, "VALID", "RELU6"))[0]
    np.testing.assert_allclose(got, np.minimum(numpy_l2_pool(x, 2, 2, 2, 2, "VALID"), 6), rtol=1e-5)


@requires_litert
@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_against_litert(padding):
    x = np.random.default_rng(1).standard_normal((1, 9, 8, 4)).astype(np.float32)
    o = options(3, 3, 2, 2, padding)
    np.testing.assert_allclose(run_single_op("L2_POOL_2D", [x], o)[0], run_litert_builtin("L2_POOL_2D", [x], o)[0],
                               rtol=1e-6)
