"""SOFTMAX, LOG_SOFTMAX, MEAN, SUM, REDUCE_PROD, REDUCE_MAX, AVERAGE_POOL_2D, MAX_POOL_2D, CONCATENATION, PAD, PADV2,
RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR on quantized tensors: integer_reference_rows against LiteRT's reference
kernels (BUILTIN_REF), bit for bit; the optimized int8 MEAN against LiteRT's default kernel."""

import numpy as np
import pytest

import integer_reference_rows as rows
from litert_builtin import requires_litert
from quant_cases import assert_litert_equal, random_q, random_zero_point

pytestmark = requires_litert

ROW_SHAPES = [(1, 10), (3, 1), (2, 3, 17), (4, 256), (1, 1, 1000)]


def concentrated(rng, shape, dtype, spread):
    """Values within `spread` steps below the top of the range, so that several entries of a row matter."""
    hi = np.iinfo(dtype).max
    return rng.integers(hi - spread, hi, shape, endpoint=True).astype(dtype)


@pytest.mark.parametrize("shape", ROW_SHAPES, ids=lambda s: "x".join(map(str, s)))
@pytest.mark.parametrize("dtype, out_dtype", [(np.int8, np.int8), (np.uint8, np.uint8), (np.int8, np.int16),
                                              (np.uint8, np.int16), (np.int16, np.int16)],
                         ids=["int8", "uint8", "int8-int16", "uint8-int16", "int16"])
def test_softmax(shape, dtype, out_dtype):
    rng = np.random.default_rng(sum(shape) + np.dtype(dtype).itemsize + np.dtype(out_dtype).itemsize)
    out_q = {np.dtype(np.int8): (1 / 256, -128), np.dtype(np.uint8): (1 / 256, 0),
             np.dtype(np.int16): (1 / 32768, 0) if dtype == np.int16 else (1 / 65536, -32768)}[np.dtype(out_dtype)]
    for scale, beta, spread in [(0.1, 1.0, 40), (0.02, 1.0, 255), (1.0, 0.5, 10), (0.004, 2.0, 255),
                                (0.3, 1.0, 255)]:
        if dtype == np.int16:
            scale, spread = scale / 64, spread * 64
        x = concentrated(rng, shape, dtype, min(spread, np.iinfo(dtype).max - np.iinfo(dtype).min))
        x_qp = (np.float32(scale), random_zero_point(rng, dtype))
        assert_litert_equal("SOFTMAX", [x], {"beta": beta}, rows.softmax(x, x_qp, beta, out_dtype),
                            input_quantization=[x_qp], output_quantization=out_q, output_types=out_dtype)


@pytest.mark.parametrize("shape", ROW_SHAPES, ids=lambda s: "x".join(map(str, s)))
@pytest.mark.parametrize("dtype", [np.int8, np.uint8])
def test_log_softmax(shape, dtype):
    rng = np.random.default_rng(sum(shape) + np.dtype(dtype).itemsize)
    y_qp = (16 / 256, 127 if dtype == np.int8 else 255)
    for scale, spread in [(0.1, 40), (0.02, 255), (1.0, 10), (0.004, 255), (0.5, 255)]:
        x = concentrated(rng, shape, dtype, spread)
        x_qp = (np.float32(scale), random_zero_point(rng, dtype))
        assert_litert_equal("LOG_SOFTMAX", [x], None, rows.log_softmax(x, x_qp), input_quantization=[x_qp],
                            output_quantization=y_qp)


# (input shape, axes, keep_dims)
REDUCE_CASES = [((2, 5, 7, 3), [1, 2], True), ((2, 5, 7, 3), [1, 2], False), ((3, 17), [1], False),
                ((3, 17), [-1, 1], True), ((4, 3, 2), [0, 2], False), ((2, 3, 4, 5), [0, 1, 2, 3], False),
                ((1, 1, 1, 1), [1, 2], True), ((2, 64, 3), [1], True)]


def reduce_id(case):
    return f"{'x'.join(map(str, case[0]))}-a{''.join(map(str, case[1]))}-k{int(case[2])}"


@pytest.mark.parametrize("case", REDUCE_CASES, ids=reduce_id)
@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_mean(case, dtype):
    shape, axes, keep = case
    rng = np.random.default_rng(len(shape) + np.dtype(dtype).itemsize + len(axes))
    for ratio in [1.0, 0.3, 2.5, 1 / 64]:
        x = random_q(rng, shape, dtype)
        x_qp = (np.float32(rng.uniform(1e-3, 0.1)), random_zero_point(rng, dtype))
        y_qp = (np.float32(x_qp[0] * ratio), random_zero_point(rng, dtype))
        assert_litert_equal("MEAN", [x, np.array(axes, np.int32)], {"keep_dims": keep},
                            rows.mean(x, x_qp, y_qp, axes, keep), constant_inputs=(1,),
                            input_quantization={0: x_qp}, output_quantization=y_qp)


