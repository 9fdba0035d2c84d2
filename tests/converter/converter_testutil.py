"""Helpers for converter tests: small ONNX graphs, onnxruntime references, and running converted files in
edgelite (when this build has every operator the file uses) and in LiteRT (when installed)."""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
from onnx import helper, numpy_helper  # noqa: E402

from edgelite.converter import convert  # noqa: E402
from edgelite.model_builder import enum_name  # noqa: E402
from edgelite.schema.BuiltinOperator import BuiltinOperator  # noqa: E402
from edgelite.schema.Model import Model, ModelT  # noqa: E402
from edgelite.testing import run_model  # noqa: E402

try:
    import ai_edge_litert.interpreter  # noqa: F401
    HAVE_LITERT = True
except Exception:
    HAVE_LITERT = False

RTOL = ATOL = 1e-4


def make_model(nodes, inputs: Dict[str, np.ndarray], outputs: Sequence[str],
               initializers: Optional[Dict[str, np.ndarray]] = None, opset: int = 13, dynamic_batch: bool = False):
    """An ONNX model whose inputs take the shapes and dtypes of the example arrays in `inputs` (axis 0 a
    symbolic "N" with dynamic_batch=True)."""
    def info(name, array):
        elem = helper.np_dtype_to_tensor_dtype(np.asarray(array).dtype)
        shape = list(np.asarray(array).shape)
        if dynamic_batch and shape:
            shape[0] = "N"
        return helper.make_tensor_value_info(name, elem, shape)
    graph = helper.make_graph(
        list(nodes), "test", [info(n, a) for n, a in inputs.items()],
        [helper.make_empty_tensor_value_info(o) for o in outputs],
        [numpy_helper.from_array(np.asarray(a), n) for n, a in (initializers or {}).items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = min(model.ir_version, 9)
    return model


def onnx_reference(model, inputs: Dict[str, np.ndarray]) -> List[np.ndarray]:
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, inputs)


def tflite_ops(content: bytes) -> List[str]:
    m = ModelT.InitFromObj(Model.GetRootAs(content, 0))
    names = []
    for op in m.subgraphs[0].operators:
        code = m.operatorCodes[op.opcodeIndex]
        names.append(enum_name(BuiltinOperator, max(code.builtinCode, code.deprecatedBuiltinCode)))
    return names


def edgelite_runs(content: bytes) -> bool:
    """Whether this build has a kernel (and version) for every operator of the file."""
    try:
        from edgelite import _core
    except ImportError:
        return False
    available = {name: last for name, _first, last in _core.builtin_ops()}
    m = ModelT.InitFromObj(Model.GetRootAs(content, 0))
    for code in m.operatorCodes:
        name = enum_name(BuiltinOperator, max(code.builtinCode, code.deprecatedBuiltinCode))
        if name not in available or code.version > available[name]:
            return False
    return True


def missing_kernels(content: bytes) -> List[str]:
    """The operators of the file this edgelite build has no kernel (or not the version) for."""
    try:
        from edgelite import _core
    except ImportError:
        return sorted(set(tflite_ops(content)))
    available = {name: last for name, _first, last in _core.builtin_ops()}
    m = ModelT.InitFromObj(Model.GetRootAs(content, 0))
    missing = set()
    for code in m.operatorCodes:
        name = enum_name(BuiltinOperator, max(code.builtinCode, code.deprecatedBuiltinCode))
        if name not in available or code.version > available[name]:
            missing.add(name)
    return sorted(missing)


MODEL_TOLERANCE = 1e-3  # whole models: max |difference| / max |onnxruntime output|


def check_model_outputs(got: Sequence[np.ndarray], want: Sequence[np.ndarray], what: str,
                        tolerance: float = MODEL_TOLERANCE) -> List[float]:
    """Asserts each output has onnxruntime's shape and is within `tolerance` of it, relative to the
    largest expected magnitude; returns the errors."""
    from testutil import max_rel_error
    assert len(got) == len(want), what
    errors = []
    for g, w in zip(got, want):
        assert g.shape == w.shape, f"{what}: shape {g.shape}, onnxruntime {w.shape}"
        errors.append(max_rel_error(g, w))
        assert errors[-1] <= tolerance, f"{what}: max relative error {errors[-1]:.2e} > {tolerance}"
    return errors


def run_edgelite(content: bytes, inputs: Sequence[np.ndarray], what: str) -> List[np.ndarray]:
    """The file's outputs in edgelite, which must have a kernel for every operator it uses."""
    missing = missing_kernels(content)
    assert not missing, f"{what}: this edgelite build has no kernel for {missing}"
    return run_model(content, inputs, runtime="edgelite")


def run_everywhere(content: bytes, inputs: Sequence[np.ndarray]) -> Dict[str, List[np.ndarray]]:
    """Outputs per runtime: edgelite, which must have every kernel the file uses, and LiteRT when installed."""
    missing = missing_kernels(content)
    assert not missing, f"edgelite has no kernel for {missing}"
    results = {"edgelite": run_model(content, inputs, runtime="edgelite")}
    if HAVE_LITERT:
        results["litert"] = run_model(content, inputs, runtime="litert")
    return results


def compare(results: Dict[str, List[np.ndarray]], expected: Sequence[np.ndarray], rtol: float = RTOL,
            atol: float = ATOL, what: str = "") -> None:
    for runtime, outputs in results.items():
        assert len(outputs) == len(expected), runtime
        for got, want in zip(outputs, expected):
            assert got.shape == want.shape, f"{runtime}{what}: shape {got.shape}, onnxruntime {want.shape}"
            np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, err_msg=f"{runtime}{what}")


