"""The low-precision tensor types (interpreter/tensor.h): bfloat16, float8 e4m3fn / e5m2, and INT4 / UINT4 / INT2
held one value a byte (their constants packed in the file). Loading, set_tensor / get_tensor, CAST and DEQUANTIZE,
against ml_dtypes' conversions and, where LiteRT 2.3.0 runs the case, LiteRT bit for bit."""

import ml_dtypes
import numpy as np
import pytest

import edgelite
from edgelite.model_builder import ModelBuilder
from edgelite.schema.TensorType import TensorType
from edgelite.testing import run_model, run_single_op

litert = pytest.importorskip("ai_edge_litert.interpreter")

FLOATS = np.float32([1.5, -2.25, 3, 0.1, 20.7, -20.7, 7.9, -8.5, 2.5, -1.5, 15.5, 16, 0, -0.0, 1e-3, 300.0,
                     448, 464, 465, 57344, 61440, 1e-9, 3.3e38, np.inf, -np.inf])


def cast_model(type_in, type_out, n):
    b = ModelBuilder()
    x = b.add_input("x", [n], np.float32)
    b.tensor(x).type = type_in
    y = b.add_tensor("y", [n], np.float32)
    b.tensor(y).type = type_out
    b.add_operator("CAST", [x], [y], version=9)
    b.mark_output(y)
    return b.build()


def bits(a):
    """The raw bits of an array (NaN patterns and signed zeros compared too)."""
    a = np.asarray(a)
    return a.view({1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}[a.dtype.itemsize])


@pytest.mark.parametrize("dtype", [ml_dtypes.bfloat16, ml_dtypes.float8_e4m3fn, ml_dtypes.float8_e5m2])
def test_cast_float32_to_and_from_the_small_floats_rounds_as_ml_dtypes(dtype):
    code = {ml_dtypes.bfloat16: TensorType.BFLOAT16, ml_dtypes.float8_e4m3fn: TensorType.FLOAT8_E4M3FN,
            ml_dtypes.float8_e5m2: TensorType.FLOAT8_E5M2}[dtype]
    x = np.concatenate([FLOATS, np.float32([np.nan])])
    got = run_model(cast_model(TensorType.FLOAT32, code, len(x)), [x])[0]
    assert got.dtype == dtype
    np.testing.assert_array_equal(bits(got), bits(x.astype(dtype)))
    # and back, exactly (every small float is a float32)
    every = np.arange(2 ** (8 * np.dtype(dtype).itemsize), dtype=np.uint32).astype(
        np.uint8 if np.dtype(dtype).itemsize == 1 else np.uint16).view(dtype)
    back = run_model(cast_model(code, TensorType.FLOAT32, len(every)), [every])[0]
    np.testing.assert_array_equal(bits(back), bits(every.astype(np.float32)))


def test_cast_bfloat16_matches_litert():
    """LiteRT 2.3.0 casts bfloat16 from and to float32, float16 and the integers (through float32)."""
    for type_in, type_out, x in [
            (TensorType.FLOAT32, TensorType.BFLOAT16, FLOATS[np.isfinite(FLOATS)]),
            (TensorType.BFLOAT16, TensorType.INT32, FLOATS[np.abs(FLOATS) < 1e9].astype(ml_dtypes.bfloat16)),
            (TensorType.INT32, TensorType.BFLOAT16, np.int32([1, -2, 3, 0, 255, 16777217, -(2 ** 31)])),
            (TensorType.BFLOAT16, TensorType.FLOAT16, FLOATS.astype(ml_dtypes.bfloat16)),
            (TensorType.FLOAT16, TensorType.BFLOAT16, FLOATS[np.abs(FLOATS) < 6e4].astype(np.float16))]:
        model = cast_model(type_in, type_out, len(x))
        ours, theirs = run_model(model, [x])[0], run_model(model, [x], runtime="litert")[0]
        assert ours.dtype == theirs.dtype
        np.testing.assert_array_equal(bits(ours), bits(theirs))


@pytest.mark.parametrize("code, held, lo, hi", [(TensorType.INT4, np.int8, -8, 7), (TensorType.UINT4, np.uint8, 0, 15),
                                               (TensorType.INT2, np.int8, -2, 1)])
