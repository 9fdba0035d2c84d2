"""Draws a ModelGraph as SVG: operators as boxes (name, kernel, constants, output type and shape), tensors as
labelled edges, graph inputs and outputs as pills, each subgraph its own section, delegated partitions and
unsupported operators in their own colours with a legend. render_html wraps it in one self-contained page."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Dict, List, Optional, Tuple

from ..cli_common import format_dims
from ..model_graph import ModelGraph, OperatorInfo, SubgraphInfo, TensorInfo, summarize_quantization
from .layout import layered_layout

FONT_SIZE = 12.0
CHAR_WIDTH = FONT_SIZE * 0.61   # a monospace glyph's advance (DejaVu Sans Mono, Liberation Mono: 0.60-0.61 em)
LINE_HEIGHT = 16.0
PAD_X, PAD_Y = 10.0, 7.0
MAX_CHARS = 40                  # longer lines are cut with an ellipsis; the tooltip has the whole text
MARGIN = 24.0
SECTION_GAP = 48.0
LEGEND_WIDTH = 720.0

# (fill, stroke) of each kind of box; the legend lists the same table.
STYLES = {
    "op": ("#e9eff8", "#4a6fa5"),
    "delegated": ("#dff2e1", "#2e8b57"),
    "unsupported": ("#fde3e0", "#c0392b"),
    "input": ("#fff4cf", "#b8860b"),
    "output": ("#efe6fa", "#7d5ba6"),
}
LEGEND = [("op", "operator on the CPU (its kernel below the name)"),
          ("delegated", "operator in a delegate partition"),
          ("unsupported", "operator this build cannot run"),
          ("input", "graph input"), ("output", "graph output")]


@dataclass
class _Box:
    kind: str          # a key of STYLES
    lines: List[str]   # first line bold
    tooltip: str
    node_id: str
    width: float = 0.0
    height: float = 0.0


def _cut(text: str) -> str:
    return text if len(text) <= MAX_CHARS else text[:MAX_CHARS - 1] + "…"


def _sized(box: _Box) -> _Box:
    box.lines = [_cut(line) for line in box.lines]
    box.width = max(110.0, max(len(line) for line in box.lines) * CHAR_WIDTH + 2 * PAD_X)
    box.height = len(box.lines) * LINE_HEIGHT + 2 * PAD_Y
    return box


def tensor_type_text(t: TensorInfo) -> str:
    """A tensor's type for labels: its dtype and dimensions, dynamic axes as ? (e.g. 'float32 ?x224x224x3')."""
    return f"{t.dtype} {format_dims(t.shape, t.signature)}"


def _tensor_tooltip(t: TensorInfo) -> str:
    return f"tensor {t.index} '{t.name}': {tensor_type_text(t)}{summarize_quantization(t)}"


def _operator_box(graph: ModelGraph, sub: SubgraphInfo, op: OperatorInfo) -> _Box:
    lines = [f"{op.op_name}  #{op.index}"]
    if op.unsupported:
        kind = "unsupported"
        lines.append("unsupported by this build")
    elif op.partition is not None:
        kind = "delegated"
        lines.append(f"{graph.delegate or 'delegate'} · partition {op.partition}")
    else:
        kind = "op"
        lines.append(op.kernel or ("not planned" if sub.plan_error or graph.load_error else "no kernel chosen"))
    constants = [sub.tensors[t] for t in op.inputs if t >= 0 and sub.tensors[t].model_constant]
    if constants:
        lines.append("const " + ", ".join(format_dims(t.shape) for t in constants))
    outputs = [sub.tensors[t] for t in op.outputs if t >= 0]
    if outputs:
        more = f" (+{len(outputs) - 1})" if len(outputs) > 1 else ""
        lines.append("→ " + tensor_type_text(outputs[0]) + more)
    tip = [f"node {op.index}: {op.op_name} version {op.version}"]
    if op.unsupported:
        tip.append(f"cannot run: {op.unsupported}")
    if op.kernel:
        tip.append(f"kernel: {op.kernel}")
    if op.partition is not None:
        tip.append(f"delegated to {graph.delegate}, partition {op.partition}")
    tip += ["inputs:"] + [f"  {_tensor_tooltip(sub.tensors[t])}" if t >= 0 else "  (omitted)" for t in op.inputs]
    tip += ["outputs:"] + [f"  {_tensor_tooltip(sub.tensors[t])}" for t in op.outputs if t >= 0]
    return _sized(_Box(kind, lines, "\n".join(tip), f"s{sub.index}n{op.index}"))


