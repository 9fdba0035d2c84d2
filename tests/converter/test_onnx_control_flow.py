"""ONNX If, Loop and Scan with run-time control as .tflite IF and WHILE nodes calling subgraphs, against
onnxruntime, in LiteRT (and edgelite once it has the control-flow kernels)."""

import numpy as np
import pytest
from onnx import TensorProto as TP
from onnx import helper

from converter_testutil import compare_litert_then_edgelite, make_model, onnx_reference, rand, tflite_ops
from edgelite.converter import ConversionError, convert
from edgelite.schema.Model import Model, ModelT
from testutil import requires_litert

pytestmark = requires_litert
n = helper.make_node


def info(name, elem=TP.FLOAT, shape=None):
    return helper.make_tensor_value_info(name, elem, shape)


def _check(model, feeds_list, op):
    content = convert(model)
    assert op in tflite_ops(content)
    cases = [(list(f.values()), onnx_reference(model, f)) for f in feeds_list]
    compare_litert_then_edgelite(content, *cases[0], more=cases[1:])
    return content


def _subgraph_count(content):
    return len(ModelT.InitFromObj(Model.GetRootAs(content, 0)).subgraphs)


def test_if_takes_either_branch_and_reads_outer_values():
    then_g = helper.make_graph([n("Mul", ["x", "w"], ["t"]), n("Relu", ["t"], ["t2"])], "then", [], [info("t2")])
    else_g = helper.make_graph([n("Sub", ["x", "y"], ["e"])], "else", [], [info("e")])
    model = make_model([n("ReduceSum", ["x"], ["s"], keepdims=0), n("Greater", ["s", "zero"], ["c"]),
                        n("If", ["c"], ["out"], then_branch=then_g, else_branch=else_g)],
                       {"x": rand(2, 3), "y": rand(2, 3, seed=1)}, ["out"],
                       {"w": rand(2, 3, seed=2), "zero": np.float32(0)})
    feeds = [{"x": sign * np.abs(rand(2, 3, seed=4)), "y": rand(2, 3, seed=1)} for sign in (1, -1)]
    content = _check(model, feeds, "IF")
    assert _subgraph_count(content) == 3


def test_if_branches_with_different_output_sizes():
    then_g = helper.make_graph([n("Concat", ["x", "x"], ["t"], axis=0)], "then", [], [info("t")])
    else_g = helper.make_graph([n("Neg", ["x"], ["e"])], "else", [], [info("e")])
    model = make_model([n("If", ["c"], ["out"], then_branch=then_g, else_branch=else_g)],
                       {"c": np.array([True]), "x": rand(2, 3)}, ["out"])
    content = _check(model, [{"c": np.array([c]), "x": rand(2, 3)} for c in (True, False)], "IF")
    m = ModelT.InitFromObj(Model.GetRootAs(content, 0))
    sg = m.subgraphs[0]
    assert list(sg.tensors[sg.outputs[0]].shapeSignature) == [-1, 3]


def _loop_body(scan=True):
    nodes = [n("Mul", ["xin", "w"], ["xm"]), n("Add", ["xm", "y"], ["xout"]), n("Identity", ["cin"], ["cout"])]
    outputs = [info("cout", TP.BOOL, []), info("xout", shape=[2, 3])]
    if scan:
        nodes += [n("Cast", ["i"], ["fi"], to=TP.FLOAT), n("Mul", ["xout", "fi"], ["scan"])]
        outputs.append(info("scan", shape=[2, 3]))
    return helper.make_graph(nodes, "body", [info("i", TP.INT64, []), info("cin", TP.BOOL, []),
                                             info("xin", shape=[2, 3])], outputs)


@pytest.mark.parametrize("trips", [1, 4])  # (0 trips: LiteRT cannot read back the empty scan output)
def test_loop_with_a_run_time_trip_count_and_scan_output(trips):
    """The body reads a graph input (y) from outside and the iteration number; its scan output grows."""
    model = make_model([n("Loop", ["n", "", "x"], ["xf", "scans"], body=_loop_body())],
                       {"n": np.array(trips, np.int64), "x": rand(2, 3), "y": rand(2, 3, seed=1)},
                       ["xf", "scans"], {"w": rand(2, 3, seed=2) * 0.5})
    _check(model, [{"n": np.array(trips, np.int64), "x": rand(2, 3), "y": rand(2, 3, seed=1)}], "WHILE")


def test_loop_with_a_constant_trip_count_has_static_scan_outputs():
    model = make_model([n("Loop", ["n", "", "x"], ["xf", "scans"], body=_loop_body())],
                       {"x": rand(2, 3), "y": rand(2, 3, seed=1)}, ["xf", "scans"],
                       {"w": rand(2, 3, seed=2) * 0.5, "n": np.array(3, np.int64)})
    content = _check(model, [{"x": rand(2, 3), "y": rand(2, 3, seed=1)}], "WHILE")
    sg = ModelT.InitFromObj(Model.GetRootAs(content, 0)).subgraphs[0]
    assert [list(sg.tensors[o].shape) for o in sg.outputs] == [[2, 3], [3, 2, 3]]


