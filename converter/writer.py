"""Writes a converter graph as a standard .tflite file through ModelBuilder.

Operator versions are the lowest that carry the options used (what TensorFlow's converter writes for
float models), so files load in every runtime that has the operator. The signature is 'serving_default'
with the source model's input and output names; metadata records the converter and the source.
"""

from __future__ import annotations

import json
from typing import Dict

import numpy as np

from edgelite.model_builder import ModelBuilder

from .flex import flex_operator
from .ir import SUBGRAPH_ATTRS, ConversionError, Graph, Node

SIGNATURE_KEY = "serving_default"
CONVERTER_NAME = "edgelite.converter"
# Converter-only operators and the .tflite operator each becomes when it survives the passes.
_LOWERED = {"IDENTITY": "RESHAPE", "DROPOUT": "RESHAPE"}


def op_version(graph: Graph, node: Node) -> int:
    """The .tflite version of an operator, following the format's versioning rules (quantized operators:
    quantize.versions)."""
    from .quantize.versions import quantized_op_version
    return quantized_op_version(graph, node, _float_op_version(graph, node))


def _float_op_version(graph: Graph, node: Node) -> int:
    a, op = node.attrs, node.op
    rank = len(graph.shape(node.inputs[0])) if node.inputs and node.inputs[0] is not None else 0
    if op == "DEPTHWISE_CONV_2D" and (a.get("dilation_h_factor", 1) != 1 or a.get("dilation_w_factor", 1) != 1):
        return 2
    if op == "FULLY_CONNECTED":
        if len(node.inputs) < 3 or node.inputs[2] is None:
            return 6
        return 5 if a.get("keep_num_dims") else 1
    if op == "RESIZE_BILINEAR" and a.get("half_pixel_centers"):
        return 3
    if op == "RESIZE_NEAREST_NEIGHBOR" and (a.get("half_pixel_centers") or a.get("align_corners")):
        return 3
    if op == "TRANSPOSE" and rank > 4:
        return 5 if rank == 5 else 6
    if op in ("PAD", "PADV2", "STRIDED_SLICE") and rank > 4:
        return 4
    if op == "GATHER" and graph.dtype(node.inputs[0]) == np.bool_:
        return 3
    if op == "BROADCAST_TO":
        return 2  # version 1 was never a builtin
    if op == "TRANSPOSE_CONV":
        return 3 if len(node.inputs) > 3 and node.inputs[3] is not None else 1
    return 1


def _lower(graph: Graph) -> None:
    from .passes.lower_erf import LowerErf
    LowerErf().run(graph)  # when the passes did not run
    for node in list(graph.nodes):
        # Options that restate a tensor's dtype are taken from the tensors, so they always agree.
        if node.op == "SHAPE":
            node.attrs["out_type"] = graph.dtype(node.outputs[0])
        elif node.op == "CAST":
            node.attrs["in_data_type"] = graph.dtype(node.inputs[0])
            node.attrs["out_data_type"] = graph.dtype(node.outputs[0])
        if node.op in _LOWERED:
            shape = list(graph.signature(node.outputs[0]))
            node.op = _LOWERED[node.op]
            if shape.count(-1) > 1:
                # Several dynamic axes: the copy takes its target from the input's own shape at run time.
                target = graph.add_value(f"{node.outputs[0]}/shape", (len(shape),), np.int32)
                graph.nodes.insert(graph.nodes.index(node), Node("SHAPE", [node.inputs[0]], [target],
                                                                 {"out_type": np.int32}, f"{node.name}/shape"))
            else:
                target = graph.add_const(np.asarray(shape, np.int32), "shape")
            node.inputs = [node.inputs[0], target]
            node.attrs = {"new_shape": shape}


def _written_shape(graph: Graph, name: str):
    """(shape, shape_signature or None): dynamic axes are written as 1 with -1 in the signature, as
    TensorFlow's converter writes them."""
    signature = graph.signature(name)
    if all(d >= 0 for d in signature):
        return list(signature), None
    return [1 if d < 0 else d for d in signature], list(signature)


