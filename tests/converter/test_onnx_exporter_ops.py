"""Operators torch's exporter writes around CNN layers (Slice, Split, If on static shapes, Equal, Pow,
HardSigmoid, 3-D pooling of a reshaped view, padding no window reads), and the decomposed forms of LRN and
hard-swish: converted, run, and compared with onnxruntime."""

import numpy as np
import pytest

from converter_testutil import check_conversion, helper, make_model, rand, single_node, tflite_ops
from edgelite.converter import ConversionError, convert

X4 = rand(1, 6, 5, 4, seed=1)


def i64(*v):
    return np.array(v, np.int64)


# ---- slices and splits ----
@pytest.mark.parametrize("starts, ends, axes, steps", [
    ((0,), (3,), (1,), None),                       # torch's chunk: the first half of the channels
    ((3,), (2**63 - 1,), (1,), None),                # ... and the rest (end = INT64_MAX)
    ((-3, 1), (-1, 100), (1, 3), (1, 2)),            # negative start, end past the end, a step
    ((4,), (-2**63,), (1,), (-1,)),                  # reversed, through index 0 (end_mask)
    ((5, 3), (0, 0), (2, 3), (-2, -1)),
    ((0,), (100,), (1,), None),                      # everything: no op at all
])
def test_slice(starts, ends, axes, steps):
    inits = {"starts": i64(*starts), "ends": i64(*ends), "axes": i64(*axes)}
    if steps is not None:
        inits["steps"] = i64(*steps)
    model = single_node("Slice", {"x": X4}, inits)
    content = check_conversion(model, {"x": X4})
    if ends == (100,):
        assert "STRIDED_SLICE" not in tflite_ops(content)


def test_slice_opset9_attributes():
    check_conversion(single_node("Slice", {"x": X4}, opset=9, starts=[1, 0], ends=[4, -1], axes=[1, 2]), {"x": X4})


@pytest.mark.parametrize("opset, axis, sizes, attrs, op", [
    (13, 1, None, {}, "SPLIT"), (13, 1, (1, 5), {}, "SPLIT_V"), (11, 1, None, {"split": [2, 4]}, "SPLIT_V"),
    (9, -1, None, {}, "SPLIT"), (18, 1, None, {"num_outputs": 3}, "SPLIT"),
    (18, 2, None, {"num_outputs": 2}, "SPLIT_V"),      # 5 into 2: the last part is smaller
])
def test_split(opset, axis, sizes, attrs, op):
    n = attrs.get("num_outputs", len(sizes or attrs.get("split", ())) or 2)
    outs = [f"y{k}" for k in range(n)]
    node = helper.make_node("Split", ["x"] + (["split"] if sizes else []), outs, axis=axis, **attrs)
    model = make_model([node], {"x": X4}, outs, {"split": i64(*sizes)} if sizes else None, opset)
    assert tflite_ops(check_conversion(model, {"x": X4})) == [op]


# ---- arithmetic ----
@pytest.mark.parametrize("exponent, op", [(2.0, "MUL"), (0.75, "POW"), (1.0, None)])
def test_pow(exponent, op):
    x = np.abs(X4) + 0.1
    model = single_node("Pow", {"x": x}, {"e": np.float32(exponent)})
    content = check_conversion(model, {"x": x})
    assert tflite_ops(content) == ([op] if op else ["RESHAPE"])  # a bare copy becomes the output's RESHAPE


def test_pow_integer_exponent_is_cast():
    x = np.abs(X4) + 0.1
    check_conversion(single_node("Pow", {"x": x}, {"e": np.int64(3)}), {"x": x})


@pytest.mark.parametrize("attrs", [{}, {"alpha": 1 / 6, "beta": 0.5}, {"alpha": 0.5, "beta": 0.25}])
def test_hard_sigmoid(attrs):
    x = X4 * 4
    content = check_conversion(single_node("HardSigmoid", {"x": x}, **attrs), {"x": x})
    assert "RELU6" not in tflite_ops(content)  # fused into the ADD


def hard_swish_model(form: str, opset: int = 13):
    """x * hardsigmoid(x) as torch writes it, or x * relu6(x + 3) / 6 written by hand."""
    n = helper.make_node
    consts = {"three": np.float32(3), "six": np.float32(6), "zero": np.float32(0)}
    if form == "hardsigmoid":
        nodes = [n("HardSigmoid", ["x"], ["h"], alpha=1 / 6, beta=0.5), n("Mul", ["x", "h"], ["y"])]
    else:
        nodes = [n("Add", ["x", "three"], ["a"]), n("Clip", ["a", "zero", "six"], ["r"])]
        nodes += ([n("Mul", ["x", "r"], ["m"]), n("Div", ["m", "six"], ["y"])] if form == "mul_div" else
                  [n("Div", ["r", "six"], ["d"]), n("Mul", ["d", "x"], ["y"])])
    return make_model(nodes, {"x": X4}, ["y"], consts, opset)


@pytest.mark.parametrize("form", ["hardsigmoid", "mul_div", "div_mul"])
def test_hard_swish_forms_become_one_op(form):
    x = X4 * 4
    content = check_conversion(hard_swish_model(form), {"x": x})
    assert tflite_ops(content) == ["HARD_SWISH"]


