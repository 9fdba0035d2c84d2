"""allow_select_ops: ONNX operators with no builtin lowering written as TensorFlow select ops (Flex<Op>).
Each model is converted, run in edgelite (its select library) and compared with onnxruntime; the Flex
encoding is compared with what TensorFlow's converter writes for the same TF op; and where TensorFlow is
installed (/work/tfenv or $EDGELITE_TF_PYTHON), each Flex op's NodeDef is run by TensorFlow itself."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from converter_testutil import make_model, onnx_reference
from onnx import helper

from edgelite import Interpreter
from edgelite.converter import ConversionError, UnsupportedOperatorError, convert
from edgelite.converter.flex import TfType, flex_operator, flex_options, node_def
from edgelite.schema.Model import Model, ModelT

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "delegates", "select"))
from select_harness import library_or_skip  # noqa: E402

TF_PYTHON = os.environ.get("EDGELITE_TF_PYTHON", "/work/tfenv/bin/python")
REFS = os.path.join(HERE, "..", "models", "select", "converter_flex_refs.json")
rng = np.random.default_rng(0)


def _f32(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def _case(op, inputs, outputs, attrs=None, initializers=None, opset=18):
    node = helper.make_node(op, list(inputs) + list(initializers or {}), outputs, name=f"{op.lower()}_node",
                            **(attrs or {}))
    return make_model([node], inputs, [o for o in outputs if o], initializers, opset=opset)


def _reorder_scatter(model):
    node = model.graph.node[0]
    node.input[:] = ["data", "indices", "updates"]
    return model


CASES = {
    "det": (lambda: _case("Det", {"x": _f32(2, 3, 3)}, ["y"]), ["MatrixDeterminant"]),
    "det_one": (lambda: _case("Det", {"x": _f32(4, 4)}, ["y"]), ["MatrixDeterminant"]),
    "cumprod": (lambda: _case("CumProd", {"x": _f32(3, 5)}, ["y"], initializers={"axis": np.int64(1)}, opset=26),
                ["Cumprod"]),
    "cumprod_exclusive_reverse": (lambda: _case("CumProd", {"x": _f32(2, 3, 4)}, ["y"],
                                                {"exclusive": 1, "reverse": 1},
                                                initializers={"axis": np.array(-2, np.int32)}, opset=26),
                                  ["Cumprod"]),
    "einsum_broadcast": (lambda: _case("Einsum", {"a": _f32(2, 3, 4), "b": _f32(1, 4, 5)}, ["y"],
                                       {"equation": "...ij,...jk->...ik"}, opset=12), ["Einsum"]),
    "einsum_ellipsis": (lambda: _case("Einsum", {"a": _f32(2, 3, 4), "b": _f32(4, 5)}, ["y"],
                                      {"equation": "...ij, jk -> ...ik"}, opset=12), ["Einsum"]),
    "einsum_diagonal": (lambda: _case("Einsum", {"a": _f32(4, 4)}, ["y"], {"equation": "ii->i"}, opset=12),
                        ["Einsum"]),
    "einsum_implicit_ellipsis": (lambda: _case("Einsum", {"a": _f32(3, 2, 4), "b": _f32(3, 4, 2)}, ["y"],
                                               {"equation": "...ij,...jk"}, opset=12), ["Einsum"]),
    "unique": (lambda: _case("Unique", {"x": np.array([3, 1, 3, 2, 1, 5, 3], np.float32)},
                             ["y", "indices", "inverse", "counts"], {"sorted": 0}, opset=11),
               ["UniqueWithCounts", "UnsortedSegmentMin"]),
    "unique_int64": (lambda: _case("Unique", {"x": np.array([[4, -2], [4, 7], [0, -2]], np.int64)},
                                   ["y", "", "inverse"], {"sorted": 0}, opset=11), ["Unique"]),
}
for _reduction, _data in (("add", "add"), ("max", "max"), ("min", "min")):
    CASES[f"scatter_nd_{_reduction}"] = (
        lambda r=_reduction: _reorder_scatter(_case("ScatterND", {"data": _f32(5, 3), "updates": _f32(3, 3)}, ["y"],
                                                    {"reduction": r},
                                                    initializers={"indices": np.array([[1], [-1], [1]])})),
        ["TensorScatter" + _reduction.capitalize()])


def _inputs_of(model, seed):
    """Random inputs for a model's graph inputs."""
    g = np.random.default_rng(seed)
    feeds = {}
    for inp in model.graph.input:
        dtype = helper.tensor_dtype_to_np_dtype(inp.type.tensor_type.elem_type)
        shape = [d.dim_value for d in inp.type.tensor_type.shape.dim]
        feeds[inp.name] = g.standard_normal(shape).astype(dtype) if dtype.kind == "f" else \
            g.integers(-3, 4, shape).astype(dtype)
    return feeds


