"""Each supported ONNX operator, converted and run, matches onnxruntime within 1e-4."""

import numpy as np
import pytest

from converter_testutil import check_conversion, helper, make_model, rand, single_node, tflite_ops

X4 = rand(1, 3, 7, 6, seed=1)


# ---- convolution ----
@pytest.mark.parametrize("attrs", [
    dict(pads=[1, 1, 1, 1]),
    dict(pads=[0, 0, 0, 0], strides=[2, 2]),
    dict(pads=[0, 1, 2, 1], strides=[2, 1]),          # asymmetric: explicit PAD
    dict(auto_pad="SAME_UPPER", strides=[2, 2]),
    dict(auto_pad="SAME_LOWER", strides=[2, 2]),
    dict(pads=[2, 2, 2, 2], dilations=[2, 2]),
])
def test_conv(attrs):
    w, b = rand(5, 3, 3, 3, seed=2), rand(5, seed=3)
    check_conversion(single_node("Conv", {"x": X4}, {"w": w, "b": b}, **attrs), {"x": X4})


def test_conv_without_bias_and_1d():
    check_conversion(single_node("Conv", {"x": X4}, {"w": rand(4, 3, 1, 1)}), {"x": X4})
    x = rand(2, 3, 11)
    check_conversion(single_node("Conv", {"x": x}, {"w": rand(4, 3, 3), "b": rand(4)}, pads=[1, 1], strides=[2]),
                     {"x": x})


@pytest.mark.parametrize("group, c_out", [(3, 3), (3, 6), (3, 9)])
def test_depthwise_conv(group, c_out):
    model = single_node("Conv", {"x": X4}, {"w": rand(c_out, 1, 3, 3), "b": rand(c_out)}, group=group,
                        pads=[1, 1, 1, 1])
    assert "DEPTHWISE_CONV_2D" in tflite_ops(check_conversion(model, {"x": X4}))


def test_grouped_conv():
    x = rand(1, 4, 5, 5)
    model = single_node("Conv", {"x": x}, {"w": rand(6, 2, 3, 3), "b": rand(6)}, group=2, pads=[1, 1, 1, 1])
    check_conversion(model, {"x": x})


# ---- matrix products ----
@pytest.mark.parametrize("attrs, a_shape, b_shape, c_shape", [
    ({}, (3, 4), (4, 5), (5,)),
    ({"transB": 1}, (3, 4), (5, 4), (1, 5)),
    ({"transA": 1, "alpha": 0.5, "beta": 2.0}, (4, 3), (4, 5), (5,)),
    ({}, (3, 4), (4, 5), (3, 5)),                     # full bias matrix: separate ADD
])
def test_gemm(attrs, a_shape, b_shape, c_shape):
    a = rand(*a_shape)
    check_conversion(single_node("Gemm", {"a": a}, {"b": rand(*b_shape, seed=4), "c": rand(*c_shape, seed=5)},
                                 **attrs), {"a": a})


def test_matmul_constant_and_dynamic():
    a = rand(2, 3, 4)
    content = check_conversion(single_node("MatMul", {"a": a}, {"b": rand(4, 6)}), {"a": a})
    assert tflite_ops(content) == ["FULLY_CONNECTED"]
    b = rand(2, 4, 5, seed=7)
    check_conversion(single_node("MatMul", {"a": a, "b": b}), {"a": a, "b": b})
    v = rand(4, seed=8)
    check_conversion(single_node("MatMul", {"a": a, "v": v}), {"a": a, "v": v})


def test_batch_normalization():
    c = 3
    params = {"s": rand(c, seed=2) + 2, "bias": rand(c, seed=3), "mean": rand(c, seed=4),
              "var": np.abs(rand(c, seed=5)) + 0.5}
    check_conversion(single_node("BatchNormalization", {"x": X4}, params, epsilon=1e-3), {"x": X4})


