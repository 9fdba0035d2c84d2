"""Integer references of the element-wise operators: ADD, SUB, MUL, SQUARED_DIFFERENCE, MAXIMUM/MINIMUM,
comparisons, RSQRT, and the activations RELU/RELU6/RELU_N1_TO_1/RELU_0_TO_1, LEAKY_RELU, PRELU, HARD_SWISH,
LOGISTIC, TANH, ELU, GELU, each following the LiteRT file named in its docstring. Binary operators broadcast as
NumPy does (as LiteRT's up-to-6-D broadcasting does). Quantization is given as (scale, zero_point) pairs."""

import numpy as np

from integer_reference import (INT32_MAX, activation_range, checked_log2, count_leading_zeros32,
                               downscale_multiplier_to_int16, dtype_range, erfcf, expf, expm1f, f32,
                               fixed_point_constant, float_to_int32, lookup_int16, lookup_int8, lut_int16, lut_int8,
                               mbqm_smaller_than_one_exp, multiply_by_quantized_multiplier, quantize_multiplier,
                               rescale, round_half_away, rounding_divide_by_pot, srdhm, srdhm_int16, tanhf,
                               wrap_int16, wrap_int32)


def _i64(q, qp=None):
    q = np.asarray(q, np.int64)
    return q if qp is None else q - qp[1]


# ---- ADD / SUB (add.cc, sub.cc; reference/integer_ops/add.h, reference/add.h, reference/sub.h) ----
def _general_scale_add_sub(a, a_qp, b, b_qp, y_qp, dtype, activation, sign):
    """Both inputs brought to a common scale 2 * max(s_a, s_b) / 2^left_shift after a left shift by 20 (8-bit) or
    15 (int16), each with MultiplyByQuantizedMultiplierSmallerThanOneExp, added, then scaled to the output."""
    left_shift = 15 if np.dtype(dtype) == np.int16 else 20
    twice_max = np.float64(2 * max(f32(a_qp[0]), f32(b_qp[0])))
    m_a, s_a = quantize_multiplier(np.float64(f32(a_qp[0])) / twice_max)
    m_b, s_b = quantize_multiplier(np.float64(f32(b_qp[0])) / twice_max)
    m_y, s_y = quantize_multiplier(twice_max / np.float64(f32(1 << left_shift) * f32(y_qp[0])))
    scaled_a = mbqm_smaller_than_one_exp(wrap_int32(_i64(a, a_qp) << left_shift), m_a, s_a)
    scaled_b = mbqm_smaller_than_one_exp(wrap_int32(_i64(b, b_qp) << left_shift), m_b, s_b)
    raw = wrap_int32(scaled_a + sign * scaled_b)
    lo, hi = activation_range(activation, y_qp[0], y_qp[1], dtype)
    return np.clip(mbqm_smaller_than_one_exp(raw, m_y, s_y) + y_qp[1], lo, hi).astype(dtype)


def _pot_int16_add_sub(a, a_qp, b, b_qp, y_qp, activation, sign):
    """int16 with power-of-two scales: the input whose scale is smaller is rounded-shifted right by the
    difference of log2 scales (the other must have the output's scale), then a saturating int16 add/sub."""
    log_a, log_b, log_y = (checked_log2(qp[0])[0] for qp in (a_qp, b_qp, y_qp))
    shift_a, shift_b = log_a - log_y, log_b - log_y
    assert (shift_a == 0 or shift_b == 0) and shift_a <= 0 and shift_b <= 0, "LiteRT's prepare refuses these scales"
    a = rounding_divide_by_pot(_i64(a), -shift_a)
    b = rounding_divide_by_pot(_i64(b), -shift_b)
    lo, hi = activation_range(activation, y_qp[0], y_qp[1], np.int16)
    return np.clip(np.clip(a + sign * b, -32768, 32767), lo, hi).astype(np.int16)


def int16_scales_are_pot(*qps):
    return all(checked_log2(qp[0])[1] for qp in qps)


def add(a, a_qp, b, b_qp, y_qp, *, activation="NONE", pot_scale_int16=True):
    """ADD. int8/uint8, and int16 unless every scale is a power of two and pot_scale_int16 (the option's
    default): the general-scale formula (left shift 20, or 15 for int16; multipliers s_a / (2 max(s_a, s_b)),
    s_b / (2 max), 2 max / (2^left_shift * s_y), all below one). int16 power-of-two scales: the saturating
    shift-and-add, which LiteRT runs only on equal shapes."""
    dtype = np.asarray(a).dtype
    if dtype == np.int16 and pot_scale_int16 and int16_scales_are_pot(a_qp, b_qp, y_qp):
        return _pot_int16_add_sub(a, a_qp, b, b_qp, y_qp, activation, 1)
    return _general_scale_add_sub(a, a_qp, b, b_qp, y_qp, dtype, activation, 1)


