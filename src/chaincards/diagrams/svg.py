"""A ChainGraph drawn as a standalone SVG document, laid out by layout.py and labels.py.

The same graph always gives the same bytes: numbers have one decimal, the only id prefix is a
hash of the graph (unique enough when several pictures share an HTML page, where ids and the
<style> block are global), and nothing depends on time or chance.
"""

from __future__ import annotations

import hashlib
import re

from chaincards.diagrams.geometry import LABEL_FONT, LINE_HEIGHT, NODE_FONT, Box, Curve
from chaincards.diagrams.graph import ChainGraph, GraphEdge
from chaincards.diagrams.labels import Label
from chaincards.diagrams.layout import EdgeShape, Layout, NodeShape, TextLine, layout

INK = "#24292f"
HIGHLIGHT = "#c2410c"  # orange: apart from the blue activities and grey parties
EDGE = "#57606a"
DIM = "#c0c6cc"
# Classes are prefixed: an SVG inlined into an HTML page shares the page's stylesheet.
STYLE = f"""
.cc-chain {{ font-family: Arial, 'Liberation Sans', Helvetica, sans-serif; }}
.cc-bg {{ fill: #ffffff; stroke: #d0d7de; }}
.cc-node rect {{ fill: #eaf2fb; stroke: #2f5d8a; stroke-width: 1.5; }}
.cc-node text {{ fill: {INK}; font-size: {NODE_FONT:.0f}px; }}
.cc-party rect {{ fill: #f4f5f6; stroke: #6e7781; stroke-dasharray: 5 3; }}
.cc-party text {{ fill: #424a53; font-style: italic; }}
.cc-node.cc-hl rect {{ fill: #fff1e8; stroke: {HIGHLIGHT}; stroke-width: 3; }}
.cc-line {{ fill: none; stroke: {EDGE}; stroke-width: 1.4; }}
.cc-hit {{ fill: none; stroke: transparent; stroke-width: 10; }}
.cc-hl .cc-line {{ stroke: {HIGHLIGHT}; stroke-width: 2.6; }}
.cc-dim .cc-line {{ stroke: {DIM}; }}
.cc-label rect, .cc-badge circle {{ fill: #ffffff; fill-opacity: 0.94; stroke: #d0d7de; }}
.cc-label text, .cc-badge text, .cc-legend text {{ fill: {INK}; font-size: {LABEL_FONT:.0f}px; }}
.cc-hl rect, .cc-hl circle {{ stroke: {HIGHLIGHT}; }}
.cc-hl text {{ fill: #9a3412; }}
.cc-dim text {{ fill: #6e7781; }}
"""
# XML 1.0 forbids these characters even escaped; a stray one in a note must not break the file.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def render_svg(graph: ChainGraph) -> str:
    """The graph as an SVG document (a string, no XML declaration needed)."""
    lay = layout(graph)
    prefix = "cc" + hashlib.sha1(repr(graph).encode(), usedforsecurity=False).hexdigest()[:8]
    dim = any(n.highlighted for n in graph.nodes) or any(e.highlighted for e in graph.edges)
    v = lay.view
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="cc-chain" role="img" '
        f'width="{_n(v.w)}" height="{_n(v.h)}" viewBox="{_box(v)}">',
        f"<title>{esc(graph.title)}</title>" if graph.title else "",
        f"<style>{STYLE}</style>",
        _markers(prefix),
        f'<rect class="cc-bg" x="{_n(v.x)}" y="{_n(v.y)}" width="{_n(v.w)}" '
        f'height="{_n(v.h)}" rx="12"/>',
        '<g class="cc-edges">',
        *(_edge(graph, e, prefix, dim) for e in _drawing_order(lay.edges)),
        "</g>",
        '<g class="cc-nodes">',
        *(_node(n) for n in lay.nodes),
        "</g>",
        '<g class="cc-labels">',
        *(_label(graph, e, dim) for e in _drawing_order(lay.edges) if e.label),
        "</g>",
        _legend(lay),
        "</svg>",
    ]
    return "\n".join(p for p in parts if p) + "\n"


def esc(text: str) -> str:
    """Text safe inside an element or a double- or single-quoted attribute."""
    text = _NOT_XML.sub("", text)
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;")):
        text = text.replace(char, entity)
    return text.replace("'", "&apos;")


def _n(x: float) -> str:
    text = f"{x:.1f}"
    return "0.0" if text == "-0.0" else text


def _box(b: Box) -> str:
    return f"{_n(b.x)} {_n(b.y)} {_n(b.w)} {_n(b.h)}"


def _state(highlighted: bool, dim: bool) -> str:
    return " cc-hl" if highlighted else " cc-dim" if dim else ""


