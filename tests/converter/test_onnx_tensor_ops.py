"""Shape, layout and indexing ONNX operators (onnx_tensor.py, onnx_slice.py, onnx_index.py) at several
opsets against onnxruntime, with dynamic-batch variants at batch 1 and 3, and the shape arithmetic that
exporters write (Shape -> Gather -> Mod -> Concat -> Reshape) folded or kept for run time."""

import numpy as np
import pytest

from converter_testutil import check_batches, check_conversion, helper, make_model, rand, single_node, tflite_ops

n = helper.make_node


def ints(*values):
    return np.array(values, np.int64)


@pytest.mark.parametrize("opset", [11, 13])
def test_slice_with_steps(opset):
    x = rand(1, 6, 7, 8)
    inits = {"s": ints(1, -1, 0), "e": ints(6, -8, 8), "a": ints(1, 2, 3), "st": ints(2, -2, 3)}
    check_conversion(single_node("Slice", {"x": x}, inits, opset=opset), {"x": x})


@pytest.mark.parametrize("opset", [13, 18])
def test_split_with_sizes_input_and_squeeze_unsqueeze_axes_inputs(opset):
    x = rand(2, 7, 1, 3)
    nodes = [n("Split", ["x", "sizes"], ["a", "b"], axis=1), n("Squeeze", ["a", "ax2"], ["sa"]),
             n("Unsqueeze", ["b", "ax0"], ["ub"])]
    model = make_model(nodes, {"x": x}, ["sa", "ub"], {"sizes": ints(3, 4), "ax2": ints(2), "ax0": ints(0)},
                       opset=opset)
    check_conversion(model, {"x": x})


@pytest.mark.parametrize("mode", ["DCR", "CRD"])
def test_depth_to_space(mode):
    x = rand(2, 8, 3, 4)
    check_conversion(single_node("DepthToSpace", {"x": x}, opset=13, blocksize=2, mode=mode), {"x": x})


def test_space_to_depth():
    x = rand(2, 3, 4, 6)
    check_conversion(single_node("SpaceToDepth", {"x": x}, blocksize=2), {"x": x})


@pytest.mark.parametrize("op", ["ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceSumSquare",
                                "ReduceLogSumExp", "ReduceLogSum"])
@pytest.mark.parametrize("opset", [13, 18])
def test_reductions(op, opset):
    x = np.abs(rand(2, 3, 4)) + 0.5
    if opset >= 18:
        model = single_node(op, {"x": x}, {"axes": ints(1, -1)}, opset=opset, keepdims=0)
    else:
        model = single_node(op, {"x": x}, opset=opset, axes=[1, -1], keepdims=0)
    check_conversion(model, {"x": x}, atol=2e-4)


def test_expand_and_tile():
    x = rand(3, 1)
    check_conversion(single_node("Expand", {"x": x}, {"s": ints(2, 3, 4)}), {"x": x})
    check_conversion(single_node("Tile", {"x": x}, {"r": ints(2, 3)}), {"x": x})


def test_expand_to_the_dynamic_batch():
    """torch's `token.expand(x.shape[0], -1, -1)`: the target shape comes from SHAPE at run time."""
    x = rand(1, 4, 6)
    nodes = [n("Shape", ["x"], ["s"]), n("Gather", ["s", "zero"], ["b"], axis=0), n("Unsqueeze", ["b", "ax0"], ["b1"]),
             n("Concat", ["b1", "rest"], ["shape"], axis=0), n("Expand", ["token", "shape"], ["t"]),
             n("Concat", ["t", "x"], ["y"], axis=1)]
    inits = {"zero": np.array(0, np.int64), "ax0": ints(0), "rest": ints(1, 6), "token": rand(1, 1, 6, seed=3)}
    model = make_model(nodes, {"x": x}, ["y"], inits, dynamic_batch=True)
    check_batches(model, lambda b: {"x": rand(b, 4, 6, seed=b)})


def test_shape_path_with_mod_folds_or_stays_dynamic():
    """Shape -> Gather -> Mod/Div -> Concat -> Reshape (as torch's MultiheadAttention export writes it)."""
    x = rand(1, 6, 8)
    nodes = [n("Shape", ["x"], ["s"]), n("Gather", ["s", "i0"], ["b"], axis=0), n("Gather", ["s", "i2"], ["e"], axis=0),
             n("Mod", ["e", "heads"], ["r"]), n("Add", ["e", "r"], ["e2"]), n("Div", ["e2", "heads"], ["hd"]),
             n("Unsqueeze", ["b", "ax0"], ["b1"]), n("Unsqueeze", ["hd", "ax0"], ["hd1"]),
             n("Concat", ["b1", "minus1", "heads1", "hd1"], ["shape"], axis=0), n("Reshape", ["x", "shape"], ["y"])]
    inits = {"i0": ints(0), "i2": ints(2), "heads": ints(2), "ax0": ints(0), "minus1": ints(-1), "heads1": ints(2)}
    inits = {k: (v.reshape(()) if k in ("i0", "i2", "heads") else v) for k, v in inits.items()}
    static = make_model(nodes, {"x": x}, ["y"], inits)
    assert tflite_ops(check_conversion(static, {"x": x})) == ["RESHAPE"]
    dynamic = make_model(nodes, {"x": x}, ["y"], inits, dynamic_batch=True)
    content = check_batches(dynamic, lambda b: {"x": rand(b, 6, 8, seed=b)})
    assert tflite_ops(content) == ["RESHAPE"]