# ---- If on a condition known at conversion time ----
def test_if_on_static_shape_is_inlined():
    # torch's squeeze(1) at opset 11+: If (shape[1] == 1) then Squeeze else Identity.
    x = rand(2, 1, 3, 4)
    then_g = helper.make_graph([helper.make_node("Squeeze", ["x", "axis"], ["sq"])], "then", [],
                               [helper.make_empty_tensor_value_info("sq")],
                               [helper.make_tensor("axis", helper.TensorProto.INT64, [1], [1])])
    else_g = helper.make_graph([helper.make_node("Identity", ["x"], ["id"])], "else", [],
                               [helper.make_empty_tensor_value_info("id")])
    n = helper.make_node
    nodes = [n("Shape", ["x"], ["s"]), n("Gather", ["s", "one"], ["d"]), n("Equal", ["d", "one"], ["c"]),
             n("If", ["c"], ["y"], then_branch=then_g, else_branch=else_g)]
    model = make_model(nodes, {"x": x}, ["y"], {"one": i64(1)})
    content = check_conversion(model, {"x": x})
    assert tflite_ops(content) == ["RESHAPE"]


def test_if_on_run_time_data_becomes_an_if_node():
    """(test_onnx_control_flow.py has the IF and WHILE cases.)"""
    branch = helper.make_graph([helper.make_node("Identity", ["x"], ["o"])], "b", [],
                               [helper.make_empty_tensor_value_info("o")])
    model = make_model([helper.make_node("ReduceSum", ["x"], ["s"], keepdims=0),
                        helper.make_node("Cast", ["s"], ["c"], to=helper.TensorProto.BOOL),
                        helper.make_node("If", ["c"], ["y"], then_branch=branch, else_branch=branch)],
                       {"x": X4}, ["y"])
    assert tflite_ops(convert(model)) == ["SUM", "CAST", "IF"]


# ---- pooling over a reshaped view, padding no window reads ----
@pytest.mark.parametrize("op, attrs", [
    ("AveragePool", dict(kernel_shape=[5, 1, 1])),                                # torch's LRN window
    ("MaxPool", dict(kernel_shape=[1, 3, 3], strides=[1, 2, 2], pads=[0, 1, 1, 0, 1, 1])),
    ("AveragePool", dict(kernel_shape=[3, 1, 1], strides=[2, 1, 1], pads=[1, 0, 0, 1, 0, 0],
                         count_include_pad=1)),
])
def test_pool_3d_with_still_axes(op, attrs):
    x = rand(1, 2, 7, 5, 6)
    check_conversion(single_node(op, {"x": x}, **attrs), {"x": x})


def test_pool_3d_moving_on_three_axes_is_refused():
    with pytest.raises(ConversionError, match="spatial axes"):
        convert(single_node("MaxPool", {"x": rand(1, 2, 4, 4, 4)}, kernel_shape=[2, 2, 2]))


@pytest.mark.parametrize("op, extra", [("MaxPool", {}), ("Conv", {"w": rand(3, 6, 3, 3, seed=2)})])
def test_padding_no_window_reads_is_dropped(op, extra):
    # torch pads both ends; with stride 2 over 5 pixels the last window ends at the input's end.
    x = rand(1, 6, 5, 5)
    model = single_node(op, {"x": x}, extra or None, kernel_shape=[3, 3], strides=[2, 2], pads=[0, 0, 1, 1])
    assert not {"PAD", "PADV2"} & set(tflite_ops(check_conversion(model, {"x": x})))


def test_ceil_mode_max_pool_that_matches_same_needs_no_pad():
    x = rand(1, 2, 22, 22)
    model = single_node("MaxPool", {"x": x}, kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)
    assert "PADV2" not in tflite_ops(check_conversion(model, {"x": x}))


# ---- torch's LRN decomposition ----
def torch_lrn_model(size: int, opset: int = 13):
    """F.local_response_norm as the exporter writes it: a / (k + alpha * avgpool3d(pad(a * a)))^beta."""
    n = helper.make_node
    c, h, w = X4.shape[1:]
    inits = {"shape5": i64(1, 1, c, h, -1), "shape4": i64(1, c, h, w), "alpha": np.float32(1e-2),
             "k": np.float32(2.0), "beta": np.float32(0.75),
             "pads": i64(0, 0, size // 2, 0, 0, 0, 0, (size - 1) // 2, 0, 0), "one": i64(1)}
    nodes = [n("Mul", ["x", "x"], ["sq"]), n("Reshape", ["sq", "shape5"], ["sq5"]), n("Pad", ["sq5", "pads"], ["p"]),
             n("AveragePool", ["p"], ["avg"], kernel_shape=[size, 1, 1]), n("Squeeze", ["avg", "one"], ["s"]),
             n("Reshape", ["s", "shape4"], ["s4"]), n("Mul", ["s4", "alpha"], ["m"]), n("Add", ["m", "k"], ["t"]),
             n("Pow", ["t", "beta"], ["d"]), n("Div", ["x", "d"], ["y"])]
    return make_model(nodes, {"x": X4}, ["y"], inits, opset)


def test_torch_lrn_decomposition_becomes_one_op():
    content = check_conversion(torch_lrn_model(5), {"x": X4})
    assert tflite_ops(content) == ["TRANSPOSE", "LOCAL_RESPONSE_NORMALIZATION", "TRANSPOSE"]
    content = check_conversion(torch_lrn_model(5), {"x": X4}, nhwc_inputs=True)
    assert tflite_ops(content) == ["LOCAL_RESPONSE_NORMALIZATION", "TRANSPOSE"]


def test_torch_lrn_with_even_size_stays_decomposed():
    # An even window is not centred: no .tflite LRN computes it, the arithmetic is kept (POW included).
    content = check_conversion(torch_lrn_model(4), {"x": X4})
    assert "LOCAL_RESPONSE_NORMALIZATION" not in tflite_ops(content) and "POW" in tflite_ops(content)
