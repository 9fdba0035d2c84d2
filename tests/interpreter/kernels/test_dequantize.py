"""DEQUANTIZE: every float16 value, int8/uint8/int16 per tensor and per channel (bit-exact against
NumPy), folding of constant inputs at prepare, LiteRT, and prepare failures."""

import importlib.util

import numpy as np
import pytest

from edgelite.errors import EdgeliteError
from edgelite.interpreter import Interpreter
from edgelite.model_builder import ModelBuilder
from edgelite.testing import run_model

requires_litert = pytest.mark.skipif(importlib.util.find_spec("ai_edge_litert") is None,
                                     reason="ai-edge-litert is not installed")


def dequantize_model(q, quantization=None, *, constant=True):
    b = ModelBuilder()
    if constant:
        t = b.add_constant("q", q, quantization=quantization)
    else:
        t = b.add_input("q", list(q.shape), q.dtype, quantization=quantization)
    out = b.add_tensor("out", None, np.float32)
    b.add_operator("DEQUANTIZE", [t], [out])
    b.mark_output(out)
    return b.build()


def dequantize(q, quantization=None, *, constant=True):
    model = dequantize_model(q, quantization, constant=constant)
    return run_model(model, [] if constant else [q])[0]


def litert_dequantize(q, quantization=None):
    """LiteRT's builtin kernel (its XNNPACK delegate refuses a graph that is only a constant DEQUANTIZE)."""
    from ai_edge_litert.interpreter import Interpreter as LiteRT, OpResolverType
    interp = LiteRT(model_content=dequantize_model(q, quantization),
                    experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    interp.allocate_tensors()
    interp.invoke()
    return interp.get_tensor(interp.get_output_details()[0]["index"])


def numpy_dequantize(q, scale, zero_point, axis=None):
    scale = np.asarray(scale, np.float32).astype(np.float64)
    zero_point = np.asarray(zero_point, np.int64)
    if axis is not None:
        shape = [1] * q.ndim
        shape[axis] = -1
        scale, zero_point = scale.reshape(shape), zero_point.reshape(shape)
    return (scale * (q.astype(np.int64) - zero_point)).astype(np.float32)


def test_every_float16_value():
    h = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16).view(np.float16)
    got = dequantize(h, constant=False)
    # Bit for bit, NaN payloads and signed zeros included.
    np.testing.assert_array_equal(got.view(np.uint32), h.astype(np.float32).view(np.uint32))


@pytest.mark.parametrize("shape", [(1,), (17,), (3, 5, 7), (64, 1000)])
def test_float16_constant(shape):
    h = np.random.default_rng(0).standard_normal(shape).astype(np.float16)
    got = dequantize(h)
    assert got.shape == shape
    np.testing.assert_array_equal(got, h.astype(np.float32))


@pytest.mark.parametrize("dtype,scale,zero_point", [(np.int8, 0.05, -3), (np.uint8, 0.1, 128), (np.int16, 1e-3, 0),
                                                    (np.int8, 0.3, 127)])
@pytest.mark.parametrize("constant", [True, False])
def test_per_tensor(dtype, scale, zero_point, constant):
    info = np.iinfo(dtype)
    q = np.random.default_rng(1).integers(info.min, info.max + 1, size=(4, 9, 5)).astype(dtype)
    q.flat[:2] = [info.min, info.max]
    got = dequantize(q, {"scale": scale, "zero_point": zero_point}, constant=constant)
    np.testing.assert_array_equal(got, numpy_dequantize(q, scale, zero_point))


@pytest.mark.parametrize("axis", [0, 1, 3])
@pytest.mark.parametrize("dtype", [np.int8, np.uint8])
def test_per_channel(axis, dtype):
    rng = np.random.default_rng(2)
    shape = (5, 3, 3, 7)
    info = np.iinfo(dtype)
    q = rng.integers(info.min, info.max + 1, size=shape).astype(dtype)
    scale = rng.uniform(1e-3, 0.1, shape[axis]).astype(np.float32)
    zero_point = rng.integers(-5, 5, shape[axis]) if dtype == np.int8 else rng.integers(120, 130, shape[axis])
    quant = {"scale": scale, "zero_point": zero_point, "quantized_dimension": axis}
    got = dequantize(q, quant)
    np.testing.assert_array_equal(got, numpy_dequantize(q, scale, zero_point, axis))


