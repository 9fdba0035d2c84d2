"""Integer references of the operators that work along rows or windows: SOFTMAX, LOG_SOFTMAX, MEAN, SUM,
REDUCE_PROD, REDUCE_MAX, AVERAGE_POOL_2D, MAX_POOL_2D, CONCATENATION, PAD/PADV2, RESIZE_BILINEAR,
RESIZE_NEAREST_NEIGHBOR, each following the LiteRT file named in its docstring. Quantization is given as (scale,
zero_point) pairs."""

import numpy as np

from conv_family import windows
from integer_reference import (INT32_MIN, activation_range, count_leading_zeros32, dtype_range,
                               exp_double, exp_on_negative_values, f32, float_to_int32, get_reciprocal,
                               log_x_for_x_greater_than_or_equal_to_1, lookup_int16, lut_int16,
                               mbqm_greater_than_one, multiply_by_quantized_multiplier,
                               multiply_by_quantized_multiplier_int64, multiply_by_quantized_multiplier_neon,
                               quantize_multiplier,
                               quantize_multiplier_smaller_than_one_exp, rescale, round_half_away,
                               rounding_divide_by_pot, srdhm, wrap_int32)

SCALED_DIFF_INTEGER_BITS = 5  # Q5.26 inputs to exp()
ACCUMULATION_INTEGER_BITS = 12  # Q12.19 sums of exps


def softmax_input_scaling(beta, input_scale):
    """PreprocessSoftmaxScaling (quantization_util.cc) with 5 integer bits: (multiplier, left shift) of
    min(beta * s_x * 2^26, 2^31 - 1) in double (must exceed one), and diff_min = -floor(31 * 2^26 / 2^left_shift),
    below which a difference from the row maximum is treated as exp = 0."""
    real = min(np.float64(f32(beta)) * np.float64(f32(input_scale)) * 2.0 ** (31 - SCALED_DIFF_INTEGER_BITS),
               2.0 ** 31 - 1.0)
    assert real > 1.0, "LiteRT CHECK-fails (QuantizeMultiplierGreaterThanOne)"
    multiplier, left_shift = quantize_multiplier(real)
    radius = np.floor(31.0 * 2.0 ** (31 - SCALED_DIFF_INTEGER_BITS) / 2.0 ** left_shift)
    return multiplier, left_shift, -int(radius)


def _exp_of_differences(diff, multiplier, left_shift, diff_min):
    """exp(beta * s_x * (q - max)) in Q0.31 for the differences at or above diff_min (0 elsewhere), and their
    sum in Q12.19 accumulated with int32 wrap-around."""
    scaled = mbqm_greater_than_one(diff, multiplier, left_shift)
    exps = np.where(diff >= diff_min, exp_on_negative_values(scaled, SCALED_DIFF_INTEGER_BITS), 0)
    terms = np.where(diff >= diff_min, rescale(exps, 0, ACCUMULATION_INTEGER_BITS), 0)
    return exps, wrap_int32(terms.sum(axis=-1))


def softmax(q, x_qp, beta=1.0, output_dtype=None):
    """SOFTMAX over the last axis. int8/uint8 inputs (reference/softmax.h, gemmlowp fixed point): differences from
    the row maximum scaled into Q5.26, exp_on_negative_values, the sum's reciprocal by GetReciprocal, then
    RoundingDivideByPOT(reciprocal * exp, num_bits_over_unit + 31 - bits) + the output type's minimum, clamped;
    the output quantization is not read (it is assumed 1/256 with zero point -128 / 0, 1/65536 and -32768 for
    int16 outputs; LiteRT's prepare checks only int8 -> int8). int16 (reference/softmax.h SoftmaxInt16): the
    two 513-entry double-built tables of exp on [-10, 0] and 1 / (1 + x) on [0, 1]."""
    q = np.asarray(q)
    output_dtype = np.dtype(output_dtype or q.dtype)
    if q.dtype == np.int16:
        return _softmax_int16(q, x_qp, beta)
    multiplier, left_shift, diff_min = softmax_input_scaling(beta, x_qp[0])
    values = q.astype(np.int64)
    diff = values - values.max(axis=-1, keepdims=True)
    exps, sums = _exp_of_differences(diff, multiplier, left_shift, diff_min)
    reciprocal, bits_over_unit = get_reciprocal(sums, ACCUMULATION_INTEGER_BITS)
    exponent = (bits_over_unit + 31 - 8 * output_dtype.itemsize)[..., None]
    lo, hi = dtype_range(output_dtype)
    out = rounding_divide_by_pot(srdhm(reciprocal[..., None], exps), exponent) + lo
    return np.where(diff >= diff_min, np.clip(out, lo, hi), lo).astype(output_dtype)


