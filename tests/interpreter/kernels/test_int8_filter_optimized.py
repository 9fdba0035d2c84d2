"""The optimized int8 rows of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED (interpreter/kernels/optimized/
int8_gemm.h, int8_depthwise.h) against the NumPy integer model, bit for bit, on every instruction set this CPU
has (AMX, AVX-512 VNNI, AVX2 through EDGELITE_MAX_ISA): shapes that hit every tile tail (rows around the row tile,
channels around the 8/16-lane vectors and the 32-column panels, k around the 2/4-element dot-product step),
1x1 direct and im2col paths, strides, dilation, groups, padding, batches, one and two threads (rows or panels
shared out), and the extreme ends of the arithmetic: zero points at the type's ends, multipliers above one (the
wrapping left shift), tiny ones (shifts up to 31 and flushed to zero), saturating outputs and accumulators near
the int32 range."""

import numpy as np
import pytest

import edgelite
from edgelite import _core
from edgelite.testing import quantization, single_op_model
from integer_reference_linear import conv2d, depthwise_conv2d, fully_connected
from kernel_twins import reference_kernels

ISAS = [isa for isa in ("amx-int8", "avx512vnni", "avx2") if _core.cpu_features()[isa]]
# DEPTHWISE_CONV_2D has no AMX row: capped at amx-int8 it runs its AVX-512 VNNI row.
DEPTHWISE_ISA = {"amx-int8": "avx512vnni"}


def gemm_isa(isa, rows):
    """The row CONV_2D / FULLY_CONNECTED choose: AMX only from 32 GEMM rows (output pixels, input rows) on."""
    return "avx512vnni" if isa == "amx-int8" and rows < 32 else isa
pytestmark = pytest.mark.skipif(not ISAS, reason="no optimized int8 rows on this CPU")
ACTIVATIONS = ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"]


@pytest.fixture(params=ISAS)
def isa(request, monkeypatch):
    monkeypatch.setenv("EDGELITE_MAX_ISA", request.param)
    monkeypatch.delenv("EDGELITE_FORCE_REFERENCE_KERNELS", raising=False)
    return request.param


def run(op, inputs, options, input_quantization, output_quantization, threads=1, constant=(1, 2)):
    """Runs a one-op model (inputs in `constant` are constant tensors); returns the output and the chosen kernel's
    name. Weights fed at run time are packed at every invoke."""
    model = single_op_model(op, inputs, options, constant_inputs=constant, input_quantization=input_quantization,
                            output_quantization=output_quantization)
    interp = edgelite.Interpreter(model_content=model, num_threads=threads)
    interp.allocate_tensors()
    runtime = [x for i, x in enumerate(inputs) if x is not None and i not in constant]
    for _ in range(2):  # twice: packing at eval must not depend on the first run
        for d, x in zip(interp.get_input_details(), runtime):
            interp.set_tensor(d["index"], x)
        interp.invoke()
    return interp.get_tensor(interp.get_output_details()[0]["index"]), interp._get_ops_details()[0]["kernel"]


def assert_exact(got, want, what):
    assert got.shape == want.shape and got.dtype == want.dtype, (what, got.shape, want.shape, got.dtype)
    bad = got != want
    if bad.any():
        where = [tuple(w) for w in np.argwhere(bad)[:5]]
        raise AssertionError(f"{what}: {int(bad.sum())} of {got.size} differ; at {where}: got "
                             f"{[int(got[w]) for w in where]}, want {[int(want[w]) for w in where]}")