def test_cast_float32_to_sub_byte_truncates_then_clamps_as_litert(code, held, lo, hi):
    x = FLOATS[np.isfinite(FLOATS)]
    model = cast_model(TensorType.FLOAT32, code, len(x))
    ours = run_model(model, [x])[0]
    assert ours.dtype == held
    np.testing.assert_array_equal(ours, np.clip(np.trunc(x), lo, hi).astype(held))
    np.testing.assert_array_equal(ours, run_model(model, [x], runtime="litert")[0])


@pytest.mark.parametrize("code, values", [(TensorType.INT4, [-8, -1, 0, 7, 3]), (TensorType.UINT4, [0, 15, 7, 8, 1]),
                                          (TensorType.INT2, [-2, -1, 0, 1, 1])])
def test_sub_byte_inputs_are_int8_or_uint8_values_in_range(code, values):
    held = np.uint8 if code == TensorType.UINT4 else np.int8
    model = cast_model(code, TensorType.FLOAT32, len(values))
    it = edgelite.Interpreter(model_content=model)
    it.allocate_tensors()
    detail = it.get_input_details()[0]
    assert detail["dtype"] == held  # as LiteRT's Python shows them
    x = np.array(values, held)
    it.set_tensor(detail["index"], x)
    it.invoke()
    np.testing.assert_array_equal(it.get_tensor(it.get_output_details()[0]["index"]), x.astype(np.float32))
    np.testing.assert_array_equal(it.get_tensor(detail["index"]), x)
    bad = x.copy()
    bad[2] = 16 if code == TensorType.UINT4 else -9
    with pytest.raises(ValueError, match="element 2 is out of the range of"):
        it.set_tensor(detail["index"], bad)
    # ml_dtypes' own arrays of the type are taken too
    typed = x.astype({TensorType.INT4: ml_dtypes.int4, TensorType.UINT4: ml_dtypes.uint4,
                      TensorType.INT2: ml_dtypes.int2}[code])
    it.set_tensor(detail["index"], typed)
    np.testing.assert_array_equal(it.get_tensor(detail["index"]), x)


def packed_constant_model(code, raw, n, op="CAST", quantization=None):
    b = ModelBuilder()
    c = b.add_constant("c", np.frombuffer(bytes(raw), np.uint8))
    b.tensor(c).type = code
    b.tensor(c).shape = [n]
    if quantization:
        from edgelite.schema.QuantizationParameters import QuantizationParametersT
        q = QuantizationParametersT()
        q.scale, q.zeroPoint = [quantization[0]], [quantization[1]]
        b.tensor(c).quantization = q
    y = b.add_tensor("y", [n], np.float32)
    b.add_operator(op, [c], [y], version=9 if op == "CAST" else 8)
    b.mark_output(y)
    return b.build()


@pytest.mark.parametrize("code, raw, n, want", [
    (TensorType.INT4, [0x21, 0xF3], 4, [1, 2, 3, -1]), (TensorType.INT4, [0x21, 0xF3, 0x08], 5, [1, 2, 3, -1, -8]),
    (TensorType.UINT4, [0x21, 0xF3], 4, [1, 2, 3, 15]), (TensorType.INT2, [0b11100100], 4, [0, 1, -2, -1]),
    (TensorType.INT2, [0b11100100, 0b01], 5, [0, 1, -2, -1, 1])])
def test_packed_constants_unpack_low_bits_first_as_litert(code, raw, n, want):
    model = packed_constant_model(code, raw, n)
    ours = run_model(model, [])[0]
    np.testing.assert_array_equal(ours, np.float32(want))
    np.testing.assert_array_equal(ours, run_model(model, [], runtime="litert")[0])


def test_model_builder_packs_ml_dtypes_constants():
    x = np.array([1, -2, 7, -8, 0], ml_dtypes.int4)
    got = run_single_op("CAST", [x], constant_inputs=[0], output_types=np.float32, version=9)[0]
    np.testing.assert_array_equal(got, x.astype(np.float32))


