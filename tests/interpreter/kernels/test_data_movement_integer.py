"""Quantized tensors through CONCATENATION, PAD/PADV2, RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR and the
element-moving kernels (RESHAPE, TRANSPOSE, STRIDED_SLICE, GATHER, SPLIT, SPLIT_V, PACK): bit for bit against
integer_reference_rows where LiteRT computes (uint8 CONCATENATION rescaling, the pad value, bilinear
interpolation), raw copies elsewhere, LiteRT's BUILTIN_REF on some cases, and LiteRT's quantization checks."""

import numpy as np
import pytest

import integer_reference_rows as rows
from edgelite.errors import EdgeliteError
from edgelite.testing import run_single_op
from quant_cases import random_q, random_zero_point
from quant_kernel_checks import assert_bit_equal, check

QTYPES = [np.int8, np.uint8, np.int16]


# ---- CONCATENATION ----
def concat(inputs, qps, y_qp, axis, **kwargs):
    return run_single_op("CONCATENATION", inputs, {"axis": axis}, input_quantization=list(qps),
                         output_quantization=y_qp, **kwargs)[0]


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_concatenation_uint8_rescales_inputs_quantized_otherwise(axis):
    rng = np.random.default_rng(1 + axis)
    shapes = [(2, 3, 4), (2, 3, 4), (2, 3, 4)]
    sizes = [1, 3, 2]
    parts = []
    for shape, n in zip(shapes, sizes):
        s = list(shape)
        s[axis] = n
        parts.append(random_q(rng, s, np.uint8))
    y_qp = (np.float32(0.05), 120)
    qps = [y_qp, (np.float32(0.031), 7), (np.float32(0.2), 250)]  # the first is copied, the others rescaled
    check("CONCATENATION", parts, {"axis": axis}, rows.concatenation(parts, qps, y_qp, axis), litert=axis == 1,
          num_threads=2, input_quantization=qps, output_quantization=y_qp)


def test_concatenation_int8_needs_equal_quantization():
    rng = np.random.default_rng(2)
    a, b = random_q(rng, (2, 3), np.int8), random_q(rng, (2, 5), np.int8)
    q = (np.float32(0.1), -4)
    check("CONCATENATION", [a, b], {"axis": 1}, np.concatenate([a, b], 1), litert=True, input_quantization=[q, q],
          output_quantization=q)
    with pytest.raises(EdgeliteError, match="input 1 'input1' has scale 0.2, zero point -4 but output 'output0' has "
                                            "scale 0.1, zero point -4"):
        concat([a, b], [q, (0.2, -4)], q, 1)
    with pytest.raises(EdgeliteError, match="zero point 3 but output"):
        concat([a, b], [(0.1, 3), q], q, 1)


def test_concatenation_int16_copies_whatever_the_scales():
    rng = np.random.default_rng(3)
    a, b = random_q(rng, (3, 2), np.int16), random_q(rng, (1, 2), np.int16)
    qps = [(np.float32(1e-3), 0), (np.float32(5e-4), 0)]
    check("CONCATENATION", [a, b], {"axis": 0}, rows.concatenation([a, b], qps, (1e-3, 0), 0), litert=True,
          input_quantization=qps, output_quantization=(1e-3, 0))
    with pytest.raises(EdgeliteError, match="int16 input 1 'input1' has zero point 2, expected 0"):
        concat([a, b], [qps[0], (5e-4, 2)], (1e-3, 0), 0)


def test_concatenation_quantized_refuses_fused_activation_and_takes_bool():
    a = np.zeros((2, 2), np.int8)
    with pytest.raises(EdgeliteError, match="fused activation .RELU. on int8 inputs is not supported"):
        run_single_op("CONCATENATION", [a, a], {"axis": 0, "fused_activation_function": "RELU"},
                      input_quantization=[(0.1, 0)] * 2, output_quantization=(0.1, 0))
    x, y = np.array([[True, False]]), np.array([[False, False], [True, True]])
    check("CONCATENATION", [x, y], {"axis": 0}, np.concatenate([x, y]), litert=True)


# ---- PAD / PADV2 ----
@pytest.mark.parametrize("dtype", QTYPES)
def test_pad_fills_with_the_output_zero_point(dtype):
    rng = np.random.default_rng(4)
    x = random_q(rng, (1, 3, 5, 2), dtype)
    paddings = np.array([[0, 0], [1, 2], [2, 0], [0, 1]], np.int32)
    zp = random_zero_point(rng, dtype, extreme=True)
    q = (np.float32(0.02), zp)
    check("PAD", [x, paddings], None, rows.pad(x, paddings, zp), litert=True, constant_inputs=(1,),
          input_quantization=[q, None], output_quantization=q)


@pytest.mark.parametrize("dtype", QTYPES)
def test_padv2_fills_with_its_constant(dtype):
    rng = np.random.default_rng(5)
    x = random_q(rng, (2, 3, 4), dtype)
    paddings = np.array([[1, 0], [0, 2], [3, 1]], np.int64)
    q = (np.float32(0.05), random_zero_point(rng, dtype))
    value = random_q(rng, (), dtype)
    check("PADV2", [x, paddings, value], None, rows.pad(x, paddings, value), litert=True, constant_inputs=(1, 2),
          input_quantization=[q, None, q], output_quantization=q)
    with pytest.raises(EdgeliteError, match="constant_values 'input2' has scale 0.1"):
        run_single_op("PADV2", [x, paddings, value], constant_inputs=(1, 2), input_quantization=[q, None, (0.1, 0)],
                      output_quantization=q)