def _softmax_int16(q, x_qp, beta):
    levels = 65535.0
    exp_table = lut_int16(exp_double, 10.0 / levels, 32767, 2.0 / levels, 0, float_type=np.float64)
    reciprocal_table = lut_int16(lambda x: 1.0 / (1.0 + np.asarray(x, np.float64)), 1.0 / levels, -32768,
                                 2.0 / levels, 0, float_type=np.float64)
    multiplier, shift = quantize_multiplier(np.float64(f32(x_qp[0]) * f32(beta)) / (10.0 / 65535.0))
    values = q.astype(np.int64)
    diff = values - values.max(axis=-1, keepdims=True)
    scaled = np.clip(multiply_by_quantized_multiplier(diff, multiplier, shift) + 32767, -32768, 32767)
    exps = lookup_int16(scaled, exp_table).astype(np.int64)
    sums = wrap_int32(exps.sum(axis=-1))
    headroom_plus_one = count_leading_zeros32(sums)
    shifted = ((sums << (headroom_plus_one - 1)) + (1 << 13)) >> 14
    reciprocal = lookup_int16(np.clip(shifted - ((1 << 15) + (1 << 16)), -32768, 32767),
                              reciprocal_table).astype(np.int64)
    right_shift = (31 - headroom_plus_one)[..., None]
    out = (exps * reciprocal[..., None] + (np.int64(1) << (right_shift - 1))) >> right_shift
    return np.clip(out, 0, 32767).astype(np.int16)


def log_softmax(q, x_qp):
    """LOG_SOFTMAX over the last axis, int8/uint8 (reference/integer_ops/log_softmax.h, reference/log_softmax.h):
    as SOFTMAX (beta 1) up to the sum of exps, then log_x_for_x_greater_than_or_equal_to_1 of the sum in Q5.26;
    differences above max(diff_min - 1, the log sum brought back to input steps by the reverse multiplier) give
    RoundingDivideByPOT(scaled diff - log sum, 22) + 127 (int8) or + 255 (uint8), clamped; others the minimum.
    Prepare requires s_y = 16/256 and zp_y = 127 (int8) / 255 (uint8)."""
    q = np.asarray(q)
    multiplier, left_shift, diff_min = softmax_input_scaling(1.0, x_qp[0])
    reverse_multiplier, reverse_shift = quantize_multiplier_smaller_than_one_exp(
        (1 << (31 - left_shift)) / np.float64(multiplier))
    values = q.astype(np.int64)
    diff = values - values.max(axis=-1, keepdims=True)
    _, sums = _exp_of_differences(diff, multiplier, left_shift, diff_min)
    log_sum = log_x_for_x_greater_than_or_equal_to_1(sums, ACCUMULATION_INTEGER_BITS, SCALED_DIFF_INTEGER_BITS)
    back = rounding_divide_by_pot(srdhm(wrap_int32(log_sum + INT32_MIN), reverse_multiplier), -reverse_shift)
    adjusted_diff_min = np.maximum(diff_min - 1, back)[..., None]
    lo, hi = dtype_range(q.dtype)
    scaled = mbqm_greater_than_one(diff, multiplier, left_shift)
    out = rounding_divide_by_pot(wrap_int32(scaled - log_sum[..., None]), 31 - SCALED_DIFF_INTEGER_BITS - 4) + hi
    return np.where(diff > adjusted_diff_min, np.clip(out, lo, hi), lo).astype(q.dtype)


# ---- reductions (reduce.cc, reference/reduce.h, optimized/integer_ops/mean.h) ----
def _resolve_axes(axis, ndim):
    return tuple(sorted({int(a) % ndim for a in np.atleast_1d(axis)}))


def _reduced(values, axes, keep_dims, fn):
    out = fn(values, axis=axes, keepdims=True)
    return out if keep_dims else out.reshape([d for i, d in enumerate(out.shape) if i not in axes])


