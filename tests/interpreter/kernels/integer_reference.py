"""The normative integer arithmetic of .tflite quantized kernels: an independent NumPy model of LiteRT's
reference kernels (OpResolverType.BUILTIN_REF), written from the formulas, checked bit for bit against LiteRT by
test_integer_reference_litert*.py. docs/integer_kernels.md explains each formula in words.

This module holds the shared arithmetic: multipliers computed in prepare, gemmlowp fixed point, rounding,
quantize / dequantize / requantize, activation ranges and lookup tables. The operators are in
integer_reference_linear.py (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, BATCH_MATMUL, hybrid variants),
integer_reference_elementwise.py (binary arithmetic, comparisons, activations) and integer_reference_rows.py
(SOFTMAX, LOG_SOFTMAX, reductions, pooling, CONCATENATION, PAD, resizes).

Conventions: integer arrays are computed in int64 and every place where LiteRT's C++ holds a value in int32
wraps it the way two's complement does (`wrap_int32`), so overflow behaves as it does on x86. Floats that LiteRT
keeps in float32 are np.float32 here; float products of scales are float32 where the C++ multiplies floats and
float64 where it casts to double first — the difference is one of the things kernels get wrong.
"""

import ctypes
import ctypes.util
import math

import numpy as np

INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1


def dtype_range(dtype):
    info = np.iinfo(np.dtype(dtype))
    return int(info.min), int(info.max)