def test_pad_unquantized_int8_and_bool_fill_with_zero():
    x = np.arange(6, dtype=np.int8).reshape(2, 3) - 2
    paddings = np.array([[1, 1], [0, 2]], np.int32)
    check("PAD", [x, paddings], None, np.pad(x, paddings), litert=True, constant_inputs=(1,))
    b = np.array([[True, False, True]])
    check("PAD", [b, paddings], None, np.pad(b, paddings), litert=True, constant_inputs=(1,))


# ---- RESIZE_BILINEAR / RESIZE_NEAREST_NEIGHBOR ----
MODES = [(False, False), (True, False), (False, True)]


@pytest.mark.parametrize("dtype", QTYPES)
@pytest.mark.parametrize("mode", MODES, ids=["plain", "align_corners", "half_pixel"])
@pytest.mark.parametrize("in_hw, out_hw", [((4, 5), (7, 9)), ((6, 6), (3, 4)), ((1, 3), (2, 5)), ((5, 4), (5, 4)),
                                           ((3, 2), (1, 1))])
def test_resize_bilinear(dtype, mode, in_hw, out_hw):
    rng = np.random.default_rng(sum(in_hw) * 7 + sum(out_hw))
    x = random_q(rng, (2, *in_hw, 3), dtype)
    size = np.array(out_hw, np.int32)
    q = (np.float32(0.1), random_zero_point(rng, dtype))
    options = {"align_corners": mode[0], "half_pixel_centers": mode[1]}
    check("RESIZE_BILINEAR", [x, size], options, rows.resize_bilinear(x, out_hw, *mode),
          litert=in_hw == (4, 5), num_threads=2, constant_inputs=(1,), input_quantization=[q, None],
          output_quantization=q)


@pytest.mark.parametrize("dtype", QTYPES)
@pytest.mark.parametrize("mode", MODES + [(True, True)], ids=["plain", "align_corners", "half_pixel", "both"])
def test_resize_nearest_neighbor(dtype, mode):
    rng = np.random.default_rng(9)
    x = random_q(rng, (1, 5, 4, 3), dtype)
    q = (np.float32(0.1), random_zero_point(rng, dtype))
    for out_hw in [(8, 7), (3, 2)]:
        check("RESIZE_NEAREST_NEIGHBOR", [x, np.array(out_hw, np.int32)],
              {"align_corners": mode[0], "half_pixel_centers": mode[1]},
              rows.resize_nearest_neighbor(x, out_hw, *mode), litert=True, constant_inputs=(1,),
              input_quantization=[q, None], output_quantization=q)


# ---- element-moving kernels keep quantized values ----
@pytest.mark.parametrize("dtype", QTYPES)
def test_element_moving_kernels_copy_raw_values(dtype):
    rng = np.random.default_rng(10)
    x = random_q(rng, (2, 3, 4, 5), dtype)
    q = (np.float32(0.07), random_zero_point(rng, dtype))
    kw = dict(input_quantization={0: q}, output_quantization=q)
    check("RESHAPE", [x, np.array([6, -1], np.int32)], None, x.reshape(6, -1), litert=True, constant_inputs=(1,),
          **kw)
    perm = np.array([2, 0, 3, 1], np.int32)
    check("TRANSPOSE", [x, perm], None, np.transpose(x, perm), litert=True, constant_inputs=(1,), **kw)
    begin, end, strides = (np.array(v, np.int32) for v in ([0, 1, 3, 0], [2, 3, 0, 5], [1, 1, -1, 2]))
    check("STRIDED_SLICE", [x, begin, end, strides], None, x[0:2, 1:3, 3:0:-1, 0:5:2], litert=True,
          constant_inputs=(1, 2, 3), **kw)
    idx = np.array([[3, 0], [1, 1]], np.int32)
    check("GATHER", [x, idx], {"axis": 2}, np.take(x, idx, axis=2), litert=True, constant_inputs=(1,), **kw)
    outs = run_single_op("SPLIT", [np.array(1, np.int32), x], {"num_splits": 3}, constant_inputs=(0,),
                         num_outputs=3, output_types=dtype, input_quantization={1: q}, output_quantization=[q] * 3)
    for got, want in zip(outs, np.split(x, 3, axis=1)):
        assert_bit_equal(got, want, "SPLIT")
    outs = run_single_op("SPLIT_V", [x, np.array([1, -1], np.int32), np.array(3, np.int32)], {"num_splits": 2},
                         constant_inputs=(1, 2), num_outputs=2, input_quantization={0: q},
                         output_quantization=[q] * 2)
    for got, want in zip(outs, np.split(x, [1], axis=3)):
        assert_bit_equal(got, want, "SPLIT_V")
    y = random_q(rng, x.shape, dtype)
    check("PACK", [x, y], {"values_count": 2, "axis": 1}, np.stack([x, y], 1), litert=True,
          input_quantization=[q, q], output_quantization=q)


def test_pack_needs_equal_quantization():
    x = np.zeros((2, 3), np.int8)
    with pytest.raises(EdgeliteError, match="input 1 'input1' has scale 0.2, zero point 0 but output 'output0' has "
                                            "scale 0.1, zero point 0"):
        run_single_op("PACK", [x, x], {"values_count": 2, "axis": 0}, input_quantization=[(0.1, 0), (0.2, 0)],
                      output_quantization=(0.1, 0))