def _drawing_order(edges: tuple[EdgeShape, ...]) -> list[EdgeShape]:
    # Highlighted edges last, so no grey line or label is drawn across them.
    return sorted(edges, key=lambda e: e.edge.highlighted)


def _markers(prefix: str) -> str:
    # One marker per colour: `context-stroke` is not supported everywhere yet.
    markers = [
        f'<marker id="{prefix}-{name}" viewBox="0 0 10 10" refX="10" refY="5" '
        f'markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
        for name, colour in (("arrow", EDGE), ("arrow-hl", HIGHLIGHT), ("arrow-dim", DIM))
    ]
    return "<defs>" + "".join(markers) + "</defs>"


def _tooltip(graph: ChainGraph, edge: GraphEdge) -> str:
    head = f"{graph.node(edge.source).label} → {graph.node(edge.target).label}"
    return esc("\n".join([head, *(f"• {a}" for a in edge.artifacts)]))


def _path(c: Curve) -> str:
    (x0, y0), (x1, y1), (x2, y2) = c.start, c.control, c.end
    return f"M{_n(x0)},{_n(y0)} Q{_n(x1)},{_n(y1)} {_n(x2)},{_n(y2)}"


def _edge(graph: ChainGraph, shape: EdgeShape, prefix: str, dim: bool) -> str:
    e = shape.edge
    marker = "arrow-hl" if e.highlighted else "arrow-dim" if dim else "arrow"
    d = _path(shape.curve)
    return (
        f'<g class="cc-edge{_state(e.highlighted, dim)}" data-source="{esc(e.source)}" '
        f'data-target="{esc(e.target)}"><title>{_tooltip(graph, e)}</title>'
        f'<path class="cc-hit" d="{d}"/>'
        f'<path class="cc-line" d="{d}" marker-end="url(#{prefix}-{marker})"/></g>'
    )


def _node(shape: NodeShape) -> str:
    b, n = shape.box, shape.node
    cx, cy = b.centre
    step = NODE_FONT * LINE_HEIGHT
    first = cy - step * (len(shape.lines) - 1) / 2
    # 0.35em below the line's middle puts the text's visual middle there in every renderer.
    lines = "".join(
        f'<tspan x="{_n(cx)}" y="{_n(first + i * step + 0.35 * NODE_FONT)}">{esc(t)}</tspan>'
        for i, t in enumerate(shape.lines)
    )
    return (
        f'<g class="cc-node cc-{n.kind}{_state(n.highlighted, False)}" data-key="{esc(n.key)}">'
        f"<title>{esc(n.label)}</title>"
        f'<rect x="{_n(b.x)}" y="{_n(b.y)}" width="{_n(b.w)}" height="{_n(b.h)}" rx="8"/>'
        f'<text text-anchor="middle">{lines}</text></g>'
    )


def _label(graph: ChainGraph, shape: EdgeShape, dim: bool) -> str:
    label = shape.label
    assert label is not None
    state = _state(shape.edge.highlighted, dim)
    title = f"<title>{_tooltip(graph, shape.edge)}</title>"
    if label.badge is not None:
        return f'<g class="cc-badge{state}">{title}{_badge(label.box, label.badge)}</g>'
    return f'<g class="cc-label{state}">{title}{_text_box(label)}</g>'


def _text_box(label: Label) -> str:
    b = label.box
    cx, cy = b.centre
    return (
        f'<rect x="{_n(b.x)}" y="{_n(b.y)}" width="{_n(b.w)}" height="{_n(b.h)}" rx="3"/>'
        f'<text x="{_n(cx)}" y="{_n(cy + 0.35 * LABEL_FONT)}" text-anchor="middle">'
        f"{esc(label.text)}</text>"
    )


def _badge(b: Box, number: int) -> str:
    cx, cy = b.centre
    return (
        f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(b.w / 2)}"/>'
        f'<text x="{_n(cx)}" y="{_n(cy + 0.35 * LABEL_FONT)}" text-anchor="middle">{number}</text>'
    )


def _legend(lay: Layout) -> str:
    if not lay.legend:
        return ""
    entries = [
        f'<g class="cc-badge">{_badge(badge, i)}</g>{_line(line)}'
        for i, (badge, line) in enumerate(lay.legend, start=1)
    ]
    return '<g class="cc-legend">' + "".join(entries) + "</g>"


def _line(line: TextLine) -> str:
    b = line.box
    y = b.y + b.h / 2 + 0.35 * LABEL_FONT
    return f'<text x="{_n(b.x)}" y="{_n(y)}">{esc(line.text)}</text>'