def mean(q, x_qp, y_qp, axis, keep_dims=False):
    """MEAN as BUILTIN_REF computes it (reference/reduce.h QuantizedMeanOrSum): sum of raw values (int32), the
    multiplier QuantizeMultiplier(double(s_x) / double(s_y)) with 1/N folded in by integer division
    (multiplier << k) / N, k = min(floor(log2 N), 32, 31 + shift), shift - k; out = MBQM(sum - zp_x * N) + zp_y,
    clamped. Duplicate and negative axes are resolved first."""
    values = np.asarray(q, np.int64)
    axes = _resolve_axes(axis, values.ndim)
    n = int(np.prod([values.shape[a] for a in axes]))
    multiplier, shift = quantize_multiplier(np.float64(f32(x_qp[0])) / np.float64(f32(y_qp[0])))
    k = min(n.bit_length() - 1, 32, 31 + shift)  # floor(log2 N), clamped
    multiplier = (multiplier << k) // n
    sums = wrap_int32(_reduced(values, axes, keep_dims, np.sum) - x_qp[1] * n)
    out = multiply_by_quantized_multiplier(sums, multiplier, shift - k) + y_qp[1]
    return np.clip(out, *dtype_range(q.dtype)).astype(q.dtype)


def mean_optimized_int8(q, x_qp, y_qp):
    """The other MEAN algorithm: LiteRT's default (non-reference) kernel for int8, 4-D input, keep_dims, axes
    {1, 2} (optimized/integer_ops/mean.h): multiplier QuantizeMultiplier(s_x / (N * s_y)) and bias zp_y -
    round(zp_x * s_x / s_y), both in float32; out = MBQM(sum of raw values) + bias, clamped. Channels in whole
    blocks of 16 go through the vector multiply (ties toward +infinity), the remaining ones through the scalar
    one (ties away from zero)."""
    values = np.asarray(q, np.int64)
    n = values.shape[1] * values.shape[2]
    multiplier, shift = quantize_multiplier(np.float64(f32(x_qp[0]) / (f32(n) * f32(y_qp[0]))))
    temp = f32(x_qp[1]) * f32(x_qp[0]) / f32(y_qp[0])
    temp = temp + f32(0.5) if temp > 0 else temp - f32(0.5)
    bias = y_qp[1] - int(float_to_int32(temp))
    sums = values.sum(axis=(1, 2), keepdims=True)
    vector_end = values.shape[3] // 16 * 16
    out = np.concatenate([multiply_by_quantized_multiplier_neon(sums[..., :vector_end], multiplier, shift),
                          multiply_by_quantized_multiplier(sums[..., vector_end:], multiplier, shift)], axis=3)
    return np.clip(out + bias, -128, 127).astype(np.int8)


def reduce_sum(q, x_qp, y_qp, axis, keep_dims=False):
    """SUM as BUILTIN_REF computes it for uint8 (reference/reduce.h QuantizedMeanOrSum with compute_sum):
    MBQM(sum - zp_x * N, QuantizeMultiplier(double(s_x) / double(s_y))) + zp_y, clamped. (LiteRT's reference SUM
    passes int8 and int16 data to that function as uint8, so its int8/int16 results are wrong; see
    reduce_sum_optimized for what its default kernel computes.)"""
    values = np.asarray(q, np.int64)
    axes = _resolve_axes(axis, values.ndim)
    n = int(np.prod([values.shape[a] for a in axes]))
    multiplier, shift = quantize_multiplier(np.float64(f32(x_qp[0])) / np.float64(f32(y_qp[0])))
    sums = wrap_int32(_reduced(values, axes, keep_dims, np.sum) - x_qp[1] * n)
    out = multiply_by_quantized_multiplier(sums, multiplier, shift) + y_qp[1]
    return np.clip(out, *dtype_range(q.dtype)).astype(q.dtype)


def reduce_sum_optimized(q, x_qp, y_qp, axis, keep_dims=False):
    """SUM as LiteRT's default kernel computes it (optimized/reduce.h QuantizedMeanOrSum), in float32:
    out = int32(round(sum * (s_x / s_y) + (-zp_x * (s_x / s_y)) * N)) + zp_y, clamped."""
    values = np.asarray(q, np.int64)
    axes = _resolve_axes(axis, values.ndim)
    n = int(np.prod([values.shape[a] for a in axes]))
    scale = f32(x_qp[0]) / f32(y_qp[0])
    bias = f32(-x_qp[1]) * scale * f32(n)
    sums = f32(wrap_int32(_reduced(values, axes, keep_dims, np.sum)))
    out = float_to_int32(round_half_away((sums * scale + bias).astype(np.float32))) + y_qp[1]
    return np.clip(out, *dtype_range(q.dtype)).astype(q.dtype)