def test_loop_while_a_condition_holds():
    body = helper.make_graph(
        [n("Add", ["xin", "one"], ["xout"]), n("ReduceSum", ["xout"], ["s"], keepdims=0),
         n("Less", ["s", "limit"], ["cout"])], "body",
        [info("i", TP.INT64, []), info("cin", TP.BOOL, []), info("xin", shape=[3])],
        [info("cout", TP.BOOL, []), info("xout", shape=[3])])
    model = make_model([n("Loop", ["max", "c0", "x"], ["xf"], body=body)],
                       {"max": np.array(100, np.int64), "c0": np.array(True), "x": np.zeros(3, np.float32)},
                       ["xf"], {"one": np.ones(3, np.float32), "limit": np.float32(10)})
    feeds = [{"max": np.array(m, np.int64), "c0": np.array(c), "x": rand(3, seed=m)} for m, c in
             ((100, True), (2, True), (100, False))]
    _check(model, feeds, "WHILE")


def test_loop_with_an_if_inside():
    inner_then = helper.make_graph([n("Add", ["xin", "w"], ["a"])], "t", [], [info("a")])
    inner_else = helper.make_graph([n("Sub", ["xin", "w"], ["b"])], "e", [], [info("b")])
    body = helper.make_graph(
        [n("Cast", ["i"], ["fi"], to=TP.FLOAT), n("Less", ["fi", "half"], ["early"]),
         n("If", ["early"], ["xout"], then_branch=inner_then, else_branch=inner_else),
         n("Identity", ["cin"], ["cout"])], "body",
        [info("i", TP.INT64, []), info("cin", TP.BOOL, []), info("xin", shape=[4])],
        [info("cout", TP.BOOL, []), info("xout", shape=[4])])
    model = make_model([n("Loop", ["n", "", "x"], ["xf"], body=body)],
                       {"n": np.array(5, np.int64), "x": rand(4)}, ["xf"],
                       {"w": rand(4, seed=3), "half": np.float32(2.5)})
    content = _check(model, [{"n": np.array(k, np.int64), "x": rand(4)} for k in (1, 5)], "WHILE")
    assert _subgraph_count(content) == 5  # main, loop cond and body, and the If's two branches


def test_loop_with_a_dynamic_batch():
    model = make_model([n("Loop", ["n", "", "x"], ["xf"], body=helper.make_graph(
        [n("Mul", ["xin", "two"], ["xout"]), n("Identity", ["cin"], ["cout"])], "body",
        [info("i", TP.INT64, []), info("cin", TP.BOOL, []), info("xin")], [info("cout", TP.BOOL, []), info("xout")]))],
        {"n": np.array(3, np.int64), "x": rand(2, 3)}, ["xf"], {"two": np.float32(2)}, dynamic_batch=False)
    model.graph.input[1].type.tensor_type.shape.dim[0].dim_param = "N"
    content = convert(model)
    cases = [([np.array(3, np.int64), rand(b, 3)], onnx_reference(model, {"n": np.array(3, np.int64), "x": rand(b, 3)}))
             for b in (2, 5)]
    compare_litert_then_edgelite(content, *cases[0], more=cases[1:])


@pytest.mark.parametrize("attrs", [{}, {"scan_input_axes": [1], "scan_input_directions": [1]},
                                   {"scan_output_axes": [1], "scan_output_directions": [1]}])
def test_scan(attrs):
    body = helper.make_graph([n("Add", ["s_in", "xt"], ["s_out"]), n("Mul", ["s_out", "w"], ["y"])], "body",
                             [info("s_in", shape=[2]), info("xt", shape=[2])],
                             [info("s_out", shape=[2]), info("y", shape=[2])])
    x = rand(2, 4) if attrs.get("scan_input_axes") else rand(4, 2)
    model = make_model([n("Scan", ["s0", "x"], ["sf", "ys"], body=body, num_scan_inputs=1, **attrs)],
                       {"s0": rand(2, seed=1), "x": x}, ["sf", "ys"], {"w": rand(2, seed=2)})
    _check(model, [{"s0": rand(2, seed=1), "x": x}], "WHILE")


def test_loop_without_end_is_refused():
    model = make_model([n("Loop", ["", "", "x"], ["xf"], body=_loop_body(scan=False))], {"x": rand(2, 3)}, ["xf"],
                       {"w": rand(2, 3), "y": rand(2, 3)})
    with pytest.raises(ConversionError, match="never ends"):
        convert(model)


def test_loop_whose_carried_value_changes_shape_is_refused():
    body = helper.make_graph([n("Concat", ["xin", "xin"], ["xout"], axis=0), n("Identity", ["cin"], ["cout"])],
                             "body", [info("i", TP.INT64, []), info("cin", TP.BOOL, []), info("xin", shape=[2])],
                             [info("cout", TP.BOOL, []), info("xout")])
    model = make_model([n("Loop", ["n", "", "x"], ["xf"], body=body)], {"n": np.array(2, np.int64), "x": rand(2)},
                       ["xf"])
    with pytest.raises(ConversionError, match="changes shape"):
        convert(model)