def write(graph: Graph, *, converter_version: str = "") -> bytes:
    """The .tflite bytes of `graph` (which must hold only .tflite operators after lowering), with its
    subgraphs after it in the order of graph.subgraphs (so subgraph k + 1 is graph.subgraphs[k])."""
    graph = graph.copy()
    b = ModelBuilder(description=f"{CONVERTER_NAME} {converter_version}".strip())
    main_index: Dict[str, int] = {}
    for k, g in enumerate([graph] + graph.subgraphs):
        if k:
            b.add_subgraph(g.name)
        _lower(g)
        g.check()
        _check_calls(graph, g)
        index = _write_subgraph(b, g)
        if k == 0:
            main_index = index
    b.set_subgraph(0)
    b.add_signature(SIGNATURE_KEY, {n: main_index[n] for n in graph.inputs},
                    {n: main_index[n] for n in graph.outputs}, subgraph_index=0)
    info = {"converter": CONVERTER_NAME, "converter_version": converter_version}
    info.update(graph.metadata)
    b.add_metadata("edgelite_conversion", json.dumps(info, sort_keys=True).encode())
    return b.build()


def _check_calls(root: Graph, graph: Graph) -> None:
    """Every subgraph a control-flow node names exists and takes and gives as many tensors as the node."""
    for node in graph.nodes:
        for attr in SUBGRAPH_ATTRS:
            if attr in node.attrs:
                callee = root.subgraph(int(node.attrs[attr]))
                operands = node.inputs[1:] if node.op == "IF" else node.inputs
                if len(callee.inputs) != len(operands):
                    raise ConversionError(f"{node.op} node {node.name!r}: subgraph {callee.name!r} takes "
                                          f"{len(callee.inputs)} inputs, the node gives {len(operands)}")
                wanted = 1 if attr == "cond_subgraph_index" else len(node.outputs)
                if len(callee.outputs) != wanted:
                    raise ConversionError(f"{node.op} node {node.name!r}: subgraph {callee.name!r} gives "
                                          f"{len(callee.outputs)} outputs, {wanted} expected")


def _write_subgraph(b: ModelBuilder, graph: Graph) -> Dict[str, int]:
    """Writes `graph` into the builder's current subgraph; returns its tensor indices by value name."""
    index: Dict[str, int] = {}

    def tensor(name: str) -> int:
        if name not in index:
            v = graph.values[name]
            if v.is_const:
                data = v.const if v.const.dtype == v.dtype else v.const.astype(v.dtype)
                index[name] = b.add_constant(name, data, quantization=v.quant)
            else:
                shape, signature = _written_shape(graph, name)
                index[name] = b.add_tensor(name, shape, v.dtype, shape_signature=signature, is_variable=v.variable,
                                           quantization=v.quant)
        return index[name]

    for name in graph.inputs:
        shape, signature = _written_shape(graph, name)
        index[name] = b.add_input(name, shape, graph.dtype(name), signature, quantization=graph.values[name].quant)
    for node in graph.nodes:
        inputs = [None if i is None else tensor(i) for i in node.inputs]
        outputs = [tensor(o) for o in node.outputs]
        try:
            if node.op == "FLEX":
                # A TensorFlow select op, written as TF's converter writes it (converter/flex.py).
                options = flex_operator(node.attrs["tf_op"], node.attrs["tf_attrs"], len(node.inputs), node.name)
                b.add_operator("CUSTOM", inputs, outputs, None, custom_code="Flex" + node.attrs["tf_op"],
                               custom_options=options)
                continue
            b.add_operator(node.op, inputs, outputs, node.attrs or None, version=op_version(graph, node))
        except (ValueError, TypeError) as e:
            raise ConversionError(f"cannot write {node.op} node {node.name!r}: {e}") from e
    for name in graph.outputs:
        b.mark_output(tensor(name))
    return index