class Case:
    """Random int8 tensors and quantization for a filter op; `real` sets the requantization scale
    s_x * s_w / s_y (per channel, up to a factor of 4 apart) around which the output scale is chosen."""

    def __init__(self, rng, x_shape, w_shape, channels, axis, *, per_channel=True, real=None, x_zp=None,
                 y_zp=None, x_range=(-128, 127), w_range=(-127, 127), bias_range=20000):
        self.x = rng.integers(x_range[0], x_range[1], x_shape, endpoint=True).astype(np.int8)
        self.w = rng.integers(w_range[0], w_range[1], w_shape, endpoint=True).astype(np.int8)
        self.x_scale = np.float32(rng.uniform(5e-3, 5e-2))
        self.x_zp = int(rng.integers(-64, 64)) if x_zp is None else x_zp
        w_scales = rng.uniform(4e-3, 2e-2, channels if per_channel else 1).astype(np.float32)
        self.w_scales = w_scales if per_channel else w_scales[0]
        self.w_q = quantization(w_scales, 0, axis) if per_channel else (float(w_scales[0]), 0)
        self.b = rng.integers(-bias_range, bias_range, channels, endpoint=True).astype(np.int32)
        b_scales = self.x_scale * np.broadcast_to(w_scales, (channels,)).astype(np.float32)
        self.b_q = quantization(b_scales, 0, 0)
        if real is None:
            depth = int(np.prod(w_shape)) // channels
            real = 1.0 / (74 * 73 * np.sqrt(depth) * 6 / 255)  # three sigmas over the int8 range
        self.y_scale = np.float32(self.x_scale * float(np.median(w_scales)) / real)
        self.y_zp = int(rng.integers(-32, 32)) if y_zp is None else y_zp

    @property
    def xq(self):
        return (self.x_scale, self.x_zp)

    @property
    def wq(self):
        return (self.w_scales, 0)

    @property
    def yq(self):
        return (self.y_scale, self.y_zp)

    def quantization(self):
        return [self.xq, self.w_q, self.b_q], self.yq


def conv_options(stride, dilation, padding, activation, **extra):
    return {"padding": padding, "stride_h": stride[0], "stride_w": stride[1], "dilation_h_factor": dilation[0],
            "dilation_w_factor": dilation[1], "fused_activation_function": activation, **extra}


def check_conv(isa, case, stride=(1, 1), dilation=(1, 1), padding="SAME", activation="NONE", threads=1):
    want = conv2d(case.x, case.xq, case.w, case.wq, case.b, case.yq, stride=stride, dilation=dilation,
                  padding=padding, activation=activation)
    inq, outq = case.quantization()
    got, kernel = run("CONV_2D", [case.x, case.w, case.b], conv_options(stride, dilation, padding, activation), inq,
                      outq, threads)
    assert kernel == f"int8 ({gemm_isa(isa, want.size // want.shape[-1])})", kernel
    assert_exact(got, want, f"CONV_2D x{case.x.shape} w{case.w.shape} {activation} threads={threads}")


# (input NHWC, filter [out_c, kh, kw, in_c / groups], stride, dilation, padding)
CONV_CASES = [
    ((1, 5, 5, 17), (33, 1, 1, 17), (1, 1), (1, 1), "VALID"),     # direct, k and n tails
    ((1, 7, 9, 5), (7, 3, 3, 5), (1, 1), (1, 1), "SAME"),
    ((2, 13, 13, 16), (31, 3, 3, 16), (1, 2), (1, 1), "VALID"),
    ((1, 1, 1, 1), (1, 1, 1, 1), (1, 1), (1, 1), "SAME"),
    ((1, 17, 17, 3), (32, 3, 3, 3), (2, 2), (1, 1), "SAME"),      # MobileNet's first layer, smaller
    ((2, 9, 8, 3), (8, 3, 3, 3), (2, 1), (1, 1), "SAME"),         # short runs up to each image's end
    ((1, 11, 10, 3), (6, 3, 3, 3), (1, 2), (2, 1), "SAME"),       # dilated rows of contiguous taps
    ((1, 13, 15, 6), (10, 3, 3, 6), (1, 1), (2, 2), "SAME"),      # dilation
    ((1, 12, 12, 3), (5, 3, 2, 3), (2, 1), (2, 3), "VALID"),
    ((1, 8, 8, 8), (12, 3, 3, 4), (1, 1), (1, 1), "SAME"),        # two groups
    ((1, 6, 7, 12), (18, 1, 1, 4), (1, 1), (1, 1), "SAME"),       # three groups, direct
    ((1, 2, 3, 4), (5, 5, 5, 4), (1, 1), (1, 1), "SAME"),         # windows larger than the input
    ((1, 7, 7, 64), (65, 1, 1, 64), (1, 1), (1, 1), "SAME"),      # 49 rows: row-tile tail
    ((1, 9, 1, 129), (48, 1, 1, 129), (1, 1), (1, 1), "SAME"),    # 9 rows, 3 vectors of 16
    ((1, 4, 4, 63), (17, 1, 1, 63), (2, 2), (1, 1), "SAME"),      # 1x1 stride 2: im2col
    ((1, 3, 5, 65), (96, 2, 2, 65), (1, 1), (1, 1), "VALID"),
]


