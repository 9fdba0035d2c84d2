"""TRANSPOSE_CONV (float32): the packed-GEMM + col2im kernel and its reference twin against a NumPy scatter
reference, over SAME/VALID, strides, filters smaller and larger than the stride, channel counts around the GEMM
panel widths, bands of input rows (large rows), bias and fused activations; runtime weights and output shapes
(dynamic output), threads, empty batches, prepare failures with their messages, and LiteRT's builtin kernel."""

import contextlib
import re

import numpy as np
import pytest

import edgelite
from conv_family import ACTIVATION_AND_BIAS, activate, assert_close, check_both_kernels, random
from edgelite import Interpreter
from edgelite.model_builder import ModelBuilder
from edgelite.testing import run_single_op
from kernel_twins import needs_vector_kernels, reference_kernels, run_optimized_and_reference
from litert_builtin import requires_litert, run_litert_builtin


def tconv_reference(x, w, b, out_hw, stride, padding, activation="NONE"):
    """Every input pixel adds w[:, ky, kx, :] @ pixel at (y * sh + ky, x * sw + kx) of the full result, which the
    padding then crops: .tflite's definition, in float64."""
    n, h, wd, _ = x.shape
    out_c, kh, kw, _ = w.shape
    sh, sw = stride
    oh, ow = out_hw
    full = np.zeros((n, max((h - 1) * sh + kh, oh), max((wd - 1) * sw + kw, ow), out_c))
    contrib = np.einsum("nyxc,okjc->nyxkjo", x.astype(np.float64), w.astype(np.float64))
    for ky in range(kh):
        for kx in range(kw):
            full[:, ky:ky + (h - 1) * sh + 1:sh, kx:kx + (wd - 1) * sw + 1:sw, :] += contrib[:, :, :, ky, kx, :]
    pad_t = max((h - 1) * sh + kh - oh, 0) // 2
    pad_l = max((wd - 1) * sw + kw - ow, 0) // 2
    out = full[:, pad_t:pad_t + oh, pad_l:pad_l + ow, :]
    if b is not None:
        out = out + b
    return activate(out, activation)


def out_hw(in_hw, filter_hw, stride, padding, extra=(0, 0)):
    """The usual output size (SAME: in * stride; VALID: the full result), plus `extra` rows and columns that
    VALID also allows (up to stride - 1)."""
    if padding == "SAME":
        return tuple(i * s for i, s in zip(in_hw, stride))
    return tuple((i - 1) * s + k + e for i, k, s, e in zip(in_hw, filter_hw, stride, extra))


def options(stride, padding, activation="NONE"):
    return {"padding": padding, "stride_h": stride[0], "stride_w": stride[1], "fused_activation_function": activation}