def _flex_nodes(content):
    m = ModelT.InitFromObj(Model.GetRootAs(content, 0))
    return [(m.operatorCodes[op.opcodeIndex].customCode.decode(), bytes(op.customOptions))
            for op in m.subgraphs[0].operators if m.operatorCodes[op.opcodeIndex].customCode]


def _run_edgelite(content, feeds):
    interp = Interpreter(model_content=content)
    for d in interp.get_input_details():
        interp.resize_tensor_input(d["index"], feeds[d["name"]].shape)
    interp.allocate_tensors()
    for d in interp.get_input_details():
        interp.set_tensor(d["index"], feeds[d["name"]])
    interp.invoke()
    return [interp.get_tensor(d["index"]) for d in interp.get_output_details()]


@pytest.fixture(scope="module")
def select_lib():
    return library_or_skip()


def _converted(name, seed=0):
    make, tf_ops = CASES[name]
    model = make()
    feeds = _inputs_of(model, seed)
    if name.startswith("unique"):
        feeds = {i.name: _fixed_unique(name) for i in model.graph.input}
    return model, feeds, convert(model, allow_select_ops=True), tf_ops


def _fixed_unique(name):
    return np.array([3, 1, 3, 2, 1, 5, 3], np.float32) if name == "unique" else \
        np.array([[4, -2], [4, 7], [0, -2]], np.int64)


@pytest.mark.parametrize("name", sorted(CASES))
def test_select_op_matches_onnxruntime(name, select_lib):
    model, feeds, content, tf_ops = _converted(name)
    assert sorted({code for code, _ in _flex_nodes(content)}) == sorted("Flex" + op for op in tf_ops)
    expected = onnx_reference(model, feeds)
    got = _run_edgelite(content, feeds)
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert g.shape == e.shape and g.dtype == e.dtype, (g, e)
        np.testing.assert_allclose(g, e, rtol=1e-4, atol=1e-5)


def test_refused_without_allow_select_ops_and_suggests_it():
    with pytest.raises(UnsupportedOperatorError, match=r"Det.*allow_select_ops=True"):
        convert(CASES["det"][0]())
    for name in ("einsum_diagonal", "scatter_nd_add"):
        with pytest.raises(ConversionError, match=r"allow_select_ops=True .*Flex(Einsum|TensorScatterAdd)"):
            convert(CASES[name][0]())


def test_unsupported_forms_name_the_attribute():
    model = _reorder_scatter(_case("ScatterND", {"data": _f32(5, 3), "updates": _f32(1, 3)}, ["y"],
                                   {"reduction": "mul"}, initializers={"indices": np.array([[1]])}))
    with pytest.raises(ConversionError, match="reduction='mul'"):
        convert(model, allow_select_ops=True)
    model = _case("Unique", {"x": _f32(4)}, ["y"], opset=11)
    with pytest.raises(ConversionError, match="sorted=1"):
        convert(model, allow_select_ops=True)


@pytest.mark.parametrize("a_shape", [(2, 3, 4), (1, 3, 4)])
def test_builtin_lowerings_stay_builtin(a_shape):
    # Einsum the builtin path can express stays BATCH_MATMUL (labels of size 1 broadcast through
    # BROADCAST_TO, which TF's Einsum would refuse), even with select ops allowed.
    model = _case("Einsum", {"a": _f32(*a_shape), "b": _f32(2, 4, 5)}, ["y"], {"equation": "bij,bjk->bik"},
                  opset=12)
    content = convert(model, allow_select_ops=True)
    assert not _flex_nodes(content)
    feeds = _inputs_of(model, 1)
    np.testing.assert_allclose(_run_edgelite(content, feeds)[0], onnx_reference(model, feeds)[0], rtol=1e-4,
                               atol=1e-5)


