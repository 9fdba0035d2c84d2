"""Dynamic dimensions: a model with symbolic sizes (a batch named "N") is converted twice, each time with
other stand-in sizes for the symbols (probes), and the two graphs are merged: axes whose sizes differ
between the probes are dynamic (-1 in the shape signature), and constants that differ were computed from
dynamic sizes (reshape targets, output shapes), so they are rewritten to hold -1 or to be computed from
SHAPE at run time.

Converting twice keeps shape inference, the front-ends and every pass on concrete sizes; it costs a second
conversion, and it finds a conversion that depends on a symbol's value (the graphs then differ) instead of
writing a file that is right for one batch only.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from .ir import ConversionError, Graph, Node

# Stand-in sizes of the symbols, per probe: primes, so that no product of them or static size matches
# another symbol's by accident, and none is 1 (a unit axis may be squeezed or moved freely).
_PRIMES = (5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53)


def probe_sizes(symbols: Sequence[str], probe: int) -> Dict[str, int]:
    """The stand-in size of each symbol in probe 0 or 1."""
    if len(symbols) + 1 > len(_PRIMES):
        raise ConversionError(f"too many symbolic dimensions ({len(symbols)}); give static shapes")
    return {s: _PRIMES[k + probe] for k, s in enumerate(symbols)}


def _differs(x: Optional[np.ndarray], y: Optional[np.ndarray]) -> bool:
    return x is None or y is None or x.shape != y.shape or not np.array_equal(x, y)


def _same_attrs(a: Node, b: Node) -> bool:
    keys = set(a.attrs) | set(b.attrs)
    return all(k == "new_shape" or a.attrs.get(k) == b.attrs.get(k) for k in keys)


def _check_same_structure(a: Graph, b: Graph, symbols: Sequence[str]) -> None:
    def fail(where: str):
        raise ConversionError(
            f"the conversion depends on the value of the dynamic dimension(s) {', '.join(map(repr, symbols))} "
            f"({where}); convert with static shapes (input_shapes={{name: shape}})")
    if a.inputs != b.inputs or a.outputs != b.outputs:
        fail("the graph inputs or outputs differ")
    for na, nb in zip(a.nodes, b.nodes):
        if (na.op, na.inputs, na.outputs) != (nb.op, nb.inputs, nb.outputs) or not _same_attrs(na, nb):
            fail(f"first at {na.op} node {na.name!r}")
    if len(a.nodes) != len(b.nodes):
        fail("the number of nodes differs")


def merge_probes(a: Graph, b: Graph, symbols: Sequence[str], fold: bool = True) -> Graph:
    """Graph `a` with dynamic axes marked in its values' signatures and the constants that differ from
    `b` rewritten; `a` and `b` are the same conversion at two probes (optimized when fold is True)."""
    _check_same_structure(a, b, symbols)
    if len(a.subgraphs) != len(b.subgraphs):
        raise ConversionError("the number of subgraphs depends on the dynamic dimensions; convert with static shapes")
    # Loop bodies and branches too: their inputs carry the dynamic sizes there.
    for ga, gb in list(zip(a.subgraphs, b.subgraphs)) + [(a, b)]:
        if ga is not a:
            _check_same_structure(ga, gb, symbols)
        for name in _mark_dynamic_axes(ga, gb):
            if name in ga.outputs:
                raise ConversionError(f"graph output {name!r} is a constant computed from dynamic dimensions")
            for node in ga.consumers(name):
                for k, i in enumerate(node.inputs):
                    if i == name:
                        _rewrite_shape_input(ga, gb, node, k, name)
        _reshape_targets(ga)
    # The probes kept shape-sized tensors (BROADCAST_TO, TILE, FILL) computed; those whose operands are
    # the same in both are static, and fold now (with what they make constant downstream).
    from .passes import ConstantFolding, DeadNodeRemoval, optimize
    for g in [a] + a.subgraphs:
        g.probing = False
        g.prune_values()
    if fold:
        optimize(a, [ConstantFolding(), DeadNodeRemoval()])
    a.check()
    return a


def _mark_dynamic_axes(a: Graph, b: Graph) -> List[str]:
    """Marks -1 in a's signatures where the probes' shapes differ; returns the constants that differ."""
    dynamic_consts: List[str] = []
    for name, va in a.values.items():
        vb = b.values.get(name)
        if vb is None or len(va.shape) != len(vb.shape):
            raise ConversionError(f"value {name!r} differs in rank between the probes of dynamic dimensions")
        if va.shape != vb.shape:
            # Axes already marked -1 (a select op's data-dependent sizes) stay dynamic.
            known = va.signature or va.shape
            va.signature = tuple(-1 if x != y or s < 0 else x for x, y, s in zip(va.shape, vb.shape, known))
        if va.is_const and _differs(va.const, vb.const):
            dynamic_consts.append(name)
    return dynamic_consts


def _reshape_targets(g: Graph) -> None:
    for node in g.nodes:
        if node.op == "RESHAPE":
            target = list(g.signature(node.outputs[0]))
            node.attrs = {"new_shape": target} if target.count(-1) <= 1 else {}


# (op, input index) -> (the value whose shape the input holds, whether one -1 may stand for a size)
_SHAPE_INPUTS = {("RESHAPE", 1): ("out", True), ("TRANSPOSE_CONV", 0): ("out", False),
                 ("FILL", 0): ("out", False), ("BROADCAST_TO", 1): ("out", False)}


def _rewrite_shape_input(a: Graph, b: Graph, node: Node, k: int, name: str) -> None:
    spec = _SHAPE_INPUTS.get((node.op, k))
    if spec is None:
        raise ConversionError(
            f"{node.op} node {node.name!r} reads {name!r} (input {k}), a constant computed from dynamic "
            "dimensions, which this operator cannot take at run time; convert with static shapes "
            "(input_shapes={name: shape})")
    node.inputs[k] = runtime_shape(a, b, node, node.outputs[0], allow_minus_one=spec[1])


def runtime_shape(a: Graph, b: Graph, node: Node, value: str, allow_minus_one: bool) -> str:
    """An int32 tensor holding `value`'s shape for any size of the dynamic axes, inserted before `node`:
    a constant when at most one axis is dynamic and -1 may stand for it, else SHAPE of a tensor read
    before `node` that has the same dynamic size on some axis, sliced and packed with the static sizes."""
    signature = a.signature(value)
    dynamic = [j for j, d in enumerate(signature) if d < 0]
    if allow_minus_one and len(dynamic) <= 1:
        return a.add_const(np.asarray(signature, np.int32), f"{value}/shape")
    sources = _shape_sources(a, b, node)
    pieces: List[Optional[Tuple[str, int]]] = []
    unmatched = []
    for j, d in enumerate(signature):
        if d >= 0:
            pieces.append(None)
            continue
        want = (a.shape(value)[j], b.shape(value)[j])
        found = next(((s, i) for s in sources for i in range(len(a.shape(s)))
                      if (a.shape(s)[i], b.shape(s)[i]) == want), None)
        if found is None:
            unmatched.append(j)
        pieces.append(found)
    if len(unmatched) > (1 if allow_minus_one else 0):
        raise ConversionError(
            f"{node.op} node {node.name!r}: the shape {list(signature)} of {value!r} has dynamic axes that no "
            "tensor before it has, so it cannot be computed at run time; convert with static shapes")
    position = a.nodes.index(node)

    def add(op, inputs, attrs, shape) -> str:
        nonlocal position
        out = a.add_value(f"{value}/shape_part", shape, np.int32)
        a.nodes.insert(position, Node(op, inputs, [out], attrs, f"{node.name}/shape"))
        position += 1
        return out
    shapes: Dict[str, str] = {}
    parts = []
    for j, piece in enumerate(pieces):
        if piece is None:
            parts.append(a.add_const(np.asarray(-1 if j in unmatched else signature[j], np.int32), "dim"))
            continue
        source, axis = piece
        if source not in shapes:
            shapes[source] = add("SHAPE", [source], {"out_type": np.int32}, (len(a.shape(source)),))
        bounds = [a.add_const(np.asarray([v], np.int32), n) for v, n in ((axis, "begin"), (axis + 1, "end"),
                                                                          (1, "strides"))]
        parts.append(add("STRIDED_SLICE", [shapes[source]] + bounds,
                         {"begin_mask": 0, "end_mask": 0, "ellipsis_mask": 0, "new_axis_mask": 0,
                          "shrink_axis_mask": 1}, ()))
    return add("PACK", parts, {"values_count": len(parts), "axis": 0}, (len(parts),))


def _shape_sources(a: Graph, b: Graph, node: Node) -> List[str]:
    """Non-constant tensors available before `node` whose shapes may carry its dynamic sizes: its own
    inputs first, then the graph inputs."""
    seen = []
    for name in list(node.inputs) + list(a.inputs):
        if name is not None and not a.values[name].is_const and name not in seen and name in b.values:
            seen.append(name)
    return seen
