"""Every QUANTIZE, DEQUANTIZE, element-wise, comparison and data-movement layer of the quantized golden models
(tests/models/tf_quant, made by TensorFlow's converter), run alone: LiteRT's reference kernels (BUILTIN_REF)
run the whole model with every tensor kept, and each layer is rerun in edgelite as a one-op model with the
model's own tensors (dtypes, shapes, quantization), constants and options, on the inputs LiteRT gave it. The
outputs must be equal bit for bit: every dtype and option combination of WORKLIST.md for these operators."""

import collections
import os

import numpy as np
import pytest

from edgelite.schema.BuiltinOperator import BuiltinOperator
from edgelite.schema.Model import Model, ModelT
from edgelite.testing import run_single_op
from quant_kernel_checks import assert_bit_equal
from testutil import load_manifest, model_path, requires_litert

OPS = {"ADD", "SUB", "MUL", "SQUARED_DIFFERENCE", "MAXIMUM", "MINIMUM", "PRELU", "QUANTIZE", "DEQUANTIZE",
       "EQUAL", "NOT_EQUAL", "LESS", "LESS_EQUAL", "GREATER", "GREATER_EQUAL", "CONCATENATION", "PAD", "PADV2",
       "RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR", "RESHAPE", "TRANSPOSE", "STRIDED_SLICE", "GATHER", "SPLIT",
       "SPLIT_V", "PACK", "SQUEEZE", "SLICE"}
_NAMES = {getattr(BuiltinOperator, name): name for name in OPS}
_DTYPES = {0: np.float32, 2: np.int32, 3: np.uint8, 4: np.int64, 6: np.bool_, 7: np.int16, 9: np.int8}


def _models():
    entries = load_manifest().get("models", [])  # the float golden models' manifest has none of these
    quant = os.path.join("tf_quant", "manifest.json")
    if os.path.exists(model_path(quant)):
        import json
        entries = json.load(open(model_path(quant)))["models"]
    return [e["path"] for e in entries if e.get("litert_runs") and OPS & set(e.get("op_counts", {}))
            and os.path.exists(model_path(e["path"]))]


MODELS = _models()


def _layers(path):
    """(node index, op name, inputs, constant positions, options, version, quantization per input and output,
    output dtypes, expected outputs) for each layer of OPS in the model's first subgraph."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    with open(path, "rb") as f:
        model = ModelT.InitFromObj(Model.GetRootAs(f.read(), 0))
    interp = Interpreter(model_path=path, experimental_preserve_all_tensors=True,
                         experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    ref = np.load(os.path.splitext(path)[0] + ".io.npz")
    interp.allocate_tensors()
    for i, d in enumerate(interp.get_input_details()):
        interp.set_tensor(d["index"], ref[f"input_{i}"][0] if ref[f"input_{i}"].ndim > len(d["shape"]) else
                          ref[f"input_{i}"])
    interp.invoke()
    graph = model.subgraphs[0]
    for index, op in enumerate(graph.operators):
        code = model.operatorCodes[op.opcodeIndex]
        name = _NAMES.get(max(code.builtinCode, code.deprecatedBuiltinCode))
        if name is None:
            continue
        tensors = [None if i < 0 else graph.tensors[i] for i in op.inputs]
        constant = tuple(k for k, t in enumerate(tensors) if t is not None and
                         model.buffers[t.buffer].data is not None and len(model.buffers[t.buffer].data) > 0)
        inputs = [None if i < 0 else interp.get_tensor(i) for i in op.inputs]
        outs = [graph.tensors[i] for i in op.outputs]
        yield (index, name, inputs, constant, op.builtinOptions, code.version,
               [None if t is None else t.quantization for t in tensors], [t.quantization for t in outs],
               [_DTYPES[t.type] for t in outs], [interp.get_tensor(i) for i in op.outputs])


@requires_litert
@pytest.mark.skipif(not MODELS, reason="no quantized golden models with these operators")
@pytest.mark.parametrize("path", MODELS, ids=lambda p: os.path.splitext(os.path.basename(p))[0])
def test_layers_match_litert_reference(path):
    checked = collections.Counter()
    for index, name, inputs, constant, options, version, in_q, out_q, out_types, expected in _layers(
            model_path(path)):
        got = run_single_op(name, inputs, options, constant_inputs=constant, version=version,
                            output_types=out_types, num_outputs=len(out_types), input_quantization=in_q,
                            output_quantization=out_q)
        for g, e in zip(got, expected):
            assert_bit_equal(g, e, f"node {index} ({name})")
        checked[name] += 1
    assert checked, "no layers of these operators"