def test_a_short_packed_buffer_is_refused():
    with pytest.raises(edgelite.EdgeliteError, match="needs 3 packed bytes"):
        edgelite.Interpreter(model_content=packed_constant_model(TensorType.INT4, [0x21, 0x43], 5))


@pytest.mark.parametrize("code, raw, n", [(TensorType.INT4, [0x21, 0xF3, 0x8F], 6), (TensorType.UINT4, [0x21, 0xF3], 4),
                                          (TensorType.INT2, [0b11100100, 0b1011], 6)])
def test_dequantize_sub_byte_matches_litert(code, raw, n):
    model = packed_constant_model(code, raw, n, op="DEQUANTIZE", quantization=(0.5, 1))
    ours = run_model(model, [])[0]
    theirs = run_model(model, [], runtime="litert")[0]
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("dtype", [ml_dtypes.float8_e4m3fn, ml_dtypes.float8_e5m2])
def test_dequantize_float8_widens_as_ml_dtypes(dtype):
    x = FLOATS.astype(dtype)
    got = run_single_op("DEQUANTIZE", [x], output_types=np.float32, version=9)[0]
    np.testing.assert_array_equal(bits(got), bits(x.astype(np.float32)))


def quantized_model(op, type_in, type_out, n, version, quant_in=None, quant_out=None):
    from edgelite.schema.QuantizationParameters import QuantizationParametersT

    def params(scale_zero):
        q = QuantizationParametersT()
        q.scale, q.zeroPoint = [scale_zero[0]], [scale_zero[1]]
        return q
    b = ModelBuilder()
    x = b.add_input("x", [n], np.float32)
    b.tensor(x).type = type_in
    if quant_in:
        b.tensor(x).quantization = params(quant_in)
    y = b.add_tensor("y", [n], np.float32)
    b.tensor(y).type = type_out
    if quant_out:
        b.tensor(y).quantization = params(quant_out)
    b.add_operator(op, [x], [y], version=version)
    b.mark_output(y)
    return b.build()


@pytest.mark.parametrize("code, zero_point, version, lo, hi", [(TensorType.INT4, 1, 4, -8, 7),
                                                               (TensorType.UINT4, 3, 5, 0, 15)])
def test_quantize_to_int4_and_uint4_matches_litert(code, zero_point, version, lo, hi):
    x = np.float32([0, 0.2, 0.25, 0.26, 0.75, -0.25, -0.75, 1.0, 3.3, -3.3, 10, -10, 1.25, 2.5, -2.75])
    model = quantized_model("QUANTIZE", TensorType.FLOAT32, code, len(x), version, quant_out=(0.5, zero_point))
    ours = run_model(model, [x])[0]
    # round half away from zero, the zero point, the type's range
    want = np.clip(np.sign(x / 0.5) * np.floor(np.abs(x / 0.5) + 0.5) + zero_point, lo, hi)
    np.testing.assert_array_equal(ours, want.astype(ours.dtype))
    np.testing.assert_array_equal(ours, run_model(model, [x], runtime="litert")[0])


@pytest.mark.parametrize("code, values, version", [(TensorType.INT4, [1, 2, 3, -8, 7], 7),
                                                   (TensorType.UINT4, [1, 2, 3, 15, 0], 8),
                                                   (TensorType.INT2, [1, -2, 0, -1, 1], 8)])
def test_dequantize_sub_byte_runtime_inputs(code, values, version):
    held = np.uint8 if code == TensorType.UINT4 else np.int8
    x = np.array(values, held)
    model = quantized_model("DEQUANTIZE", code, TensorType.FLOAT32, len(x), version, quant_in=(0.5, 1))
    ours = run_model(model, [x])[0]
    np.testing.assert_array_equal(ours, (x.astype(np.float32) - 1) * 0.5)
    if code != TensorType.INT2:  # LiteRT 2.3.0's set_tensor refuses int8 values for INT2 (and any other)
        np.testing.assert_array_equal(ours, run_model(model, [x], runtime="litert")[0])