def reduce_prod(q, x_qp, y_qp, axis, keep_dims=False):
    """REDUCE_PROD on quantized int8/int16 (reference/reduce.h QuantizedReduceProd): per output, in input order,
    the first value minus the zero point, then each product with the next (value - zp) rescaled by the int64
    MultiplyByQuantizedMultiplier with QuantizeMultiplier(s_x / s_y^(1/N)) (double; N = input size / output
    size), and rescaled once more at the end; + zp_y, clamped."""
    values = np.asarray(q, np.int64)
    axes = _resolve_axes(axis, values.ndim)
    kept = [a for a in range(values.ndim) if a not in axes]
    rows = np.transpose(values, kept + list(axes)).reshape(int(np.prod([values.shape[a] for a in kept])), -1)
    n = rows.shape[1]
    multiplier, shift = quantize_multiplier(np.float64(f32(x_qp[0])) / np.float64(f32(y_qp[0])) ** (1.0 / n))
    acc = rows[:, 0] - x_qp[1]
    for k in range(1, n):
        acc = multiply_by_quantized_multiplier_int64(acc * (rows[:, k] - x_qp[1]), multiplier, shift)
    out = multiply_by_quantized_multiplier_int64(acc, multiplier, shift) + y_qp[1]
    shape = [1 if a in axes else values.shape[a] for a in range(values.ndim)] if keep_dims else \
        [values.shape[a] for a in kept]
    return np.clip(out, *dtype_range(q.dtype)).astype(q.dtype).reshape(shape)


def reduce_max(q, axis, keep_dims=False):
    """REDUCE_MAX compares raw integers; the output keeps the input's quantization."""
    q = np.asarray(q)
    return _reduced(q, _resolve_axes(axis, q.ndim), keep_dims, np.max).astype(q.dtype)


# ---- pooling (pooling.cc, reference/integer_ops/pooling.h, reference/pooling.h) ----
def _pool_windows(q, filter_size, stride, padding):
    """Windows of raw values [n, oh, ow, kh, kw, c] with NaN where the window leaves the image."""
    return windows(np.asarray(q, np.float64), filter_size[0], filter_size[1], stride, (1, 1), padding, np.nan)


