"""kernels/pool2d.cl, launched as ops/pool.cc launches it, against NumPy: average and max, SAME and VALID,
strides on odd sizes, even windows, channels off 4, fused activations; the average divides by the number of
in-bounds elements (TFLite), never by the window size."""

import numpy as np
import pytest

import clharness
from edgelite.testing import run_single_op
from filter_launches import ACTIVATION_NAMES, activate, div_up, output_size, padded_input, padding_before, taps


def pool_launch(x, kh, kw, sh, sw, same, act, is_max):
    n, ih, iw, c = x.shape
    oh, ow = output_size(same, ih, kh, sh, 1), output_size(same, iw, kw, sw, 1)
    blocks = div_up(c, 4)
    defines = dict(BATCH=n, IH=ih, IW=iw, C=c, OH=oh, OW=ow, KH=kh, KW=kw, SH=sh, SW=sw,
                   PT=padding_before(sh, 1, ih, kh, oh), PL=padding_before(sw, 1, iw, kw, ow), ACT=act,
                   NUM_BLOCKS=blocks, POOL_MAX=int(is_max), C_VEC4=int(c % 4 == 0))
    out = np.zeros((n, oh, ow, c), np.float32)
    (y,) = clharness.run("pool2d.cl", defines, [x, out], (blocks, ow, n * oh), outputs=[1])
    return y


def pool_reference(x, kh, kw, sh, sw, same, act, is_max):
    stride, dilation = (sh, sw), (1, 1)
    xp, oh, ow = padded_input(x.astype(np.float64), kh, kw, stride, dilation, same, fill=np.nan)
    wins = np.stack([w for _, _, w in taps(xp, oh, ow, kh, kw, stride, dilation)])
    out = np.nanmax(wins, axis=0) if is_max else np.nanmean(wins, axis=0)  # NaN marks the padding
    return activate(out, act)


POOL_CASES = [
    ((1, 7, 9, 3), 3, 3, 2, 2, True, 0),     # stride 2 on odd sizes, channels off 4
    ((2, 8, 8, 8), 2, 2, 2, 2, False, 1),    # the usual 2x2 VALID, vector loads
    ((1, 6, 7, 5), 2, 4, 1, 1, True, 3),     # SAME with even windows: padding after
    ((1, 9, 9, 4), 3, 3, 1, 1, True, 2),     # SAME stride 1: partial windows at every edge
    ((1, 1, 1, 6), 3, 3, 1, 1, True, 0),     # 1x1 image
    ((1, 7, 7, 10), 7, 7, 1, 1, False, 0),   # global pool
    ((1, 5, 8, 2), 1, 3, 1, 3, True, 0),
]


@pytest.mark.parametrize("is_max", [False, True])
@pytest.mark.parametrize("shape,kh,kw,sh,sw,same,act", POOL_CASES)
def test_pool2d(shape, kh, kw, sh, sw, same, act, is_max):
    rng = np.random.default_rng(kh * 100 + kw * 10 + sh + int(is_max))
    x = rng.standard_normal(shape).astype(np.float32)
    got = pool_launch(x, kh, kw, sh, sw, same, act, is_max)
    want = pool_reference(x, kh, kw, sh, sw, same, act, is_max)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("is_max", [False, True])
@pytest.mark.parametrize("shape,kh,kw,sh,sw,same,act", POOL_CASES)
def test_pool_reference_is_the_cpu_path(shape, kh, kw, sh, sw, same, act, is_max):
    x = np.random.default_rng(11).standard_normal(shape).astype(np.float32)
    options = dict(padding="SAME" if same else "VALID", stride_h=sh, stride_w=sw, filter_height=kh, filter_width=kw,
                   fused_activation_function=ACTIVATION_NAMES[act])
    (cpu,) = run_single_op("MAX_POOL_2D" if is_max else "AVERAGE_POOL_2D", [x], options)
    np.testing.assert_allclose(cpu, pool_reference(x, kh, kw, sh, sw, same, act, is_max), rtol=1e-5, atol=1e-6)