def sub(a, a_qp, b, b_qp, y_qp, *, activation="NONE", pot_scale_int16=True):
    """SUB: as ADD, with a - b (sub.cc PrepareGeneralSubOp / PrepareInt16SubOpPOT). An output multiplier above one
    (very narrow output range) is quantized 'greater than one' and then misused by the smaller-than-one multiply in
    LiteRT; not modelled."""
    dtype = np.asarray(a).dtype
    if dtype == np.int16 and pot_scale_int16 and int16_scales_are_pot(a_qp, b_qp, y_qp):
        return _pot_int16_add_sub(a, a_qp, b, b_qp, y_qp, activation, -1)
    return _general_scale_add_sub(a, a_qp, b, b_qp, y_qp, dtype, activation, -1)


def mul(a, a_qp, b, b_qp, y_qp, *, activation="NONE"):
    """MUL (mul.cc, reference/integer_ops/mul.h MulElementwise): multiplier = QuantizeMultiplier(s_a * s_b / s_y)
    computed in float32 (the three floats multiplied and divided before the conversion to double);
    out = zp_y + MBQM((a - zp_a) * (b - zp_b)), clamped to the activation range. int16 needs zero points 0."""
    dtype = np.asarray(a).dtype
    multiplier, shift = quantize_multiplier(np.float64(f32(a_qp[0]) * f32(b_qp[0]) / f32(y_qp[0])))
    product = wrap_int32(_i64(a, a_qp) * _i64(b, b_qp))
    lo, hi = activation_range(activation, y_qp[0], y_qp[1], dtype)
    return np.clip(multiply_by_quantized_multiplier(product, multiplier, shift) + y_qp[1], lo, hi).astype(dtype)


def squared_difference(a, a_qp, b, b_qp, y_qp):
    """SQUARED_DIFFERENCE int8 (squared_difference.cc): like ADD with left shift 7; the difference at the common
    scale 2 max / 2^7 is squared (int32) and scaled by (2 max)^2 / (2^14 * s_y) (below one, or LiteRT aborts);
    no activation: the clamp is the int8 range."""
    twice_max = np.float64(2 * max(f32(a_qp[0]), f32(b_qp[0])))
    m_a, s_a = quantize_multiplier(np.float64(f32(a_qp[0])) / twice_max)
    m_b, s_b = quantize_multiplier(np.float64(f32(b_qp[0])) / twice_max)
    m_y, s_y = quantize_multiplier(twice_max * twice_max / np.float64(f32(1 << 14) * f32(y_qp[0])))
    diff = (mbqm_smaller_than_one_exp(wrap_int32(_i64(a, a_qp) << 7), m_a, s_a) -
            mbqm_smaller_than_one_exp(wrap_int32(_i64(b, b_qp) << 7), m_b, s_b))
    out = mbqm_smaller_than_one_exp(wrap_int32(diff * diff), m_y, s_y) + y_qp[1]
    return np.clip(out, -128, 127).astype(np.int8)


def maximum(a, b):
    """MAXIMUM on quantized tensors compares the raw integers: scales and zero points are not looked at (the
    model is expected to give both inputs and the output the same quantization)."""
    return np.maximum(a, b)


def minimum(a, b):
    return np.minimum(a, b)


COMPARISONS = {"EQUAL": np.equal, "NOT_EQUAL": np.not_equal, "LESS": np.less, "LESS_EQUAL": np.less_equal,
               "GREATER": np.greater, "GREATER_EQUAL": np.greater_equal}


def compare(op, a, a_qp, b, b_qp):
    """EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL (comparisons.cc, reference/comparisons.h
    ComparisonWithScaling) on int8/uint8, and on int16 for EQUAL/NOT_EQUAL only: each input becomes
    MBQM-smaller-than-one((q - zp) << 8, QuantizeMultiplier(s)) and those are compared. Input scales must be
    below one (a multiplier above one is misused, one exactly aborts). int16 LESS/GREATER/... compare the raw
    integers, scales ignored."""
    fn = COMPARISONS[op]
    if np.asarray(a).dtype == np.int16 and op not in ("EQUAL", "NOT_EQUAL"):
        return fn(np.asarray(a), np.asarray(b))

    def rescaled(q, qp):
        multiplier, shift = quantize_multiplier(np.float64(f32(qp[0])))
        return mbqm_smaller_than_one_exp(wrap_int32(_i64(q, qp) << 8), multiplier, shift)
    return fn(rescaled(a, a_qp), rescaled(b, b_qp))


