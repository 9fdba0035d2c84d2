"""CONV_2D 3x3 stride 1 by Winograd F(2x2, 3x3) (interpreter/kernels/optimized/conv_f32_winograd.cc) against
NumPy: SAME and VALID padding, odd output sizes (tiles cut by the image's edge), channels off the vector width,
batches, fused activations and bias, threads, the large-filter blocking, and the direct path's neighbours."""

import numpy as np
import pytest

from conv_family import ACTIVATION_AND_BIAS, assert_close, check_both_kernels, random
from edgelite.testing import run_single_op
from test_conv2d import conv2d_reference, depth, options

# (input NHWC, filter [out_c, 3, 3, in_c], padding): each takes the Winograd path (harmonic mean of the
# channels >= 40, >= 32 tiles per image, or >= 16 with a transformed filter over 1 MB).
CASES = [
    ((1, 12, 12, 64), (64, 3, 3, 64), "SAME"),
    ((2, 17, 15, 48), (40, 3, 3, 48), "VALID"),   # odd outputs: 15 x 13
    ((1, 19, 20, 45), (50, 3, 3, 45), "SAME"),    # channels off the vector width
    ((1, 16, 16, 128), (32, 3, 3, 128), "SAME"),  # DenseNet's 128 -> 32
    ((1, 7, 7, 256), (256, 3, 3, 256), "SAME"),   # 16 tiles, a 4 MB transformed filter: one block per thread
    ((1, 9, 9, 40), (40, 3, 3, 40), "SAME"),      # 25 tiles: the direct path
]


def case_id(case):
    x, w, p = case
    return f"x{'x'.join(map(str, x))}-w{'x'.join(map(str, w))}-{p}"


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_matches_numpy(case):
    x_shape, w_shape, padding = case
    rng = np.random.default_rng(sum(x_shape) + sum(w_shape))
    x, w, b = random(rng, x_shape), random(rng, w_shape), random(rng, (w_shape[0],))
    for activation, with_bias in ACTIVATION_AND_BIAS:
        bias = b if with_bias else None
        check_both_kernels("CONV_2D", [x, w, bias], options(padding=padding, activation=activation),
                           conv2d_reference(x, w, bias, (1, 1), (1, 1), padding, activation), depth(w),
                           constant_inputs=(1, 2))


@pytest.mark.parametrize("threads", [2, 3])
@pytest.mark.parametrize("case", CASES[:5], ids=case_id)
def test_threads(case, threads):
    x_shape, w_shape, padding = case
    rng = np.random.default_rng(threads)
    x, w, b = random(rng, x_shape), random(rng, w_shape), random(rng, (w_shape[0],))
    (y,) = run_single_op("CONV_2D", [x, w, b], options(padding=padding, activation="RELU6"), constant_inputs=(1, 2),
                         num_threads=threads)
    assert_close(y, conv2d_reference(x, w, b, (1, 1), (1, 1), padding, "RELU6"), depth(w))


def test_runtime_filter():
    # Filter and bias fed at invoke: transformed and packed at every eval.
    rng = np.random.default_rng(11)
    x, w, b = random(rng, (1, 12, 12, 64)), random(rng, (64, 3, 3, 64)), random(rng, (64,))
    check_both_kernels("CONV_2D", [x, w, b], options(), conv2d_reference(x, w, b, (1, 1), (1, 1), "SAME", "NONE"),
                       depth(w))