def depth(w, stride):
    """Products summed per output: in_c times the taps that land on a pixel."""
    return w.shape[3] * -(-w.shape[1] // stride[0]) * -(-w.shape[2] // stride[1])


def inputs_for(x, w, b, hw):
    shape = np.array([x.shape[0], hw[0], hw[1], w.shape[0]], np.int32)
    return [shape, w, x] + ([b] if b is not None else [])


# (input NHWC, filter [out_c, kh, kw, in_c], stride, padding, VALID's extra rows/columns)
CASES = [
    # UNet's 2x2 stride 2 upsampling: one tap per output pixel
    ((1, 8, 8, 16), (8, 2, 2, 16), (2, 2), "SAME", (0, 0)),
    ((2, 5, 7, 3), (17, 2, 2, 3), (2, 2), "VALID", (0, 0)),
    # filters larger than the stride: taps overlap and add up; even filters pad unevenly
    ((1, 4, 5, 3), (2, 3, 3, 3), (2, 2), "SAME", (0, 0)),
    ((1, 6, 6, 4), (5, 4, 4, 4), (2, 2), "SAME", (0, 0)),
    ((1, 7, 6, 8), (31, 4, 4, 8), (2, 2), "VALID", (1, 1)),
    ((1, 5, 5, 7), (7, 3, 3, 7), (1, 1), "SAME", (0, 0)),
    ((1, 5, 5, 7), (7, 3, 3, 7), (1, 1), "VALID", (0, 0)),
    ((1, 13, 11, 5), (16, 5, 3, 5), (3, 2), "SAME", (0, 0)),
    ((1, 6, 4, 4), (3, 5, 3, 4), (3, 3), "VALID", (2, 1)),
    # filters smaller than the stride: output pixels no tap reaches get only the bias
    ((1, 4, 4, 3), (6, 1, 1, 3), (3, 2), "SAME", (0, 0)),
    ((1, 3, 3, 2), (4, 2, 2, 2), (3, 3), "VALID", (2, 0)),
    # channel counts around the 16/32-wide panels and the col2im's vector blocks
    ((1, 3, 3, 1), (1, 3, 3, 1), (2, 2), "SAME", (0, 0)),
    ((1, 3, 4, 16), (15, 3, 3, 16), (2, 2), "SAME", (0, 0)),
    ((1, 3, 4, 17), (32, 3, 3, 17), (2, 2), "SAME", (0, 0)),
    ((1, 3, 4, 31), (33, 3, 3, 31), (2, 2), "SAME", (0, 0)),
    ((1, 2, 3, 9), (65, 2, 2, 9), (2, 2), "SAME", (0, 0)),
    ((1, 2, 2, 5), (130, 3, 3, 5), (1, 1), "SAME", (0, 0)),
    # 1x1 stride 1: a plain matrix product
    ((2, 7, 5, 13), (11, 1, 1, 13), (1, 1), "VALID", (0, 0)),
]


def case_id(case):
    x, w, s, p, e = case
    return f"{x}-{w}-s{s[0]}x{s[1]}-{p}"


@pytest.mark.parametrize("activation,with_bias", ACTIVATION_AND_BIAS)
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_against_numpy(case, activation, with_bias):
    x_shape, w_shape, stride, padding, extra = case
    rng = np.random.default_rng(sum(x_shape) + sum(w_shape))
    x, w = random(rng, x_shape), random(rng, w_shape)
    b = random(rng, w_shape[0]) if with_bias else None
    hw = out_hw(x_shape[1:3], w_shape[1:3], stride, padding, extra)
    expected = tconv_reference(x, w, b, hw, stride, padding, activation)
    check_both_kernels("TRANSPOSE_CONV", inputs_for(x, w, b, hw), options(stride, padding, activation), expected,
                       depth(w, stride), constant_inputs=[0, 1, 3], version=4, output_types=np.float32)


# Rows of the (pixel, tap, channel) matrix large enough that the kernel works in bands of input rows, with the
# rows two bands share computed twice; odd heights so the last band is short.
BANDED = [
    ((1, 37, 64, 3), (64, 5, 5, 3), (2, 2), "SAME", (0, 0)),
    ((2, 19, 96, 4), (64, 4, 4, 4), (2, 2), "VALID", (1, 1)),
    ((1, 23, 80, 5), (48, 7, 3, 5), (1, 2), "SAME", (0, 0)),
    ((1, 29, 128, 8), (96, 2, 2, 8), (2, 2), "SAME", (0, 0)),
]


@pytest.mark.parametrize("threads", [1, 3])
@pytest.mark.parametrize("case", BANDED, ids=case_id)
def test_bands_of_input_rows(case, threads):
    x_shape, w_shape, stride, padding, extra = case
    rng = np.random.default_rng(7)
    x, w, b = random(rng, x_shape), random(rng, w_shape), random(rng, w_shape[0])
    hw = out_hw(x_shape[1:3], w_shape[1:3], stride, padding, extra)
    expected = tconv_reference(x, w, b, hw, stride, padding, "RELU")
    check_both_kernels("TRANSPOSE_CONV", inputs_for(x, w, b, hw), options(stride, padding, "RELU"), expected,
                       depth(w, stride), constant_inputs=[0, 1, 3], version=4, output_types=np.float32,
                       num_threads=threads)


def test_threads_give_the_same_result():
    rng = np.random.default_rng(3)
    x, w, b = random(rng, (2, 33, 31, 24)), random(rng, (40, 3, 3, 24)), random(rng, 40)
    inputs = inputs_for(x, w, b, (66, 62))
    runs = [run_single_op("TRANSPOSE_CONV", inputs, options((2, 2), "SAME"), constant_inputs=[0, 1, 3], version=3,
                          output_types=np.float32, num_threads=t)[0] for t in (1, 2, 4)]
    np.testing.assert_array_equal(runs[0], runs[1])
    np.testing.assert_array_equal(runs[0], runs[2])


def test_runtime_weights_and_bias():
    # Weights computed during invoke are packed at every eval.
    rng = np.random.default_rng(4)
    x, w, b = random(rng, (1, 6, 5, 7)), random(rng, (9, 3, 3, 7)), random(rng, 9)
    expected = tconv_reference(x, w, b, (12, 10), (2, 2), "SAME")
    check_both_kernels("TRANSPOSE_CONV", inputs_for(x, w, b, (12, 10)), options((2, 2), "SAME"), expected,
                       depth(w, (2, 2)), constant_inputs=[0], version=3, output_types=np.float32)


def dynamic_shape_model(w, x_shape, padding="VALID", stride=(2, 2)):
    """TRANSPOSE_CONV whose output shape is a runtime input: the output is sized at invoke."""
    b = ModelBuilder()
    shape = b.add_input("output_shape", [4], np.int32)
    x = b.add_input("x", list(x_shape), np.float32)
    weights = b.add_constant("w", w)
    out = b.add_tensor("y", None, np.float32)
    b.add_operator("TRANSPOSE_CONV", [shape, weights, x], [out], options(stride, padding))
    b.mark_output(out)
    return b.build()


def test_runtime_output_shape_is_sized_at_each_invoke():
    # VALID with stride 2 accepts a 9 or a 10 row output for 4 input rows; each invoke takes its own.
    rng = np.random.default_rng(5)
    w, x = random(rng, (6, 3, 3, 4)), random(rng, (1, 4, 4, 4))
    for kernels in (contextlib.nullcontext(), reference_kernels()):
        with kernels:
            interp = Interpreter(model_content=dynamic_shape_model(w, x.shape))
            interp.allocate_tensors()
        shape_index, x_index = (d["index"] for d in interp.get_input_details())
        interp.set_tensor(x_index, x)
        for hw in [(9, 9), (10, 9), (9, 10), (10, 10)]:
            interp.set_tensor(shape_index, np.array([1, hw[0], hw[1], 6], np.int32))
            interp.invoke()
            got = interp.get_tensor(interp.get_output_details()[0]["index"])
            assert_close(got, tconv_reference(x, w, None, hw, (2, 2), "VALID"), depth(w, (2, 2)))


def test_runtime_output_shape_that_does_not_fit_fails_at_invoke():
    rng = np.random.default_rng(6)
    w, x = random(rng, (6, 3, 3, 4)), random(rng, (1, 4, 4, 4))
    interp = Interpreter(model_content=dynamic_shape_model(w, x.shape))
    interp.allocate_tensors()
    shape_index, x_index = (d["index"] for d in interp.get_input_details())
    interp.set_tensor(x_index, x)
    interp.set_tensor(shape_index, np.array([1, 11, 9, 6], np.int32))
    with pytest.raises(edgelite.EdgeliteError, match=r"node 0 \(TRANSPOSE_CONV\): output shape \[1, 11, 9, 6\] does "
                                                     r"not fit input 4x4: a 3x3 VALID convolution with strides 2x2 "
                                                     r"over 11x9 gives 5x4"):
        interp.invoke()


def test_empty_batch():
    w = np.ones((3, 2, 2, 2), np.float32)
    got = run_single_op("TRANSPOSE_CONV", [np.array([0, 4, 4, 3], np.int32), w, np.zeros((0, 2, 2, 2), np.float32)],
                        options((2, 2), "SAME"), constant_inputs=[0, 1], output_types=np.float32)[0]
    assert got.shape == (0, 4, 4, 3)


def test_many_taps_per_pixel_run_the_reference_kernel():
    # A 17x17 filter at stride 1 puts 289 taps on a pixel: beyond the col2im's limit, so the reference row runs.
    rng = np.random.default_rng(8)
    x, w = random(rng, (1, 4, 4, 2)), random(rng, (3, 17, 17, 2))
    inputs = inputs_for(x, w, None, (20, 20))
    model = edgelite.testing.single_op_model("TRANSPOSE_CONV", inputs, options((1, 1), "VALID"),
                                             constant_inputs=[0, 1], output_types=np.float32)
    interp = Interpreter(model_content=model)
    interp.allocate_tensors()
    assert interp._get_ops_details()[0]["kernel"] == "float32 (reference)"
    interp.set_tensor(interp.get_input_details()[0]["index"], x)
    interp.invoke()
    got = interp.get_tensor(interp.get_output_details()[0]["index"])
    assert_close(got, tconv_reference(x, w, None, (20, 20), (1, 1), "VALID"), depth(w, (1, 1)))


@needs_vector_kernels
def test_optimized_kernel_is_chosen():
    model = edgelite.testing.single_op_model(
        "TRANSPOSE_CONV", [np.array([1, 4, 4, 2], np.int32), np.ones((2, 2, 2, 3), np.float32),
                           np.ones((1, 2, 2, 3), np.float32)], options((2, 2), "SAME"), constant_inputs=[0, 1],
        output_types=np.float32)
    interp = Interpreter(model_content=model)
    interp.allocate_tensors()
    assert interp._get_ops_details()[0]["kernel"].startswith("float32 (") and "reference" not in \
        interp._get_ops_details()[0]["kernel"]


@pytest.mark.parametrize("isa", ["portable", "avx2", "avx512"])
def test_every_vector_isa(isa, monkeypatch):
    # EDGELITE_MAX_ISA caps the choice: each vector ISA's build of the kernel runs where the CPU has it.
    features = edgelite._core.cpu_features()
    if isa != "portable" and not features[isa]:
        pytest.skip(f"this CPU has no {isa}")
    monkeypatch.setenv("EDGELITE_MAX_ISA", isa)
    rng = np.random.default_rng(9)
    x, w, b = random(rng, (2, 5, 7, 19)), random(rng, (37, 3, 3, 19)), random(rng, 37)
    inputs = inputs_for(x, w, b, (10, 14))
    model = edgelite.testing.single_op_model("TRANSPOSE_CONV", inputs, options((2, 2), "SAME", "RELU"),
                                             constant_inputs=[0, 1, 3], version=4, output_types=np.float32)
    interp = Interpreter(model_content=model)
    interp.allocate_tensors()
    # x86-64's portable build has no vector kernels (optimized/vector_isa.h): a portable cap leaves the reference.
    assert interp._get_ops_details()[0]["kernel"] == f"float32 ({'reference' if isa == 'portable' else isa})"
    interp.set_tensor(interp.get_input_details()[0]["index"], x)
    interp.invoke()
    got = interp.get_tensor(interp.get_output_details()[0]["index"])
    assert_close(got, tconv_reference(x, w, b, (10, 14), (2, 2), "SAME", "RELU"), depth(w, (2, 2)))


def prepare_error(inputs, opts=None, constant=(0, 1, 3), **kwargs):
    kwargs.setdefault("output_types", np.float32)
    with pytest.raises(edgelite.EdgeliteError) as e:
        run_single_op("TRANSPOSE_CONV", inputs, options((2, 2), "SAME") if opts is None else opts,
                      constant_inputs=list(constant), **kwargs)
    return str(e.value)


W = np.ones((4, 3, 3, 2), np.float32)
X = np.ones((1, 3, 3, 2), np.float32)


@pytest.mark.parametrize("inputs,message", [
    ([np.array([2, 6, 6, 4], np.int32), W, X], r"output shape \[2, 6, 6, 4\] must be \[1, height > 0, width > 0, 4\]"),
    ([np.array([1, 6, 6, 5], np.int32), W, X], r"output shape \[1, 6, 6, 5\] must be \[1, height > 0, width > 0, 4\]"),
    ([np.array([1, 0, 6, 4], np.int32), W, X], r"output shape \[1, 0, 6, 4\] must be"),
    ([np.array([1, 8, 6, 4], np.int32), W, X], r"output shape \[1, 8, 6, 4\] does not fit input 3x3: a 3x3 SAME "
                                               r"convolution with strides 2x2 over 8x6 gives 4x3"),
    ([np.array([1, 6, 6], np.int32), W, X], r"output shape 'input0' must be a vector of 4 values, got shape \[3\]"),
    ([np.array([1, 6, 6, 4], np.int32), W, X[0]], r"input 'input2' must be 4-D \(NHWC\), got shape \[3, 3, 2\]"),
    ([np.array([1, 6, 6, 4], np.int32), W[0], X], r"weights 'input1' must be 4-D \(OHWI\), got shape \[3, 3, 2\]"),
    ([np.array([1, 6, 6, 4], np.int32), np.ones((4, 3, 3, 3), np.float32), X],
     r"weights 'input1' \[4, 3, 3, 3\] take 3 input channels, the input has 2"),
    ([np.array([1, 6, 6, 4], np.int32), W, X, np.ones(3, np.float32)],
     r"bias 'input3' has 3 values, expected one per output channel \(4\)"),
    ([np.array([1, 0, 0, 4], np.int32), W, np.ones((1, 0, 3, 2), np.float32)],
     r"input 'input2' of shape \[1, 0, 3, 2\] has an empty dimension"),
])
def test_prepare_failures(inputs, message):
    got = prepare_error(inputs)
    assert re.search(r"node 0 \(TRANSPOSE_CONV\): " + message, got), got


def test_bad_options_fail():
    inputs = [np.array([1, 6, 6, 4], np.int32), W, X]
    assert "strides 0x2 must be 1 to 65536" in prepare_error(inputs, options((0, 2), "SAME"))
    assert "fused activation 4 (TANH) is not supported" in prepare_error(inputs, options((2, 2), "SAME", "TANH"))
    # No options: the table's defaults have strides of 0.
    assert "strides 0x0 must be 1 to 65536" in prepare_error(inputs, {})


def test_output_shape_must_be_int32():
    # As LiteRT: the output shape tensor is int32 only.
    message = prepare_error([np.array([1, 6, 6, 4], np.int64), W, X])
    assert "input 0 'input0' is int64, expected int32" in message


def test_quantized_forms_say_they_are_not_supported_yet():
    """int8 runs (test_transpose_conv_integer.py); int16x8 and dynamic range are refused by name."""
    shape = np.array([1, 6, 6, 4], np.int32)
    q = (0.1, 0)
    message = prepare_error([shape, W.astype(np.int8), X.astype(np.int16)], input_quantization={1: q, 2: q},
                            output_quantization=q, output_types=np.int16)
    assert "quantized TRANSPOSE_CONV (int16 tensor 'input2') is not supported yet; this build runs it on float32 " \
        "and int8" in message
    # Dynamic range: float input, int8 weights.
    message = prepare_error([shape, W.astype(np.int8), X], input_quantization={1: q})
    assert "quantized TRANSPOSE_CONV (int8 tensor 'input1') is not supported yet" in message


def test_version_five_runs_and_six_is_refused():
    """Version 5 adds only int16 with a quantized_bias_type, which prepare refuses by name."""
    inputs = inputs_for(X, W, None, (6, 6))
    got = run_single_op("TRANSPOSE_CONV", inputs, options((2, 2), "SAME", "RELU"), constant_inputs=[0, 1],
                        version=5, output_types=np.float32)[0]
    assert_close(got, tconv_reference(X, W, None, (6, 6), (2, 2), "SAME", "RELU"), 18)
    assert "operator TRANSPOSE_CONV version 6 is not supported" in prepare_error(inputs, constant=(0, 1), version=6)


@requires_litert
@pytest.mark.parametrize("case", CASES[:11] + BANDED[:2], ids=case_id)
def test_matches_litert(case):
    x_shape, w_shape, stride, padding, extra = case
    rng = np.random.default_rng(11)
    x, w, b = random(rng, x_shape), random(rng, w_shape), random(rng, w_shape[0])
    hw = out_hw(x_shape[1:3], w_shape[1:3], stride, padding, extra)
    for activation, bias, version in [("NONE", None, 1), ("NONE", b, 3), ("RELU6", b, 4)]:
        inputs = inputs_for(x, w, bias, hw)
        kwargs = dict(constant_inputs=[0, 1, 3], version=version, output_types=np.float32)
        expected = run_litert_builtin("TRANSPOSE_CONV", inputs, options(stride, padding, activation), **kwargs)[0]
        optimized, reference = run_optimized_and_reference("TRANSPOSE_CONV", inputs,
                                                           options(stride, padding, activation), **kwargs)
        assert_close(optimized[0], expected, depth(w, stride))
        assert_close(reference[0], expected, depth(w, stride))


@requires_litert
def test_runtime_output_shape_matches_litert():
    from litert_builtin import run_litert_model
    rng = np.random.default_rng(12)
    w, x = random(rng, (6, 3, 3, 4)), random(rng, (1, 4, 4, 4))
    model = dynamic_shape_model(w, x.shape)
    shape = np.array([1, 10, 9, 6], np.int32)
    expected = run_litert_model(model, [shape, x])[0]
    got = edgelite.testing.run_model(model, [shape, x])[0]
    assert_close(got, expected, depth(w, (2, 2)))
