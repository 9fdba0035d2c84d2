"""Dynamic dimensions (converter/dynamic.py): symbolic sizes become -1 in the shape signature, every reshape
the converter writes stays right for any batch, resize_tensor_input works in edgelite and LiteRT; the
training side's open batch likewise; input_shapes fixes shapes; external-data files and initializers
listed as inputs convert; torch modules convert in one call when torch is installed."""

import numpy as np
import pytest

from converter_testutil import (HAVE_LITERT, check_batches, compare, helper, make_model, numpy_helper, onnx,
                                onnx_reference, rand, run_everywhere)
from edgelite.converter import ConversionError, convert, load
from edgelite.schema.Model import Model, ModelT

n = helper.make_node


def signature(content: bytes, which: str = "inputs"):
    m = ModelT.InitFromObj(Model.GetRootAs(content, 0))
    sg = m.subgraphs[0]
    t = sg.tensors[getattr(sg, which)[0]]
    return list(t.shape), None if t.shapeSignature is None else list(t.shapeSignature)


def embedding_conv1d_model():
    """The reported failure: Gather (embedding) -> Transpose -> Conv1d -> Flatten -> Gemm, whose RESHAPE to
    [1, 16, 1, 12] broke at batch 3 (576 elements)."""
    nodes = [n("Gather", ["table", "tokens"], ["e"]), n("Transpose", ["e"], ["t"], perm=[0, 2, 1]),
             n("Conv", ["t", "w", "b"], ["c"], pads=[1, 1]), n("Relu", ["c"], ["r"]), n("Flatten", ["r"], ["f"]),
             n("Gemm", ["f", "fw", "fb"], ["y"], transB=1)]
    inits = {"table": rand(20, 8), "w": rand(16, 8, 3, seed=1), "b": rand(16, seed=2), "fw": rand(4, 16 * 12, seed=3),
             "fb": rand(4, seed=4)}
    return make_model(nodes, {"tokens": np.zeros((1, 12), np.int64)}, ["y"], inits, dynamic_batch=True)


def test_embedding_conv1d_resizes_to_any_batch():
    content = check_batches(embedding_conv1d_model(),
                            lambda b: {"tokens": np.random.default_rng(b).integers(0, 20, (b, 12)).astype(np.int64)})
    assert signature(content) == ([1, 12], [-1, 12])
    assert signature(content, "outputs") == ([1, 4], [-1, 4])


@pytest.mark.parametrize("runtime", ["edgelite", "litert"])
def test_resize_tensor_input_then_invoke(runtime):
    if runtime == "litert" and not HAVE_LITERT:
        pytest.skip("ai-edge-litert is not installed")
    from edgelite import Interpreter
    if runtime == "litert":
        from ai_edge_litert.interpreter import Interpreter  # noqa: F811
    model = embedding_conv1d_model()
    interp = Interpreter(model_content=convert(model))
    inp = interp.get_input_details()[0]
    assert list(inp["shape_signature"]) == [-1, 12]
    for batch in (4, 1, 3):
        tokens = np.random.default_rng(batch).integers(0, 20, (batch, 12)).astype(np.int64)
        interp.resize_tensor_input(inp["index"], [batch, 12])
        interp.allocate_tensors()
        interp.set_tensor(inp["index"], tokens)
        interp.invoke()
        got = interp.get_tensor(interp.get_output_details()[0]["index"])
        np.testing.assert_allclose(got, onnx_reference(model, {"tokens": tokens})[0], rtol=1e-4, atol=1e-4)


def test_graph_values_carry_signatures():
    graph = load(embedding_conv1d_model())
    assert graph.signature(graph.inputs[0]) == (-1, 12)
    assert graph.signature(graph.outputs[0]) == (-1, 4)


def test_input_shapes_fix_the_batch():
    content = convert(embedding_conv1d_model(), input_shapes={"tokens": [2, 12]})
    assert signature(content) == ([2, 12], None)
    with pytest.raises(ConversionError, match="not model inputs"):
        convert(embedding_conv1d_model(), input_shapes={"nope": [2, 12]})


def test_conversion_that_depends_on_the_symbol_is_refused():
    """An If on the batch's value takes another branch in each probe: the conversion would be right for
    one batch only, so it is refused."""
    def branch(op):
        return helper.make_graph([n(op, ["x"], ["b"])], op, [], [helper.make_empty_tensor_value_info("b")])
    nodes = [n("Shape", ["x"], ["s"]), n("Gather", ["s", "zero"], ["batch"], axis=0),
             n("Greater", ["batch", "six"], ["big"]),
             n("If", ["big"], ["y"], then_branch=branch("Relu"), else_branch=branch("Neg"))]
    model = make_model(nodes, {"x": rand(1, 3)}, ["y"], {"zero": np.array(0, np.int64), "six": np.array(6, np.int64)},
                       dynamic_batch=True)
    with pytest.raises(ConversionError, match="depends on the value of the dynamic dimension"):
        convert(model)


