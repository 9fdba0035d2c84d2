"""Layers of real models run alone: LiteRT runs a whole model with every tensor kept, and each operator comes
out as a one-op case with the inputs and outputs LiteRT gave it, the model's options, constants and tensor
quantization. Used by the golden-layer tests (float in test_conv_family_golden_layers.py, quantized in
test_quant_golden_layers.py). A plain module, like conv_family."""

import os
from typing import Any, List, NamedTuple, Optional, Sequence

import numpy as np

from edgelite.schema.BuiltinOperator import BuiltinOperator
from edgelite.schema.Model import Model, ModelT

_OP_NAMES = {v: k for k, v in vars(BuiltinOperator).items() if not k.startswith("_")}
_DTYPES = {0: np.float32, 2: np.int32, 3: np.uint8, 4: np.int64, 6: np.bool_, 7: np.int16, 9: np.int8}
# Filter operators read weights and bias that are constants in practice even when LiteRT computed them (a
# DEQUANTIZE of float16 or int8 weights, a DENSIFY): they run here as the model's constants.
_FILTER_OPS = {"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "TRANSPOSE_CONV"}


class GoldenLayer(NamedTuple):
    index: int  # the operator's position in the model
    op: str
    inputs: List[Optional[np.ndarray]]
    options: Any  # the model's options object, as run_single_op takes it
    constant_inputs: Sequence[int]
    version: int
    outputs: List[np.ndarray]  # LiteRT's outputs
    input_quantization: List[Any]  # the model's QuantizationParametersT per input (None where it has none)
    output_quantization: List[Any]
    output_types: List[Any]

    @property
    def expected(self):
        return self.outputs[0]

    def run_kwargs(self):
        """The keyword arguments of edgelite.testing.run_single_op for this layer (after op, inputs, options)."""
        return dict(constant_inputs=self.constant_inputs, version=self.version, num_outputs=len(self.outputs),
                    output_types=self.output_types, input_quantization=self.input_quantization,
                    output_quantization=self.output_quantization)


def golden_layers(path, ops=None, resolver="BUILTIN_WITHOUT_DEFAULT_DELEGATES", sample=None):
    """Every operator of the model's first subgraph (or those named in `ops`), as LiteRT's op resolver named
    `resolver` ran it on the model's recorded inputs (<model>.io.npz; `sample` picks one along a leading
    sample axis)."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    with open(path, "rb") as f:
        model = ModelT.InitFromObj(Model.GetRootAs(f.read(), 0))
    interp = Interpreter(model_path=path, experimental_preserve_all_tensors=True,
                         experimental_op_resolver_type=getattr(OpResolverType, resolver))
    ref = np.load(os.path.splitext(path)[0] + ".io.npz")
    details = interp.get_input_details()
    values = [ref[f"input_{i}"] if sample is None else ref[f"input_{i}"][sample] for i in range(len(details))]
    for d, value in zip(details, values):
        if list(d["shape"]) != list(value.shape):
            interp.resize_tensor_input(d["index"], value.shape)
    interp.allocate_tensors()
    for d, value in zip(details, values):
        interp.set_tensor(d["index"], value)
    interp.invoke()
    graph = model.subgraphs[0]

    def held_by_model(i):
        buffer = model.buffers[graph.tensors[i].buffer]
        return buffer.data is not None and len(buffer.data) > 0

    for index, op in enumerate(graph.operators):
        code = model.operatorCodes[op.opcodeIndex]
        name = _OP_NAMES.get(max(code.builtinCode, code.deprecatedBuiltinCode))
        if name is None or (ops is not None and name not in ops):
            continue
        inputs = [None if i < 0 else interp.get_tensor(i) for i in op.inputs]
        if name in _FILTER_OPS:
            constant = tuple(range(1, len(inputs)))
        else:
            constant = tuple(k for k, i in enumerate(op.inputs) if i >= 0 and held_by_model(i))
        outs = [graph.tensors[i] for i in op.outputs]
        yield GoldenLayer(index, name, inputs, op.builtinOptions, constant, code.version,
                          [interp.get_tensor(i) for i in op.outputs],
                          [None if i < 0 else graph.tensors[i].quantization for i in op.inputs],
                          [t.quantization for t in outs], [_DTYPES[t.type] for t in outs])
