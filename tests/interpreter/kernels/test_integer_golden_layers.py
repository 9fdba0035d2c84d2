"""Every activation, SOFTMAX, reduction and pooling node of the quantized golden models (tests/models/tf_quant,
made by TensorFlow's converter: Keras 3 GELU, HARD_SWISH, SOFTMAX int8/int16, MEAN over [1, 2] and [-1] with and
without keep_dims, RSQRT int8/int16, the pools), run alone: LiteRT's reference kernels (BUILTIN_REF) run the
whole model with every tensor kept, and each node is rerun in edgelite as a one-op model on the values LiteRT
gave it, with the model's own quantization, options and constants. The answer must be LiteRT's exactly; the
optimized rows and the reference twins are both checked. The rest of each model's operators are not needed."""

import os
from typing import Any, List, NamedTuple, Sequence

import numpy as np
import pytest

from edgelite.schema.BuiltinOperator import BuiltinOperator
from edgelite.schema.Model import Model, ModelT
from kernel_twins import run_optimized_and_reference
from testutil import model_path, requires_litert

OPS = {"LOGISTIC", "TANH", "ELU", "GELU", "HARD_SWISH", "RELU", "RELU6", "LEAKY_RELU", "RSQRT", "ABS", "NEG",
       "SOFTMAX", "LOG_SOFTMAX", "MEAN", "SUM", "REDUCE_MAX", "REDUCE_MIN", "REDUCE_PROD", "AVERAGE_POOL_2D",
       "MAX_POOL_2D"}
QUANT_DIR = model_path("tf_quant")
# Integer models whose inputs were recorded (LiteRT cannot run transformer_block_int16x8, so it has none).
MODELS = sorted(f for f in os.listdir(QUANT_DIR) if f.endswith(".tflite") and "dynamic" not in f and
                os.path.exists(os.path.join(QUANT_DIR, f[:-len(".tflite")] + ".io.npz"))) \
    if os.path.isdir(QUANT_DIR) else []
# LiteRT's reference kernels take a while on the 224x224 MobileNets; their layers repeat the small ones'.
HEAVY = {"mobilenet_v2_int8.tflite", "mobilenet_v3_small_int8.tflite"}


class QuantLayer(NamedTuple):
    index: int
    op: str
    inputs: List[Any]
    input_quantization: List[Any]
    output_quantization: Any
    options: Any
    constant_inputs: Sequence[int]
    version: int
    expected: np.ndarray


def quant_layers(path):
    """The nodes of OPS in the model's first subgraph with LiteRT BUILTIN_REF's inputs and output for the
    model's first recorded input sample."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    with open(path, "rb") as f:
        model = ModelT.InitFromObj(Model.GetRootAs(f.read(), 0))
    interp = Interpreter(model_path=path, experimental_preserve_all_tensors=True,
                         experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    interp.allocate_tensors()
    ref = np.load(os.path.splitext(path)[0] + ".io.npz")
    for i, d in enumerate(interp.get_input_details()):
        interp.set_tensor(d["index"], ref[f"input_{i}"][0])
    interp.invoke()
    graph = model.subgraphs[0]
    names = {getattr(BuiltinOperator, name): name for name in OPS}
    for index, op in enumerate(graph.operators):
        code = model.operatorCodes[op.opcodeIndex]
        name = names.get(max(code.builtinCode, code.deprecatedBuiltinCode))
        if name is None:
            continue
        tensors = [graph.tensors[i] for i in op.inputs]
        constant = tuple(k for k, t in enumerate(tensors) if model.buffers[t.buffer].data is not None)
        yield QuantLayer(index, name, [interp.get_tensor(i) for i in op.inputs],
                         [t.quantization for t in tensors], graph.tensors[op.outputs[0]].quantization,
                         op.builtinOptions, constant, code.version, interp.get_tensor(op.outputs[0]))


@requires_litert
@pytest.mark.parametrize("name", [pytest.param(m, marks=[pytest.mark.slow] if m in HEAVY else []) for m in MODELS])
def test_layers_match_litert_reference_kernels(name):
    checked = 0
    for layer in quant_layers(os.path.join(QUANT_DIR, name)):
        optimized, reference = run_optimized_and_reference(
            layer.op, layer.inputs, layer.options, constant_inputs=layer.constant_inputs, version=layer.version,
            input_quantization=layer.input_quantization, output_quantization=layer.output_quantization,
            output_types=layer.expected.dtype)
        for kind, (actual,) in (("optimized", optimized), ("reference", reference)):
            what = f"node {layer.index} ({layer.op}, {kind})"
            assert actual.dtype == layer.expected.dtype and actual.shape == layer.expected.shape, what
            bad = int(np.sum(actual != layer.expected))
            assert bad == 0, f"{what}: {bad} of {actual.size} values differ from LiteRT's reference kernels"
        checked += 1
    if checked == 0:
        pytest.skip(f"{name} has none of these operators")
