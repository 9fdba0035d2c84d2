"""TRANSPOSE_CONV int8 (per-channel and per-tensor symmetric weights, int32 bias, fused activation, input and
output zero points) against LiteRT's builtin kernel bit for bit and a float NumPy reference within one step,
and its prepare checks."""

import numpy as np
import pytest

import edgelite
from edgelite.testing import quantization, run_single_op
from litert_builtin import requires_litert, run_litert_builtin


def case(seed, out_hw=(8, 8), strides=(2, 2), in_c=3, out_c=4, k=3, per_channel=True, bias=True):
    rng = np.random.default_rng(seed)
    h = -(-out_hw[0] // strides[0])
    w = -(-out_hw[1] // strides[1])
    x = rng.integers(-128, 127, (1, h, w, in_c)).astype(np.int8)
    wt = rng.integers(-127, 127, (out_c, k, k, in_c)).astype(np.int8)
    sx, zx = 0.05, 3
    sw = (rng.uniform(0.005, 0.02, out_c) if per_channel else np.full(out_c, 0.01)).astype(np.float32)
    sy, zy = 0.4, -5
    inputs = [np.array([1, *out_hw, out_c], np.int32), wt, x]
    qin = {1: quantization(list(sw) if per_channel else float(sw[0]), [0] * out_c if per_channel else 0,
                           quantized_dimension=0 if per_channel else None), 2: (sx, zx)}
    b = None
    if bias:
        b = rng.integers(-2000, 2000, out_c).astype(np.int32)
        inputs.append(b)
        qin[3] = quantization(list(sx * sw), [0] * out_c, quantized_dimension=0)
    return inputs, qin, (sy, zy), (sx, zx, sw, sy, zy, b)


def options(strides, act="NONE"):
    return {"padding": "SAME", "stride_h": strides[0], "stride_w": strides[1], "fused_activation_function": act}


def float_reference(inputs, params, strides):
    """Dequantized inputs through the float transpose conv (TensorFlow's definition), requantized."""
    import test_transpose_conv as t
    sx, zx, sw, sy, zy, b = params
    shape, wt, x = inputs[:3]
    xf = sx * (x.astype(np.float32) - zx)
    wf = wt.astype(np.float32) * sw[:, None, None, None]
    bf = None if b is None else b.astype(np.float32) * sx * sw
    y = t.tconv_reference(xf, wf, bf, tuple(shape[1:3]), strides, "SAME", "NONE")
    return np.clip(np.round(y / sy + zy), -128, 127)


@pytest.mark.parametrize("seed,kw", [(0, {}), (1, {"per_channel": False}), (2, {"bias": False}),
                                     (3, {"strides": (1, 1), "out_hw": (5, 6)}), (4, {"k": 2, "out_hw": (7, 9)})])
def test_against_float_reference(seed, kw):
    strides = kw.get("strides", (2, 2))
    inputs, qin, qout, params = case(seed, **kw)
    got = run_single_op("TRANSPOSE_CONV", inputs, options(strides), constant_inputs=[0, 1, 3], output_types=np.int8,
                        input_quantization=qin, output_quantization=qout, version=3)[0]
    assert np.abs(got.astype(np.int32) - float_reference(inputs, params, strides)).max() <= 1


@requires_litert
@pytest.mark.parametrize("seed,kw,act", [(0, {}, "NONE"), (1, {"per_channel": False}, "RELU"),
                                         (2, {"bias": False}, "NONE"), (5, {"strides": (1, 2), "out_hw": (6, 8)}, "RELU6")])
def test_against_litert(seed, kw, act):
    strides = kw.get("strides", (2, 2))
    inputs, qin, qout, _ = case(seed, **kw)
    common = dict(constant_inputs=[0, 1, 3], output_types=np.int8, input_quantization=qin, output_quantization=qout,
                  version=4)
    ours = run_single_op("TRANSPOSE_CONV", inputs, options(strides, act), **common)[0]
    theirs = run_litert_builtin("TRANSPOSE_CONV", inputs, options(strides, act), **common)[0]
    np.testing.assert_array_equal(ours, theirs)


def test_weights_must_be_symmetric():
    inputs, qin, qout, _ = case(0, per_channel=False, bias=False)
    qin[1] = (0.01, 3)
    with pytest.raises(edgelite.EdgeliteError, match="weights"):
        run_single_op("TRANSPOSE_CONV", inputs, options((2, 2)), constant_inputs=[0, 1], output_types=np.int8,
                      input_quantization=qin, output_quantization=qout)