def conv_id(c):
    x, w, s, d, p = c
    return f"x{'x'.join(map(str, x))}-w{'x'.join(map(str, w))}-s{s[0]}{s[1]}-d{d[0]}{d[1]}-{p}"


@pytest.mark.parametrize("c", CONV_CASES, ids=conv_id)
def test_conv2d(isa, c):
    x_shape, w_shape, stride, dilation, padding = c
    rng = np.random.default_rng(sum(x_shape) * 7 + sum(w_shape))
    for k, activation in enumerate(ACTIVATIONS):
        case = Case(rng, x_shape, w_shape, w_shape[0], 0, per_channel=k != 1, x_zp=[None, -128, 127, None][k])
        check_conv(isa, case, stride, dilation, padding, activation, threads=1 + k % 2)


@pytest.mark.parametrize("rows", [1, 5, 6, 7, 8, 9, 13, 16, 17])
@pytest.mark.parametrize("out_c", [1, 8, 15, 16, 17, 32, 33, 47])
def test_conv2d_tile_tails(isa, rows, out_c):
    rng = np.random.default_rng(rows * 100 + out_c)
    for depth in (3, 4, 5):
        case = Case(rng, (1, rows, 1, depth), (out_c, 1, 1, depth), out_c, 0)
        check_conv(isa, case, activation="RELU6")


@pytest.mark.parametrize("real", [3.7, 1.0000001, 0.75, 0.5, 2.0 ** -20, 2.0 ** -31, 2.0 ** -33])
def test_conv2d_extreme_multipliers(isa, real):
    # Above one: a left shift, in int32 with wrapping for the large accumulators; in [0.5, 1) neither shift;
    # tiny: right shifts up to 31 (rounding ties), and below 2^-31 the multiplier flushes to zero.
    rng = np.random.default_rng(int(-np.log2(real) * 10) + 1000)
    big_bias = int(min(2 ** 31 - 1, max(20000, 200 / real)))
    for x_zp, x_range, w_range, bias_range in [(None, (-128, 127), (-127, 127), big_bias),
                                               (127, (-128, -128), (-127, 127), big_bias),
                                               (-128, (127, 127), (-127, 127), big_bias),
                                               (0, (-4, 4), (-3, 3), 30)]:  # small sums: unsaturated above one
        case = Case(rng, (1, 6, 5, 40), (20, 3, 3, 40), 20, 0, real=real, x_zp=x_zp, x_range=x_range,
                    w_range=w_range, bias_range=bias_range)
        check_conv(isa, case, activation="NONE")


@pytest.mark.parametrize("bias", [5e8, 1.0e9, 1.06e9, 1.07e9, 2.1e9])
def test_conv2d_accumulators_near_the_bounded_limit(isa, bias):
    # Multipliers around 2^-25 leave accumulators near 2^30 unsaturated: AVX-512 VNNI's 32-bit requantization,
    # taken where every channel's |bias| + 255 sum |w| keeps it in int32 (int8_gemm_driver.h, BoundedMultiplier),
    # on both sides of its limit (about 2^30 - 2^24 here), and the 64-bit one past it.
    rng = np.random.default_rng(int(bias / 1e7))
    case = Case(rng, (1, 4, 5, 16), (24, 1, 1, 16), 24, 0, real=2.0 ** -25, y_zp=0)
    magnitude = rng.uniform(0.98, 1.0, 24) * bias
    case.b = (rng.choice([-1, 1], 24) * magnitude).astype(np.int64).astype(np.int32)
    check_conv(isa, case, activation="NONE")