def wrap_int32(x):
    """Two's-complement wrap of int64 values to int32 (C++ int32 arithmetic that overflows)."""
    return ((np.asarray(x, np.int64) + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)


def wrap_int16(x):
    return ((np.asarray(x, np.int64) + (1 << 15)) & 0xFFFF) - (1 << 15)


def round_half_away(x):
    """std::round (TfLiteRound): nearest integer, ties away from zero. Exact for float32 and float64 inputs
    (x - trunc(x) is exact, unlike floor(x + 0.5))."""
    x = np.asarray(x)
    t = np.trunc(x)
    frac = x - t
    return np.where(np.abs(frac) >= 0.5, t + np.sign(x), t).astype(x.dtype)


def float_to_int32(x):
    """static_cast<int32_t>(float or double) as x86 does it: truncation toward zero; NaN and values outside
    the int32 range give INT32_MIN (the "integer indefinite" of cvttss2si / cvttsd2si)."""
    x = np.asarray(x, np.float64)
    ok = np.isfinite(x) & (x > -2.0 ** 31 - 1) & (x < 2.0 ** 31)
    return np.where(ok, np.trunc(np.where(ok, x, 0.0)), INT32_MIN).astype(np.int64)


def f32(x):
    return np.float32(x) if np.ndim(x) == 0 else np.asarray(x, np.float32)


# ---- the C library's math functions, as LiteRT's prepare calls them to build lookup tables ----
_LIBM = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")


def _libm(name, ctype):
    fn = getattr(_LIBM, name)
    fn.restype, fn.argtypes = ctype, [ctype]
    dtype = np.float32 if ctype is ctypes.c_float else np.float64

    def apply(x):
        out = np.array([fn(float(v)) for v in np.ravel(x)], dtype).reshape(np.shape(x))
        return out[()] if out.ndim == 0 else out
    return apply


expf, tanhf, expm1f, erfcf, logf = (_libm(n, ctypes.c_float) for n in ("expf", "tanhf", "expm1f", "erfcf", "logf"))
exp_double = _libm("exp", ctypes.c_double)


# ---- multipliers (quantization_util.cc), computed in prepare ----
def quantize_multiplier(real_multiplier):
    """QuantizeMultiplier: (multiplier, shift) with real = multiplier * 2^(shift - 31), multiplier in
    [2^30, 2^31). frexp, round half away; a rounded significand of 2^31 is halved (shift + 1); a shift below
    -31 flushes to (0, 0). Works elementwise on arrays (per-channel multipliers)."""
    m = np.asarray(real_multiplier, np.float64)
    q, shift = np.frexp(m)
    q_fixed = round_half_away(q * 2.0 ** 31).astype(np.int64)
    carry = q_fixed == (1 << 31)
    q_fixed = np.where(carry, q_fixed // 2, q_fixed)
    shift = np.where(carry, shift + 1, shift).astype(np.int64)
    flush = (shift < -31) | (m == 0)
    q_fixed, shift = np.where(flush, 0, q_fixed), np.where(flush, 0, shift)
    if q_fixed.ndim == 0:
        return int(q_fixed), int(shift)
    return q_fixed, shift


def quantize_multiplier_smaller_than_one_exp(real_multiplier):
    """QuantizeMultiplierSmallerThanOneExp: the same (multiplier, shift), for 0 < real < 1 (LiteRT CHECK-fails,
    i.e. aborts, outside that range)."""
    assert np.all((np.asarray(real_multiplier) > 0) & (np.asarray(real_multiplier) < 1)), real_multiplier
    return quantize_multiplier(real_multiplier)


def quantize_multiplier_greater_than_one(real_multiplier):
    assert np.all(np.asarray(real_multiplier) > 1), real_multiplier
    return quantize_multiplier(real_multiplier)


def downscale_multiplier_to_int16(multiplier):
    """DownScaleInt32ToInt16Multiplier: (m + 2^15) >> 16, saturating to 32767 near the top."""
    m = int(multiplier)
    return 32767 if m >= INT32_MAX - (1 << 15) else (m + (1 << 15)) >> 16


def checked_log2(x):
    """CheckedLog2, in float32 as LiteRT computes it: (rounded log2(x), whether x is a power of two to within
    1e-3 of an octave)."""
    x_log2 = logf(f32(x)) * (f32(1.0) / logf(f32(2.0)))
    rounded = round_half_away(x_log2)
    return int(rounded), bool(abs(x_log2 - rounded) < f32(1e-3))


# ---- gemmlowp fixed point on int32 values held in int64 arrays ----
def srdhm(a, b):
    """SaturatingRoundingDoublingHighMul (int32): a * b / 2^31 to nearest, ties toward +infinity: the nudge is
    2^30 for a non-negative product and 1 - 2^30 otherwise, then C division truncates toward zero, so -1.5 gives
    -1 (as ARM's VQRDMULH); INT32_MIN * INT32_MIN saturates to INT32_MAX."""
    a, b = np.asarray(a, np.int64), np.asarray(b, np.int64)
    ab = a * b
    s = ab + np.where(ab >= 0, 1 << 30, 1 - (1 << 30))
    high = np.where(s >= 0, s >> 31, -((-s) >> 31))
    return np.where((a == INT32_MIN) & (b == INT32_MIN), INT32_MAX, high)


def srdhm_int16(a, b):
    """The int16 SaturatingRoundingDoublingHighMul: a * b / 2^15 to nearest, ties toward +infinity."""
    a, b = np.asarray(a, np.int64), np.asarray(b, np.int64)
    ab = a * b
    s = ab + np.where(ab >= 0, 1 << 14, 1 - (1 << 14))
    high = np.where(s >= 0, s >> 15, -((-s) >> 15))
    return np.where((a == -32768) & (b == -32768), 32767, wrap_int16(high))


def rounding_divide_by_pot(x, exponent):
    """RoundingDivideByPOT: x / 2^exponent rounded to nearest, ties away from zero (an arithmetic shift plus
    one when the remainder exceeds half, with the threshold raised by one for negative x)."""
    x, e = np.asarray(x, np.int64), np.asarray(exponent, np.int64)
    mask = (np.int64(1) << e) - 1
    threshold = (mask >> 1) + (x < 0)
    return (x >> e) + ((x & mask) > threshold)


def saturating_rounding_multiply_by_pot(x, exponent, bits=32):
    """SaturatingRoundingMultiplyByPOT(Param): a saturating left shift for exponent > 0, a rounding right shift
    for exponent < 0."""
    x = np.asarray(x, np.int64)
    if exponent == 0:
        return x
    if exponent < 0:
        return rounding_divide_by_pot(x, -exponent)
    lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    threshold = (1 << (bits - 1 - exponent)) - 1
    return np.where(x > threshold, hi, np.where(x < -threshold, lo, x << exponent))


def rescale(x, src_integer_bits, dst_integer_bits):
    """gemmlowp::Rescale between fixed-point formats with the given integer bits."""
    return saturating_rounding_multiply_by_pot(x, src_integer_bits - dst_integer_bits)


def rounding_half_sum(a, b):
    s = np.asarray(a, np.int64) + np.asarray(b, np.int64)
    s = s + np.where(s >= 0, 1, -1)
    return np.where(s >= 0, s // 2, -((-s) // 2))


def saturating_add32(a, b):
    return np.clip(np.asarray(a, np.int64) + b, INT32_MIN, INT32_MAX)


def saturating_sub32(a, b):
    return np.clip(np.asarray(a, np.int64) - b, INT32_MIN, INT32_MAX)


def count_leading_zeros32(x):
    x = np.asarray(x, np.int64) & 0xFFFFFFFF
    bits = np.zeros(x.shape, np.int64)
    for b in range(32):
        bits = np.where(x >= (np.int64(1) << b), b + 1, bits)
    return 32 - bits


# ---- MultiplyByQuantizedMultiplier (common.cc): the requantization every integer kernel ends with ----
def multiply_by_quantized_multiplier(x, multiplier, shift):
    """The default (double-rounding) MultiplyByQuantizedMultiplier for int32 x: left shift by max(shift, 0)
    in int32 (wrapping), SaturatingRoundingDoublingHighMul (ties toward +infinity), then RoundingDivideByPOT by
    max(-shift, 0) (ties away from zero). The result differs from round(x * real) by one in rare cases."""
    shift = np.asarray(shift, np.int64)
    left = np.maximum(shift, 0) & 31  # x86 takes a shift count of 32 or more modulo 32
    shifted = wrap_int32(np.asarray(x, np.int64) << left)
    return rounding_divide_by_pot(srdhm(shifted, multiplier), np.maximum(-shift, 0))


def multiply_by_quantized_multiplier_int64(x, multiplier, shift):
    """The int64-accumulator variant (16x8 kernels with int64 bias): the multiplier is first reduced to 16 bits
    ((m + 2^15) >> 16, 32767 from 0x7FFF0000 up), then one rounding: (x * m16 + 2^(14 - shift)) >> (15 - shift),
    i.e. ties toward +infinity; the result is truncated to int32."""
    m = np.asarray(multiplier, np.int64)
    reduced = np.where(m < 0x7FFF0000, (m + (1 << 15)) >> 16, 0x7FFF)
    total_shift = 15 - np.asarray(shift, np.int64)
    x = np.asarray(x, np.int64) * reduced + (np.int64(1) << (total_shift - 1))
    return wrap_int32(x >> total_shift)


def multiply_by_quantized_multiplier_neon(x, multiplier, shift):
    """MultiplyByQuantizedMultiplier4Rows, the vector form LiteRT's optimized kernels use under USE_NEON (which
    x86 builds define too, through NEON_2_SSE): vqrdmulh (as SRDHM) then the rounding shift vrshl, whose ties go
    toward +infinity where the scalar RoundingDivideByPOT rounds them away from zero: negative ties differ."""
    shift = np.asarray(shift, np.int64)
    a = wrap_int32(np.asarray(x, np.int64) << np.maximum(shift, 0))
    b = np.asarray(multiplier, np.int64)
    high = np.where((a == INT32_MIN) & (b == INT32_MIN), INT32_MAX, (a * b + (1 << 30)) >> 31)
    right = np.maximum(-shift, 0)
    return np.where(right > 0, (high + (np.int64(1) << np.maximum(right - 1, 0))) >> right, high)


def mbqm_smaller_than_one_exp(x, multiplier, left_shift):
    """MultiplyByQuantizedMultiplierSmallerThanOneExp: RoundingDivideByPOT(SRDHM(x, m), -left_shift)."""
    return rounding_divide_by_pot(srdhm(x, multiplier), -np.asarray(left_shift, np.int64))


def mbqm_greater_than_one(x, multiplier, left_shift):
    """MultiplyByQuantizedMultiplierGreaterThanOne: SRDHM(x << left_shift (int32, wrapping), m)."""
    return srdhm(wrap_int32(np.asarray(x, np.int64) << np.asarray(left_shift, np.int64)), multiplier)


# ---- gemmlowp transcendental functions in fixed point (SOFTMAX, LOG_SOFTMAX on int8/uint8) ----
def fixed_point_constant(value, fractional_bits):
    """A fixed-point constant: round(value * 2^fractional_bits), as gemmlowp's checked constants are."""
    return int(round_half_away(np.float64(value) * 2.0 ** fractional_bits))


def exp_on_interval_between_negative_one_quarter_and_0_excl(a):
    """exp(a) for a in [-1/4, 0), Q0.31 in and out: a Taylor expansion around -1/8 to the fourth power."""
    constant_term = fixed_point_constant(math.exp(-1.0 / 8.0), 31)
    one_third = fixed_point_constant(1.0 / 3.0, 31)
    x = wrap_int32(np.asarray(a, np.int64) + (1 << 28))
    x2 = srdhm(x, x)
    x3 = srdhm(x2, x)
    x4_over_4 = rounding_divide_by_pot(srdhm(x2, x2), 2)
    poly = rounding_divide_by_pot(wrap_int32(srdhm(wrap_int32(x4_over_4 + x3), one_third) + x2), 1)
    return wrap_int32(constant_term + srdhm(constant_term, wrap_int32(x + poly)))


def exp_on_negative_values(a, integer_bits):
    """exp(a) for a <= 0 given in Q(integer_bits).(31 - integer_bits); result Q0.31. The input's remainder
    modulo 1/4 goes through the polynomial, then a barrel shifter multiplies by exp(-2^k) for each set bit."""
    a = np.asarray(a, np.int64)
    fractional_bits = 31 - integer_bits
    one_quarter = 1 << (fractional_bits - 2)
    a_mod_quarter_minus_one_quarter = wrap_int32((a & (one_quarter - 1)) - one_quarter)
    result = exp_on_interval_between_negative_one_quarter_and_0_excl(
        rescale(a_mod_quarter_minus_one_quarter, integer_bits, 0))
    remainder = wrap_int32(a_mod_quarter_minus_one_quarter - a)
    for exponent in range(-2, 5):
        if integer_bits > exponent:
            multiplier = fixed_point_constant(math.exp(-2.0 ** exponent), 31)
            bit = (remainder >> (fractional_bits + exponent)) & 1
            result = np.where(bit == 1, srdhm(result, multiplier), result)
    if integer_bits > 5:  # below -32 the result is zero
        result = np.where(a < -(1 << (36 - integer_bits)), 0, result)
    return np.where(a == 0, INT32_MAX, result)


def one_over_one_plus_x_for_x_in_0_1(a):
    """1 / (1 + a) for a in [0, 1) in Q0.31, by three Newton-Raphson steps in Q2.29 from 48/17 - 32/17 * d,
    where d = (1 + a) / 2; the Q2.29 result is halved back into Q0.31."""
    half_denominator = rounding_half_sum(a, INT32_MAX)
    one_q2 = 1 << 29
    x = wrap_int32(fixed_point_constant(48.0 / 17.0, 29) +
                   srdhm(half_denominator, fixed_point_constant(-32.0 / 17.0, 29)))
    for _ in range(3):
        one_minus = wrap_int32(one_q2 - srdhm(half_denominator, x))
        x = wrap_int32(x + rescale(srdhm(x, one_minus), 4, 2))
    return rescale(x, 1, 0)


def get_reciprocal(x, x_integer_digits):
    """GetReciprocal (common.h): 1 / x for positive x in Q(x_integer_digits): x is normalised into [1, 2),
    one_over_one_plus_x gives the reciprocal's significand; returns (significand Q0.31, num_bits_over_unit)."""
    x = np.asarray(x, np.int64)
    headroom_plus_one = count_leading_zeros32(x)
    num_bits_over_unit = x_integer_digits - headroom_plus_one
    shifted_sum_minus_one = wrap_int32(((x << headroom_plus_one) & 0xFFFFFFFF) - (1 << 31))
    return one_over_one_plus_x_for_x_in_0_1(shifted_sum_minus_one), num_bits_over_unit


def _saturating_multiply_by_pot_param(x, exponent):
    """SaturatingRoundingMultiplyByPOTParam with a run-time (elementwise) non-negative exponent."""
    x, e = np.asarray(x, np.int64), np.asarray(exponent, np.int64)
    threshold = (np.int64(1) << np.clip(31 - e, 0, 62)) - 1
    shifted = np.where(x > threshold, INT32_MAX, np.where(x < -threshold, INT32_MIN, x << np.clip(e, 0, 31)))
    return np.where(e == 0, x, shifted)


def log_x_for_x_greater_than_or_equal_to_1(x, input_integer_bits, output_integer_bits):
    """log(x) for x >= 1 in Q(input_integer_bits), result in Q(output_integer_bits) (common.h): the input is
    normalised by its leading zeros two ways (directly and times sqrt(1/2)), the better-conditioned one is kept,
    and a rational approximation around 2^(1/4) gives the fraction; accumulation has one extra integer bit."""
    accum_bits = output_integer_bits + 1
    log_2, sqrt_sqrt_half = fixed_point_constant(math.log(2.0), 31), fixed_point_constant(math.sqrt(math.sqrt(0.5)), 31)
    sqrt_half, one_quarter = fixed_point_constant(math.sqrt(0.5), 31), fixed_point_constant(0.25, 31)
    root4_2 = math.sqrt(math.sqrt(2.0))
    alpha_n, alpha_d = fixed_point_constant(11.0 / 240.0 * root4_2, 31), fixed_point_constant(1.0 / 20.0 * root4_2, 31)
    alpha_i, alpha_f = fixed_point_constant(2.0 / root4_2 - root4_2, 31), fixed_point_constant(0.25 * root4_2, 31)
    shifted_quarter = rescale(one_quarter, 0, accum_bits)

    z_a = np.asarray(x, np.int64)
    z_a_headroom_plus_1 = count_leading_zeros32(z_a)
    r_a_tmp = _saturating_multiply_by_pot_param(z_a, z_a_headroom_plus_1 - 1)
    r_a_raw = _saturating_multiply_by_pot_param(srdhm(r_a_tmp, sqrt_half), 1)
    z_a_pow_2_adj = saturating_add32(
        _saturating_multiply_by_pot_param(input_integer_bits - z_a_headroom_plus_1, 31 - accum_bits),
        shifted_quarter)
    z_b = srdhm(z_a, sqrt_half)
    z_b_headroom = count_leading_zeros32(z_b) - 1
    r_b_raw = _saturating_multiply_by_pot_param(z_a, z_b_headroom)
    z_b_pow_2_adj = saturating_sub32(
        _saturating_multiply_by_pot_param(input_integer_bits - z_b_headroom, 31 - accum_bits), shifted_quarter)
    r = np.minimum(r_a_raw, r_b_raw)
    z_pow_2_adj = np.maximum(z_a_pow_2_adj, z_b_pow_2_adj)

    p = rounding_half_sum(r, sqrt_sqrt_half)
    q = wrap_int32(r - sqrt_sqrt_half)
    q = wrap_int32(q + q)
    common_sq = srdhm(q, q)
    num = wrap_int32(srdhm(q, r) + srdhm(srdhm(q, common_sq), alpha_n))
    denom_minus_one = wrap_int32(srdhm(p, wrap_int32(wrap_int32(alpha_i + q) + srdhm(alpha_d, common_sq))) +
                                 srdhm(alpha_f, q))
    recip_denom = one_over_one_plus_x_for_x_in_0_1(denom_minus_one)
    num_scaled = rescale(num, 0, accum_bits)
    total = wrap_int32(srdhm(z_pow_2_adj, log_2) + srdhm(num_scaled, recip_denom))
    return rescale(total, accum_bits, output_integer_bits)


# ---- QUANTIZE / DEQUANTIZE (quantize.cc, reference/quantize.h, requantize.h, dequantize.h) ----
def _per_axis(values, ndim, axis):
    values = np.asarray(values)
    if axis is None or values.size == 1:
        return values.reshape(()) if values.size == 1 else values
    shape = [1] * ndim
    shape[axis] = -1
    return values.reshape(shape)


def quantize(x, scale, zero_point, dtype, axis=None):
    """QUANTIZE float32 -> int8/uint8/int16 (AffineQuantize, PerChannelQuantize): q = clamp(int32(round(x / s))
    + zp), the division in float32, round half away from zero. float->int32 conversion of NaN, inf or values past
    2^31 gives INT32_MIN on x86, so NaN and +inf quantize to the type's minimum."""
    x = f32(x)
    s = _per_axis(f32(scale), x.ndim, axis)
    zp = _per_axis(np.asarray(zero_point, np.int64), x.ndim, axis)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        q = float_to_int32(round_half_away(x / s))
    lo, hi = dtype_range(dtype)
    return np.clip(wrap_int32(q + zp), lo, hi).astype(dtype)


def dequantize(q, scale, zero_point, axis=None):
    """DEQUANTIZE: float32(scale * (q - zp)); per-tensor in double then rounded once, per-channel in float32
    (the same value: the exact product fits a double)."""
    q = np.asarray(q, np.int64)
    s = _per_axis(np.asarray(scale, np.float32).astype(np.float64), q.ndim, axis)
    zp = _per_axis(np.asarray(zero_point, np.int64), q.ndim, axis)
    return (s * (q - zp)).astype(np.float32)


def requantize(q, input_scale, input_zero_point, output_scale, output_zero_point, dtype):
    """QUANTIZE integer -> integer (Requantize): multiplier = QuantizeMultiplier(double(s_in) / double(s_out)),
    out = clamp(MBQM(q - zp_in) + zp_out). (int8 <-> uint8 with equal scales and zero points 128 apart is an
    XOR of the sign bit, the same result.)"""
    multiplier, shift = quantize_multiplier(np.float64(f32(input_scale)) / np.float64(f32(output_scale)))
    out = multiply_by_quantized_multiplier(wrap_int32(np.asarray(q, np.int64) - input_zero_point),
                                           multiplier, shift) + output_zero_point
    lo, hi = dtype_range(dtype)
    return np.clip(out, lo, hi).astype(dtype)


# ---- activation range of a quantized output (kernel_util.cc CalculateActivationRangeQuantized) ----
def quantize_value(value, scale, zero_point):
    """kernel_util's Quantize: zp + int32(round(value / scale)), the division in float32."""
    return int(zero_point) + int(float_to_int32(round_half_away(f32(value) / f32(scale))))


def activation_range(activation, scale, zero_point, dtype):
    """(min, max) of a fused activation on a quantized output: RELU [q(0), max], RELU6 [q(0), q(6)],
    RELU_N1_TO_1 [q(-1), q(1)], each clamped to the dtype; every other activation (RELU_0_TO_1 and TANH
    included) leaves the full range."""
    lo, hi = dtype_range(dtype)
    if activation == "RELU":
        return max(lo, quantize_value(0.0, scale, zero_point)), hi
    if activation == "RELU6":
        return max(lo, quantize_value(0.0, scale, zero_point)), min(hi, quantize_value(6.0, scale, zero_point))
    if activation == "RELU_N1_TO_1":
        return max(lo, quantize_value(-1.0, scale, zero_point)), min(hi, quantize_value(1.0, scale, zero_point))
    return lo, hi


# ---- lookup tables built in prepare (common.h LUTPopulate) ----
def lut_int8(transform, input_scale, input_zero_point, output_scale, output_zero_point, dtype):
    """The 256-entry table of an int8/uint8 operator, indexed by input value - min: dequantize in float32
    (s * float(q - zp)), apply `transform` (float32 -> float32), multiply by the float32 inverse output scale,
    round half away, add the zero point in float, convert, clamp."""
    lo, hi = dtype_range(dtype)
    values = np.arange(lo, hi + 1, dtype=np.int64)
    dequantized = f32(input_scale) * f32(values - input_zero_point)
    inverse_scale = f32(1.0) / f32(output_scale)
    rescaled = round_half_away(f32(transform(dequantized)) * inverse_scale)
    quantized = float_to_int32(rescaled + f32(output_zero_point))
    return np.clip(quantized, lo, hi)


def lookup_int8(q, table):
    lo = dtype_range(q.dtype)[0]
    return table[np.asarray(q, np.int64) - lo].astype(q.dtype)


def lut_int16(transform, input_scale, input_zero_point, output_scale, output_zero_point, float_type=np.float32):
    """The 513-entry interpolated table of an int16 operator (LUTPopulateInt16): 512 steps over the input
    range; each entry is the sampled value minus half the error the linear interpolation would make at the
    step's midpoint; entry 512 is the value at the top. All in `float_type` (float32, or float64 for the
    SOFTMAX tables)."""
    ft = float_type
    input_min = ft(input_scale) * ft(-32768 - input_zero_point)
    input_max = ft(input_scale) * ft(32767 - input_zero_point)
    output_min = ft(output_scale) * ft(-32768 - output_zero_point)
    output_max = ft(output_scale) * ft(32767 - output_zero_point)
    step = (input_max - input_min) / ft(512)
    half_step = step / ft(2)
    scaling_inv = ft(65536) / (output_max - output_min)
    i = np.arange(512).astype(ft)
    at = input_min + i * step
    val = ft(transform(at))
    val_midpoint = ft(transform(at + half_step))
    val_next = ft(transform(input_min + (i + ft(1)) * step))
    sample = round_half_away(val * scaling_inv)
    midpoint_interp = round_half_away((val_next * scaling_inv + round_half_away(val * scaling_inv)) / ft(2))
    midpoint_err = midpoint_interp - round_half_away(val_midpoint * scaling_inv)
    bias = round_half_away(midpoint_err / ft(2))
    table = np.clip(sample - bias, -32768, 32767)
    last = np.clip(round_half_away(ft(transform(np.array([input_max], ft)))[0] * scaling_inv), -32768, 32767)
    return np.append(table, last).astype(np.int64)


def lookup_int16(q, table):
    """LUTLookup for int16: entry 256 + (q >> 7), linear interpolation by the low 7 bits, rounded
    ((slope * frac + 64) >> 7)."""
    q = np.asarray(q, np.int64)
    index = 256 + (q >> 7)
    base, slope = table[index], table[np.minimum(index + 1, 512)] - table[index]
    return wrap_int16(base + ((slope * (q & 0x7F) + 64) >> 7)).astype(np.int16)