# ---- activations ----
@pytest.mark.parametrize("op, attrs, opset", [
    ("Relu", {}, 13), ("Sigmoid", {}, 13), ("Tanh", {}, 13), ("HardSwish", {}, 14),
    ("LeakyRelu", {"alpha": 0.2}, 13), ("LeakyRelu", {}, 13),
    ("Gelu", {}, 20), ("Gelu", {"approximate": "tanh"}, 20),
    ("Clip", {"min": 0.0, "max": 6.0}, 9), ("Clip", {"min": -0.5, "max": 0.25}, 9), ("Clip", {"min": 0.0}, 9),
])
def test_activation(op, attrs, opset):
    x = rand(2, 3, 4, 5) * 4
    check_conversion(single_node(op, {"x": x}, opset=opset, **attrs), {"x": x})


@pytest.mark.parametrize("lo, hi, expected", [(0.0, 6.0, "RELU6"), (-1.0, 1.0, "RELU_N1_TO_1"),
                                              (0.0, None, "RELU"), (-2.0, 3.0, "MAXIMUM")])
def test_clip_with_inputs(lo, hi, expected):
    x = rand(2, 8) * 4
    inits = {"lo": np.float32(lo)}
    if hi is not None:
        inits["hi"] = np.float32(hi)
    content = check_conversion(single_node("Clip", {"x": x}, inits), {"x": x})
    assert expected in tflite_ops(content)


def test_prelu():
    x = rand(1, 3, 4, 4) * 3
    slope = np.array([0.1, 0.2, 0.3], np.float32).reshape(3, 1, 1)
    check_conversion(single_node("PRelu", {"x": x}, {"slope": slope}), {"x": x})


def test_lrn():
    x = np.abs(rand(1, 7, 3, 4)) * 2
    content = check_conversion(single_node("LRN", {"x": x}, size=5, alpha=0.01, beta=0.6, bias=1.5), {"x": x})
    assert "LOCAL_RESPONSE_NORMALIZATION" in tflite_ops(content)


# ---- pooling ----
@pytest.mark.parametrize("op, attrs", [
    ("MaxPool", dict(kernel_shape=[2, 2], strides=[2, 2])),
    ("MaxPool", dict(kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2])),
    ("MaxPool", dict(kernel_shape=[3, 3], pads=[0, 0, 1, 1])),
    ("MaxPool", dict(kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1)),
    ("MaxPool", dict(kernel_shape=[3, 3], auto_pad="SAME_UPPER", strides=[2, 2])),
    ("AveragePool", dict(kernel_shape=[2, 2], strides=[2, 2])),
    ("AveragePool", dict(kernel_shape=[3, 3], pads=[1, 1, 1, 1], count_include_pad=1)),
    ("AveragePool", dict(kernel_shape=[3, 3], auto_pad="SAME_UPPER")),
])
def test_pool(op, attrs):
    check_conversion(single_node(op, {"x": X4}, **attrs), {"x": X4})


@pytest.mark.parametrize("op", ["GlobalAveragePool", "GlobalMaxPool"])
def test_global_pool(op):
    check_conversion(single_node(op, {"x": X4}), {"x": X4})


# ---- tensor plumbing ----
def test_concat_reshape_flatten_transpose():
    a, b = rand(1, 2, 3, 4), rand(1, 3, 3, 4, seed=1)
    check_conversion(single_node("Concat", {"a": a, "b": b}, axis=1), {"a": a, "b": b})
    check_conversion(single_node("Concat", {"a": a, "b": b}, axis=-3), {"a": a, "b": b})
    check_conversion(single_node("Reshape", {"a": a}, {"s": np.array([0, -1, 2], np.int64)}), {"a": a})
    check_conversion(single_node("Flatten", {"a": a}, axis=2), {"a": a})
    check_conversion(single_node("Flatten", {"a": a}, axis=-1, opset=11), {"a": a})
    check_conversion(single_node("Transpose", {"a": a}, perm=[0, 3, 1, 2]), {"a": a})
    check_conversion(single_node("Transpose", {"a": a}), {"a": a})