def _io_box(kind: str, sub: SubgraphInfo, t: TensorInfo, signature_name: Optional[str]) -> _Box:
    head = f"{kind}: {signature_name or t.name}"
    lines = [head, tensor_type_text(t) + summarize_quantization(t)]
    if signature_name and signature_name != t.name:
        lines.append(f"tensor {t.name}")
    tip = f"graph {kind}: {_tensor_tooltip(t)}" + (f"\nsignature name: {signature_name}" if signature_name else "")
    return _sized(_Box(kind, lines, tip, f"s{sub.index}{kind}{t.index}"))


def _subgraph_nodes(graph: ModelGraph, sub: SubgraphInfo):
    """The boxes of one subgraph and its edges (source box, target box, tensor index)."""
    sig_names = graph.signature_names(sub.index)
    boxes: List[_Box] = []
    producer: Dict[int, int] = {}
    for t in sub.inputs:
        producer[t] = len(boxes)
        boxes.append(_io_box("input", sub, sub.tensors[t], sig_names.get(t)))
    first_op = len(boxes)
    for op in sub.operators:
        for t in op.outputs:
            if t >= 0:
                producer.setdefault(t, len(boxes))
        boxes.append(_operator_box(graph, sub, op))
    edges: List[Tuple[int, int, int]] = []
    for i, op in enumerate(sub.operators):
        for t in op.inputs:
            # The model's constants are written in the box; values folded at prepare keep their edges.
            if t >= 0 and t in producer and not sub.tensors[t].model_constant and producer[t] != first_op + i:
                edges.append((producer[t], first_op + i, t))
    for t in sub.outputs:
        box = len(boxes)
        boxes.append(_io_box("output", sub, sub.tensors[t], sig_names.get(t)))
        if t in producer:
            edges.append((producer[t], box, t))
    return boxes, edges


def _text_lines(box: _Box, left: float, top: float) -> str:
    out = []
    for k, line in enumerate(box.lines):
        y = top + PAD_Y + (k + 0.78) * LINE_HEIGHT
        weight = ' font-weight="bold"' if k == 0 else ""
        out.append(f'<text x="{left + PAD_X:.1f}" y="{y:.1f}"{weight}>{escape(line)}</text>')
    return "".join(out)


def _path(points: List[Tuple[float, float]]) -> str:
    d = [f"M{points[0][0]:.1f},{points[0][1]:.1f}"]
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        mid = (y0 + y1) / 2
        d.append(f"C{x0:.1f},{mid:.1f} {x1:.1f},{mid:.1f} {x1:.1f},{y1:.1f}")
    return " ".join(d)


def _draw_subgraph(graph: ModelGraph, sub: SubgraphInfo, top: float) -> Tuple[str, float, float]:
    """SVG of one subgraph placed at `top`; returns (markup, width, height)."""
    boxes, edges = _subgraph_nodes(graph, sub)
    layout = layered_layout([b.width for b in boxes], [b.height for b in boxes], [(a, b) for a, b, _ in edges])
    header = (f"subgraph {sub.index} ({sub.name or 'unnamed'}): {len(sub.operators)} operators"
              + (f", arena {sub.arena_bytes / 1024:.1f} KiB" if sub.arena_bytes is not None else "")
              + (f" — not planned: {' '.join(sub.plan_error.split())}" if sub.plan_error else ""))
    parts = [f'<g class="subgraph" id="subgraph{sub.index}">',
             f'<text class="section" x="{MARGIN:.1f}" y="{top + 18:.1f}">{escape(_cut_long(header))}</text>']
    origin_x, origin_y = MARGIN, top + 36
    parts.append('<g class="edges">')
    for (a, b, t), points in zip(edges, layout.edges):
        points = [(px + origin_x, py + origin_y) for px, py in points]
        tensor = sub.tensors[t]
        parts.append(f'<g class="edge" data-from="{boxes[a].node_id}" data-to="{boxes[b].node_id}">'
                     f'<title>{escape(_tensor_tooltip(tensor))}</title>'
                     f'<path d="{_path(points)}" marker-end="url(#arrow)"/>')
        (x0, y0), (x1, y1) = points[-2], points[-1]
        lx, ly = (x0 + x1) / 2 + 4, (y0 + y1) / 2 + 4
        label = escape(format_dims(tensor.shape, tensor.signature))
        parts.append(f'<text class="shape" x="{lx:.1f}" y="{ly:.1f}">{label}</text></g>')
    parts.append("</g>")
    for box, cx, y in zip(boxes, layout.x, layout.y):
        left, top_y = cx - box.width / 2 + origin_x, y + origin_y
        fill, stroke = STYLES[box.kind]
        rx = box.height / 2 if box.kind in ("input", "output") else 5
        width = 2.5 if box.kind == "unsupported" else 1.2
        parts.append(f'<g class="node {box.kind}" id="{box.node_id}"><title>{escape(box.tooltip)}</title>'
                     f'<rect x="{left:.1f}" y="{top_y:.1f}" width="{box.width:.1f}" height="{box.height:.1f}" '
                     f'rx="{rx:.1f}" fill="{fill}" stroke="{stroke}" stroke-width="{width}"/>'
                     f'{_text_lines(box, left, top_y)}</g>')
    parts.append("</g>")
    width = max(layout.width + 2 * MARGIN, len(header) * CHAR_WIDTH + 2 * MARGIN)
    return "".join(parts), width, 36 + layout.height


