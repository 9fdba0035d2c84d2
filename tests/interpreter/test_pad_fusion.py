"""PAD fusion at allocate (interpreter/subgraph_fusion.cc, FusePads): a PAD or PADV2 of the spatial axes whose output
only a VALID CONV_2D, DEPTHWISE_CONV_2D or MAX_POOL_2D reads becomes that node's padding (Keras' ZeroPadding2D, an
ONNX model's explicit pads), the padded tensor never written. Each model runs fused and unfused
(experimental_preserve_all_tensors keeps every node): same output bits, float32 and int8, on the optimized kernels and
the reference twins, at 1-3 threads; and where the fill or the shape would change the result, nothing is fused."""

import numpy as np
import pytest

import edgelite
from edgelite.model_builder import ModelBuilder

RNG = np.random.default_rng(5)
Q_IN = {"scale": [0.05], "zero_point": [3]}
Q_OUT = {"scale": [0.2], "zero_point": [-5]}


def padded_shape(shape, pads):
    return [s + a + b for s, (a, b) in zip(shape, pads)]


def window_out(size, extent, stride):
    return (size - extent) // stride + 1


def pad_model(shape, pads, op="CONV_2D", kernel=3, stride=1, dilation=1, out_c=12, multiplier=1, groups=1,
              value=None, int8=False, padding="VALID", pad_is_output=False, pad_read_twice=False, activation="NONE"):
    """x -> PAD/PADV2 -> op -> output. `value` None: PAD; else PADV2 filling with `value` (raw int8 when int8)."""
    b = ModelBuilder()
    dtype = np.int8 if int8 else np.float32
    q_in = Q_IN if int8 else None
    x = b.add_input("x", shape, dtype, quantization=q_in)
    p_shape = padded_shape(shape, pads)
    p = b.add_tensor("padded", p_shape, dtype, quantization=q_in)
    paddings = b.add_constant("paddings", np.asarray(pads, np.int32))
    if value is None:
        b.add_operator("PAD", [x, paddings], [p])
    else:
        fill = b.add_constant("fill", np.asarray(value, dtype), quantization=q_in)
        b.add_operator("PADV2", [x, paddings, fill], [p])
    extent = (kernel - 1) * dilation + 1
    if padding == "VALID":
        oh, ow = window_out(p_shape[1], extent, stride), window_out(p_shape[2], extent, stride)
    else:
        oh, ow = -(-p_shape[1] // stride), -(-p_shape[2] // stride)
    in_c = p_shape[3]
    q_out = Q_OUT if int8 else None
    if op == "MAX_POOL_2D":
        y = b.add_tensor("y", [shape[0], oh, ow, in_c], dtype, quantization=Q_IN if int8 else None)
        b.add_operator(op, [p], [y], {"padding": padding, "stride_w": stride, "stride_h": stride,
                                      "filter_width": kernel, "filter_height": kernel,
                                      "fused_activation_function": activation})
    else:
        if op == "CONV_2D":
            w = RNG.standard_normal((out_c, kernel, kernel, in_c // groups)).astype(np.float32) * 0.4
        else:
            out_c = in_c * multiplier
            w = RNG.standard_normal((1, kernel, kernel, out_c)).astype(np.float32) * 0.4
        bias = RNG.standard_normal(out_c).astype(np.float32)
        options = {"padding": padding, "stride_w": stride, "stride_h": stride, "dilation_w_factor": dilation,
                   "dilation_h_factor": dilation, "fused_activation_function": activation}
        if op == "DEPTHWISE_CONV_2D":
            options["depth_multiplier"] = multiplier
        if int8:
            axis = 0 if op == "CONV_2D" else 3
            scales = np.abs(w).max(axis=tuple(i for i in range(4) if i != axis)) / 127 + 1e-6
            shape_s = [-1 if i == axis else 1 for i in range(4)]
            wq = np.clip(np.round(w / scales.reshape(shape_s)), -127, 127).astype(np.int8)
            wt = b.add_constant("w", wq, quantization={"scale": scales.tolist(), "zero_point": [0] * out_c,
                                                       "quantized_dimension": axis})
            bias_scales = scales * Q_IN["scale"][0]
            bt = b.add_constant("b", np.round(bias / bias_scales).astype(np.int32),
                                quantization={"scale": bias_scales.tolist(), "zero_point": [0] * out_c})
        else:
            wt = b.add_constant("w", w)
            bt = b.add_constant("b", bias)
        y = b.add_tensor("y", [shape[0], oh, ow, out_c], dtype, quantization=q_out)
        b.add_operator(op, [p, wt, bt], [y], options)
    b.mark_output(y)
    if pad_is_output:
        b.mark_output(p)
    if pad_read_twice:
        z = b.add_tensor("z", p_shape, dtype, quantization=q_in)
        b.add_operator("MAXIMUM", [p, p], [z])
        b.mark_output(z)
    return b.build()


def run(model, shape, preserve=False, threads=1, reference=False, int8=False, seed=1, inf=False):
    kwargs = {"experimental_op_resolver_type": edgelite.OpResolverType.BUILTIN_REF} if reference else {}
    interp = edgelite.Interpreter(model_content=model, experimental_preserve_all_tensors=preserve,
                                  num_threads=threads, **kwargs)
    interp.allocate_tensors()
    rng = np.random.default_rng(seed)
    if int8:
        x = rng.integers(-128, 128, shape).astype(np.int8)
    else:
        x = rng.standard_normal(shape).astype(np.float32) * 3
        x.flat[:2] = [-np.inf if inf else 1.0, -0.0]  # a max pool keeps -inf; a convolution's padding adds +0
    interp.set_tensor(interp.get_input_details()[0]["index"], x)
    interp.invoke()
    return [interp.get_tensor(o["index"]).copy() for o in interp.get_output_details()], interp


def fused(interp):
    """{PAD node: the node it was fused into}."""
    return {o["index"]: o["fused_into"] for o in interp._get_ops_details()
            if o["op_name"] in ("PAD", "PADV2") and o["fused_into"] is not None}


def assert_same_as_unfused(model, shape, threads=1, reference=False, int8=False, exact=True, inf=False):
    """Bit for bit; with exact=False to float rounding (the optimized depthwise kernels sum a border window's taps
    in another order than an interior one's, as for a SAME-padded model: fused, the padded columns are border)."""
    got, interp = run(model, shape, threads=threads, reference=reference, int8=int8, inf=inf)
    want, plain = run(model, shape, preserve=True, threads=threads, reference=reference, int8=int8, inf=inf)
    assert fused(plain) == {}
    for a, b in zip(got, want):
        if exact:
            np.testing.assert_array_equal(a.view(np.uint8), b.view(np.uint8))
        else:
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5 * float(np.abs(b).max()))
    return interp


def spatial(top, bottom, left, right):
    return [[0, 0], [top, bottom], [left, right], [0, 0]]


CONVS = [
    dict(kernel=3, stride=2, pads=spatial(0, 1, 0, 1)),  # Keras' ZeroPadding2D before a strided convolution
    dict(kernel=3, stride=1, pads=spatial(1, 1, 1, 1)),
    dict(kernel=3, stride=1, pads=spatial(2, 0, 0, 2)),
    dict(kernel=7, stride=2, pads=spatial(3, 3, 3, 3)),  # ResNet's stem
    dict(kernel=3, stride=1, dilation=2, pads=spatial(4, 2, 1, 3)),
    dict(kernel=3, stride=1, out_c=16, groups=2, pads=spatial(1, 1, 1, 1)),
    dict(kernel=1, stride=1, pads=spatial(0, 0, 0, 0)),  # a PAD of nothing
]


@pytest.mark.parametrize("reference", [False, True], ids=["optimized", "reference"])
@pytest.mark.parametrize("case", CONVS, ids=str)
def test_conv_takes_the_padding(case, reference):
    case = dict(case)
    shape = [1, 13, 12, 8]
    pads = case.pop("pads")
    interp = assert_same_as_unfused(pad_model(shape, pads, activation="RELU6", **case), shape, reference=reference)
    assert fused(interp) == {0: 1}


DEPTHWISES = [
    dict(kernel=3, stride=2, pads=spatial(0, 1, 0, 1)), dict(kernel=3, stride=1, pads=spatial(1, 1, 1, 1)),
    dict(kernel=5, stride=2, pads=spatial(2, 2, 1, 2)),
    dict(kernel=3, stride=1, multiplier=2, pads=spatial(1, 1, 1, 1)),  # the expanded input
    dict(kernel=9, stride=1, pads=spatial(4, 4, 8, 0)),  # 81 taps: the reference row
]


@pytest.mark.parametrize("reference", [False, True], ids=["optimized", "reference"])
@pytest.mark.parametrize("case", DEPTHWISES, ids=str)
def test_depthwise_takes_the_padding(case, reference):
    case = dict(case)
    shape = [1, 15, 14, 16]
    pads = case.pop("pads")
    interp = assert_same_as_unfused(pad_model(shape, pads, op="DEPTHWISE_CONV_2D", **case), shape,
                                    reference=reference, exact=reference)
    assert fused(interp) == {0: 1}


@pytest.mark.parametrize("reference", [False, True], ids=["optimized", "reference"])
@pytest.mark.parametrize("value", [-np.inf, np.finfo(np.float32).min], ids=["-inf", "lowest"])
def test_max_pool_takes_the_padding(value, reference):
    shape = [2, 12, 11, 8]
    interp = assert_same_as_unfused(pad_model(shape, spatial(1, 1, 1, 1), op="MAX_POOL_2D", stride=2, value=value),
                                    shape, reference=reference, inf=True)
    assert fused(interp) == {0: 1}


@pytest.mark.parametrize("reference", [False, True], ids=["optimized", "reference"])
@pytest.mark.parametrize("op", ["CONV_2D", "DEPTHWISE_CONV_2D", "MAX_POOL_2D"])
def test_int8_takes_the_padding(op, reference):
    shape = [1, 14, 13, 16]
    # PAD fills with the zero point; PADV2 with -128 for the pool (no int8 value is below it).
    model = pad_model(shape, spatial(1, 1, 0, 1), op=op, stride=2, int8=True,
                      value=-128 if op == "MAX_POOL_2D" else None)
    interp = assert_same_as_unfused(model, shape, reference=reference, int8=True)
    assert fused(interp) == {0: 1}


def test_int8_padv2_with_the_zero_point_is_fused():
    shape = [1, 9, 9, 16]
    model = pad_model(shape, spatial(1, 1, 1, 1), int8=True, value=Q_IN["zero_point"][0])
    assert fused(assert_same_as_unfused(model, shape, int8=True)) == {0: 1}


@pytest.mark.parametrize("threads", [2, 3])
@pytest.mark.parametrize("op", ["CONV_2D", "DEPTHWISE_CONV_2D"])
def test_threads_give_the_same_bits(op, threads):
    shape = [1, 56, 56, 24]
    model = pad_model(shape, spatial(0, 1, 0, 1), op=op, stride=2, out_c=24)
    one, _ = run(model, shape)
    many, interp = run(model, shape, threads=threads)
    assert fused(interp) == {0: 1}
    np.testing.assert_array_equal(one[0].view(np.uint32), many[0].view(np.uint32))


NOT_FUSED = {
    "channel-axis": dict(pads=[[0, 0], [1, 1], [1, 1], [0, 2]]),
    "batch-axis": dict(pads=[[1, 0], [1, 1], [1, 1], [0, 0]]),
    "a-whole-window": dict(pads=spatial(3, 0, 0, 0)),  # as much padding as the window: rows of padding alone
    "same-padding": dict(pads=spatial(1, 1, 1, 1), padding="SAME"),
    "nonzero-fill": dict(pads=spatial(1, 1, 1, 1), value=1.0),
    "negative-zero-fill": dict(pads=spatial(1, 1, 1, 1), value=-0.0),
    "pad-is-output": dict(pads=spatial(1, 1, 1, 1), pad_is_output=True),
    "pad-read-twice": dict(pads=spatial(1, 1, 1, 1), pad_read_twice=True),
    "zero-fill-before-max-pool": dict(pads=spatial(1, 1, 1, 1), op="MAX_POOL_2D"),
    "average-pool": dict(pads=spatial(1, 1, 1, 1), op="AVERAGE_POOL_2D"),
}


@pytest.mark.parametrize("case", NOT_FUSED.values(), ids=NOT_FUSED.keys())
def test_not_fused_where_the_result_or_the_tensor_would_change(case):
    case = dict(case)
    shape = [1, 9, 10, 8]
    pads = case.pop("pads")
    if case.get("op") == "AVERAGE_POOL_2D":
        b = ModelBuilder()
        x = b.add_input("x", shape)
        p = b.add_tensor("padded", padded_shape(shape, pads))
        b.add_operator("PAD", [x, b.add_constant("paddings", np.asarray(pads, np.int32))], [p])
        y = b.add_tensor("y", [1, 5, 5, 8])
        b.add_operator("AVERAGE_POOL_2D", [p], [y], {"padding": "VALID", "stride_w": 2, "stride_h": 2,
                                                    "filter_width": 3, "filter_height": 3})
        b.mark_output(y)
        model = b.build()
    else:
        model = pad_model(shape, pads, **case)
    interp = assert_same_as_unfused(model, shape)
    assert fused(interp) == {}


def test_fused_pad_output_is_not_readable_but_says_why():
    shape = [1, 9, 9, 8]
    model = pad_model(shape, spatial(1, 1, 1, 1))
    _, interp = run(model, shape)
    padded = next(t["index"] for t in interp.get_tensor_details() if t["name"] == "padded")
    with pytest.raises(Exception, match="PAD's output"):
        interp.get_tensor(padded)
    ops = interp._get_ops_details()
    assert ops[1]["fused_pad"] == [[1, 1], [1, 1]] and ops[0]["fused_into"] == 1
    _, plain = run(model, shape, preserve=True)
    assert plain.get_tensor(padded).shape == (1, 11, 11, 8)


def test_arena_leaves_out_the_padded_tensor():
    shape = [1, 64, 64, 32]
    model = pad_model(shape, spatial(0, 1, 0, 1), op="DEPTHWISE_CONV_2D", stride=2)
    fused_interp = edgelite.Interpreter(model_content=model)
    fused_interp.allocate_tensors()
    plain = edgelite.Interpreter(model_content=model, experimental_preserve_all_tensors=True)
    plain.allocate_tensors()
    assert fused(fused_interp) == {0: 1}
    # input + output only, against input + padded + output
    assert fused_interp._core.arena_bytes(0) < plain._core.arena_bytes(0) - 65 * 65 * 32 * 4 + 4096


def test_resize_plans_the_fusion_again():
    shape = [1, 9, 9, 8]
    model = pad_model(shape, spatial(0, 1, 0, 1), stride=2)
    new_shape = [2, 16, 12, 8]
    outs = []
    for preserve in (False, True):
        interp = edgelite.Interpreter(model_content=model, experimental_preserve_all_tensors=preserve)
        interp.resize_tensor_input(0, new_shape)
        interp.allocate_tensors()
        if not preserve:
            assert fused(interp) == {0: 1}
        interp.set_tensor(0, np.random.default_rng(2).standard_normal(new_shape).astype(np.float32))
        interp.invoke()
        outs.append(interp.get_tensor(interp.get_output_details()[0]["index"]))
    assert outs[0].shape == (2, 8, 6, 12)
    np.testing.assert_array_equal(outs[0].view(np.uint32), outs[1].view(np.uint32))
