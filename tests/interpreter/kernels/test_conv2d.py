"""CONV_2D: the packed-GEMM kernel and its reference twin against a NumPy reference, over the direct 1x1
path, im2col (strides, dilation, SAME/VALID, odd and prime sizes, several im2col blocks, panel tails),
grouped convolution, runtime filters, threads, resizing, and prepare failures."""

import numpy as np
import pytest

import edgelite
from testutil import requires_litert
from conv_family import ACTIVATION_AND_BIAS, activate, assert_close, check_both_kernels, random, windows
from edgelite.testing import run_model, run_single_op, single_op_model
from kernel_twins import needs_vector_kernels, run_optimized_and_reference


def conv2d_reference(x, w, b, stride, dilation, padding, activation):
    out_c, kh, kw, filter_in_c = w.shape
    groups = x.shape[3] // filter_in_c
    win = windows(x, kh, kw, stride, dilation, padding)
    n, oh, ow = win.shape[:3]
    win = win.reshape(n, oh, ow, kh, kw, groups, filter_in_c)
    wg = w.astype(np.float64).reshape(groups, out_c // groups, kh, kw, filter_in_c)
    out = np.einsum("nyxhwgc,gohwc->nyxgo", win, wg).reshape(n, oh, ow, out_c)
    if b is not None:
        out = out + b
    return activate(out, activation)


def depth(w):
    """Products summed per output: kh * kw * filter_in_c."""
    return int(np.prod(w.shape[1:]))


def options(stride=(1, 1), dilation=(1, 1), padding="SAME", activation="NONE"):
    return {"padding": padding, "stride_h": stride[0], "stride_w": stride[1], "dilation_h_factor": dilation[0],
            "dilation_w_factor": dilation[1], "fused_activation_function": activation}


# (input NHWC, filter [out_c, kh, kw, filter_in_c], stride, dilation, padding)
CASES = [
    # 1x1 stride 1: one GEMM on the input, output channels around the 16/32-wide panels
    ((1, 7, 7, 24), (144, 1, 1, 24), (1, 1), (1, 1), "SAME"),
    ((2, 5, 3, 17), (33, 1, 1, 17), (1, 1), (1, 1), "VALID"),
    ((1, 1, 1, 1), (1, 1, 1, 1), (1, 1), (1, 1), "SAME"),
    ((1, 13, 13, 32), (15, 1, 1, 32), (1, 1), (1, 1), "SAME"),
    ((1, 3, 5, 7), (16, 1, 1, 7), (1, 1), (1, 1), "SAME"),
    ((1, 3, 5, 7), (17, 1, 1, 7), (1, 1), (1, 1), "SAME"),
    ((1, 3, 5, 7), (31, 1, 1, 7), (1, 1), (1, 1), "SAME"),
    ((1, 3, 5, 7), (48, 1, 1, 7), (1, 1), (1, 1), "SAME"),
    # 1x1 with stride: im2col gathers every other pixel
    ((1, 13, 11, 8), (17, 1, 1, 8), (2, 2), (1, 1), "SAME"),
    # 3x3: MobileNet's first layer, odd sizes, mixed strides
    ((1, 16, 16, 3), (32, 3, 3, 3), (2, 2), (1, 1), "SAME"),
    ((1, 7, 9, 5), (7, 3, 3, 5), (1, 1), (1, 1), "SAME"),
    ((1, 7, 9, 5), (7, 3, 3, 5), (1, 1), (1, 1), "VALID"),
    ((2, 13, 13, 16), (31, 3, 3, 16), (1, 2), (1, 1), "VALID"),
    ((1, 17, 17, 4), (6, 5, 5, 4), (2, 2), (1, 1), "SAME"),
    ((1, 6, 8, 2), (3, 4, 4, 2), (2, 2), (1, 1), "SAME"),  # even filter: SAME pads unevenly
    # dilation, non-square filters
    ((1, 13, 15, 6), (10, 3, 3, 6), (1, 1), (2, 2), "SAME"),
    ((1, 12, 12, 3), (5, 3, 2, 3), (1, 1), (2, 3), "VALID"),
    ((1, 9, 11, 7), (9, 1, 7, 7), (1, 1), (1, 1), "SAME"),
    ((1, 9, 11, 7), (9, 7, 1, 7), (3, 1), (1, 1), "SAME"),
    # windows wider than the input (SAME pads on every side)
    ((1, 2, 3, 4), (5, 5, 5, 4), (1, 1), (1, 1), "SAME"),
    # several im2col blocks per thread: k = 27 and k = 576
    ((1, 40, 40, 3), (8, 3, 3, 3), (1, 1), (1, 1), "SAME"),
    ((1, 12, 12, 64), (20, 3, 3, 64), (1, 1), (1, 1), "SAME"),
    # implicit GEMM (8+ channels per group): the input read through tap pointers, padding as a zero row;
    # odd pixel counts end in partial row tiles, panels in partial vectors
    ((1, 9, 11, 8), (20, 3, 3, 8), (2, 2), (1, 1), "SAME"),
    ((2, 11, 10, 9), (33, 5, 5, 9), (2, 1), (1, 1), "VALID"),
    ((1, 9, 9, 12), (10, 1, 7, 12), (1, 1), (1, 1), "SAME"),
    ((1, 9, 9, 12), (48, 7, 1, 12), (1, 1), (1, 1), "SAME"),
    ((1, 5, 4, 40), (7, 3, 3, 40), (1, 1), (3, 2), "SAME"),
    # several tap-pointer blocks per thread: 3500 pixels x 9 taps
    ((1, 70, 50, 8), (17, 3, 3, 8), (1, 1), (1, 1), "SAME"),
    # k in blocks: taps longer than a block split in pieces (300 channels), a 1x1 GEMM's k = 600 in three,
    # and more rows than one row block
    ((1, 5, 7, 300), (20, 3, 3, 300), (1, 1), (1, 1), "SAME"),
    ((1, 17, 19, 600), (40, 1, 1, 600), (1, 1), (1, 1), "VALID"),
    # grouped: groups = input channels / filter input channels
    ((1, 8, 8, 8), (12, 3, 3, 4), (1, 1), (1, 1), "SAME"),
    ((1, 7, 7, 12), (12, 1, 1, 4), (1, 1), (1, 1), "SAME"),
    ((1, 9, 9, 6), (6, 3, 3, 1), (2, 2), (1, 1), "SAME"),
    ((2, 10, 9, 8), (8, 3, 3, 2), (1, 1), (2, 2), "VALID"),
    ((1, 7, 7, 16), (24, 3, 3, 8), (1, 1), (2, 2), "SAME"),  # implicit, two groups
    ((1, 6, 7, 24), (9, 3, 3, 8), (2, 2), (1, 1), "VALID"),  # implicit, three groups
]


def case_id(case):
    x, w, s, d, p = case
    return f"x{'x'.join(map(str, x))}-w{'x'.join(map(str, w))}-s{s[0]}{s[1]}-d{d[0]}{d[1]}-{p}"


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_matches_numpy_both_kernels(case):
    x_shape, w_shape, stride, dilation, padding = case
    rng = np.random.default_rng(sum(x_shape) * 31 + sum(w_shape))
    x, w, b = random(rng, x_shape), random(rng, w_shape), random(rng, (w_shape[0],))
    for activation, with_bias in ACTIVATION_AND_BIAS:
        bias = b if with_bias else None
        check_both_kernels("CONV_2D", [x, w, bias], options(stride, dilation, padding, activation),
                           conv2d_reference(x, w, bias, stride, dilation, padding, activation), depth(w),
                           constant_inputs=(1, 2))


# The segment pointers per output row: pixels whose window is inside the image take pointers by additions, the
# rest (padding on a side, above, below) the general path; blocks of rows end mid-row and cross images.
ROW_CASES = [
    ((2, 31, 45, 3), (16, 3, 3, 3), (2, 2), (1, 1), "SAME"),   # first layer, batch 2, pad right and below
    ((1, 96, 97, 3), (16, 3, 3, 3), (2, 2), (1, 1), "VALID"),  # several pointer blocks, ending mid-row
    ((1, 33, 30, 3), (8, 5, 5, 3), (1, 1), (1, 1), "SAME"),    # two columns of padding each side
    ((1, 14, 17, 3), (4, 3, 3, 3), (2, 3), (2, 2), "SAME"),    # dilation with strides
    ((2, 15, 14, 8), (9, 3, 3, 8), (2, 2), (1, 1), "SAME"),    # tap segments, batch 2
    ((1, 20, 9, 8), (5, 3, 7, 8), (1, 2), (1, 1), "SAME"),     # window wider than most of the row
    ((1, 19, 17, 3), (32, 3, 3, 3), (2, 2), (1, 1), "SAME"),   # 9-float filter rows, two-vector panels
    ((1, 23, 21, 3), (24, 7, 7, 3), (2, 2), (1, 1), "SAME"),   # 21-float filter rows (a 7x7 stem), partial panel
    ((1, 16, 16, 3), (64, 7, 7, 3), (2, 2), (1, 1), "VALID"),  # 21-float rows, two panels
]


@pytest.mark.parametrize("case", ROW_CASES, ids=[case_id(c) for c in ROW_CASES])
@pytest.mark.parametrize("threads", [1, 3])
def test_segment_pointer_rows(case, threads):
    x_shape, w_shape, stride, dilation, padding = case
    rng = np.random.default_rng(sum(x_shape) * 7 + sum(w_shape))
    x, w, b = random(rng, x_shape), random(rng, w_shape), random(rng, (w_shape[0],))
    check_both_kernels("CONV_2D", [x, w, b], options(stride, dilation, padding, "NONE"),
                       conv2d_reference(x, w, b, stride, dilation, padding, "NONE"), depth(w), constant_inputs=(1, 2),
                       num_threads=threads)


@pytest.mark.parametrize("case", [CASES[0], CASES[10], CASES[20], CASES[27], CASES[28], CASES[29], CASES[30], CASES[-2]],
                         ids=case_id)
def test_two_threads(case):
    x_shape, w_shape, stride, dilation, padding = case
    rng = np.random.default_rng(7)
    x, w, b = random(rng, x_shape), random(rng, w_shape), random(rng, (w_shape[0],))
    (y,) = run_single_op("CONV_2D", [x, w, b], options(stride, dilation, padding, "RELU"), constant_inputs=(1, 2),
                         num_threads=2)
    assert_close(y, conv2d_reference(x, w, b, stride, dilation, padding, "RELU"), depth(w))


# 1x1 convolutions that the GEMM cuts into row x panel tiles by thread count: few rows (7x7, 49 rows: six full
# row tiles and one row), few panels (96 or 160 columns), and a batch-1 product of many panels.
SPLIT_CASES = [((1, 7, 7, 96), 160), ((1, 14, 14, 40), 96), ((1, 7, 7, 24), 1000), ((1, 1, 1, 64), 300)]


@pytest.mark.parametrize("threads", [2, 3, 4, 5])
@pytest.mark.parametrize("x_shape, out_c", SPLIT_CASES, ids=lambda v: str(v))
def test_gemm_tiles_by_thread_count(x_shape, out_c, threads):
    # Each output value is computed once by one tile with the same sums whatever the cut: equal to one thread's.
    rng = np.random.default_rng(out_c)
    w_shape = (out_c, 1, 1, x_shape[-1])
    x, w, b = random(rng, x_shape), random(rng, w_shape), random(rng, (out_c,))
    outs = [run_single_op("CONV_2D", [x, w, b], options(activation="RELU6"), constant_inputs=(1, 2),
                          num_threads=t)[0] for t in (1, threads)]
    np.testing.assert_array_equal(outs[1], outs[0])
    assert_close(outs[1], conv2d_reference(x, w, b, (1, 1), (1, 1), "SAME", "RELU6"), depth(w))


@pytest.mark.parametrize("case", [CASES[0], CASES[11], CASES[23], CASES[29], CASES[30]], ids=case_id)
def test_runtime_filter_and_bias(case):
    # Filter and bias fed at invoke: packed at every eval instead of once at prepare.
    x_shape, w_shape, stride, dilation, padding = case
    rng = np.random.default_rng(3)
    x, w, b = random(rng, x_shape), random(rng, w_shape), random(rng, (w_shape[0],))
    check_both_kernels("CONV_2D", [x, w, b], options(stride, dilation, padding),
                       conv2d_reference(x, w, b, stride, dilation, padding, "NONE"), depth(w))


def check_across_resizes(w, b, stride, shapes, rng):
    """One interpreter, its input resized to each shape in turn (re-prepared each time), against NumPy."""
    model = single_op_model("CONV_2D", [random(rng, shapes[0]), w, b], options(stride), constant_inputs=(1, 2))
    interp = edgelite.Interpreter(model_content=model)
    index = interp.get_input_details()[0]["index"]
    for shape in shapes:
        x = random(rng, shape)
        interp.resize_tensor_input(index, list(shape))
        interp.allocate_tensors()
        interp.set_tensor(index, x)
        interp.invoke()
        y = interp.get_tensor(interp.get_output_details()[0]["index"])
        assert_close(y, conv2d_reference(x, w, b, stride, (1, 1), "SAME", "NONE"), depth(w))


def test_resize_input_keeps_packed_weights():
    rng = np.random.default_rng(5)
    check_across_resizes(random(rng, (9, 3, 3, 4)), random(rng, (9,)), (2, 1),
                         [(1, 5, 5, 4), (2, 11, 7, 4), (1, 3, 4, 4)], rng)


def test_resize_to_more_input_channels_regroups():
    # The filter has 2 input channels: a 2-channel input is one group, a 4-channel input two groups,
    # which packs the same filter differently into as many floats (one 32-wide panel or two 16-wide).
    rng = np.random.default_rng(6)
    check_across_resizes(random(rng, (32, 3, 3, 2)), None, (1, 1), [(1, 5, 5, 2), (1, 5, 5, 4), (1, 5, 5, 2)], rng)


def test_batch_of_zero_images():
    w = np.ones((3, 3, 3, 2), np.float32)
    (y,) = run_model(single_op_model("CONV_2D", [np.ones((1, 4, 4, 2), np.float32), w], options(),
                                     constant_inputs=(1,)), [np.ones((0, 4, 4, 2), np.float32)])
    assert y.shape == (0, 4, 4, 3)


@requires_litert
@pytest.mark.parametrize("case", [CASES[1], CASES[9], CASES[14], CASES[15], CASES[19]], ids=case_id)
def test_matches_litert(case):
    x_shape, w_shape, stride, dilation, padding = case
    rng = np.random.default_rng(11)
    x, w, b = random(rng, x_shape), random(rng, w_shape), random(rng, (w_shape[0],))
    opts = options(stride, dilation, padding, "RELU6")
    (ours,) = run_single_op("CONV_2D", [x, w, b], opts, constant_inputs=(1, 2))
    (theirs,) = run_single_op("CONV_2D", [x, w, b], opts, constant_inputs=(1, 2), runtime="litert")
    assert_close(ours, theirs, depth(w))


@pytest.mark.parametrize("x_shape, w_shape, b_shape, opts, error, match", [
    ((1, 4, 4, 2), (3, 3, 3, 2), None, options(), None, None),  # control: this one runs
    ((1, 4, 4, 5), (3, 3, 3, 2), None, options(), edgelite.InvalidModelError, "not a multiple"),
    ((1, 4, 4, 4), (3, 3, 3, 2), None, options(), edgelite.InvalidModelError, "cannot be split into 2 groups"),
    ((1, 4, 4, 2), (3, 3, 2), None, options(), edgelite.InvalidModelError, "must be 4-D"),
    ((4, 4, 2), (3, 3, 3, 2), None, options(), edgelite.InvalidModelError, "must be 4-D"),
    ((1, 4, 4, 2), (3, 3, 3, 2), (4,), options(), edgelite.InvalidModelError, "bias"),
    ((1, 2, 2, 2), (3, 5, 5, 2), None, options(padding="VALID"), edgelite.InvalidModelError, "smaller than"),
    ((1, 4, 4, 2), (3, 3, 3, 2), None, options(stride=(0, 1)), edgelite.InvalidModelError, "strides"),
    ((1, 4, 4, 2), (3, 3, 3, 2), None, options(dilation=(1, 0)), edgelite.InvalidModelError, "dilation"),
    ((1, 4, 4, 2), (3, 3, 3, 2), None, options(activation="TANH"), edgelite.UnsupportedError, "TANH"),
])
def test_prepare_failures(x_shape, w_shape, b_shape, opts, error, match):
    inputs = [np.ones(x_shape, np.float32), np.ones(w_shape, np.float32),
              None if b_shape is None else np.ones(b_shape, np.float32)]
    if error is None:
        run_single_op("CONV_2D", inputs, opts, constant_inputs=(1, 2))
        return
    with pytest.raises(error, match=match):
        run_single_op("CONV_2D", inputs, opts, constant_inputs=(1, 2))


def test_rejects_non_float_input():
    with pytest.raises(edgelite.UnsupportedError, match="int32"):
        run_single_op("CONV_2D", [np.ones((1, 4, 4, 2), np.int32), np.ones((3, 3, 3, 2), np.float32)], options(),
                      constant_inputs=(1,), output_types=np.float32)



@needs_vector_kernels
def test_reference_switch_takes_effect():
    # The GEMM starts from the bias, the reference adds it last, so their outputs differ in the last bits;
    # identical outputs would mean the optimized kernel was compared with itself.
    rng = np.random.default_rng(0)
    x, w, b = random(rng, (1, 8, 8, 64)), random(rng, (32, 3, 3, 64)), random(rng, (32,))
    (optimized,), (reference,) = run_optimized_and_reference("CONV_2D", [x, w, b], options(), constant_inputs=(1, 2))
    assert np.any(optimized != reference)