def test_mean_optimized_int8_against_the_default_kernel():
    # LiteRT's default kernels take int8 4-D keep_dims means over H and W through a second algorithm.
    rng = np.random.default_rng(3)
    for shape in [(2, 5, 7, 3), (1, 7, 7, 64), (1, 1, 1, 5), (3, 16, 16, 17)]:
        for ratio in [1.0, 0.3, 2.5]:
            x = random_q(rng, shape, np.int8)
            x_qp = (np.float32(rng.uniform(1e-3, 0.1)), random_zero_point(rng, np.int8))
            y_qp = (np.float32(x_qp[0] * ratio), random_zero_point(rng, np.int8))
            assert_litert_equal("MEAN", [x, np.array([1, 2], np.int32)], {"keep_dims": True},
                                rows.mean_optimized_int8(x, x_qp, y_qp), resolver="builtin", constant_inputs=(1,),
                                input_quantization={0: x_qp}, output_quantization=y_qp)


def sum_cases(rng, shape, axes, dtype):
    n = int(np.prod([shape[a] for a in set(a % len(shape) for a in axes)]))
    for ratio in [1.0, 0.5, 4.0]:
        x = random_q(rng, shape, dtype)
        x_qp = (np.float32(rng.uniform(1e-3, 0.1)), random_zero_point(rng, dtype))
        yield x, x_qp, (np.float32(x_qp[0] * np.sqrt(n) * ratio), random_zero_point(rng, dtype))


@pytest.mark.parametrize("case", REDUCE_CASES, ids=reduce_id)
def test_sum_uint8(case):
    shape, axes, keep = case
    rng = np.random.default_rng(len(shape) * 3 + len(axes))
    for x, x_qp, y_qp in sum_cases(rng, shape, axes, np.uint8):
        assert_litert_equal("SUM", [x, np.array(axes, np.int32)], {"keep_dims": keep},
                            rows.reduce_sum(x, x_qp, y_qp, axes, keep), constant_inputs=(1,),
                            input_quantization={0: x_qp}, output_quantization=y_qp)


def test_sum_int8_reference_reads_the_data_as_uint8():
    # A LiteRT bug, documented rather than followed: BUILTIN_REF's SUM hands int8 data to the uint8 routine.
    rng = np.random.default_rng(8)
    for x, x_qp, y_qp in sum_cases(rng, (3, 17), [1], np.int8):
        as_uint8 = rows.reduce_sum(x.view(np.uint8), x_qp, y_qp, [1]).view(np.int8)
        assert_litert_equal("SUM", [x, np.array([1], np.int32)], {}, as_uint8, constant_inputs=(1,),
                            input_quantization={0: x_qp}, output_quantization=y_qp)


@pytest.mark.parametrize("case", REDUCE_CASES, ids=reduce_id)
@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_sum_default_kernel(case, dtype):
    shape, axes, keep = case
    rng = np.random.default_rng(len(shape) * 7 + np.dtype(dtype).itemsize)
    for x, x_qp, y_qp in sum_cases(rng, shape, axes, dtype):
        assert_litert_equal("SUM", [x, np.array(axes, np.int32)], {"keep_dims": keep},
                            rows.reduce_sum_optimized(x, x_qp, y_qp, axes, keep), resolver="builtin",
                            constant_inputs=(1,), input_quantization={0: x_qp}, output_quantization=y_qp)


@pytest.mark.parametrize("case", REDUCE_CASES, ids=reduce_id)
@pytest.mark.parametrize("dtype", [np.int8, np.int16])
def test_reduce_prod(case, dtype):
    shape, axes, keep = case
    rng = np.random.default_rng(len(shape) * 13 + np.dtype(dtype).itemsize)
    for y_scale in [0.1, 0.7, 4.0]:
        zp = 0 if dtype == np.int16 else int(rng.integers(-6, 7))
        x = (rng.integers(-12, 13, shape) + zp).astype(dtype)
        x_qp = (np.float32(rng.uniform(0.02, 0.3)), zp)
        y_qp = (np.float32(y_scale), random_zero_point(rng, dtype))
        assert_litert_equal("REDUCE_PROD", [x, np.array(axes, np.int32)], {"keep_dims": keep},
                            rows.reduce_prod(x, x_qp, y_qp, axes, keep), constant_inputs=(1,),
                            input_quantization={0: x_qp}, output_quantization=y_qp)


@pytest.mark.parametrize("case", REDUCE_CASES, ids=reduce_id)
@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_reduce_max(case, dtype):
    shape, axes, keep = case
    rng = np.random.default_rng(len(shape) * 5 + np.dtype(dtype).itemsize)
    x = random_q(rng, shape, dtype)
    x_qp = (np.float32(0.05), random_zero_point(rng, dtype))
    assert_litert_equal("REDUCE_MAX", [x, np.array(axes, np.int32)], {"keep_dims": keep},
                        rows.reduce_max(x, axes, keep), constant_inputs=(1,), input_quantization={0: x_qp},
                        output_quantization=x_qp)


