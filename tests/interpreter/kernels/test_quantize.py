"""QUANTIZE: float32 to int8/uint8/int16 per tensor and per channel, and every integer requantization LiteRT
has, bit for bit against integer_reference (and LiteRT's BUILTIN_REF when installed); the vectorized
float rows against their reference twin over lengths that hit the vector tails; bad quantization refused
with the tensor named."""

import numpy as np
import pytest

from edgelite.errors import EdgeliteError
from edgelite.testing import quantization, run_single_op
from integer_reference import quantize, requantize
from quant_cases import random_q, random_zero_point
from quant_kernel_checks import check

QTYPES = [np.int8, np.uint8, np.int16]
SPECIAL = np.array([0.0, -0.0, 0.5, -0.5, 1.5, -2.5, 0.49999997, -0.49999997, 1e10, -1e10, np.inf, -np.inf, np.nan,
                    -np.nan, 1e-30, 2147483520.0, -2147483648.0, -2147483904.0, 8388608.5, 8388607.5], np.float32)


def inputs(rng, n, scale):
    """Random values around the range, ties at half steps, and the special values."""
    x = np.concatenate([rng.standard_normal(n).astype(np.float32) * np.float32(150 * scale),
                        (np.arange(-40, 40) + 0.5).astype(np.float32) * np.float32(scale), SPECIAL])
    return rng.permutation(x)


@pytest.mark.parametrize("dtype", QTYPES)
@pytest.mark.parametrize("scale, extreme", [(0.05, False), (1.0, False), (1e-5, True), (3.0, True), (0.5, True)])
def test_float_per_tensor(dtype, scale, extreme):
    rng = np.random.default_rng(int(scale * 1000) + np.dtype(dtype).itemsize)
    zp = random_zero_point(rng, dtype, extreme)
    x = inputs(rng, 500, scale)
    check("QUANTIZE", [x], None, quantize(x, scale, zp, dtype), twins=True, litert=scale == 0.05,
          output_types=dtype, output_quantization=(scale, zp))


@pytest.mark.parametrize("dtype", QTYPES)
def test_float_negative_zero_point_sends_nan_to_the_top(dtype):
    # int32(NaN) is INT32_MIN on x86; adding a negative zero point wraps it to the top of int32.
    if dtype == np.uint8:
        pytest.skip("uint8 zero points are not negative")
    x = np.array([np.nan, np.inf, -np.inf, 1e20], np.float32)
    expected = quantize(x, 0.1, -3 if dtype == np.int8 else 0, dtype)
    got = check("QUANTIZE", [x], None, expected, twins=True, output_types=dtype,
                output_quantization=(0.1, -3 if dtype == np.int8 else 0))
    if dtype == np.int8:
        assert got[0] == 127


@pytest.mark.parametrize("n", [1, 7, 8, 9, 15, 16, 17, 31, 33, 64, 1000, 4099, 40000])
@pytest.mark.parametrize("dtype", QTYPES)
def test_vector_tails_and_threads(n, dtype):
    rng = np.random.default_rng(n)
    x = (rng.standard_normal(n) * 60).astype(np.float32)
    x[::7] = np.round(x[::7]) + 0.5  # ties
    zp = random_zero_point(rng, dtype)
    check("QUANTIZE", [x], None, quantize(x, 0.25, zp, dtype), twins=True, num_threads=3, output_types=dtype,
          output_quantization=(0.25, zp))


@pytest.mark.parametrize("dtype", QTYPES)
@pytest.mark.parametrize("axis", [0, 1, 2, -1])
def test_float_per_channel(dtype, axis):
    rng = np.random.default_rng(3 + axis)
    x = (rng.standard_normal((3, 4, 5)) * 10).astype(np.float32)
    axis = axis % 3
    scales = rng.uniform(0.01, 0.2, x.shape[axis]).astype(np.float32)
    zps = [random_zero_point(rng, dtype) for _ in scales]
    check("QUANTIZE", [x], None, quantize(x, scales, zps, dtype, axis=axis), twins=True, litert=axis == 1,
          output_types=dtype, output_quantization=quantization(scales, zps, axis))


def test_float_per_channel_with_one_zero_point():
    x = np.linspace(-3, 3, 24, dtype=np.float32).reshape(2, 3, 4)
    q = {"scale": np.array([0.1, 0.2, 0.3], np.float32), "zero_point": np.array([4]), "quantized_dimension": 1}
    check("QUANTIZE", [x], None, quantize(x, q["scale"], [4, 4, 4], np.int8, axis=1), output_types=np.int8,
          output_quantization=q)


REQUANTIZE_PAIRS = [(np.int8, np.int8), (np.int8, np.uint8), (np.int8, np.int16), (np.uint8, np.int8),
                    (np.uint8, np.uint8), (np.uint8, np.int16), (np.int16, np.int8), (np.int16, np.int16),
                    (np.int16, np.int32), (np.int32, np.int8), (np.int32, np.int16)]


def every_value(dtype, rng):
    if np.dtype(dtype) == np.int32:
        return np.concatenate([rng.integers(-(1 << 31), (1 << 31) - 1, 3000, endpoint=True),
                               np.arange(-300, 300), [-(1 << 31), (1 << 31) - 1]]).astype(np.int32)
    info = np.iinfo(dtype)
    return np.arange(info.min, info.max + 1).astype(dtype)


