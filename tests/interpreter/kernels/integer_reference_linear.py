"""Integer references of the filter operators: CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, BATCH_MATMUL, with
int8 (per-channel and per-tensor), uint8 and int16x8, and their dynamic-range ("hybrid": float activations, int8
weights) variants. Each follows LiteRT's reference kernel (BUILTIN_REF) named in its docstring. Tensors' quantization
is given as (scale, zero_point) pairs; a per-channel scale is an array."""

import numpy as np

from conv_family import windows
from integer_reference import (activation_range, dtype_range, f32, float_to_int32,
                               multiply_by_quantized_multiplier, multiply_by_quantized_multiplier_int64,
                               quantize_multiplier, round_half_away, wrap_int32)

FLOAT_ACTIVATIONS = {"NONE": (-np.inf, np.inf), "RELU": (0.0, np.inf), "RELU_N1_TO_1": (-1.0, 1.0),
                     "RELU6": (0.0, 6.0)}


def _scales(qp):
    return np.atleast_1d(np.asarray(qp[0], np.float32))


def per_channel_multipliers(input_scale, filter_scales, output_scale):
    """PopulateConvolutionQuantizationParams: per output channel, QuantizeMultiplier(double(s_in) * double(s_w[c])
    / double(s_out)) — products in double. A per-tensor filter scale is broadcast to every channel."""
    real = np.float64(f32(input_scale)) * _scales((filter_scales,)).astype(np.float64) / np.float64(f32(output_scale))
    return quantize_multiplier(real)


def legacy_multiplier(input_scale, filter_scale, output_scale):
    """GetQuantizedConvolutionMultipler (uint8 conv/depthwise, BATCH_MATMUL, the old FULLY_CONNECTED): the product
    of the two scales in float32, then divided in double by the output scale."""
    return quantize_multiplier(np.float64(f32(input_scale) * f32(filter_scale)) / np.float64(f32(output_scale)))


def _requantize_accumulator(acc, multiplier, shift, output_zero_point, act, int64_accumulator):
    if int64_accumulator:
        scaled = multiply_by_quantized_multiplier_int64(acc, multiplier, shift)
    else:
        scaled = multiply_by_quantized_multiplier(wrap_int32(acc), multiplier, shift)
    return np.clip(scaled + output_zero_point, act[0], act[1])


def _filter_output(acc, dtype, x_qp, w_qp, bias, y_qp, activation):
    """The end of CONV_2D / DEPTHWISE_CONV_2D: + bias, requantize (uint8: one legacy multiplier; int8 and int16:
    per channel), + zp_y (not for int16, whose zero points are 0), clamp to the activation range."""
    int64_acc = dtype == np.int16 and (bias is None or np.asarray(bias).dtype == np.int64)
    if bias is not None:
        acc = acc + np.asarray(bias, np.int64)
    if dtype == np.uint8:
        multiplier, shift = legacy_multiplier(x_qp[0], w_qp[0], y_qp[0])
    else:
        multiplier, shift = per_channel_multipliers(x_qp[0], w_qp[0], y_qp[0])
    zp_y = 0 if dtype == np.int16 else y_qp[1]
    act = activation_range(activation, y_qp[0], y_qp[1], dtype)
    return _requantize_accumulator(acc, multiplier, shift, zp_y, act, int64_acc).astype(dtype)


def _conv_windows(x, kh, kw, stride, dilation, padding, pad_value):
    """Integer windows [n, oh, ow, kh, kw, c]; positions outside the image hold pad_value (the input zero point,
    so that they contribute nothing, as LiteRT's kernels skip them)."""
    return windows(np.asarray(x, np.float64), kh, kw, stride, dilation, padding, pad_value).astype(np.int64)


