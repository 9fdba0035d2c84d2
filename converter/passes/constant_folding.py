"""Constant folding: a node whose inputs are all constant (or a SHAPE of a static shape) becomes constants."""

from __future__ import annotations

import numpy as np

from ..evaluate import EVALUATORS, evaluate
from ..ir import ConversionError, Graph, Node
from .base import Pass

# Folding must not blow up the file: a result larger than this many elements is folded only if it is no
# larger than its inputs (weight transposes, reshapes), never when it broadcasts small constants out.
_MAX_GROWN_ELEMENTS = 1 << 16
# Operators whose output size is read from an operand: with dynamic dimensions that size may be dynamic.
SHAPE_SIZED = ("BROADCAST_TO", "TILE", "FILL")


class ConstantFolding(Pass):
    """Evaluates nodes whose inputs are all constants (and SHAPE of a static shape) at conversion time, replacing
    their outputs by constants."""

    targets = tuple(op for op in EVALUATORS if EVALUATORS[op] is not None)

    def match(self, graph: Graph, node: Node) -> bool:
        if any(o in graph.outputs for o in node.outputs):
            return False
        if graph.probing and node.op in SHAPE_SIZED:
            return False
        if node.op == "SHAPE":
            return -1 not in graph.signature(node.inputs[0])
        return all(i is None or graph.values[i].is_const for i in node.inputs)

    def apply(self, graph: Graph, node: Node) -> bool:
        if node.op == "SHAPE":
            source = graph.values[node.inputs[0]]
            inputs = [np.zeros(source.shape, np.int8)]  # only the shape matters
        else:
            inputs = [None if i is None else graph.const(i) for i in node.inputs]
        results = evaluate(node, inputs)
        if results is None:
            return False
        in_size = sum(a.size for a in inputs if a is not None and node.op != "SHAPE")
        if node.op != "SHAPE" and sum(r.size for r in results) > max(in_size, _MAX_GROWN_ELEMENTS):
            return False
        for name, result in zip(node.outputs, results):
            value = graph.values[name]
            if tuple(result.shape) != value.shape:
                raise ConversionError(f"folding {node.op} node {node.name!r} gave shape {result.shape}, "
                                      f"shape inference said {value.shape}")
            # np.array, not np.ascontiguousarray: that one makes a 0-d result 1-d.
            value.const = np.array(result, dtype=value.dtype, order="C")
        graph.remove_node(node)
        return True
