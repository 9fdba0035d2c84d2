"""Shared pieces of the quantization tests: a trained digits CNN, batch runs in edgelite and LiteRT
(BUILTIN_REF, the kernels edgelite follows bit for bit)."""

from __future__ import annotations

import os
import sys

import numpy as np

import edgelite

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "examples"))

try:
    from ai_edge_litert import interpreter as litert
    HAVE_LITERT = True
except Exception:
    HAVE_LITERT = False


def interpreter(content: bytes, runtime: str):
    if runtime == "edgelite":
        return edgelite.Interpreter(model_content=content,
                                    experimental_op_resolver_type=edgelite.OpResolverType.BUILTIN_REF)
    return litert.Interpreter(model_content=content,
                              experimental_op_resolver_type=litert.OpResolverType.BUILTIN_REF)


def run_batch(content: bytes, x: np.ndarray, runtime: str = "edgelite") -> np.ndarray:
    """The model's single output for every sample of x (one invoke per sample, as the file's batch is 1)."""
    interp = interpreter(content, runtime)
    interp.allocate_tensors()
    inp, out = interp.get_input_details()[0], interp.get_output_details()[0]
    rows = []
    for sample in x:
        interp.set_tensor(inp["index"], sample[None].astype(inp["dtype"]))
        interp.invoke()
        rows.append(interp.get_tensor(out["index"])[0].copy())
    return np.stack(rows)


def tensor_dtypes(content: bytes):
    """{tensor name: dtype} of the file."""
    interp = edgelite.Interpreter(model_content=content)
    return {t["name"]: t["dtype"] for t in interp.get_tensor_details()}


def op_names(content: bytes):
    interp = edgelite.Interpreter(model_content=content)
    return [op["op_name"] for op in interp._get_ops_details()]


def train_digits():
    """(model, calibration samples, x_test, y_test, float file, float file's probabilities on x_test): the
    digits demo's CNN trained with a fixed seed."""
    import edgelite.training as et
    from edgelite.converter import convert
    import digits_demo
    x_train, y_train, x_test, y_test = digits_demo.digits_split()
    et.set_random_seed(3)
    model = digits_demo.build_model()
    digits_demo.compile_model(model)
    model.fit(x_train, y_train, epochs=30, batch_size=32, verbose=0)
    float_file = convert(model)
    return model, x_train[:100], x_test, y_test, float_file, run_batch(float_file, x_test)


def accuracy(probs, y) -> float:
    return float(np.mean(np.asarray(probs).argmax(1) == y))


def spoil_weights(content: bytes, op: str, occurrence: int):
    """(the file with the weights of the `occurrence`-th `op` halved, scales kept, so that layer alone goes
    wrong; that layer's output tensor name)."""
    from edgelite.model_builder import enum_name
    from edgelite.schema.BuiltinOperator import BuiltinOperator
    from edgelite.schema.Model import Model, ModelT
    import flatbuffers
    model = ModelT.InitFromObj(Model.GetRootAs(content, 0))
    graph = model.subgraphs[0]
    ops = [o for o in graph.operators
           if enum_name(BuiltinOperator, model.operatorCodes[o.opcodeIndex].builtinCode) == op]
    target = ops[occurrence]
    buf = model.buffers[graph.tensors[target.inputs[1]].buffer]
    buf.data = (np.frombuffer(bytes(buf.data), np.int8) // 2).astype(np.int8).view(np.uint8)
    b = flatbuffers.Builder(0)
    b.Finish(model.Pack(b), b"TFL3")
    return bytes(b.Output()), graph.tensors[target.outputs[0]].name.decode()