def test_two_symbolic_axes():
    model = make_model([n("Transpose", ["x"], ["t"], perm=[0, 2, 1]), n("Flatten", ["t"], ["f"], axis=2),
                        n("Softmax", ["f"], ["y"], axis=1)], {"x": rand(1, 5, 3)}, ["y"], opset=13)
    model.graph.input[0].type.tensor_type.shape.dim[1].dim_param = "L"
    model.graph.input[0].type.tensor_type.shape.dim[0].dim_param = "N"
    content = convert(model)
    assert signature(content) == ([1, 1, 3], [-1, -1, 3])
    for shape in ((1, 2, 3), (3, 7, 3)):
        x = rand(*shape, seed=shape[1])
        compare(run_everywhere(content, [x]), onnx_reference(model, {"x": x}))


def test_external_data_file(tmp_path):
    model = embedding_conv1d_model()
    path = tmp_path / "model.onnx"
    saved = onnx.ModelProto()
    saved.CopyFrom(model)  # save_model moves the data of the proto it writes out
    onnx.save_model(saved, str(path), save_as_external_data=True, all_tensors_to_one_file=True,
                    location="model.onnx.data", size_threshold=0)
    assert (tmp_path / "model.onnx.data").exists()
    assert convert(str(path)) == convert(model)
    proto = onnx.load(str(path), load_external_data=False)
    with pytest.raises(ConversionError, match="external file"):
        convert(proto)


def test_initializers_listed_as_inputs():
    model = make_model([n("Add", ["x", "w"], ["y"])], {"x": rand(2, 3)}, ["y"], {"w": rand(2, 3, seed=1)}, opset=8)
    model.graph.input.append(helper.make_tensor_value_info("w", 1, [2, 3]))
    content = convert(model)
    assert len(ModelT.InitFromObj(Model.GetRootAs(content, 0)).subgraphs[0].inputs) == 1
    compare(run_everywhere(content, [rand(2, 3)]), onnx_reference(model, {"x": rand(2, 3)}))


def test_dropout_with_unused_mask_output():
    for opset, inputs in ((7, ["x"]), (12, ["x", "ratio"])):
        inits = {"ratio": np.float32(0.5)} if opset == 12 else {}
        model = make_model([n("Dropout", inputs, ["y", "mask"])], {"x": rand(2, 3)}, ["y"], inits, opset=opset)
        compare(run_everywhere(convert(model), [rand(2, 3)]), [rand(2, 3)])
    read = make_model([n("Dropout", ["x"], ["d", "mask"]), n("Cast", ["mask"], ["y"], to=1)], {"x": rand(2, 3)}, ["y"],
                      opset=9)
    with pytest.raises(ConversionError, match="mask output is read"):
        convert(read)


def test_training_model_has_a_dynamic_batch():
    from edgelite import training as et
    from edgelite.training import layers
    model = et.Sequential([et.Input((6, 6, 2)), layers.Conv2D(4, 3, padding="same", activation="relu"),
                           layers.Flatten(), layers.Dense(3, activation="softmax")])
    content = convert(model)
    assert signature(content) == ([1, 6, 6, 2], [-1, 6, 6, 2])
    x = rand(3, 6, 6, 2)
    results = run_everywhere(content, [x])
    compare(results, [model.predict(x)], atol=1e-5)


def test_torch_module_converts_in_one_call():
    torch = pytest.importorskip("torch")
    module = torch.nn.Sequential(torch.nn.Conv1d(3, 4, 3, padding=1), torch.nn.GELU(), torch.nn.Flatten(),
                                 torch.nn.Linear(4 * 10, 5), torch.nn.LogSoftmax(-1)).eval()
    x = torch.randn(2, 3, 10)
    for exporter in ("torchscript", "dynamo"):
        content = convert(module, example_inputs=(x,), exporter=exporter)
        assert signature(content)[1] == [-1, 3, 10]
        for batch in (1, 3):
            xb = torch.randn(batch, 3, 10)
            with torch.no_grad():
                want = module(xb).numpy()
            compare(run_everywhere(content, [xb.numpy()]), [want], atol=1e-4, what=f" {exporter} batch {batch}")


def test_numpy_helper_is_used():  # keeps the import honest for readers of this file
    assert numpy_helper.to_array(numpy_helper.from_array(np.ones(2, np.float32))).sum() == 2