# (input NHWC, filter, stride, padding)
POOL_CASES = [((1, 7, 9, 5), (3, 3), (1, 1), "SAME"), ((2, 8, 8, 3), (2, 2), (2, 2), "VALID"),
              ((1, 11, 10, 17), (3, 3), (2, 2), "SAME"), ((1, 1, 1, 1), (1, 1), (1, 1), "VALID"),
              ((1, 5, 5, 2), (5, 5), (1, 1), "SAME"), ((1, 6, 9, 4), (2, 4), (3, 2), "SAME")]


@pytest.mark.parametrize("case", POOL_CASES, ids=lambda c: f"x{'x'.join(map(str, c[0]))}-f{c[1][0]}{c[1][1]}"
                         f"-s{c[2][0]}{c[2][1]}-{c[3]}")
@pytest.mark.parametrize("op", ["AVERAGE_POOL_2D", "MAX_POOL_2D"])
@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_pooling(case, op, dtype):
    shape, filt, stride, padding = case
    rng = np.random.default_rng(sum(shape) + len(op) + np.dtype(dtype).itemsize)
    fn = rows.average_pool if op == "AVERAGE_POOL_2D" else rows.max_pool
    for activation in ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"]:
        x = random_q(rng, shape, dtype)
        qp = (np.float32(rng.uniform(0.005, 0.05)), random_zero_point(rng, dtype))
        options = {"padding": padding, "stride_h": stride[0], "stride_w": stride[1], "filter_height": filt[0],
                   "filter_width": filt[1], "fused_activation_function": activation}
        assert_litert_equal(op, [x], options, fn(x, qp, filt, stride, padding, activation),
                            input_quantization=[qp], output_quantization=qp)


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_concatenation(dtype, axis):
    rng = np.random.default_rng(int(axis) + 10 * np.dtype(dtype).itemsize)
    shapes = [(2, 3, 4), (2, 3, 4), (2, 3, 4)]
    inputs = [random_q(rng, s, dtype) for s in shapes]
    y_qp = (np.float32(0.05), random_zero_point(rng, dtype))
    if dtype == np.uint8:  # the only type LiteRT rescales
        qps = [y_qp, (np.float32(0.013), 7), (np.float32(0.2), 250)]
    elif dtype == np.int8:  # LiteRT requires the output's quantization on every input
        qps = [y_qp] * 3
    else:  # int16: zero points 0, no rescaling even with other scales
        qps = [(np.float32(0.05), 0), (np.float32(0.1), 0), (np.float32(0.01), 0)]
        y_qp = (np.float32(0.05), 0)
    assert_litert_equal("CONCATENATION", inputs, {"axis": axis}, rows.concatenation(inputs, qps, y_qp, axis),
                        input_quantization=qps, output_quantization=y_qp)


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_pad_and_padv2(dtype):
    rng = np.random.default_rng(np.dtype(dtype).itemsize)
    x = random_q(rng, (2, 3, 4, 5), dtype)
    paddings = np.array([[0, 1], [2, 0], [1, 3], [0, 0]], np.int32)
    qp = (np.float32(0.03), random_zero_point(rng, dtype, extreme=True))
    assert_litert_equal("PAD", [x, paddings], None, rows.pad(x, paddings, qp[1]), constant_inputs=(1,),
                        input_quantization={0: qp}, output_quantization=qp)
    value = np.array([random_q(rng, (), dtype)], dtype).reshape(())
    assert_litert_equal("PADV2", [x, paddings, value], None, rows.pad(x, paddings, value), constant_inputs=(1, 2),
                        input_quantization={0: qp, 2: qp}, output_quantization=qp)


RESIZE_CASES = [((1, 4, 5, 3), (8, 10)), ((2, 7, 3, 2), (3, 8)), ((1, 1, 1, 4), (3, 2)), ((1, 9, 9, 1), (4, 4)),
                ((1, 3, 5, 7), (7, 11))]
RESIZE_MODES = [(False, False), (True, False), (False, True)]


@pytest.mark.parametrize("case", RESIZE_CASES, ids=lambda c: f"{'x'.join(map(str, c[0]))}-to{c[1][0]}x{c[1][1]}")
@pytest.mark.parametrize("op", ["RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR"])
@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_resize(case, op, dtype):
    shape, size = case
    rng = np.random.default_rng(sum(shape) + len(op) + np.dtype(dtype).itemsize)
    fn = rows.resize_bilinear if op == "RESIZE_BILINEAR" else rows.resize_nearest_neighbor
    x = random_q(rng, shape, dtype)
    qp = (np.float32(0.02), random_zero_point(rng, dtype))
    for align_corners, half_pixel in RESIZE_MODES:
        options = {"align_corners": align_corners, "half_pixel_centers": half_pixel}
        assert_litert_equal(op, [x, np.array(size, np.int32)], options, fn(x, size, align_corners, half_pixel),
                            constant_inputs=(1,), input_quantization={0: qp}, output_quantization=qp)
