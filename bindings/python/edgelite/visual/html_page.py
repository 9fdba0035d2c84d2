"""One self-contained HTML page around the graph SVG: a summary, and a little inline script to pan (drag), zoom
(wheel, buttons) and light up a node's edges on hover. No external file, font or server is needed."""

from __future__ import annotations

from html import escape

from ..model_graph import ModelGraph

_CSS = """
html,body{margin:0;height:100%;font-family:system-ui,'DejaVu Sans',sans-serif;color:#1d2430;background:#f6f7f9}
header{padding:8px 14px;border-bottom:1px solid #d5d9e0;background:#fff}
header h1{font-size:16px;margin:0 0 4px 0} header p{margin:2px 0;font-size:13px}
header button{font-size:12px;margin-right:4px}
#view{position:absolute;top:var(--header,96px);left:0;right:0;bottom:0;overflow:hidden;cursor:grab;background:#fff}
#view.dragging{cursor:grabbing} #view svg{width:100%;height:100%;display:block}
"""

# The SVG keeps its own width and height as the "100%" scale; the script only moves its viewBox.
_SCRIPT = """
(function(){
  var view = document.getElementById('view'), svg = view.querySelector('svg');
  var full = {w: +svg.getAttribute('width'), h: +svg.getAttribute('height')};
  svg.removeAttribute('width'); svg.removeAttribute('height');
  var header = document.querySelector('header').offsetHeight + 'px';
  document.documentElement.style.setProperty('--header', header);
  var box = {x: 0, y: 0, w: 1, h: 1};
  function apply() { svg.setAttribute('viewBox', [box.x, box.y, box.w, box.h].join(' ')); }
  function actual() {  // scale 1 at the top of the graph, centred when narrower than the window
    box.w = view.clientWidth; box.h = view.clientHeight;
    box.x = Math.min(0, (full.w - box.w) / 2); box.y = 0; apply();
  }
  function fit() {
    var s = Math.max(full.w / view.clientWidth, full.h / view.clientHeight);
    box.w = view.clientWidth * s; box.h = view.clientHeight * s;
    box.x = (full.w - box.w) / 2; box.y = (full.h - box.h) / 2; apply();
  }
  function zoom(f, cx, cy) {  // by factor f, keeping the point under (cx, cy) where it is
    var r = view.getBoundingClientRect(), u = (cx - r.left) / r.width, v = (cy - r.top) / r.height;
    var px = box.x + u * box.w, py = box.y + v * box.h;
    box.w *= f; box.h *= f; box.x = px - u * box.w; box.y = py - v * box.h; apply();
  }
  function zoomCentre(f) { var r = view.getBoundingClientRect(); zoom(f, r.left + r.width / 2, r.top + r.height / 2); }
  view.addEventListener('wheel', function(e) {
    e.preventDefault(); zoom(e.deltaY > 0 ? 1.15 : 1 / 1.15, e.clientX, e.clientY);
  }, {passive: false});
  var drag = null;
  view.addEventListener('mousedown', function(e) {
    drag = {x: e.clientX, y: e.clientY, bx: box.x, by: box.y}; view.classList.add('dragging');
  });
  window.addEventListener('mouseup', function() { drag = null; view.classList.remove('dragging'); });
  window.addEventListener('mousemove', function(e) {
    if (!drag) return;
    var r = view.getBoundingClientRect();
    box.x = drag.bx - (e.clientX - drag.x) / r.width * box.w;
    box.y = drag.by - (e.clientY - drag.y) / r.height * box.h; apply();
  });
  document.getElementById('fit').onclick = fit;
  document.getElementById('actual').onclick = actual;
  document.getElementById('zoomin').onclick = function() { zoomCentre(1 / 1.25); };
  document.getElementById('zoomout').onclick = function() { zoomCentre(1.25); };
  svg.querySelectorAll('.node').forEach(function(n) {
    var edges = svg.querySelectorAll('.edge[data-from="' + n.id + '"],.edge[data-to="' + n.id + '"]');
    function mark(on) { n.classList.toggle('hot', on); edges.forEach(function(e) { e.classList.toggle('hot', on); }); }
    n.addEventListener('mouseenter', function() { mark(true); });
    n.addEventListener('mouseleave', function() { mark(false); });
  });
  window.addEventListener('resize', actual);
  actual();
})();
"""


def _summary(graph: ModelGraph) -> str:
    ops = sum(len(s.operators) for s in graph.subgraphs)
    unsupported = sum(1 for s in graph.subgraphs for op in s.operators if op.unsupported)
    parts = [f"{len(graph.subgraphs)} subgraph(s), {ops} operators"]
    if unsupported:
        parts.append(f"{unsupported} this build cannot run")
    if graph.delegate:
        parts.append(f"{len(graph.partitions)} partition(s) delegated to {graph.delegate}")
    for sig in graph.signatures:
        parts.append(f"signature '{sig.key}': {', '.join(sig.inputs)} → {', '.join(sig.outputs)}")
    return " · ".join(escape(p) for p in parts)


def page(svg: str, title: str, graph: ModelGraph) -> str:
    """A standalone HTML page holding `svg`, a header with `title` and a summary of `graph`, and the inline pan/zoom
    script."""
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(title)} — edgelite inspect</title><style>{_CSS}</style></head><body>"
            f"<header><h1>{escape(title)}</h1><p>{_summary(graph)}</p>"
            "<p><button id=\"actual\">100%</button><button id=\"fit\">fit</button>"
            "<button id=\"zoomin\">+</button><button id=\"zoomout\">−</button>"
            " drag to pan · wheel to zoom · hover a box or an edge for its tensors</p></header>"
            f"<div id=\"view\">{svg}</div><script>{_SCRIPT}</script></body></html>\n")