def test_conv2d_ties_of_both_roundings(isa):
    # Multipliers of exactly 2^-n make every accumulator with the right low bits a tie, for SRDHM (toward
    # +infinity) and for the rounding shift (away from zero).
    rng = np.random.default_rng(7)
    case = Case(rng, (1, 9, 9, 24), (40, 1, 1, 24), 40, 0, per_channel=False, real=2.0 ** -3)
    case.w_scales = np.float32(2.0 ** -7)
    case.w_q = (float(case.w_scales), 0)
    case.x_scale = np.float32(2.0 ** -4)
    case.y_scale = np.float32(2.0 ** -2)  # real 2^-9
    case.b_q = quantization(np.full(40, case.x_scale * case.w_scales, np.float32), 0, 0)
    check_conv(isa, case)


@pytest.mark.parametrize("threads", [1, 2])
def test_conv2d_mobilenet_shapes(isa, threads):
    rng = np.random.default_rng(threads)
    for x_shape, w_shape, stride in [((1, 28, 28, 32), (192, 1, 1, 32), 1), ((1, 7, 7, 960), (320, 1, 1, 960), 1),
                                     ((1, 1, 1, 576), (1024, 1, 1, 576), 1), ((1, 32, 32, 3), (16, 3, 3, 3), 2)]:
        case = Case(rng, x_shape, w_shape, w_shape[0], 0)
        check_conv(isa, case, (stride, stride), activation="RELU6", threads=threads)


def check_depthwise(isa, case, stride, dilation, padding, activation, threads=1):
    want = depthwise_conv2d(case.x, case.xq, case.w, case.wq, case.b, case.yq, stride=stride, dilation=dilation,
                            padding=padding, activation=activation)
    inq, outq = case.quantization()
    options = conv_options(stride, dilation, padding, activation, depth_multiplier=1)
    got, kernel = run("DEPTHWISE_CONV_2D", [case.x, case.w, case.b], options, inq, outq, threads)
    assert kernel == f"int8 multiplier 1 ({DEPTHWISE_ISA.get(isa, isa)})", kernel
    assert_exact(got, want, f"DEPTHWISE x{case.x.shape} w{case.w.shape} s{stride} d{dilation} {padding} "
                            f"{activation}")


# (input NHWC, kernel (kh, kw), stride, dilation, padding)
DEPTHWISE_CASES = [
    ((1, 7, 9, 5), (3, 3), (1, 1), (1, 1), "SAME"),
    ((2, 11, 10, 17), (3, 3), (2, 2), (1, 1), "SAME"),
    ((1, 9, 9, 16), (5, 5), (1, 1), (2, 2), "VALID"),
    ((1, 1, 1, 1), (1, 1), (1, 1), (1, 1), "SAME"),
    ((1, 6, 8, 7), (2, 4), (2, 1), (1, 1), "SAME"),
    ((1, 16, 16, 33), (3, 3), (2, 2), (1, 1), "VALID"),
    ((1, 14, 14, 96), (3, 3), (1, 1), (1, 1), "SAME"),
    ((1, 15, 13, 15), (3, 3), (2, 2), (1, 1), "SAME"),
    ((1, 3, 2, 64), (3, 3), (1, 1), (1, 1), "SAME"),          # narrower than the four-pixel sweep
    ((1, 10, 12, 24), (5, 5), (2, 2), (1, 1), "SAME"),       # 5x5 by columns, two row groups
    ((2, 11, 13, 40), (5, 5), (1, 1), (1, 1), "SAME"),
    ((1, 6, 5, 18), (5, 5), (1, 1), (1, 1), "SAME"),          # no interior column
    ((1, 9, 9, 7), (5, 5), (2, 2), (1, 1), "VALID"),
    ((1, 8, 8, 9), (3, 3), (1, 2), (1, 1), "SAME"),           # unequal strides: tap pointers
]


@pytest.mark.parametrize("c", DEPTHWISE_CASES, ids=lambda c: f"x{'x'.join(map(str, c[0]))}-k{c[1][0]}{c[1][1]}"
                         f"-s{c[2][0]}{c[2][1]}-d{c[3][0]}-{c[4]}")
def test_depthwise_conv2d(isa, c):
    x_shape, (kh, kw), stride, dilation, padding = c
    channels = x_shape[3]
    rng = np.random.default_rng(sum(x_shape) * 5 + kh + kw)
    for k, activation in enumerate(ACTIVATIONS):
        case = Case(rng, x_shape, (1, kh, kw, channels), channels, 3, per_channel=k != 1,
                    x_zp=[None, -128, 127, None][k], y_zp=[None, 127, -128, None][k])
        check_depthwise(isa, case, stride, dilation, padding, activation, threads=1 + k % 2)