@pytest.mark.parametrize("src, dst", REQUANTIZE_PAIRS, ids=lambda t: np.dtype(t).name)
def test_requantize(src, dst):
    rng = np.random.default_rng(np.dtype(src).itemsize * 10 + np.dtype(dst).itemsize)
    x = every_value(src, rng)
    for ratio in [1.0, 0.37, 2.9, 1 / 256, 200.0, 1e-12]:
        in_scale = np.float32(np.exp(rng.uniform(np.log(1e-3), np.log(0.1))))
        symmetric = np.dtype(src) == np.int16 and np.dtype(dst) in (np.int16, np.int32)
        in_zp = 0 if symmetric or np.dtype(src) == np.int16 else random_zero_point(rng, src if src != np.int32 else
                                                                                    np.int16)
        out_zp = 0 if symmetric else random_zero_point(rng, dst if dst != np.int32 else np.int16)
        out_q = (np.float32(in_scale * ratio), out_zp)
        if np.dtype(src) == np.int8 and np.dtype(dst) == np.uint8 and ratio == 1.0:
            out_q = (in_scale, in_zp + 128)  # LiteRT's sign-bit flip case
        check("QUANTIZE", [x], None, requantize(x, in_scale, in_zp, *out_q, dst), twins=True,
              litert=ratio == 0.37, output_types=dst, input_quantization=[(in_scale, in_zp)],
              output_quantization=out_q)


def test_requantize_multiplier_of_2_pow_31_and_more():
    # The left shift exceeds 31: x86 takes the count modulo 32, in LiteRT as here.
    x = every_value(np.int8, None)
    for ratio in [1e-9, 1e-10, 1e-12, 3e-14]:
        out_q = (np.float32(np.float32(0.05) * ratio), -2)
        check("QUANTIZE", [x], None, requantize(x, 0.05, 3, *out_q, np.int8), litert=True, output_types=np.int8,
              input_quantization=[(0.05, 3)], output_quantization=out_q)


def run(x, out_dtype, output_quantization, input_quantization=None):
    return run_single_op("QUANTIZE", [x], output_types=out_dtype, output_quantization=output_quantization,
                         input_quantization=input_quantization)[0]


@pytest.mark.parametrize("scale, message", [(0.0, "scale 0; a scale must be finite and positive"),
                                            (float("nan"), "scale nan"), (-1.0, "scale -1")])
def test_bad_output_scale(scale, message):
    with pytest.raises(EdgeliteError, match=f"output 'output0' has quantization {message}"):
        run(np.zeros(3, np.float32), np.int8, (scale, 0))


def test_bad_quantization_is_refused():
    x = np.zeros((2, 3), np.float32)
    with pytest.raises(EdgeliteError, match="int8 output 'output0' has no quantization parameters"):
        run(x, np.int8, None)
    with pytest.raises(EdgeliteError, match=r"zero point 300, outside the range of int8 \[-128, 127\]"):
        run(x, np.int8, (0.1, 300))
    with pytest.raises(EdgeliteError, match="has 2 scales for quantized dimension 1 of size 3"):
        run(x, np.int8, quantization([0.1, 0.2], [0, 0], 1))
    with pytest.raises(EdgeliteError, match="quantized_dimension 2, out of range for rank 2"):
        run(x, np.int8, quantization([0.1, 0.2], [0, 0], 2))
    with pytest.raises(EdgeliteError, match="int8 input 'input0' has no quantization parameters"):
        run(np.zeros(3, np.int8), np.int8, (0.1, 0))
    with pytest.raises(EdgeliteError, match="int16 input 'input0' has zero point 2, expected 0"):
        run(np.zeros(3, np.int16), np.int16, (0.1, 0), [(0.1, 2)])
    with pytest.raises(EdgeliteError, match=r"int8 -> uint8 needs a per-tensor output"):
        run(np.zeros((2, 2), np.int8), np.uint8, quantization([0.1, 0.2], [0, 0], 0), [(0.1, 0)])


@pytest.mark.parametrize("src, dst", [(np.float32, np.int32), (np.int16, np.uint8), (np.int32, np.uint8),
                                      (np.uint8, np.int32), (np.float32, np.float32)])
def test_unsupported_pairs(src, dst):
    with pytest.raises(EdgeliteError, match="are not supported"):
        run(np.zeros(3, src), dst, (0.1, 0), [(0.1, 0)] if src != np.float32 else None)


def test_constant_input_is_folded():
    from edgelite.model_builder import ModelBuilder
    from edgelite.testing import run_model
    b = ModelBuilder()
    x = np.array([0.0, 1.0, -2.25, 100.0], np.float32)
    c = b.add_constant("x", x)
    out = b.add_tensor("q", None, np.int8, quantization=(0.5, 3))
    b.add_operator("QUANTIZE", [c], [out])
    b.mark_output(out)
    np.testing.assert_array_equal(run_model(b.build(), [])[0], quantize(x, 0.5, 3, np.int8))


@pytest.mark.parametrize("dtype", QTYPES)
@pytest.mark.parametrize("scale", [0.0123457, 0.1, 0.333333, 7.77e-3, 2.5e-4])
def test_values_within_a_few_ulp_of_half_steps_round_as_the_division(dtype, scale):
    # round(x / scale) ties away from zero as the reference's float division gives it, not as x times 1 / scale
    # would: every value from 12 ulp below to 12 ulp above (n + 1/2) * scale, for n over the type's range.
    n = np.arange(-130, 130, dtype=np.float32) + np.float32(0.5)
    base = (n * np.float32(scale)).astype(np.float32)
    x = [base]
    for direction in (np.inf, -np.inf):
        v = base
        for _ in range(12):
            v = np.nextafter(v, np.float32(direction)).astype(np.float32)
            x.append(v)
    x = np.concatenate(x)
    zp = 0 if dtype != np.uint8 else 128
    check("QUANTIZE", [x], None, quantize(x, scale, zp, dtype), twins=True, output_types=dtype,
          output_quantization=(scale, zp))