@pytest.mark.parametrize("n", [1, 7, 8, 9, 15, 16, 17, 33, 1000, 40001])
@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_vectorized_rows_match_the_reference(n, dtype):
    # The per-tensor rows of a runtime input are vectorized; over lengths that hit the vector tails they equal
    # the reference twin and f32(f64(s) * (q - z)).
    from quant_kernel_checks import check
    info = np.iinfo(dtype)
    q = np.random.default_rng(n).integers(info.min, info.max + 1, size=n).astype(dtype)
    scale, zp = np.float32(0.0123), 0 if dtype == np.int16 else int(info.min + 7)
    check("DEQUANTIZE", [q], None, numpy_dequantize(q, scale, zp), twins=True, num_threads=2,
          output_types=np.float32, input_quantization=[(scale, zp)])


def test_per_channel_with_one_zero_point():
    q = np.arange(-6, 6, dtype=np.int8).reshape(3, 4)
    quant = {"scale": [0.5, 1.0, 2.0], "zero_point": [1], "quantized_dimension": 0}
    np.testing.assert_array_equal(dequantize(q, quant), numpy_dequantize(q, [0.5, 1.0, 2.0], [1, 1, 1], 0))


def test_constant_input_is_folded_at_prepare():
    model = dequantize_model(np.ones((8, 8), np.float16))
    interp = Interpreter(model_content=model)
    interp.allocate_tensors()
    interp._core.enable_profiling(0, True)
    interp.invoke()
    interp.invoke()
    # The node was evaluated once at allocate_tensors; invoke has nothing left to run for it.
    [(node, name, nanoseconds)] = interp._core.profile(0)
    assert name == "DEQUANTIZE" and nanoseconds == 0
    np.testing.assert_array_equal(interp.get_tensor(interp.get_output_details()[0]["index"]), np.ones((8, 8)))


@requires_litert
def test_matches_litert_float16():
    h = np.random.default_rng(3).standard_normal((3, 33)).astype(np.float16)
    np.testing.assert_array_equal(dequantize(h), litert_dequantize(h))


@requires_litert
def test_matches_litert_per_channel_int8():
    rng = np.random.default_rng(4)
    q = rng.integers(-128, 128, size=(6, 3, 3, 4)).astype(np.int8)
    quant = {"scale": rng.uniform(0.01, 0.1, 6).astype(np.float32), "zero_point": np.zeros(6, np.int64),
             "quantized_dimension": 0}
    np.testing.assert_array_equal(dequantize(q, quant), litert_dequantize(q, quant))


def test_float32_input_is_refused():
    with pytest.raises(EdgeliteError, match=r"dtypes \(float32\) -> float32 are not supported.*supported: \(float16\) -> float32; \(float8_e4m3fn\|float8_e5m2\) -> float32; \(int8\|int4\|int2\) -> float32; \(uint8\|uint4\) -> float32; \(int16\) -> float32"):
        dequantize(np.zeros(3, np.float32))


def test_missing_scale_is_refused():
    with pytest.raises(EdgeliteError, match="int8 input 'q' has no quantization parameters"):
        dequantize(np.zeros(3, np.int8))


def test_scale_count_must_match_the_channel_dimension():
    quant = {"scale": [0.1, 0.2, 0.3], "zero_point": [0, 0, 0], "quantized_dimension": 0}
    with pytest.raises(EdgeliteError, match="has 3 scales for quantized dimension 0 of size 4"):
        dequantize(np.zeros((4, 3), np.int8), quant)


def test_quantized_dimension_out_of_range():
    quant = {"scale": [0.1, 0.2], "zero_point": [0, 0], "quantized_dimension": 2}
    with pytest.raises(EdgeliteError, match="quantized_dimension 2, out of range for rank 2"):
        dequantize(np.zeros((2, 2), np.int8), quant)


def test_int16_as_litert_takes_it():
    # Per tensor with zero point 0 only (LiteRT has no per-channel int16 DEQUANTIZE).
    with pytest.raises(EdgeliteError, match="int16 input 'q' has zero point 3, expected 0"):
        dequantize(np.zeros(3, np.int16), {"scale": 0.5, "zero_point": 3})
    quant = {"scale": [0.1, 0.2], "zero_point": [0, 0], "quantized_dimension": 0}
    with pytest.raises(EdgeliteError, match="int16 needs a per-tensor input$"):
        dequantize(np.zeros((2, 2), np.int16), quant)


def test_zero_point_count_mismatch():
    quant = {"scale": [0.1, 0.2], "zero_point": [0, 0, 0], "quantized_dimension": 0}
    with pytest.raises(EdgeliteError, match="has 2 scales but 3 zero points"):
        dequantize(np.zeros((2, 2), np.int8), quant)