@pytest.mark.parametrize("real", [5.3, 2.0 ** -25, 2.0 ** -33])
def test_depthwise_extreme_multipliers(isa, real):
    rng = np.random.default_rng(3)
    case = Case(rng, (1, 9, 8, 20), (1, 3, 3, 20), 20, 3, real=real,
                bias_range=int(min(2 ** 31 - 1, max(20000, 200 / real))))
    check_depthwise(isa, case, (1, 1), (1, 1), "SAME", "NONE")


def check_fc(isa, case, activation="NONE", keep_num_dims=False, threads=1):
    want = fully_connected(case.x, case.xq, case.w, case.wq, case.b, case.yq, activation=activation,
                           keep_num_dims=keep_num_dims)
    inq, outq = case.quantization()
    options = {"fused_activation_function": activation, "keep_num_dims": keep_num_dims}
    got, kernel = run("FULLY_CONNECTED", [case.x, case.w, case.b], options, inq, outq, threads)
    assert kernel == f"int8 ({gemm_isa(isa, want.size // want.shape[-1])})", kernel
    assert_exact(got, want, f"FULLY_CONNECTED x{case.x.shape} w{case.w.shape} {activation} threads={threads}")


# (input shape, units)
FC_CASES = [((3, 37), 23), ((1, 1), 1), ((2, 5, 16), 17), ((64, 33), 31), ((1, 1280), 1000), ((9, 64), 48),
            ((8, 5), 16), ((7, 129), 65)]


@pytest.mark.parametrize("c", FC_CASES, ids=lambda c: f"x{'x'.join(map(str, c[0]))}-u{c[1]}")
def test_fully_connected(isa, c):
    x_shape, units = c
    rng = np.random.default_rng(sum(x_shape) * 3 + units)
    for k, activation in enumerate(ACTIVATIONS):
        case = Case(rng, x_shape, (units, x_shape[-1]), units, 0, per_channel=k != 1,
                    x_zp=[None, -128, 127, None][k])
        check_fc(isa, case, activation, keep_num_dims=len(x_shape) == 3 and k % 2 == 0, threads=1 + k % 2)


@pytest.mark.parametrize("real", [7.0, 2.0 ** -20, 1e9])
def test_fully_connected_extreme_scales(isa, real):
    # The double-precision requantization: saturation, and results past int32 that x86 turns into INT32_MIN.
    rng = np.random.default_rng(11)
    case = Case(rng, (4, 50), (40, 50), 40, 0, real=real, bias_range=2 ** 31 - 1)
    check_fc(isa, case)


def test_fully_connected_ties(isa):
    # Scales that make double(acc) * scale land on halves: std::round takes them away from zero.
    rng = np.random.default_rng(5)
    case = Case(rng, (6, 24), (33, 24), 33, 0, per_channel=False)
    case.x_scale, case.w_scales, case.y_scale = np.float32(0.25), np.float32(0.5), np.float32(64.0)
    case.w_q = (0.5, 0)
    case.b_q = quantization(np.full(33, 0.125, np.float32), 0, 0)
    check_fc(isa, case)