def fully_connected_model(weights, hybrid, version):
    from edgelite.schema.QuantizationParameters import QuantizationParametersT

    def params(scales, zero_points):
        q = QuantizationParametersT()
        q.scale, q.zeroPoint, q.quantizedDimension = list(scales), list(zero_points), 0
        return q
    b = ModelBuilder()
    x = b.add_input("x", [2, 4], np.float32 if hybrid else np.int8)
    if not hybrid:
        b.tensor(x).quantization = params([0.5], [1])
    w = b.add_constant("w", weights)
    b.tensor(w).quantization = params([0.25, 0.5, 0.125], [0, 0, 0])
    y = b.add_tensor("y", [2, 3], np.float32 if hybrid else np.int8)
    if not hybrid:
        b.tensor(y).quantization = params([0.3], [-2])
    b.add_operator("FULLY_CONNECTED", [x, w, -1], [y], version=version)
    b.mark_output(y)
    return b.build()


def run_litert_reference(model, inputs):
    """LiteRT's BUILTIN_REF kernels (those edgelite's reference rows follow bit for bit), or None where that
    resolver does not run the model."""
    interp = litert.Interpreter(model_content=model,
                                experimental_op_resolver_type=litert.OpResolverType.BUILTIN_REF)
    try:
        interp.allocate_tensors()
        for detail, x in zip(interp.get_input_details(), inputs):
            interp.set_tensor(detail["index"], x)
        interp.invoke()
    except RuntimeError:
        return None
    return interp.get_tensor(interp.get_output_details()[0]["index"])


@pytest.mark.parametrize("dtype, version", [(ml_dtypes.int4, 13), (ml_dtypes.int2, 14)])
@pytest.mark.parametrize("hybrid", [False, True])
def test_fully_connected_int4_and_int2_weights_are_their_int8_values(dtype, version, hybrid):
    """Packed int4 (FULLY_CONNECTED 13) and int2 (14) weights, per-channel, with int8 or float (hybrid) inputs: in
    edgelite and in LiteRT alike, the same answer as the same values given as int8 weights. (LiteRT's builtin
    kernels and edgelite's reference rows differ by one unit now and then, with int8 weights as much: edgelite
    follows LiteRT's BUILTIN_REF, compared where that resolver runs the model.)"""
    rng = np.random.default_rng(version + hybrid)
    info = ml_dtypes.iinfo(dtype)
    weights = rng.integers(info.min, info.max + 1, (3, 4)).astype(dtype)
    model = fully_connected_model(weights, hybrid, version)
    as_int8 = fully_connected_model(weights.astype(np.int8), hybrid, version)
    for _ in range(4):
        x = (rng.standard_normal((2, 4)).astype(np.float32) if hybrid
             else rng.integers(-128, 128, (2, 4)).astype(np.int8))
        ours = run_model(model, [x])[0]
        np.testing.assert_array_equal(ours, run_model(as_int8, [x])[0])
        np.testing.assert_array_equal(run_model(model, [x], runtime="litert")[0],
                                      run_model(as_int8, [x], runtime="litert")[0])
        reference = run_litert_reference(model, [x])
        if reference is not None:
            np.testing.assert_array_equal(ours, reference)


def test_details_and_views_of_small_float_tensors_are_ml_dtypes_types():
    """As LiteRT's Python: get_input_details' dtype is ml_dtypes.bfloat16, and tensor() views hold that type."""
    it = edgelite.Interpreter(model_content=cast_model(TensorType.BFLOAT16, TensorType.FLOAT8_E5M2, 3))
    it.allocate_tensors()
    detail, out = it.get_input_details()[0], it.get_output_details()[0]
    assert detail["dtype"] is ml_dtypes.bfloat16 and out["dtype"] is ml_dtypes.float8_e5m2
    it.tensor(detail["index"])()[:] = np.float32([1, -2.5, 60000]).astype(ml_dtypes.bfloat16)
    it.invoke()
    view = it.tensor(out["index"])()
    assert view.dtype == ml_dtypes.float8_e5m2
    np.testing.assert_array_equal(view.astype(np.float32), np.float32([1, -2.5, 57344]))
    with pytest.raises(ValueError, match="expected bfloat16"):
        it.set_tensor(detail["index"], np.float32([1, 2, 3]))