def check_conversion(model, inputs: Dict[str, np.ndarray], *, nhwc_inputs: bool = False,
                     rtol: float = RTOL, atol: float = ATOL) -> bytes:
    """Converts `model`, runs it wherever possible, compares with onnxruntime; returns the .tflite bytes."""
    expected = onnx_reference(model, inputs)
    content = convert(model, nhwc_inputs=nhwc_inputs)
    feeds = [np.transpose(a, (0, 2, 3, 1)) if nhwc_inputs and a.ndim == 4 else a for a in inputs.values()]
    compare(run_everywhere(content, feeds), expected, rtol, atol)
    return content


def check_batches(model, make_inputs, batches: Sequence[int] = (1, 3), *, rtol: float = RTOL,
                  atol: float = ATOL) -> bytes:
    """Converts a model with a dynamic batch once and compares with onnxruntime at each batch
    (make_inputs(batch) -> {name: array}); the file's inputs must have -1 in their shape signature."""
    content = convert(model)
    m = ModelT.InitFromObj(Model.GetRootAs(content, 0))
    sg = m.subgraphs[0]
    for i in sg.inputs:
        assert sg.tensors[i].shapeSignature is not None and list(sg.tensors[i].shapeSignature)[0] == -1
    for batch in batches:
        inputs = make_inputs(batch)
        compare(run_everywhere(content, list(inputs.values())), onnx_reference(model, inputs), rtol, atol,
                f" at batch {batch}")
    return content


def single_node(op_type: str, inputs: Dict[str, np.ndarray], initializers: Optional[Dict[str, np.ndarray]] = None,
                opset: int = 13, num_outputs: int = 1, dynamic_batch: bool = False, **attrs):
    """An ONNX model with one node reading `inputs` then `initializers` in order."""
    names = list(inputs) + list(initializers or {})
    outs = [f"y{k}" for k in range(num_outputs)]
    node = helper.make_node(op_type, names, outs, name=f"{op_type.lower()}_node", **attrs)
    return make_model([node], inputs, outs, initializers, opset, dynamic_batch)


def rand(*shape, seed=0, dtype=np.float32) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def run_graph(graph, inputs: Sequence[np.ndarray]) -> Dict[str, List[np.ndarray]]:
    """Writes a converter graph as it is (no passes) and runs it in edgelite and LiteRT."""
    from edgelite.converter import write
    return run_everywhere(write(graph), inputs)


def check_pass(graph, pass_, inputs: Sequence[np.ndarray]):
    """Runs `pass_` on `graph`; asserts it changed the graph and the outputs did not change. Returns the
    graph before and after."""
    before = graph.copy()
    expected = run_graph(before, inputs)
    assert pass_.run(graph), f"{pass_.name} changed nothing"
    graph.check()
    got = run_graph(graph, inputs)
    for runtime in expected:
        for a, b in zip(got[runtime], expected[runtime]):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5, err_msg=f"{pass_.name} on {runtime}")
    return before, graph


def compare_litert_then_edgelite(content: bytes, inputs: Sequence[np.ndarray], expected: Sequence[np.ndarray],
                                 rtol: float = RTOL, atol: float = ATOL, invokes: int = 1, more=()) -> None:
    """LiteRT must run the file and match `expected`; then edgelite must too, except that a build lacking one
    of its operators (allocate_tensors raises UnsupportedError naming it: the sequence and control-flow
    kernels land separately) skips the edgelite half with that reason. `more` lists further (inputs,
    expected) pairs for the same file. With invokes > 1 each further invoke follows reset_all_variables(),
    which must give the same outputs (stateful fused operators)."""
    from edgelite import Interpreter
    from edgelite.errors import UnsupportedError
    from testutil import run_interpreter
    cases = [(inputs, expected)] + list(more)

    def check(make, runtime):
        for feeds, want in cases:
            interp = run_interpreter(make(), feeds)
            for k in range(invokes):
                if k:
                    interp.reset_all_variables()
                    for d, x in zip(interp.get_input_details(), feeds):
                        interp.set_tensor(d["index"], x)
                    interp.invoke()
                got = [interp.get_tensor(d["index"]) for d in interp.get_output_details()]
                compare({runtime: got}, want, rtol, atol, f" (invoke {k + 1})")
    if not HAVE_LITERT:
        pytest.fail("ai-edge-litert is needed for this comparison")
    from ai_edge_litert.interpreter import Interpreter as LiteRT
    check(lambda: LiteRT(model_content=content), "litert")
    try:
        run_interpreter(Interpreter(model_content=content), inputs)
    except UnsupportedError as e:
        missing = [op for op in missing_kernels(content) if op in str(e)]
        assert missing, f"edgelite refused the file for another reason: {e}"
        pytest.skip(f"LiteRT matched; edgelite has no kernel yet for {', '.join(missing)}: {e}")
    check(lambda: Interpreter(model_content=content), "edgelite")
