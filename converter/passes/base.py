"""The rewrite-rule shape every pass follows, and graph edits that several passes share."""

from __future__ import annotations

from typing import Optional, Tuple

import numpy as np

from ..ir import Graph, Node

# Operators that can absorb a following RELU/RELU6/RELU_N1_TO_1 as fused_activation_function. Not
# CONCATENATION: its options have the field, but TensorFlow Lite's kernel refuses anything but NONE.
FUSED_ACTIVATION_OPS = ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "ADD", "SUB", "MUL", "DIV",
                        "AVERAGE_POOL_2D", "MAX_POOL_2D")
# Operators with a weights input (1) whose leading/trailing axis is the output channel, and a bias (2).
WEIGHTED_OPS = ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED")


class Pass:
    """A rewrite rule: `targets` names the op types it looks at (empty: all), `match` is a cheap test on
    one node, `apply` rewrites around that node and returns whether the graph changed."""

    targets: Tuple[str, ...] = ()

    def match(self, graph: Graph, node: Node) -> bool:
        """A cheap test of whether `node` (of one of `targets`) may be rewritten; the base accepts every node."""
        return True

    def apply(self, graph: Graph, node: Node) -> bool:
        """Rewrites `graph` around `node` and returns True when the graph changed, False when the pattern did not
        hold after all. The base raises NotImplementedError."""
        raise NotImplementedError

    def run(self, graph: Graph) -> bool:
        """One sweep over the graph: apply on every live node of `targets` that matches. Returns whether anything
        changed (optimize repeats the sweeps until nothing does)."""
        changed = False
        alive = set(map(id, graph.nodes))
        for node in list(graph.nodes):
            if id(node) not in alive or (self.targets and node.op not in self.targets):
                continue
            if self.match(graph, node) and self.apply(graph, node):
                changed = True
                alive = set(map(id, graph.nodes))
        return changed

    @property
    def name(self) -> str:
        """The pass's class name, for logs and tests."""
        return type(self).__name__


def bypass(graph: Graph, node: Node) -> bool:
    """Removes a node whose output equals its first input. A graph output keeps its name (the producer's
    value is renamed), so signatures still read the names the source model used."""
    src, out = node.inputs[0], node.outputs[0]
    if out in graph.outputs:
        if src in graph.inputs or src in graph.outputs or graph.values[src].is_const:
            return False
        graph.remove_node(node)
        del graph.values[out]
        graph.rename_value(src, out)
        return True
    graph.replace_uses(out, src)
    graph.remove_node(node)
    del graph.values[out]
    return True


def absorb_into_producer(graph: Graph, producer: Node, node: Node) -> None:
    """`node` is folded into `producer`: the producer now writes node's output value (and its name)."""
    produced, out = producer.outputs[0], node.outputs[0]
    graph.remove_node(node)
    del graph.values[out]
    graph.rename_value(produced, out)


def sole_producer(graph: Graph, value: Optional[str], ops: Tuple[str, ...]) -> Optional[Node]:
    """The node in `ops` producing `value` if nothing else reads that value and it is not a graph output."""
    producer = graph.producer(value)
    if producer is None or producer.op not in ops or graph.num_uses(value) != 1:
        return None
    return producer


def per_channel(graph: Graph, const: np.ndarray, out_shape: Tuple[int, ...]) -> Optional[np.ndarray]:
    """`const` as a vector over the last axis of `out_shape`, if broadcasting it varies along that axis only
    and does not grow the output; else None."""
    if const.ndim > len(out_shape) or any(d != 1 for d in const.shape[:-1]):
        return None
    channels = out_shape[-1]
    if const.ndim and const.shape[-1] not in (1, channels):
        return None
    return np.broadcast_to(const.reshape(-1) if const.ndim else const, (channels,)).astype(np.float32)


def bias_of(graph: Graph, node: Node, channels: int) -> Optional[np.ndarray]:
    """The constant bias of a weighted op (zeros when omitted), or None if it is computed at run time."""
    if len(node.inputs) < 3 or node.inputs[2] is None:
        return np.zeros(channels, np.float32)
    return graph.const(node.inputs[2])


def moves_only_unit_axes(shape, perm) -> bool:
    """Whether a TRANSPOSE by `perm` keeps the data order (it only moves axes of size 1)."""
    moved = [p for p in perm if shape[p] != 1]
    return moved == sorted(moved)


def scalar_const(graph: Graph, value: Optional[str]) -> Optional[float]:
    """The value of a constant with one element, else None."""
    const = graph.const(value)
    return float(const.reshape(-1)[0]) if const is not None and const.size == 1 else None


def reshape_source(graph: Graph, value: str) -> str:
    """The value that `value` is a reshape of: walks up RESHAPEs and TRANSPOSEs that keep the data order,
    through values read only once."""
    while True:
        producer = sole_producer(graph, value, ("RESHAPE", "TRANSPOSE"))
        if producer is None:
            return value
        if producer.op == "TRANSPOSE":
            perm = graph.const(producer.inputs[1])
            if perm is None or not moves_only_unit_axes(graph.shape(producer.inputs[0]), [int(p) for p in perm]):
                return value
        value = producer.inputs[0]