def test_reshape_with_two_dynamic_axes_uses_shape_at_run_time():
    """[N, L, 8] -> [N, L, 2, 4] with N and L symbolic: no constant target works, SHAPE supplies N and L."""
    x = rand(2, 5, 8)
    nodes = [n("Shape", ["x"], ["s"]), n("Slice", ["s", "st", "en"], ["nl"]), n("Concat", ["nl", "tail"], ["shape"],
                                                                              axis=0),
             n("Reshape", ["x", "shape"], ["y"])]
    graph = helper.make_graph(nodes, "t", [helper.make_tensor_value_info("x", 1, ["N", "L", 8])],
                              [helper.make_empty_tensor_value_info("y")],
                              [helper.make_tensor(k, 7, v.shape, v) for k, v in
                               {"st": ints(0), "en": ints(2), "tail": ints(2, 4)}.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    from converter_testutil import compare, convert, onnx_reference, run_everywhere
    content = convert(model)
    assert "SHAPE" in tflite_ops(content)
    for shape in ((1, 3, 8), (3, 7, 8)):
        x = rand(*shape, seed=shape[0])
        compare(run_everywhere(content, [x]), onnx_reference(model, {"x": x}))


@pytest.mark.parametrize("opset", [11, 13])
def test_gather_elements_and_gather_nd(opset):
    x = rand(3, 4, 5)
    idx = np.random.default_rng(0).integers(-4, 4, (3, 2, 5)).astype(np.int64)
    check_conversion(single_node("GatherElements", {"x": x}, {"i": idx}, opset=opset, axis=1), {"x": x})
    nd = np.array([[0, 1], [2, -1]], np.int64)
    check_conversion(single_node("GatherND", {"x": x}, {"i": nd}, opset=opset), {"x": x})


def test_scatter_nd():
    x, u = rand(4, 3), rand(2, 3, seed=2)
    model = make_model([n("ScatterND", ["x", "i", "u"], ["y"])], {"x": x, "u": u}, ["y"],
                       {"i": np.array([[1], [3]], np.int64)})
    check_conversion(model, {"x": x, "u": u})


@pytest.mark.parametrize("opset", [10, 11])
def test_top_k_and_arg_max(opset):
    x = rand(3, 6)
    check_conversion(single_node("TopK", {"x": x}, {"k": ints(2)}, opset=opset, num_outputs=2, axis=1), {"x": x})
    for op in ("ArgMax", "ArgMin"):
        check_conversion(single_node(op, {"x": x}, opset=opset, axis=1, keepdims=1), {"x": x})


def test_one_hot_cumsum_trilu():
    idx = np.array([[0, 2, -1], [1, 3, 0]], np.int64)
    model = single_node("OneHot", {"i": idx}, {"d": ints(4), "v": np.array([0.0, 2.0], np.float32)}, opset=11, axis=1)
    check_conversion(model, {"i": idx})
    x = rand(2, 5)
    check_conversion(single_node("CumSum", {"x": x}, {"a": ints(1)}, opset=14, exclusive=1), {"x": x})
    x = rand(2, 4, 5)
    for upper in (0, 1):
        ops = tflite_ops(check_conversion(single_node("Trilu", {"x": x}, {"k": ints(1)}, opset=14, upper=upper),
                                          {"x": x}))
        assert ops == ["MUL"]


def test_shape_only_operators_fold():
    """NonZero, Range and EyeLike of values known at conversion time become constants."""
    x = rand(3, 3)
    nodes = [n("EyeLike", ["x"], ["eye"]), n("NonZero", ["eye"], ["nz"]), n("Shape", ["nz"], ["s"]),
             n("Gather", ["s", "one"], ["count"], axis=0), n("Range", ["zero", "count", "step"], ["r"]),
             n("Cast", ["r"], ["rf"], to=1), n("Add", ["x", "rf"], ["y"])]
    inits = {"one": np.array(1, np.int64), "zero": np.array(0, np.int64), "step": np.array(1, np.int64)}
    assert tflite_ops(check_conversion(make_model(nodes, {"x": x}, ["y"], inits), {"x": x})) == ["ADD"]


@pytest.mark.parametrize("attr", [helper.make_attribute("value_float", 2.5), helper.make_attribute("value_ints", [1, 2]),
                                  helper.make_attribute("value_floats", [1.0, 2.0]),
                                  helper.make_attribute("value_int", 3)])
def test_constant_attribute_kinds(attr):
    node = helper.make_node("Constant", [], ["c"])
    node.attribute.append(attr)
    x = rand(2, 2 if attr.name.endswith("s") else 1)
    dtype = np.float32
    model = make_model([node, n("Cast", ["c"], ["cf"], to=1), n("Add", ["x", "cf"], ["y"])], {"x": x.astype(dtype)},
                       ["y"])
    check_conversion(model, {"x": x})


def test_sparse_constant():
    sparse = helper.make_sparse_tensor(helper.make_tensor("v", 1, [2], [5.0, 7.0]),
                                       helper.make_tensor("i", 7, [2], [1, 4]), [2, 3])
    node = helper.make_node("Constant", [], ["c"], sparse_value=sparse)
    x = rand(2, 3)
    check_conversion(make_model([node, n("Add", ["x", "c"], ["y"])], {"x": x}, ["y"]), {"x": x})