# ---- RSQRT (elementwise.cc) ----
def inv_sqrt_multiplier(values, reverse_shift=-1):
    """GetInvSqrtQuantizedMultiplierExp (common.h), elementwise: 1 / sqrt(v) as (multiplier, shift) by five
    Newton-Raphson steps in Q3.28 from 1, after normalising v by pairs of leading zeros; v <= 1 gives
    (INT32_MAX, 0). The shift is returned multiplied by reverse_shift."""
    v = np.asarray(values, np.int64)
    shift = np.full(v.shape, 11, np.int64)
    while np.any(v >= (1 << 29)):
        big = v >= (1 << 29)
        v, shift = np.where(big, v // 4, v), np.where(big, shift + 1, shift)
    safe = np.maximum(v, 2)
    left_pairs = (count_leading_zeros32(safe) - 1) // 2 - 1
    shift = shift - left_pairs
    safe = safe << (2 * left_pairs)
    half_input = rounding_divide_by_pot(safe >> 1, 1)
    half_three = (1 << 28) + (1 << 27)
    x = np.full(v.shape, 1 << 28, np.int64)
    for _ in range(5):
        x3 = rescale(srdhm(srdhm(x, x), x), 9, 3)
        x = rescale(wrap_int32(srdhm(half_three, x) - srdhm(half_input, x3)), 6, 3)
    x = srdhm(x, fixed_point_constant(np.sqrt(2.0) / 2.0, 31))
    x = np.where(shift < 0, wrap_int32(x << np.maximum(-shift, 0)), x)
    shift = np.maximum(shift, 0)
    small = v <= 1
    return np.where(small, INT32_MAX, x), np.where(small, 0, shift * reverse_shift)


def rsqrt(q, x_qp, y_qp):
    """RSQRT. int8: multiplier = QuantizeMultiplier(1 / (sqrtf(s_x) * s_y)), the product in float32; per value
    v = q - zp_x: v == 0 gives 127, otherwise (m, e) = inv_sqrt_multiplier(v), t = MBQM(1, m, e + 20), out =
    MBQM(t, multiplier, shift - 20) + zp_y, clamped. LiteRT rejects values below the zero point. int16: the
    interpolated table of 1 / sqrtf(x) (32767 * s_y for x <= 0)."""
    q = np.asarray(q)
    if q.dtype == np.int16:
        def transform(x):
            x = f32(x)
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(x <= 0, f32(32767) * f32(y_qp[0]), f32(1.0) / np.sqrt(x)).astype(np.float32)
        return lookup_int16(q, lut_int16(transform, x_qp[0], x_qp[1], y_qp[0], y_qp[1]))
    multiplier, shift = quantize_multiplier(1.0 / np.float64(np.sqrt(f32(x_qp[0])) * f32(y_qp[0])))
    v = _i64(q, x_qp)
    m, e = inv_sqrt_multiplier(v)
    t = multiply_by_quantized_multiplier(1, m, e + 20)
    out = multiply_by_quantized_multiplier(t, multiplier, shift - 20) + y_qp[1]
    return np.where(v == 0, 127, np.clip(out, -128, 127)).astype(np.int8)


# ---- activations (activations.cc, reference/leaky_relu.h, prelu.h, hard_swish.h, integer_ops/logistic.h,
# tanh.h, gelu.h) ----
RELU_BOUNDS = {"RELU": (0.0, np.inf), "RELU6": (0.0, 6.0), "RELU_N1_TO_1": (-1.0, 1.0), "RELU_0_TO_1": (0.0, 1.0)}


def relu(op, q, x_qp, y_qp):
    """RELU, RELU6, RELU_N1_TO_1, RELU_0_TO_1 (QuantizedReluX, reference_ops ReluX): out = zp_y + MBQM(q - zp_x)
    with QuantizeMultiplier(s_x / s_y) — the division in float32 —, clamped to [max(min, zp_y + roundf(lo / s_y)),
    min(max, zp_y + roundf(hi / s_y))] (no upper bound for RELU)."""
    q = np.asarray(q)
    multiplier, shift = quantize_multiplier(np.float64(f32(x_qp[0]) / f32(y_qp[0])))
    lo_f, hi_f = RELU_BOUNDS[op]
    qmin, qmax = dtype_range(q.dtype)
    lo = max(qmin, y_qp[1] + int(float_to_int32(round_half_away(f32(lo_f) / f32(y_qp[0])))))
    hi = qmax if np.isinf(hi_f) else min(qmax, y_qp[1] + int(float_to_int32(round_half_away(f32(hi_f) /
                                                                                             f32(y_qp[0])))))
    out = y_qp[1] + multiply_by_quantized_multiplier(_i64(q, x_qp), multiplier, shift)
    return np.clip(out, lo, hi).astype(q.dtype)


def leaky_relu(q, x_qp, y_qp, alpha):
    """LEAKY_RELU (reference/leaky_relu.h QuantizeLeakyRelu): multipliers QuantizeMultiplier(s_x * alpha / s_y)
    and QuantizeMultiplier(s_x / s_y), both computed in float32; out = zp_y + MBQM(x, identity) for x = q - zp_x
    >= 0, else zp_y + MBQM(x, alpha) (a negative alpha multiplier is applied as -MBQM(x, -m)); clamp."""
    q = np.asarray(q)
    m_alpha, s_alpha = quantize_multiplier(np.float64(f32(x_qp[0]) * f32(alpha) / f32(y_qp[0])))
    m_id, s_id = quantize_multiplier(np.float64(f32(x_qp[0]) / f32(y_qp[0])))
    x = _i64(q, x_qp)
    negative_alpha = m_alpha < 0
    scaled_alpha = multiply_by_quantized_multiplier(x, wrap_int32(-m_alpha) if negative_alpha else m_alpha, s_alpha)
    out = y_qp[1] + np.where(x >= 0, multiply_by_quantized_multiplier(x, m_id, s_id),
                             -scaled_alpha if negative_alpha else scaled_alpha)
    return np.clip(out, *dtype_range(q.dtype)).astype(q.dtype)


def prelu(q, x_qp, alpha, alpha_qp, y_qp):
    """PRELU (reference/prelu.h, alpha broadcast): multipliers QuantizeMultiplier(s_x / s_y) and
    QuantizeMultiplier(s_x * s_alpha / s_y), computed in float32; x = q - zp_x: x >= 0 gives MBQM(x, m1),
    otherwise MBQM(x * (alpha - zp_alpha), m2); + zp_y, clamp. int16 inputs take int8 alpha."""
    q = np.asarray(q)
    m1, s1 = quantize_multiplier(np.float64(f32(x_qp[0]) / f32(y_qp[0])))
    m2, s2 = quantize_multiplier(np.float64(f32(x_qp[0]) * f32(alpha_qp[0]) / f32(y_qp[0])))
    x, a = np.broadcast_arrays(_i64(q, x_qp), _i64(alpha, alpha_qp))
    out = np.where(x >= 0, multiply_by_quantized_multiplier(x, m1, s1),
                   multiply_by_quantized_multiplier(wrap_int32(x * a), m2, s2)) + y_qp[1]
    return np.clip(out, *dtype_range(q.dtype)).astype(q.dtype)


def _saturating_left_shift16(x, amount):
    return np.clip(np.asarray(x, np.int64) << amount, -32768, 32767)


def hard_swish(q, x_qp, y_qp):
    """HARD_SWISH int8/uint8 (reference/hard_swish.h, prepare in activations.cc), int16 fixed point: x = (q - zp_x)
    << 7 on the 'hires' scale s_x / 128 (float32); the output multiplier (hires / s_y) and the 'reluish' one
    (hires / (3 / 32768)) are computed in float32, quantized, and reduced to int16 (DownScaleInt32ToInt16Multiplier).
    reluish = x rescaled (saturating shifts and the int16 SRDHM) to [-1, 1] in Q0.15, then mapped to [0, 1] by
    (r + 2^15) >> 1; out = RDBPOT(x_out * reluish truncated to Q0.15, -exponent) + zp_y, clamped."""
    q = np.asarray(q)
    hires = f32(1.0 / 128.0) * f32(x_qp[0])
    m_out, e_out = quantize_multiplier(np.float64(hires / f32(y_qp[0])))
    m_relu, e_relu = quantize_multiplier(np.float64(hires / f32(3.0 / 32768.0)))
    assert e_out <= 0, "LiteRT's prepare requires the output multiplier exponent <= 0"
    m_out16, m_relu16 = downscale_multiplier_to_int16(m_out), downscale_multiplier_to_int16(m_relu)
    x = wrap_int16(_i64(q, x_qp) << 7)
    x_out = srdhm_int16(x, m_out16)
    r = x
    if e_relu > 0:
        r = _saturating_left_shift16(r, e_relu - 1)
    r = srdhm_int16(r, m_relu16)
    if e_relu > 0:
        r = _saturating_left_shift16(r, 1)
    if e_relu < 0:
        r = rounding_divide_by_pot(r, -e_relu)
    r = (r + (1 << 15)) >> 1
    product = r * x_out
    preshift = np.where(product >= 0, product >> 15, -((-product) >> 15))  # C division: toward zero
    out = wrap_int16(rounding_divide_by_pot(preshift, -e_out) + y_qp[1])
    return np.clip(out, *dtype_range(q.dtype)).astype(q.dtype)


def logistic_f32(x):
    x = f32(x)
    return (f32(1.0) / (f32(1.0) + expf(-x))).astype(np.float32)


def tanh_f32(x):
    return tanhf(f32(x))


def elu_f32(x):
    x = f32(x)
    return np.where(x < 0, expm1f(x), x).astype(np.float32)


SQRT_2_OVER_PI = np.float32(1.1283791670955126 * 0.7071067811865476)  # M_2_SQRTPI * M_SQRT1_2 in double


def gelu_f32(x):
    """0.5 * x * erfc(-x / sqrt(2)), float32 as reference/gelu.h GeluTransform."""
    x = f32(x)
    return (f32(0.5) * x * erfcf(x * f32(-0.7071067811865476))).astype(np.float32)


def gelu_approximate_f32(x):
    """0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 x^3))), float32, evaluated in the C++ order."""
    x = f32(x)
    inner = SQRT_2_OVER_PI * (x + f32(0.044715) * x * x * x)
    return (f32(0.5) * x * (f32(1.0) + tanhf(inner.astype(np.float32)))).astype(np.float32)


def lut_activation(transform, q, x_qp, y_qp):
    """An 8-bit operator by table (LOGISTIC, TANH, ELU, GELU on int8/uint8): LUTPopulate in prepare, lookup in
    eval. int16 GELU uses the 513-entry interpolated table."""
    q = np.asarray(q)
    if q.dtype == np.int16:
        return lookup_int16(q, lut_int16(transform, x_qp[0], x_qp[1], y_qp[0], y_qp[1]))
    return lookup_int8(q, lut_int8(transform, x_qp[0], x_qp[1], y_qp[0], y_qp[1], q.dtype))


# sigmoid(i / 24) in unsigned Q0.16 for i = 0..255: the table LiteRT's int16 LOGISTIC and TANH interpolate
# (tflite/kernels/internal/common.h, Apache-2.0, The TensorFlow Authors). Its entries are tuned for the linear
# interpolation, not rounded values of the function, so it is data rather than something to recompute.
SIGMOID_TABLE_Q16 = np.array([int(v) for v in """
    32768 33451 34133 34813 35493 36169 36843 37513 38180 38841 39498 40149 40794 41432 42064 42688 43304 43912 44511
    45102 45683 46255 46817 47369 47911 48443 48964 49475 49975 50464 50942 51409 51865 52311 52745 53169 53581 53983
    54374 54755 55125 55485 55834 56174 56503 56823 57133 57433 57724 58007 58280 58544 58800 59048 59288 59519 59743
    59959 60168 60370 60565 60753 60935 61110 61279 61441 61599 61750 61896 62036 62172 62302 62428 62549 62666 62778
    62886 62990 63090 63186 63279 63368 63454 63536 63615 63691 63765 63835 63903 63968 64030 64090 64148 64204 64257
    64308 64357 64405 64450 64494 64536 64576 64614 64652 64687 64721 64754 64786 64816 64845 64873 64900 64926 64950
    64974 64997 65019 65039 65060 65079 65097 65115 65132 65149 65164 65179 65194 65208 65221 65234 65246 65258 65269
    65280 65291 65301 65310 65319 65328 65337 65345 65352 65360 65367 65374 65381 65387 65393 65399 65404 65410 65415
    65420 65425 65429 65433 65438 65442 65445 65449 65453 65456 65459 65462 65465 65468 65471 65474 65476 65479 65481
    65483 65485 65488 65489 65491 65493 65495 65497 65498 65500 65501 65503 65504 65505 65507 65508 65509 65510 65511
    65512 65513 65514 65515 65516 65517 65517 65518 65519 65520 65520 65521 65522 65522 65523 65523 65524 65524 65525
    65525 65526 65526 65526 65527 65527 65528 65528 65528 65529 65529 65529 65529 65530 65530 65530 65530 65531 65531
    65531 65531 65531 65532 65532 65532 65532 65532 65532 65533 65533 65533 65533 65533 65533 65533 65533 65534 65534
    65534 65534 65534 65534 65534 65534 65534 65534 65535
""".split()], np.int64)


def _int16_input_rescale(scale, tanh):
    """TanhPrepare / SigmoidPrepare for int16: (multiplier, left shift) taking the input to the table's scale,
    where +-2^17 is +-10.7 (3 * 4096 steps per unit). A power-of-two input scale of 2^-12 (TANH: or 2^-11) gives
    multiplier 3 << shift; otherwise the double s * 3 * 4096 is doubled while <= 32767 / 2 (at most 31 times) and
    truncated."""
    log2, is_pot = checked_log2(scale)
    left_shift = 12 + log2
    if is_pot and (left_shift == 0 or (tanh and left_shift == 1)):
        return 3 << left_shift, 0
    multiplier, left_shift = np.float64(f32(scale)) * 4096.0 * 3.0, 0
    while multiplier <= 32767.0 / 2.0 and left_shift <= 30:
        left_shift += 1
        multiplier *= 2.0
    return int(multiplier), left_shift


def _int16_table_input(q, scale, tanh):
    multiplier, left_shift = _int16_input_rescale(scale, tanh)
    rounding = (1 << (left_shift - 1)) if left_shift > 0 else 0
    x = wrap_int32(np.asarray(q, np.int64) * multiplier + rounding) >> left_shift
    return x, np.abs(x)


def logistic_int16(q, x_scale):
    """LOGISTIC int16 (reference/integer_ops/logistic.h): input rescaled to the table, |x| split into a table
    index (>> 9) and a 9-bit fraction for linear interpolation in unsigned 32-bit arithmetic; negative inputs use
    1 - sigmoid; index >= 255 saturates. Output scale 1/32768 and zero points 0 are required."""
    x, ax = _int16_table_input(q, x_scale, tanh=False)
    uh = ax >> 9
    idx = np.minimum(uh, 254)
    ua, ub = SIGMOID_TABLE_Q16[idx], SIGMOID_TABLE_Q16[idx + 1]
    result = np.where(uh >= 255, 0x7FFF << 10, (ua << 9) + (ax & 0x1FF) * (ub - ua)) & 0xFFFFFFFF
    result = np.where(x >= 0, result + (1 << 9), ((1 << 25) - result + (1 << 9) - 1) & 0xFFFFFFFF)
    return wrap_int16(result >> 10).astype(np.int16)


def tanh_int16(q, x_scale):
    """TANH int16 (reference/integer_ops/tanh.h): as LOGISTIC int16 with tanh(x) = 2 sigmoid(2x) - 1: index >> 8,
    8-bit fraction, signed result recentred by 2^23 with rounding 2^7, then >> 8."""
    x, ax = _int16_table_input(q, x_scale, tanh=True)
    uh = ax >> 8
    idx = np.minimum(uh, 254)
    ua, ub = SIGMOID_TABLE_Q16[idx], SIGMOID_TABLE_Q16[idx + 1]
    result = wrap_int32(np.where(uh >= 255, 0xFFFF << 8, (ua << 8) + (ax & 0xFF) * (ub - ua)))
    result = np.where(x >= 0, result - (1 << 23) + (1 << 7), -result + (1 << 23) + (1 << 7) - 1)
    return wrap_int16(wrap_int32(result) >> 8).astype(np.int16)


def logistic(q, x_qp, y_qp):
    """LOGISTIC: int8/uint8 by table of 1 / (1 + expf(-x)) (prepare requires s_y == 1/256; the output zero point is
    not checked by the reference), int16 by logistic_int16."""
    q = np.asarray(q)
    if q.dtype == np.int16:
        return logistic_int16(q, x_qp[0])
    return lut_activation(logistic_f32, q, x_qp, y_qp)


def tanh(q, x_qp, y_qp):
    """TANH: int8/uint8 by table of tanhf (no check on the output quantization), int16 by tanh_int16 (output
    scale 2^-15, zero points 0)."""
    q = np.asarray(q)
    if q.dtype == np.int16:
        return tanh_int16(q, x_qp[0])
    return lut_activation(tanh_f32, q, x_qp, y_qp)
