"""Element-wise ONNX operators (onnx_math.py) at several opsets, against onnxruntime in edgelite and LiteRT; the
dynamic-batch variants run at batch 1 and 3."""

import numpy as np
import pytest

from converter_testutil import check_batches, check_conversion, helper, make_model, rand, single_node, tflite_ops

X = rand(2, 3, 5, seed=11)
POSITIVE = np.abs(X) + 0.1


@pytest.mark.parametrize("op, x, opset", [
    ("Sqrt", POSITIVE, 13), ("Sqrt", POSITIVE, 7), ("Abs", X, 13), ("Exp", X, 13), ("Log", POSITIVE, 13),
    ("Neg", X, 13), ("Floor", X * 3, 13), ("Ceil", X * 3, 13), ("Reciprocal", POSITIVE, 13),
    ("Reciprocal", POSITIVE, 9), ("Sin", X, 13), ("Cos", X, 13), ("Softplus", X * 30, 13), ("Mish", X * 3, 18),
    ("Softsign", X, 13), ("Elu", X, 13), ("Selu", X, 13), ("Celu", X, 13), ("Erf", X * 2, 13), ("Erf", X, 9),
])
def test_unary(op, x, opset):
    check_conversion(single_node(op, {"x": x}, opset=opset), {"x": x}, atol=2e-4)


@pytest.mark.parametrize("op, opset", [("Round", 11), ("Round", 22), ("Sign", 13)])
def test_round_and_sign(op, opset):
    x = np.array([[-2.5, -1.5, -0.5, 0.0, 0.5, 1.5, 2.5, 3.7]], np.float32)
    check_conversion(single_node(op, {"x": x}, opset=opset), {"x": x})


def test_elu_alpha_and_celu_alpha():
    for op in ("Elu", "Celu"):
        check_conversion(single_node(op, {"x": X}, alpha=0.5), {"x": X})


def test_is_nan_and_is_inf():
    x = np.array([[1.0, np.nan, np.inf, -np.inf, 0.0]], np.float32)
    n = helper.make_node
    for opset in (13, 20):
        model = make_model([n("IsNaN", ["x"], ["a"]), n("IsInf", ["x"], ["b"]),
                            n("IsInf", ["x"], ["c"], detect_negative=0)], {"x": x}, ["a", "b", "c"], opset=opset)
        check_conversion(model, {"x": x})


@pytest.mark.parametrize("opset", [10, 13])
@pytest.mark.parametrize("fmod, dtype", [(0, np.int64), (1, np.int64), (0, np.float32), (1, np.float32)])
def test_mod(fmod, dtype, opset):
    a = np.array([[-7, -3, 0, 3, 7, 9]], dtype) * (1.5 if dtype == np.float32 else 1)
    b = np.array([[2, 5, 3, -2, -4, 4]], dtype)
    if dtype == np.float32 and not fmod:
        pytest.skip("ONNX requires fmod=1 for floats")
    check_conversion(single_node("Mod", {"a": a.astype(dtype), "b": b}, opset=opset, fmod=fmod),
                     {"a": a.astype(dtype), "b": b}, atol=1e-5)


@pytest.mark.parametrize("op", ["Min", "Max", "Sum", "Mean"])
@pytest.mark.parametrize("opset", [8, 13])
def test_variadic(op, opset):
    inputs = {"a": rand(2, 3, seed=1), "b": rand(3, seed=2), "c": rand(1, 3, seed=3)}
    check_conversion(single_node(op, inputs, opset=opset), inputs)
    one = {"a": rand(2, 3, seed=1)}
    check_conversion(single_node(op, one, opset=opset), one)


@pytest.mark.parametrize("op", ["Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual"])
def test_comparisons(op):
    a, b = np.round(rand(3, 4, seed=1)), np.round(rand(4, seed=2))
    opset = 12 if "Or" in op else 13
    check_conversion(single_node(op, {"a": a, "b": b}, opset=opset), {"a": a, "b": b})


@pytest.mark.parametrize("op", ["And", "Or", "Xor", "Not"])
def test_logic(op):
    a, b = rand(3, 4, seed=1) > 0, rand(4, seed=2) > 0
    inputs = {"a": a} if op == "Not" else {"a": a, "b": b}
    check_conversion(single_node(op, inputs), inputs)


@pytest.mark.parametrize("opset", [9, 16])
def test_where(opset):
    c, x, y = rand(3, 4, seed=1) > 0, rand(3, 4, seed=2), rand(4, seed=3)
    check_conversion(single_node("Where", {"c": c, "x": x, "y": y}, opset=opset), {"c": c, "x": x, "y": y})


def test_exact_gelu_pattern_becomes_gelu():
    """torch's exact GELU, x * 0.5 * (1 + erf(x / sqrt(2))), in both groupings exporters write."""
    n = helper.make_node
    consts = {"r2": np.float32(np.sqrt(2)), "one": np.float32(1), "half": np.float32(0.5),
              "ir2": np.float32(1 / np.sqrt(2))}
    x = rand(2, 7, seed=4) * 3
    for nodes in ([n("Div", ["x", "r2"], ["d"]), n("Erf", ["d"], ["e"]), n("Add", ["e", "one"], ["a"]),
                   n("Mul", ["x", "a"], ["m"]), n("Mul", ["m", "half"], ["y"])],
                  [n("Mul", ["x", "ir2"], ["d"]), n("Erf", ["d"], ["e"]), n("Add", ["one", "e"], ["a"]),
                   n("Mul", ["x", "half"], ["m"]), n("Mul", ["m", "a"], ["y"])]):
        content = check_conversion(make_model(nodes, {"x": x}, ["y"], consts), {"x": x})
        assert tflite_ops(content) == ["GELU"]


def test_dynamic_batch_elementwise():
    n = helper.make_node
    model = make_model([n("Softplus", ["x"], ["s"]), n("Max", ["s", "x", "c"], ["y"])], {"x": rand(1, 5)}, ["y"],
                       {"c": rand(5, seed=3)}, dynamic_batch=True)
    check_batches(model, lambda b: {"x": rand(b, 5, seed=b)})