def _cut_long(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _legend(top: float) -> Tuple[str, float, float]:
    """The legend in rows of at most LEGEND_WIDTH; returns (markup, width, height)."""
    items = [(kind, label) for kind, label in LEGEND] + [(None, "edge label: tensor shape, ? = dynamic axis")]
    parts, x, y, widest = [], MARGIN, top, 0.0
    for kind, label in items:
        item_width = 28 + len(label) * CHAR_WIDTH + 22
        if x > MARGIN and x + item_width > MARGIN + LEGEND_WIDTH:
            x, y = MARGIN, y + 22
        if kind is not None:
            fill, stroke = STYLES[kind]
            rx = 7 if kind in ("input", "output") else 3
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="22" height="14" rx="{rx}" fill="{fill}" '
                         f'stroke="{stroke}" stroke-width="{2.5 if kind == "unsupported" else 1.2}"/>')
        else:
            parts.append(f'<path d="M{x:.1f},{y + 7:.1f} h22" stroke="#7a8699" stroke-width="1.3"/>')
        parts.append(f'<text x="{x + 28:.1f}" y="{y + 11:.1f}">{escape(label)}</text>')
        x += item_width
        widest = max(widest, x)
    return f'<g class="legend">{"".join(parts)}</g>', widest, y - top + 14


_STYLE = (
    "text{font-family:'DejaVu Sans Mono','Liberation Mono',Menlo,Consolas,monospace;font-size:12px;fill:#1d2430}"
    " .section{font-size:14px;font-weight:bold}"
    " .title{font-size:16px;font-weight:bold}"
    " .edge path{fill:none;stroke:#7a8699;stroke-width:1.3}"
    " .edge .shape,.shape{font-size:10px;fill:#5a6475;paint-order:stroke;stroke:#fff;stroke-width:3px}"
    " .edge.hot path{stroke:#d35400;stroke-width:2.4} .node.hot rect{stroke-width:3}"
)


def render_svg(graph: ModelGraph, title: Optional[str]) -> str:
    """One SVG with a title (None: none), the legend and each subgraph below the previous one."""
    pieces, widths = [], []
    top = MARGIN
    if title:
        pieces.append(f'<text class="title" x="{MARGIN:.1f}" y="{top + 14:.1f}">{escape(_cut_long(title))}</text>')
        top += 30
    if graph.load_error:
        note = "the interpreter refused this model; the graph is as the file states it: " + \
               " ".join(graph.load_error.split())
        pieces.append(f'<text x="{MARGIN:.1f}" y="{top + 11:.1f}" fill="#c0392b">{escape(_cut_long(note, 200))}</text>')
        top += 24
    legend, legend_width, legend_height = _legend(top)
    pieces.append(legend)
    widths.append(legend_width + MARGIN)
    top += legend_height + 24
    for sub in graph.subgraphs:
        markup, width, height = _draw_subgraph(graph, sub, top)
        pieces.append(markup)
        widths.append(width)
        top += height + SECTION_GAP
    width, height = max(widths), top
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}">'
            f'<style>{_STYLE}</style>'
            '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
            'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#7a8699"/></marker></defs>'
            f'<rect width="100%" height="100%" fill="#ffffff"/>{"".join(pieces)}</svg>\n')


def render_html(graph: ModelGraph, title: str) -> str:
    """The model graph as a standalone HTML page (the SVG drawing, with pan, zoom and hover) titled `title`."""
    from .html_page import page
    return page(render_svg(graph, None), title, graph)  # the page's header has the title
