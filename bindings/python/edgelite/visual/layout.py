"""A layered top-to-bottom layout of a directed acyclic graph (Sugiyama's method, kept small):
longest-path layers, a dummy node per layer an edge crosses, barycentric ordering sweeps that keep the order
with fewest crossings, then x positions pulled toward neighbours under a minimum spacing (solved exactly per
layer by pool-adjacent-violators), so chains come out straight and skip edges bend around them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Sequence, Tuple

# Gaps between boxes, in the same units as node sizes (SVG pixels).
H_GAP = 28.0
V_GAP = 46.0
DUMMY_WIDTH = 14.0
ORDER_SWEEPS = 24
POSITION_SWEEPS = 12
# How much more a real node weighs than a dummy when spacing pushes them apart: the dummies of skip edges
# (residual connections) move aside and real chains stay straight (within a pixel).
REAL_WEIGHT = 200.0


@dataclass
class Layout:
    x: List[float]                        # centre of each real node
    y: List[float]                        # top of each real node
    layer: List[int]
    edges: List[List[Tuple[float, float]]]  # one polyline per input edge, source bottom to target top
    width: float
    height: float
    crossings: int = 0


@dataclass
class _Graph:
    width: List[float]
    height: List[float]
    layer: List[int]
    succ: List[List[int]] = field(default_factory=list)
    pred: List[List[int]] = field(default_factory=list)
    chains: List[List[int]] = field(default_factory=list)  # per input edge: source, dummies..., target


def _topological_order(n: int, edges: Sequence[Tuple[int, int]]) -> List[int]:
    indegree = [0] * n
    succ: List[List[int]] = [[] for _ in range(n)]
    for a, b in edges:
        succ[a].append(b)
        indegree[b] += 1
    ready = [v for v in range(n) if indegree[v] == 0]
    order = []
    while ready:
        v = ready.pop(0)
        order.append(v)
        for w in succ[v]:
            indegree[w] -= 1
            if indegree[w] == 0:
                ready.append(w)
    if len(order) != n:
        raise ValueError("the graph has a cycle; a layered layout needs a DAG")
    return order


def assign_layers(n: int, edges: Sequence[Tuple[int, int]]) -> List[int]:
    """Longest path from the sources; then each source moves down to just above its first consumer, so an
    input used late in the graph does not hang a long edge from the top."""
    order = _topological_order(n, edges)
    preds: List[List[int]] = [[] for _ in range(n)]
    succs: List[List[int]] = [[] for _ in range(n)]
    for a, b in edges:
        preds[b].append(a)
        succs[a].append(b)
    layer = [0] * n
    for v in order:
        if preds[v]:
            layer[v] = max(layer[u] for u in preds[v]) + 1
    for v in range(n):
        if not preds[v] and succs[v]:
            layer[v] = min(layer[w] for w in succs[v]) - 1
    return layer


def _with_dummies(widths, heights, edges, layer) -> _Graph:
    g = _Graph(width=list(widths), height=list(heights), layer=list(layer))
    n = len(widths)
    g.succ = [[] for _ in range(n)]
    g.pred = [[] for _ in range(n)]

    def link(a, b):
        g.succ[a].append(b)
        g.pred[b].append(a)
    for a, b in edges:
        chain = [a]
        for level in range(g.layer[a] + 1, g.layer[b]):
            g.width.append(DUMMY_WIDTH)
            g.height.append(0.0)
            g.layer.append(level)
            g.succ.append([])
            g.pred.append([])
            chain.append(len(g.width) - 1)
        chain.append(b)
        for u, v in zip(chain, chain[1:]):
            link(u, v)
        g.chains.append(chain)
    return g


def _crossings(order: List[List[int]], g: _Graph) -> int:
    total = 0
    for upper, lower in zip(order, order[1:]):
        pos = {v: i for i, v in enumerate(lower)}
        ends = [pos[w] for v in upper for w in g.succ[v]]  # in upper order: inversions are crossings
        total += sum(1 for i in range(len(ends)) for j in range(i + 1, len(ends)) if ends[i] > ends[j])
    return total


def _initial_order(g: _Graph, num_layers: int) -> List[List[int]]:
    # Depth-first from the sources keeps each branch together, a good start for the sweeps.
    order: List[List[int]] = [[] for _ in range(num_layers)]
    seen = set()
    stack = [v for v in range(len(g.width)) if not g.pred[v]][::-1]
    while stack:
        v = stack.pop()
        if v in seen:
            continue
        seen.add(v)
        order[g.layer[v]].append(v)
        stack.extend(reversed(g.succ[v]))
    return order


def _sweep(order: List[List[int]], g: _Graph, downward: bool) -> None:
    layers = range(1, len(order)) if downward else range(len(order) - 2, -1, -1)
    for li in layers:
        ref = order[li - 1] if downward else order[li + 1]
        pos = {v: i for i, v in enumerate(ref)}
        current = {v: i for i, v in enumerate(order[li])}

        def key(v):
            nbrs = g.pred[v] if downward else g.succ[v]
            if not nbrs:
                return (current[v] * len(ref) / max(1, len(order[li])), current[v])
            return (sum(pos[u] for u in nbrs) / len(nbrs), current[v])
        order[li].sort(key=key)


def order_layers(g: _Graph, num_layers: int) -> Tuple[List[List[int]], int]:
    """The order of the nodes within each of the `num_layers` layers after barycentric sweeps (the one with the
    fewest edge crossings seen), and that crossing count."""
    order = _initial_order(g, num_layers)
    best = [list(layer) for layer in order]
    best_crossings = _crossings(order, g)
    for sweep in range(ORDER_SWEEPS):
        if best_crossings == 0:
            break
        _sweep(order, g, downward=sweep % 2 == 0)
        c = _crossings(order, g)
        if c < best_crossings:
            best, best_crossings = [list(layer) for layer in order], c
    return best, best_crossings


def isotonic_placement(desired: Sequence[float], gaps: Sequence[float],
                       weights: Sequence[float]) -> List[float]:
    """Positions x minimizing sum w_i (x_i - desired_i)^2 with x_{i+1} - x_i >= gaps[i] (weighted pool
    adjacent violators on x_i minus the cumulative gap, which turns the spacing into plain monotonicity)."""
    offsets = [0.0]
    for gap in gaps:
        offsets.append(offsets[-1] + gap)
    blocks: List[List[float]] = []  # [weighted mean, total weight, count]
    for d, o, w in zip(desired, offsets, weights):
        blocks.append([d - o, w, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean, weight, count = blocks.pop()
            last = blocks[-1]
            last[0] = (last[0] * last[1] + mean * weight) / (last[1] + weight)
            last[1] += weight
            last[2] += count
    values: List[float] = []
    for mean, _, count in blocks:
        values.extend([mean] * int(count))
    return [v + o for v, o in zip(values, offsets)]


def _place_x(order: List[List[int]], g: _Graph, num_real: int) -> List[float]:
    x = [0.0] * len(g.width)
    weight = [REAL_WEIGHT if v < num_real else 1.0 for v in range(len(g.width))]
    for layer in order:
        cursor = 0.0
        for v in layer:
            x[v] = cursor + g.width[v] / 2
            cursor += g.width[v] + H_GAP
        shift = cursor / 2
        for v in layer:
            x[v] -= shift
    for sweep in range(POSITION_SWEEPS):
        downward = sweep % 2 == 0
        layers = order[1:] if downward else order[-2::-1]
        for layer in layers:
            desired = []
            for v in layer:
                nbrs = g.pred[v] if downward else g.succ[v]
                if v < num_real and any(u < num_real for u in nbrs):
                    nbrs = [u for u in nbrs if u < num_real]  # a real node follows real neighbours only
                desired.append(sum(x[u] for u in nbrs) / len(nbrs) if nbrs else x[v])
            gaps = [(g.width[a] + g.width[b]) / 2 + H_GAP for a, b in zip(layer, layer[1:])]
            placed = isotonic_placement(desired, gaps, [weight[v] for v in layer])
            for v, pos in zip(layer, placed):
                x[v] = pos
    return x


def layered_layout(widths: Sequence[float], heights: Sequence[float],
                   edges: Sequence[Tuple[int, int]]) -> Layout:
    """Positions for nodes of the given sizes; `edges` (source, target) must form a DAG. Node coordinates
    start at (0, 0) in the top-left corner."""
    n = len(widths)
    if n == 0:
        return Layout(x=[], y=[], layer=[], edges=[], width=0.0, height=0.0)
    edges = [(int(a), int(b)) for a, b in edges]
    layer = assign_layers(n, edges)
    num_layers = max(layer) + 1
    g = _with_dummies(widths, heights, edges, layer)
    order, crossings = order_layers(g, num_layers)
    x = _place_x(order, g, n)
    left = min(x[v] - g.width[v] / 2 for v in range(len(x)))
    x = [v - left for v in x]
    layer_height = [0.0] * num_layers
    for v in range(len(g.width)):
        layer_height[g.layer[v]] = max(layer_height[g.layer[v]], g.height[v])
    layer_top = [0.0] * num_layers
    for li in range(1, num_layers):
        layer_top[li] = layer_top[li - 1] + layer_height[li - 1] + V_GAP
    y = [layer_top[g.layer[v]] + (layer_height[g.layer[v]] - g.height[v]) / 2 for v in range(len(g.width))]
    polylines = _route(g, x, y, layer_top, layer_height)
    width = max(x[v] + g.width[v] / 2 for v in range(len(x)))
    height = layer_top[-1] + layer_height[-1]
    return Layout(x=x[:n], y=y[:n], layer=layer, edges=polylines, width=width, height=height,
                  crossings=crossings)


def _route(g: _Graph, x, y, layer_top, layer_height) -> List[List[Tuple[float, float]]]:
    """Each edge leaves its source's bottom centre, passes its dummies at mid-layer and enters its target's
    top, where the edges into one node are spread left to right in the order they arrive from."""
    incoming: Dict[int, List[int]] = {}
    for i, chain in enumerate(g.chains):
        incoming.setdefault(chain[-1], []).append(i)
    entry: Dict[int, float] = {}
    for target, edge_ids in incoming.items():
        edge_ids.sort(key=lambda e: x[g.chains[e][-2]])
        span = g.width[target] * 0.6
        for k, e in enumerate(edge_ids):
            entry[e] = x[target] - span / 2 + span * (k + 1) / (len(edge_ids) + 1) if len(edge_ids) > 1 \
                else x[target]
    lines = []
    for i, chain in enumerate(g.chains):
        src, dst = chain[0], chain[-1]
        points = [(x[src], y[src] + g.height[src])]
        for d in chain[1:-1]:
            mid = layer_top[g.layer[d]] + layer_height[g.layer[d]] / 2
            points.append((x[d], mid))
        points.append((entry[i], y[dst]))
        lines.append(points)
    return lines