@pytest.mark.parametrize("op", ["Add", "Sub", "Mul", "Div"])
@pytest.mark.parametrize("b_shape", [(1, 3, 4, 5), (5,), (3, 1, 1), ()])
def test_binary(op, b_shape):
    a = rand(1, 3, 4, 5)
    b = rand(*b_shape, seed=3) + (3.0 if op == "Div" else 0.0)
    check_conversion(single_node(op, {"a": a, "b": np.asarray(b, np.float32)}), {"a": a, "b": np.asarray(b, np.float32)})
    check_conversion(single_node(op, {"a": a}, {"b": np.asarray(b, np.float32)}), {"a": a})


def test_sum():
    a, b, c = rand(2, 3), rand(2, 3, seed=1), rand(3, seed=2)
    check_conversion(single_node("Sum", {"a": a, "b": b, "c": c}), {"a": a, "b": b, "c": c})
    check_conversion(single_node("Sum", {"a": a}), {"a": a})


@pytest.mark.parametrize("opset, axis, shape", [(13, -1, (2, 5)), (13, 1, (2, 3, 4)), (11, 1, (2, 3, 4)),
                                                (11, -1, (2, 3, 4)), (9, 2, (2, 3, 4))])
def test_softmax(opset, axis, shape):
    x = rand(*shape) * 3
    check_conversion(single_node("Softmax", {"x": x}, opset=opset, axis=axis), {"x": x})


def test_dropout_identity_constant():
    x = rand(2, 3)
    nodes = [helper.make_node("Dropout", ["x"], ["d"]), helper.make_node("Identity", ["d"], ["i"]),
             helper.make_node("Constant", [], ["k"], value=helper.make_tensor("v", 1, [3], [1.0, 2.0, 3.0])),
             helper.make_node("Constant", [], ["f"], value_float=0.5),
             helper.make_node("Mul", ["i", "k"], ["m"]), helper.make_node("Add", ["m", "f"], ["y"])]
    content = check_conversion(make_model(nodes, {"x": x}, ["y"]), {"x": x})
    assert sorted(tflite_ops(content)) == ["ADD", "MUL"]
    nodes = [helper.make_node("Dropout", ["x"], ["y"], ratio=0.5)]
    check_conversion(make_model(nodes, {"x": x}, ["y"], opset=9), {"x": x})


def test_shape_arithmetic_folds_into_reshape():
    # The PyTorch flatten pattern: Shape -> Gather -> Unsqueeze -> Concat -> Reshape.
    x = rand(2, 3, 4, 5)
    nodes = [
        helper.make_node("Shape", ["x"], ["s"]),
        helper.make_node("Gather", ["s", "zero"], ["n"], axis=0),
        helper.make_node("Unsqueeze", ["n", "ax0"], ["n1"]),
        helper.make_node("Concat", ["n1", "minus1"], ["target"], axis=0),
        helper.make_node("Reshape", ["x", "target"], ["y"]),
    ]
    inits = {"zero": np.array(0, np.int64), "ax0": np.array([0], np.int64), "minus1": np.array([-1], np.int64)}
    content = check_conversion(make_model(nodes, {"x": x}, ["y"], inits), {"x": x})
    assert tflite_ops(content) == ["RESHAPE"]


def test_shape_and_gather_outputs():
    x = rand(2, 3, 4, 5)
    check_conversion(single_node("Shape", {"x": x}, opset=15, start=1, end=-1), {"x": x})
    check_conversion(single_node("Gather", {"x": x}, {"i": np.array([[2, -1], [0, 1]], np.int64)}, axis=2), {"x": x})
    i = np.array([1, 0, 2], np.int64)
    check_conversion(single_node("Gather", {"x": x, "i": i}, axis=1), {"x": x, "i": i})


def test_cast():
    x = rand(2, 3) * 4
    check_conversion(single_node("Cast", {"x": x}, to=6), {"x": x})  # to INT32 (truncates toward zero)


def test_constant_of_shape():
    x = rand(2, 3)
    nodes = [helper.make_node("Shape", ["x"], ["s"]),
             helper.make_node("ConstantOfShape", ["s"], ["c"], value=helper.make_tensor("v", 1, [1], [2.5])),
             helper.make_node("Add", ["x", "c"], ["y"])]
    check_conversion(make_model(nodes, {"x": x}, ["y"]), {"x": x})