@pytest.mark.parametrize("op", ["CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED"])
def test_weights_at_run_time_and_no_bias(isa, op):
    # A filter that is a run-time input is packed at each invoke; a missing bias is zero.
    rng = np.random.default_rng(17)
    if op == "CONV_2D":
        case = Case(rng, (1, 9, 8, 12), (20, 3, 3, 12), 20, 0)
        want = conv2d(case.x, case.xq, case.w, case.wq, None, case.yq, activation="RELU")
        options = conv_options((1, 1), (1, 1), "SAME", "RELU")
    elif op == "DEPTHWISE_CONV_2D":
        case = Case(rng, (1, 9, 8, 20), (1, 3, 3, 20), 20, 3)
        want = depthwise_conv2d(case.x, case.xq, case.w, case.wq, None, case.yq, activation="RELU")
        options = conv_options((1, 1), (1, 1), "SAME", "RELU", depth_multiplier=1)
    else:
        case = Case(rng, (40, 50), (30, 50), 30, 0)
        want = fully_connected(case.x, case.xq, case.w, case.wq, None, case.yq, activation="RELU")
        options = {"fused_activation_function": "RELU"}
    inq, outq = case.quantization()
    for constant in [(1,), ()]:
        got, _ = run(op, [case.x, case.w, None], options, inq[:2] + [None], outq, constant=constant)
        assert_exact(got, want, f"{op} constant={constant}")
        got, _ = run(op, [case.x, case.w, case.b], options, inq, outq, constant=constant)
        want_b = {"CONV_2D": lambda: conv2d(case.x, case.xq, case.w, case.wq, case.b, case.yq, activation="RELU"),
                  "DEPTHWISE_CONV_2D": lambda: depthwise_conv2d(case.x, case.xq, case.w, case.wq, case.b, case.yq,
                                                                activation="RELU"),
                  "FULLY_CONNECTED": lambda: fully_connected(case.x, case.xq, case.w, case.wq, case.b, case.yq,
                                                             activation="RELU")}[op]()
        assert_exact(got, want_b, f"{op} with bias, constant={constant}")


def twin_cases():
    """One model per operator and path: CONV_2D direct, im2col, grouped; DEPTHWISE 3x3 / 5x5 / tap pointers;
    FULLY_CONNECTED with few and many rows."""
    rng = np.random.default_rng(23)
    cases = []
    for x_shape, w_shape, stride in [((1, 7, 9, 33), (17, 1, 1, 33), 1), ((1, 11, 10, 5), (40, 3, 3, 5), 2),
                                     ((1, 8, 8, 12), (9, 3, 3, 4), 1)]:
        c = Case(rng, x_shape, w_shape, w_shape[0], 0)
        cases.append(("CONV_2D", c, conv_options((stride, stride), (1, 1), "SAME", "RELU6")))
    for x_shape, k, stride, dilation in [((1, 13, 12, 33), 3, 1, 1), ((1, 12, 11, 20), 5, 2, 1),
                                         ((1, 10, 9, 17), 3, 1, 2)]:
        c = Case(rng, x_shape, (1, k, k, x_shape[3]), x_shape[3], 3)
        cases.append(("DEPTHWISE_CONV_2D", c, conv_options((stride, stride), (dilation, dilation), "SAME", "NONE",
                                                           depth_multiplier=1)))
    for x_shape, units in [((3, 70), 33), ((40, 70), 47)]:
        c = Case(rng, x_shape, (units, x_shape[-1]), units, 0)
        cases.append(("FULLY_CONNECTED", c, {"fused_activation_function": "RELU"}))
    return cases


def test_optimized_rows_equal_their_reference_twin(isa):
    for op, case, options in twin_cases():
        inq, outq = case.quantization()
        got, kernel = run(op, [case.x, case.w, case.b], options, inq, outq)
        with reference_kernels():
            want, ref_kernel = run(op, [case.x, case.w, case.b], options, inq, outq)
        assert "reference" not in kernel and ref_kernel.endswith("(reference)"), (kernel, ref_kernel)
        assert_exact(got, want, f"{op} x{case.x.shape} ({kernel} against {ref_kernel})")


@pytest.mark.parametrize("cap", ["amx-int8", "avx512vnni", "avx2", "portable"])
def test_each_cap_picks_its_row(monkeypatch, cap):
    # The rows go AMX, AVX-512 VNNI, AVX2, reference: a cap takes the best one at or below it that this CPU has;
    # the x86-64 baseline runs the reference kernels.
    monkeypatch.setenv("EDGELITE_MAX_ISA", cap)
    order = ["portable", "avx2", "avx512vnni", "amx-int8"]
    have = ["portable"] + [i for i in order[1:] if _core.cpu_features()[i]]
    best = max((i for i in have if order.index(i) <= order.index(cap)), key=order.index)
    for op, case, options in twin_cases():
        inq, outq = case.quantization()
        got, kernel = run(op, [case.x, case.w, case.b], options, inq, outq)
        expected = best
        if best == "amx-int8" and (op == "DEPTHWISE_CONV_2D" or got.size // got.shape[-1] < 32):
            expected = "avx512vnni"
        assert kernel.endswith(f"({'reference' if expected == 'portable' else expected})"), (op, cap, kernel)