def conv2d(x, x_qp, w, w_qp, bias, y_qp, *, stride=(1, 1), dilation=(1, 1), padding="SAME",
           activation="NONE"):
    """CONV_2D. int8 (reference/integer_ops/conv.h ConvPerChannel): acc = sum w * (x - zp_x) + bias (int32),
    per-channel MultiplyByQuantizedMultiplier with double-product multipliers, + zp_y, clamp to the activation
    range; the filter zero point is ignored (prepare requires 0). int16x8 (same file, int16 overload): no input or
    output offset (zero points must be 0), int64 accumulator and the int64 multiply when the bias is int64, int32
    accumulator and the int32 multiply when the bias is int32. uint8 (reference/conv.h): acc = sum (w - zp_w) *
    (x - zp_x) + bias with one multiplier whose scale product is float32 (legacy_multiplier). Grouped convolution
    when the filter has fewer input channels than the input."""
    x, w = np.asarray(x), np.asarray(w)
    out_c, kh, kw, filter_in_c = w.shape
    groups = x.shape[3] // filter_in_c
    win = _conv_windows(x, kh, kw, stride, dilation, padding, x_qp[1]) - x_qp[1]
    n, oh, ow = win.shape[:3]
    win = win.reshape(n, oh, ow, kh, kw, groups, filter_in_c)
    wq = w.astype(np.int64) - (w_qp[1] if x.dtype == np.uint8 else 0)
    wg = wq.reshape(groups, out_c // groups, kh, kw, filter_in_c)
    acc = np.einsum("nyxhwgc,gohwc->nyxgo", win, wg).reshape(n, oh, ow, out_c)
    return _filter_output(acc, x.dtype, x_qp, w_qp, bias, y_qp, activation)


def depthwise_conv2d(x, x_qp, w, w_qp, bias, y_qp, *, stride=(1, 1), dilation=(1, 1), padding="SAME",
                     activation="NONE"):
    """DEPTHWISE_CONV_2D, filter [1, kh, kw, in_c * depth_multiplier]; output channel c reads input channel
    c // depth_multiplier. int8 (reference/integer_ops/depthwise_conv.h DepthwiseConvPerChannel): as CONV_2D int8
    (filter zero point taken as 0). int16x8: int64 bias only, int64 accumulator and multiply; LiteRT reads the depth
    multiplier from the options there (from the shapes for int8/uint8). uint8 (reference/depthwiseconv_uint8.h):
    filter and input offsets, legacy float32 scale product, the double-rounding multiply."""
    x, w = np.asarray(x), np.asarray(w)
    _, kh, kw, out_c = w.shape
    in_c = x.shape[3]
    mult = out_c // in_c
    win = _conv_windows(x, kh, kw, stride, dilation, padding, x_qp[1]) - x_qp[1]
    win = np.repeat(win, mult, axis=5)  # channel c of the output reads input channel c // mult
    wq = w[0].astype(np.int64) - (w_qp[1] if x.dtype == np.uint8 else 0)
    acc = np.einsum("nyxhwc,hwc->nyxc", win, wq)
    return _filter_output(acc, x.dtype, x_qp, w_qp, bias, y_qp, activation)


def _fc_accumulator(x, x_qp, w, w_qp, bias, per_channel):
    rows = np.asarray(x, np.int64).reshape(-1, w.shape[1]) - x_qp[1]
    wq = np.asarray(w, np.int64) - (0 if per_channel else w_qp[1])
    acc = rows @ wq.T
    if bias is not None:
        acc = acc + np.asarray(bias, np.int64)
    bias_is_int64 = bias is not None and np.asarray(bias).dtype == np.int64
    return acc if bias_is_int64 else wrap_int32(acc)


def fully_connected(x, x_qp, w, w_qp, bias, y_qp, *, activation="NONE", keep_num_dims=False,
                    output_dtype=None, formula="float"):
    """FULLY_CONNECTED, weights [units, depth]: acc = sum (w - zp_w) * (x - zp_x) + bias (per-channel weights are
    symmetric: zp_w not used); int32 accumulator, int64 for int16 inputs with an int64 bias.

    formula="float" is LiteRT's reference since commit 9213607 (April 2025), what LiteRT 2.3.0's BUILTIN_REF
    runs (reference/integer_ops/fully_connected.h and reference/fully_connected.h, the overloads taking float
    scales): out = int32(round(double(acc) * (double(s_x) * double(s_w[c]) / double(s_y)))) + zp_y, round half
    away from zero, then clamp. int16 outputs clamp before adding their (zero) zero point.
    formula="double_rounding" is the integer requantization the reference used before and LiteRT's optimized
    int16 kernels still use: MultiplyByQuantizedMultiplier with QuantizeMultiplier of that scale (per-tensor:
    the scale product in float32, legacy_multiplier; per-channel: in double)."""
    x, w = np.asarray(x), np.asarray(w)
    per_channel = _scales(w_qp).size > 1
    output_dtype = np.dtype(output_dtype or x.dtype)
    acc = _fc_accumulator(x, x_qp, w, w_qp, bias, per_channel)
    act = activation_range(activation, y_qp[0], y_qp[1], output_dtype)
    w_scales = _scales(w_qp)
    if formula == "float":
        scale = np.float64(f32(x_qp[0])) * w_scales.astype(np.float64) / np.float64(f32(y_qp[0]))
        scaled = float_to_int32(round_half_away(acc.astype(np.float64) * scale))
        out = np.clip(wrap_int32(scaled + y_qp[1]), act[0], act[1])
    else:
        if per_channel:
            multiplier, shift = per_channel_multipliers(x_qp[0], w_scales, y_qp[0])
        else:
            multiplier, shift = legacy_multiplier(x_qp[0], w_scales[0], y_qp[0])
        int64_acc = bias is not None and np.asarray(bias).dtype == np.int64
        out = _requantize_accumulator(acc, multiplier, shift, y_qp[1], act, int64_acc)
    shape = x.shape[:-1] + (w.shape[0],) if keep_num_dims else (acc.shape[0], w.shape[0])
    return out.reshape(shape).astype(output_dtype)


def _batch_matmul_operands(lhs, rhs, adj_x, adj_y):
    lhs, rhs = np.asarray(lhs, np.int64), np.asarray(rhs, np.int64)
    if adj_x:
        lhs = np.swapaxes(lhs, -1, -2)
    if adj_y:
        rhs = np.swapaxes(rhs, -1, -2)
    return lhs, rhs


def batch_matmul(lhs, lhs_qp, rhs, rhs_qp, y_qp, *, adj_x=False, adj_y=False, output_dtype=None):
    """BATCH_MATMUL (reference/batch_matmul.h, the FullyConnectedParams overload), batch dimensions broadcast:
    acc = sum (lhs - zp_l) * (rhs - zp_r), int32 for int8 (int64 for int16), then MultiplyByQuantizedMultiplier
    (the int64 variant for int16) with QuantizeMultiplier(double(float32(s_l * s_r)) / double(s_y)) — the legacy
    float32 scale product — + zp_y and a clamp to the output type (no fused activation). int8 inputs with an int32
    output give the raw accumulator (zero points ignored)."""
    lhs, rhs = np.asarray(lhs), np.asarray(rhs)
    output_dtype = np.dtype(output_dtype or lhs.dtype)
    a, b = _batch_matmul_operands(lhs, rhs, adj_x, adj_y)
    if output_dtype == np.int32:
        return wrap_int32(np.matmul(a, b)).astype(np.int32)
    acc = np.matmul(a - lhs_qp[1], b - rhs_qp[1])
    multiplier, shift = legacy_multiplier(lhs_qp[0], rhs_qp[0], y_qp[0])
    out = _requantize_accumulator(acc, multiplier, shift, y_qp[1], dtype_range(output_dtype), lhs.dtype == np.int16)
    return out.astype(output_dtype)


# ---- dynamic range ("hybrid"): float input quantized per row on the fly, int8 weights, float output ----
NEON_LANES = 8  # LiteRT's vectorized row quantizers handle 8 values a step; the rest go through std::round


def _vector_round(values):
    """The vectorized rounding of LiteRT's Neon row quantizers (also what x86 runs, through NEON_2_SSE):
    trunc(v + 0.5) or trunc(v - 0.5), the addition in float32; it differs from std::round only when that
    addition rounds (|v| just below 0.5, or past 2^23)."""
    values = f32(values)
    return np.trunc(values + np.where(values < 0, f32(-0.5), f32(0.5)).astype(np.float32))


def _round_rows(products):
    """Rounds a [rows, n] float32 array as the quantizers do: the first n // 8 * 8 columns vectorized, the tail
    with std::round."""
    vector_end = products.shape[1] // NEON_LANES * NEON_LANES
    return np.concatenate([_vector_round(products[:, :vector_end]), round_half_away(products[:, vector_end:])],
                          axis=1)


def quantize_rows_symmetric(rows):
    """SymmetricQuantizeFloats per row (neon_tensor_utils.cc; the portable version differs only in rounding every
    value with std::round): range = max(|min|, |max|), scale = range / 127 and inverse 127 / range in float32,
    q = clamp(round(x * inverse), -127, 127); an all-zero row gives q = 0, scale 1. Returns (q, scale, zero 0)."""
    rows = f32(rows)
    rng = np.maximum(np.abs(rows.min(axis=1)), np.abs(rows.max(axis=1)))
    zero = rng == 0
    safe = np.where(zero, f32(1.0), rng)
    scale = np.where(zero, f32(1.0), safe / f32(127.0)).astype(np.float32)
    inverse = (f32(127.0) / safe).astype(np.float32)
    q = np.clip(float_to_int32(_round_rows((rows * inverse[:, None]).astype(np.float32))), -127, 127)
    return np.where(zero[:, None], 0, q), scale, np.zeros(len(rows), np.int64)


def quantize_rows_asymmetric(rows):
    """AsymmetricQuantizeFloats per row, as LiteRT's Neon version computes it (neon_tensor_utils.cc): rmin =
    min(0, min), rmax = max(0, max) in float32; in double, scale = float32(rmax - rmin) / 255, the zero point from
    whichever end (-128 - rmin / scale or 127 - rmax / scale) has the smaller error term, rounded half away and
    clamped; the scale is stored as float32 and the inverse is float32(1.0 / double(scale)); q = clamp(round(x *
    inverse) + zp, -128, 127). rmin == rmax gives q = 0, scale 1, zero point 0. (The portable version subtracts
    in double, inverts in float32 and rounds zp + x * inverse: a last-bit difference in the scale.)"""
    rows = f32(rows)
    rmin = np.minimum(f32(0.0), rows.min(axis=1)).astype(np.float32)
    rmax = np.maximum(f32(0.0), rows.max(axis=1)).astype(np.float32)
    same = rmin == rmax
    rmin64, rmax64 = rmin.astype(np.float64), rmax.astype(np.float64)
    scale = np.where(same, 1.0, (rmax - rmin).astype(np.float32).astype(np.float64) / 255.0)
    from_min, from_max = -128.0 - rmin64 / scale, 127.0 - rmax64 / scale
    zp_double = np.where(128.0 + np.abs(rmin64 / scale) < 127.0 + np.abs(rmax64 / scale), from_min, from_max)
    zp = np.where(zp_double <= -128.0, -128, np.where(zp_double >= 127.0, 127,
                                                         round_half_away(zp_double))).astype(np.int64)
    zp = np.where(same, 0, zp)
    scale32 = np.where(same, f32(1.0), scale.astype(np.float32)).astype(np.float32)
    inverse = (1.0 / scale32.astype(np.float64)).astype(np.float32)
    q = float_to_int32(_round_rows((rows * inverse[:, None]).astype(np.float32))) + zp[:, None]
    return np.where(same[:, None], 0, np.clip(q, -128, 127)), scale32, zp


def _quantize_rows(rows, asymmetric):
    return quantize_rows_asymmetric(rows) if asymmetric else quantize_rows_symmetric(rows)


def _float_activation(y, activation):
    lo, hi = FLOAT_ACTIVATIONS[activation]
    return np.minimum(np.maximum(y, f32(lo)), f32(hi)).astype(np.float32)


def hybrid_fully_connected(x, w, w_scale, bias, *, activation="NONE", asymmetric_quantize_inputs=False,
                           keep_num_dims=False):
    """FULLY_CONNECTED with float input and int8 weights (fully_connected.cc EvalHybridDense, portable
    MatrixBatchVectorMultiplyAccumulate): each input row quantized (symmetric or asymmetric), then per output
    out = bias + float(dot - row_sum(w) * zp_row) * scale, scale = float32(row_scale * s_w) (per tensor, folded
    into the row scale first) or row_scale * s_w[c] (per channel), float32 throughout, then the float activation."""
    x, w = f32(x), np.asarray(w, np.int64)
    rows = x.reshape(-1, w.shape[1])
    q, row_scale, zp = _quantize_rows(rows, asymmetric_quantize_inputs)
    w_scales = np.atleast_1d(f32(w_scale))
    dot = wrap_int32(q @ w.T - w.sum(axis=1)[None, :] * zp[:, None])
    if w_scales.size > 1:
        scale = (row_scale[:, None] * w_scales[None, :]).astype(np.float32)
    else:
        scale = (row_scale * w_scales[0]).astype(np.float32)[:, None]
    out = (f32(dot) * scale).astype(np.float32)
    if bias is not None:
        out = (f32(bias)[None, :] + out).astype(np.float32)
    out = _float_activation(out, activation)
    return out.reshape(x.shape[:-1] + (w.shape[0],) if keep_num_dims else out.shape)


def hybrid_conv2d(x, w, w_scale, bias, *, stride=(1, 1), dilation=(1, 1), padding="SAME", activation="NONE"):
    """CONV_2D with float input and int8 filter, each image quantized as one row. Filter scales that are all
    equal (or one) and no groups: conv.cc EvalHybrid — symmetric quantization, scale = row_scale * s_w,
    out = float(acc) * scale + bias. Distinct per-channel scales, or a grouped convolution (LiteRT then requires
    one scale per channel): EvalHybridPerChannel, reference/conv.h HybridConvPerChannel — the input is quantized
    asymmetrically whatever asymmetric_quantize_inputs says, acc = sum w * (q - zp_row), out = (float(acc) *
    s_w[c]) * row_scale + bias. Padding contributes nothing in both."""
    x, w = f32(x), np.asarray(w, np.int64)
    w_scales = np.atleast_1d(f32(w_scale))
    out_c, kh, kw, filter_in_c = w.shape
    groups = x.shape[3] // filter_in_c
    per_channel = (w_scales.size > 1 and np.any(w_scales != w_scales[0])) or groups != 1
    q, row_scale, zp = _quantize_rows(x.reshape(x.shape[0], -1), per_channel)
    q = q.reshape(x.shape)
    win = np.stack([_conv_windows(q[b:b + 1], kh, kw, stride, dilation, padding, zp[b])[0] - zp[b]
                    for b in range(x.shape[0])])
    n, oh, ow = win.shape[:3]
    win = win.reshape(n, oh, ow, kh, kw, groups, filter_in_c)
    acc = np.einsum("nyxhwgc,gohwc->nyxgo", win, w.reshape(groups, out_c // groups, kh, kw, filter_in_c))
    acc = f32(wrap_int32(acc.reshape(n, oh, ow, out_c)))
    if per_channel:
        w_scales = np.broadcast_to(w_scales, (out_c,))
        out = ((acc * w_scales) * row_scale[:, None, None, None]).astype(np.float32)
    else:
        out = (acc * (row_scale * w_scales[0]).astype(np.float32)[:, None, None, None]).astype(np.float32)
    if bias is not None:
        out = (out + f32(bias)).astype(np.float32)
    return _float_activation(out, activation)


def hybrid_depthwise_conv2d(x, w, w_scale, bias, *, stride=(1, 1), dilation=(1, 1), padding="SAME",
                            activation="NONE"):
    """DEPTHWISE_CONV_2D with float input and int8 filter (reference/integer_ops/depthwise_conv.h
    DepthwiseConvHybridPerChannel): per image asymmetric quantization (always), acc = sum w * (q - zp_row),
    out = float(acc) * (s_w[c] * row_scale) + bias — the two scales multiplied first, unlike CONV_2D. LiteRT's
    prepare needs one filter scale per output channel."""
    x, w = f32(x), np.asarray(w, np.int64)
    q, row_scale, zp = quantize_rows_asymmetric(x.reshape(x.shape[0], -1))
    q = q.reshape(x.shape)
    _, kh, kw, out_c = w.shape
    mult = out_c // x.shape[3]
    win = np.stack([_conv_windows(q[b:b + 1], kh, kw, stride, dilation, padding, zp[b])[0] - zp[b]
                    for b in range(x.shape[0])])
    acc = f32(wrap_int32(np.einsum("nyxhwc,hwc->nyxc", np.repeat(win, mult, axis=5), w[0])))
    scale = (np.atleast_1d(f32(w_scale))[None, :] * row_scale[:, None]).astype(np.float32)
    out = (acc * scale[:, None, None, :]).astype(np.float32)
    if bias is not None:
        out = (out + f32(bias)).astype(np.float32)
    return _float_activation(out, activation)


def hybrid_batch_matmul(lhs, rhs, rhs_scale, *, adj_x=False, adj_y=False, asymmetric_quantize_inputs=False):
    """BATCH_MATMUL with float lhs and int8 rhs (batch_matmul.cc EvalHybrid, reference/batch_matmul.h): each lhs
    row (length = the contracted dimension) quantized, total = sum rhs * q, then total = int32(total - row_sum(rhs)
    * float(zp_row)) and out = scale * total, scale = row_scale * s_r (per tensor, folded first) or
    row_scale * s_r[col] (per channel)."""
    lhs = f32(lhs)
    if adj_x:
        lhs = np.swapaxes(lhs, -1, -2)
    rhs = np.asarray(rhs, np.int64)
    if adj_y:
        rhs = np.swapaxes(rhs, -1, -2)
    k = lhs.shape[-1]
    q, row_scale, zp = _quantize_rows(lhs.reshape(-1, k), asymmetric_quantize_inputs)
    q, row_scale, zp = q.reshape(lhs.shape), row_scale.reshape(lhs.shape[:-1]), zp.reshape(lhs.shape[:-1])
    total = np.matmul(q, rhs)
    row_sums = rhs.sum(axis=-2)[..., None, :]
    total = float_to_int32(f32(total) - f32(row_sums) * f32(zp)[..., None])
    scales = np.atleast_1d(f32(rhs_scale))
    if scales.size > 1:
        scale = (row_scale[..., None] * scales).astype(np.float32)
    else:
        scale = (row_scale * scales[0]).astype(np.float32)[..., None]
    return (scale * f32(total)).astype(np.float32)