@pytest.mark.parametrize("opset", [11, 13])
def test_unsqueeze_squeeze(opset):
    x = rand(3, 1, 4)
    if opset >= 13:
        un = single_node("Unsqueeze", {"x": x}, {"axes": np.array([0, -1], np.int64)}, opset=opset)
        sq = single_node("Squeeze", {"x": x}, {"axes": np.array([1], np.int64)}, opset=opset)
    else:
        un = single_node("Unsqueeze", {"x": x}, opset=opset, axes=[0, -1])
        sq = single_node("Squeeze", {"x": x}, opset=opset, axes=[1])
    check_conversion(un, {"x": x})
    check_conversion(sq, {"x": x})
    check_conversion(single_node("Squeeze", {"x": x}, opset=opset), {"x": x})


@pytest.mark.parametrize("mode, value", [("constant", 0.0), ("constant", 1.5), ("reflect", 0.0)])
def test_pad(mode, value):
    x = rand(1, 2, 4, 5)
    inits = {"pads": np.array([0, 0, 1, 2, 0, 0, 2, 1], np.int64), "v": np.array(value, np.float32)}
    check_conversion(single_node("Pad", {"x": x}, inits, mode=mode), {"x": x})
    check_conversion(single_node("Pad", {"x": x}, opset=9, mode=mode, pads=[0, 1, 0, 1, 0, 0, 1, 0], value=value),
                     {"x": x})


def _resize_model(x, mode, coord, out_hw=None, scales=None, nearest_mode="round_prefer_floor"):
    inits = {"roi": np.zeros(0, np.float32)}
    names = ["x", "roi"]
    if scales is not None:
        inits["scales"] = np.array([1, 1] + list(scales), np.float32)
        names.append("scales")
    else:
        inits["sizes"] = np.array(list(x.shape[:2]) + list(out_hw), np.int64)
        names += ["", "sizes"]
    node = helper.make_node("Resize", names, ["y"], mode=mode, coordinate_transformation_mode=coord,
                            nearest_mode=nearest_mode)
    return make_model([node], {"x": x}, ["y"], inits)


@pytest.mark.parametrize("mode, coord, nearest_mode, scales, out_hw", [
    ("nearest", "asymmetric", "floor", (2, 2), None),
    ("nearest", "half_pixel", "round_prefer_floor", (2, 3), None),
    ("nearest", "asymmetric", "round_prefer_floor", (3, 3), None),   # no .tflite setting: GATHER
    ("nearest", "align_corners", "round_prefer_ceil", None, (9, 5)),
    ("nearest", "half_pixel", "round_prefer_ceil", None, (3, 2)),    # downsampling
    ("linear", "half_pixel", "round_prefer_floor", (2, 2), None),
    ("linear", "align_corners", "round_prefer_floor", None, (10, 7)),
    ("linear", "asymmetric", "round_prefer_floor", (2, 1), None),
    ("linear", "pytorch_half_pixel", "round_prefer_floor", None, (8, 9)),
])
def test_resize(mode, coord, nearest_mode, scales, out_hw):
    x = rand(1, 2, 4, 3)
    check_conversion(_resize_model(x, mode, coord, out_hw, scales, nearest_mode), {"x": x})


def test_upsample_opset9():
    x = rand(1, 2, 3, 3)
    check_conversion(single_node("Upsample", {"x": x}, {"s": np.array([1, 1, 2, 2], np.float32)}, opset=9,
                                 mode="nearest"), {"x": x})


@pytest.mark.parametrize("opset, axes, keepdims", [(13, [2, 3], 1), (13, [1], 0), (18, [-1], 1), (13, None, 0)])
def test_reduce_mean(opset, axes, keepdims):
    x = rand(2, 3, 4, 5)
    if opset >= 18:
        model = single_node("ReduceMean", {"x": x}, {"axes": np.array(axes, np.int64)}, opset=opset,
                            keepdims=keepdims)
    elif axes is None:
        model = single_node("ReduceMean", {"x": x}, opset=opset, keepdims=keepdims)
    else:
        model = single_node("ReduceMean", {"x": x}, opset=opset, axes=axes, keepdims=keepdims)
    check_conversion(model, {"x": x})