def average_pool(q, y_qp, filter_size, stride, padding, activation="NONE"):
    """AVERAGE_POOL_2D: the sum of the raw values inside the image (padding not counted, zero points not
    subtracted) divided by their count, rounded half away from zero ((sum +- count / 2) / count in C integer
    division), clamped to the activation range. Input and output share their quantization."""
    q = np.asarray(q)
    win = _pool_windows(q, filter_size, stride, padding)
    count = np.sum(~np.isnan(win), axis=(3, 4)).astype(np.int64)
    total = np.nansum(win, axis=(3, 4)).astype(np.int64)
    half = count // 2
    avg = np.where(total > 0, (total + half) // count, -((-(total - half)) // count))
    return np.clip(avg, *activation_range(activation, y_qp[0], y_qp[1], q.dtype)).astype(q.dtype)


def max_pool(q, y_qp, filter_size, stride, padding, activation="NONE"):
    """MAX_POOL_2D: the maximum of the raw values inside the image, clamped to the activation range."""
    q = np.asarray(q)
    win = _pool_windows(q, filter_size, stride, padding)
    peak = np.nanmax(win, axis=(3, 4)).astype(np.int64)
    return np.clip(peak, *activation_range(activation, y_qp[0], y_qp[1], q.dtype)).astype(q.dtype)


# ---- data movement with quantization rules ----
def concatenation(inputs, input_qps, y_qp, axis):
    """CONCATENATION. uint8 (reference/concatenation.h ConcatenationWithScaling): an input whose scale and zero
    point equal the output's is copied; others become clamp(int32(round(q * scale + bias)) + zp_y, 0, 255) with
    scale = s_in * (1 / s_out) and bias = -zp_in * scale in float32. int8: LiteRT's prepare requires every input
    to have the output's scale and zero point (a plain copy). int16: zero points 0, copied without rescaling
    whatever the scales."""
    parts = []
    for q, qp in zip(inputs, input_qps):
        q = np.asarray(q)
        if q.dtype == np.uint8 and not (f32(qp[0]) == f32(y_qp[0]) and qp[1] == y_qp[1]):
            scale = f32(qp[0]) * (f32(1.0) / f32(y_qp[0]))
            bias = f32(-qp[1]) * scale
            value = float_to_int32(round_half_away(f32(q) * scale + bias)) + y_qp[1]
            q = np.clip(value, 0, 255).astype(np.uint8)
        parts.append(q)
    return np.concatenate(parts, axis=axis)


def pad(q, paddings, pad_value):
    """PAD / PADV2: raw values are copied (no rescaling); the pad value is the output zero point (PAD) or the
    constant, whose quantization must equal the output's (PADV2)."""
    return np.pad(q, np.asarray(paddings), constant_values=pad_value)


def resize_bilinear(q, size, align_corners=False, half_pixel_centers=False):
    """RESIZE_BILINEAR on raw values. int8/int16 (reference/resize_bilinear.h ResizeBilinearInteger): scales in
    Q10 rounded ((2^10 * in + out / 2) / out), source positions in Q10 (half-pixel: y * s + s / 2 - 2^9), the
    four weights products of Q10 fractions, the Q20 sum rounded half away ((sum +- 2^19) / 2^20). uint8
    (reference ResizeBilinear): the same in float32 with truncation of value + 0.5."""
    q = np.asarray(q)
    if q.dtype == np.uint8:
        return _resize_bilinear_float(q, size, align_corners, half_pixel_centers)
    (n, h, w, c), (oh, ow) = q.shape, size

    def positions(out_size, in_size):
        if align_corners and out_size > 1:
            scale = ((1 << 10) * (in_size - 1) + (out_size - 1) // 2) // (out_size - 1)
        else:
            scale = ((1 << 10) * in_size + out_size // 2) // out_size
        v = np.arange(out_size, dtype=np.int64) * scale
        if half_pixel_centers:
            v = v + scale // 2 - (1 << 9)
        lower = np.maximum(np.where(v >= 0, v >> 10, -((-v) >> 10)), 0)
        s = v + (1 << 10) - 1
        upper = np.minimum(np.where(s >= 0, s >> 10, -((-s) >> 10)), in_size - 1)
        return v, lower, upper

    y, y0, y1 = positions(oh, h)
    x, x0, x1 = positions(ow, w)
    fy, fx = (y - (y0 << 10))[:, None, None], (x - (x0 << 10))[None, :, None]
    v = q.astype(np.int64)
    total = (v[:, y0][:, :, x0] * ((1 << 10) - fy) * ((1 << 10) - fx) + v[:, y1][:, :, x0] * fy * ((1 << 10) - fx)
             + v[:, y0][:, :, x1] * ((1 << 10) - fy) * fx + v[:, y1][:, :, x1] * fy * fx)
    rounded = total + np.where(total > 0, 1 << 19, -(1 << 19))
    return np.where(rounded >= 0, rounded >> 20, -((-rounded) >> 20)).astype(q.dtype)


def _resize_bilinear_float(q, size, align_corners, half_pixel_centers):
    (n, h, w, c), (oh, ow) = q.shape, size

    def positions(out_size, in_size):
        scale = f32(in_size) / f32(out_size)
        if align_corners and out_size > 1:
            scale = f32(in_size - 1) / f32(out_size - 1)
        v = f32(np.arange(out_size))
        v = (v + f32(0.5)) * scale - f32(0.5) if half_pixel_centers else v * scale
        lower = np.maximum(float_to_int32(np.floor(v)), 0)
        upper = np.minimum(float_to_int32(np.ceil(v)), in_size - 1)
        return f32(v), lower, upper

    y, y0, y1 = positions(oh, h)
    x, x0, x1 = positions(ow, w)
    dy, dx = f32(y - f32(y0))[:, None, None], f32(x - f32(x0))[None, :, None]
    one = f32(1.0)
    v = f32(q)
    total = (v[:, y0][:, :, x0] * (one - dy) * (one - dx) + v[:, y1][:, :, x0] * dy * (one - dx) +
             v[:, y0][:, :, x1] * (one - dy) * dx + v[:, y1][:, :, x1] * dy * dx + f32(0.5))
    return float_to_int32(f32(total)).astype(np.uint8)


def resize_nearest_neighbor(q, size, align_corners=False, half_pixel_centers=False):
    """RESIZE_NEAREST_NEIGHBOR (reference/resize_nearest_neighbor.h): a copy; source index floor((i + offset) *
    scale) (round half away with align_corners), scale = in / out (or (in - 1) / (out - 1)) in float32, offset
    0.5 with half_pixel_centers, clamped to the input."""
    q = np.asarray(q)

    def source(out_size, in_size):
        scale = (f32(in_size - 1) / f32(out_size - 1)) if align_corners and out_size > 1 else \
            f32(in_size) / f32(out_size)
        v = (f32(np.arange(out_size)) + f32(0.5 if half_pixel_centers else 0.0)) * scale
        idx = float_to_int32(round_half_away(f32(v)) if align_corners else np.floor(f32(v)))
        idx = np.minimum(idx, in_size - 1)
        return np.maximum(idx, 0) if half_pixel_centers else idx

    return q[:, source(size[0], q.shape[1])][:, :, source(size[1], q.shape[2])]