def test_node_def_bytes_equal_tensorflows():
    # A one-attribute op has one serialization: TF's converter wrote exactly these bytes.
    refs = json.load(open(REFS))
    nd = node_def("MatrixDeterminant", {"T": TfType(np.float32)}, inputs=[""],
                  original_names=["MatrixDeterminant"])
    assert flex_options("MatrixDeterminant", nd).hex() == refs["MatrixDeterminant"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_flex_encoding_decodes_as_tensorflows(name, select_lib):
    # Same op, inputs and attributes (names, kinds, values) as TF's converter writes for this TF op; attr
    # values that depend on the model (T, the equation) are compared by kind.
    refs = json.load(open(REFS))
    _, _, content, _ = _converted(name)
    for code, options in _flex_nodes(content):
        ours = json.loads(select_lib.describe(options))
        theirs = json.loads(select_lib.describe(bytes.fromhex(refs[code[len("Flex"):]])))
        assert ours["op"] == theirs["op"] and ours["name"] == theirs["name"] == ""
        assert ours["input"] == [""] * len(ours["input"])
        assert sorted(ours["attr"]) == sorted(theirs["attr"])
        for key in ours["attr"]:
            assert ours["attr"][key]["kind"] == theirs["attr"][key]["kind"], key


def test_flex_operator_layout():
    options = flex_operator("Cumprod", {"exclusive": True, "reverse": False, "T": TfType(np.float32),
                                        "Tidx": TfType(np.int64)}, 2, "node/name")
    assert options.startswith(b"\x07Cumprod\x00")
    assert b"\x1a\x00\x1a\x00" in options  # two empty input names
    assert b"node/name" in options  # experimental_debug_info.original_node_names
    with pytest.raises(TypeError):
        node_def("X", {"bad": object()})


@pytest.mark.skipif(not os.path.exists(TF_PYTHON), reason="TensorFlow's Python is not installed")
@pytest.mark.parametrize("name", ["det", "cumprod_exclusive_reverse", "einsum_broadcast", "einsum_diagonal",
                                  "scatter_nd_add", "unique"])
def test_tensorflow_runs_the_flex_node_defs(name, tmp_path, select_lib):
    model, feeds, content, _ = _converted(name)
    path = tmp_path / "model.tflite"
    path.write_bytes(content)
    np.savez(tmp_path / "feeds.npz", **feeds)
    done = subprocess.run([TF_PYTHON, os.path.join(HERE, "tf_flex_runner.py"), str(path),
                           str(tmp_path / "feeds.npz"), str(tmp_path / "out.npz")], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""})
    assert done.returncode == 0, done.stderr[-3000:]
    out = dict(np.load(tmp_path / "out.npz"))
    expected = onnx_reference(model, feeds)
    # The first Flex op reads the model's inputs; its outputs are the model's (Unique: y, inverse, counts).
    pairs = [(0, 0), (1, 2), (2, 3)] if name == "unique" else [(0, 0)]
    for j, k in pairs:
        np.testing.assert_allclose(out[f"node0_output{j}"], expected[k], rtol=1e-4, atol=1e-5)
    if out["flex_interpreter"]:
        got = [v for k, v in sorted(out.items()) if k.startswith("interpreter_")]
        for g, e in zip(got, expected):
            np.testing.assert_allclose(g, e, rtol=1e-4, atol=1e-5)


def test_command_line_flag(tmp_path, capsys):
    from edgelite.cli import main
    src, out = str(tmp_path / "det.onnx"), str(tmp_path / "det.tflite")
    open(src, "wb").write(CASES["det"][0]().SerializeToString())
    assert main(["convert", src, "-o", out]) != 0
    assert "allow_select_ops=True" in capsys.readouterr().err
    assert main(["convert", src, "-o", out, "--allow-select-ops"]) == 0
    assert [code for code, _ in _flex_nodes(open(out, "rb").read())] == ["FlexMatrixDeterminant"]
