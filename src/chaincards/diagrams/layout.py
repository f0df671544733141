"""Where everything goes when svg.py draws a ChainGraph: node boxes, edge curves, labels.

Activities sit on an ellipse in model order, starting at the top and going clockwise; outside
parties on a wider ellipse, next to the activities they exchange with. Edges are quadratic
curves from border to border, bent to their right so that the two directions between a pair
never share a line. Labels are placed by labels.py, clear of every node box and arrowhead.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from chaincards.diagrams.geometry import (
    LABEL_FONT,
    LINE_HEIGHT,
    NODE_FONT,
    Box,
    Curve,
    Point,
    badge_size,
    bounds,
    label_size,
    text_width,
)
from chaincards.diagrams.graph import ChainGraph, GraphEdge, GraphNode, shorten
from chaincards.diagrams.labels import LABEL_GAP, Label, place_labels

NODE_PAD = (12.0, 8.0)
NODE_MIN_WIDTH = 72.0
NODE_LINE_CHARS = 16  # a longer node label is wrapped over two lines
NODE_MAX_LINE = 22  # and each of the two lines cut at this length
NODE_CLEARANCE = 6.0  # between a label and a node box: keeps arrowheads and borders visible
ARROW = 9.0  # arrowhead length, as drawn by svg.py's markers
ASPECT = 1.35  # ellipse width / height: screens and labels are wide
LABEL_ROOM = 10.0  # inner ellipse area per unit of label area: room for the label search
MARGIN = 20.0


@dataclass(frozen=True)
class NodeShape:
    node: GraphNode
    box: Box
    lines: tuple[str, ...]  # the label wrapped


@dataclass(frozen=True)
class EdgeShape:
    edge: GraphEdge
    curve: Curve  # from the source box's border to the target box's border
    label: Label | None  # None: no room even for a badge, only the tooltip is left


@dataclass(frozen=True)
class TextLine:
    box: Box
    text: str


@dataclass(frozen=True)
class Layout:
    view: Box  # the SVG viewBox: everything drawn is inside it
    nodes: tuple[NodeShape, ...]
    edges: tuple[EdgeShape, ...]
    legend: tuple[tuple[Box, TextLine], ...]  # a badge's circle and what its number stands for


def layout(graph: ChainGraph) -> Layout:
    wrapped = {n.key: wrap_label(n.label) for n in graph.nodes}
    sizes = {key: _node_size(lines) for key, lines in wrapped.items()}
    centres = _place_nodes(graph, sizes)
    boxes = {key: Box.around(centres[key], *sizes[key]) for key in centres}
    curves = _edge_curves(graph.edges, boxes)
    arrows = [_arrow_box(c) for c in curves]
    blocked = [b.inflate(NODE_CLEARANCE) for b in boxes.values()] + arrows
    labels = place_labels(curves, [e.label for e in graph.edges], blocked, _order(graph.edges))
    nodes = tuple(NodeShape(n, boxes[n.key], wrapped[n.key]) for n in graph.nodes)
    edges = tuple(
        EdgeShape(e, c, lab) for e, c, lab in zip(graph.edges, curves, labels, strict=True)
    )
    drawing = bounds([*boxes.values(), *arrows, *(lab.box for lab in labels if lab)], curves)
    legend = _legend(graph, edges, drawing)
    for _, line in legend:
        drawing = drawing.union(line.box)
    return Layout(drawing.inflate(MARGIN), nodes, edges, legend)


def label_boxes(lay: Layout) -> list[Box]:
    """Every box holding text other than a node's: edge labels, badges, legend."""
    boxes = [e.label.box for e in lay.edges if e.label]
    for badge, line in lay.legend:
        boxes += [badge, line.box]
    return boxes


def wrap_label(text: str) -> tuple[str, ...]:
    """One line, or two split at the space nearest the middle, each cut to NODE_MAX_LINE."""
    text = " ".join(text.split())
    spaces = [i for i, c in enumerate(text) if c == " "]
    if len(text) <= NODE_LINE_CHARS or not spaces:
        return (shorten(text, NODE_MAX_LINE),)
    cut = min(spaces, key=lambda i: (abs(len(text) / 2 - i), i))
    return shorten(text[:cut], NODE_MAX_LINE), shorten(text[cut + 1 :], NODE_MAX_LINE)


def _node_size(lines: tuple[str, ...]) -> tuple[float, float]:
    width = max(text_width(line, NODE_FONT) for line in lines) + 2 * NODE_PAD[0]
    return max(width, NODE_MIN_WIDTH), len(lines) * NODE_FONT * LINE_HEIGHT + 2 * NODE_PAD[1]


# -- nodes -----------------------------------------------------------------------------------


def _place_nodes(graph: ChainGraph, sizes: dict[str, tuple[float, float]]) -> dict[str, Point]:
    inner = [n.key for n in graph.nodes if n.kind == "activity"]
    outer = [n.key for n in graph.nodes if n.kind == "party"]
    if not inner:  # only parties: they take the inner ring
        inner, outer = outer, []
    ring_edges = [e for e in graph.edges if e.source in inner and e.target in inner]
    label_area = sum(_area(label_size(e.label)) for e in ring_edges)
    rx, ry = _ring_radii([sizes[k] for k in inner], label_area)
    angles = _ring_angles(len(inner))
    centres = {k: (rx * math.cos(a), ry * math.sin(a)) for k, a in zip(inner, angles, strict=True)}
    if outer:
        wanted = _party_angles(graph, outer, dict(zip(inner, angles, strict=True)))
        across = [label_size(e.label) for e in graph.edges if e not in ring_edges]
        ring = _Ring(
            rx,
            ry,
            largest=max((sizes[k] for k in inner), key=lambda size: size[0] * size[1]),
            label=(max([100.0, *(w for w, _ in across)]), label_size("")[1]),
        )
        centres.update(_place_parties(outer, wanted, sizes, centres, ring))
    return centres


def _area(size: tuple[float, float]) -> float:
    return (size[0] + 2 * LABEL_GAP) * (size[1] + 2 * LABEL_GAP)


def _ring_radii(sizes: list[tuple[float, float]], label_area: float) -> tuple[float, float]:
    n = len(sizes)
    if n <= 1:
        return 0.0, 0.0
    widest = max(w for w, _ in sizes)
    # Neighbours must clear each other even where the ellipse is narrowest.
    by_chord = (widest + 48) / (2 * math.sin(math.pi / n)) if n > 2 else widest
    by_area = math.sqrt(LABEL_ROOM * label_area / (math.pi * ASPECT))
    ry = max(by_chord, by_area, 80.0)
    return ry * ASPECT, ry


def _ring_angles(n: int) -> list[float]:
    # Two nodes read best side by side; more start at the top and go clockwise.
    start = math.pi if n == 2 else -math.pi / 2
    return [start + 2 * math.pi * i / n for i in range(n)]


def _party_angles(graph: ChainGraph, parties: list[str], inner: dict[str, float]) -> list[float]:
    """Each party's preferred angle: the mean direction of the activities it exchanges with, or
    its share of the ring when they lie all round it (no side of the ring is nearer) or when
    a lone activity sits in the middle."""
    wanted = []
    for i, key in enumerate(parties):
        ends = [inner[k] for e in graph.edges for k in _ends(e, key) if k in inner]
        x, y = sum(math.cos(a) for a in ends), sum(math.sin(a) for a in ends)
        if ends and len(inner) > 1 and math.hypot(x, y) >= 0.35 * len(ends):
            wanted.append(math.atan2(y, x))
        else:
            wanted.append(-math.pi / 2 + 2 * math.pi * (i + 0.5) / len(parties))
    return wanted


def _ends(edge: GraphEdge, key: str) -> tuple[str, ...]:
    """The other end of `edge` if `key` is one of its ends."""
    return (edge.target,) if edge.source == key else (edge.source,) if edge.target == key else ()


@dataclass(frozen=True)
class _Ring:
    """The activities' ellipse, seen from the parties outside it."""

    rx: float
    ry: float
    largest: tuple[float, float]  # the largest activity box
    label: tuple[float, float]  # the widest label on a party's edge, and a label's height

    def place(self, angle: float, size: tuple[float, float], room: float) -> Point:
        """A party's centre at `angle`: `room` plus its edge's label between the two boxes."""
        c, s = abs(math.cos(angle)), abs(math.sin(angle))
        # A label lies across an edge running sideways, and along one running up or down;
        # 0.7 of its width: the label search can also put it beside the edge.
        label = c * 0.7 * self.label[0] + s * 2 * self.label[1]
        gap = room + label + (_radial_extent(size, angle) + _radial_extent(self.largest, angle)) / 2
        return (self.rx + gap) * math.cos(angle), (self.ry + gap) * math.sin(angle)


def _place_parties(
    keys: list[str],
    wanted: list[float],
    sizes: dict[str, tuple[float, float]],
    fixed: dict[str, Point],
    ring: _Ring,
) -> dict[str, Point]:
    """Parties round the activities' ellipse, moved farther out until they clear each other
    and the nodes in `fixed`."""
    order = sorted(range(len(keys)), key=lambda i: (wanted[i] % (2 * math.pi), i))
    room = 30.0
    for _ in range(40):
        seps = [_tangent_extent(sizes[keys[i]], wanted[i]) for i in order]
        radius = min(ring.rx, ring.ry) + room
        angles = _spread([wanted[i] % (2 * math.pi) for i in order], seps, radius)
        if angles is not None:
            centres = {
                keys[i]: ring.place(a, sizes[keys[i]], room)
                for i, a in zip(order, angles, strict=True)
            }
            if not _overlapping({**fixed, **centres}, sizes):
                return centres
        room = room * 1.2 + 10
    raise RuntimeError("no room for the parties")  # unreachable: the room grows 10,000-fold


def _radial_extent(size: tuple[float, float], angle: float) -> float:
    """How far a box reaches along the ring's radius at `angle`."""
    return abs(math.cos(angle)) * size[0] + abs(math.sin(angle)) * size[1]


def _tangent_extent(size: tuple[float, float], angle: float) -> float:
    """How far a box reaches along the ring's tangent at `angle`."""
    return abs(math.sin(angle)) * size[0] + abs(math.cos(angle)) * size[1] + 24


def _spread(angles: list[float], extents: list[float], radius: float) -> list[float] | None:
    """Angles as near `angles` (sorted, within one turn) as the neighbours' extents allow, in
    the same order round the ring; None if they do not fit or do not settle."""
    n = len(angles)
    if n < 2:
        return list(angles)
    need = [(extents[i] + extents[(i + 1) % n]) / 2 / radius for i in range(n)]
    if sum(need) >= 2 * math.pi:
        return None
    pos = list(angles)
    for _ in range(1000):
        moved = False
        for i in range(n):
            j = (i + 1) % n
            gap = pos[j] - pos[i] + (2 * math.pi if j == 0 else 0.0)  # the last one wraps round
            if gap < need[i] - 1e-9:
                push = (need[i] - gap) / 2 + 1e-6
                pos[i], pos[j] = pos[i] - push, pos[j] + push
                moved = True
        if not moved:
            return pos
    return None


def _overlapping(centres: dict[str, Point], sizes: dict[str, tuple[float, float]]) -> bool:
    boxes = [Box.around(centres[k], *sizes[k]).inflate(8) for k in sorted(centres)]
    return any(a.intersects(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


# -- edges -----------------------------------------------------------------------------------


def _edge_curves(edges: Sequence[GraphEdge], boxes: dict[str, Box]) -> list[Curve]:
    pairs = {(e.source, e.target) for e in edges}
    return [
        _edge_curve(boxes[e.source], boxes[e.target], (e.target, e.source) in pairs, boxes)
        for e in edges
    ]


def _edge_curve(src: Box, dst: Box, both_ways: bool, boxes: dict[str, Box]) -> Curve:
    """The first bend that misses every other node; the least bad one if none does."""
    (px, py), (qx, qy) = src.centre, dst.centre
    length = math.hypot(qx - px, qy - py) or 1.0
    nx, ny = -(qy - py) / length, (qx - px) / length
    base = min(max(24.0, 0.14 * length), 60.0)
    # Both directions: bend each to its own right, so they separate. One: straight if it can.
    bends = (base, 1.8 * base, 2.8 * base) if both_ways else (0.0, base, -base, 2 * base, -2 * base)
    # Both directions also leave and enter off-centre, so their arrowheads do not meet.
    port = min(src.h, dst.h) / 4 if both_ways else 0.0
    start, end = (px + nx * port, py + ny * port), (qx + nx * port, qy + ny * port)
    others = [b.inflate(4) for b in boxes.values() if b not in (src, dst)]
    best: tuple[int, Curve] | None = None
    for bend in bends:
        control = ((px + qx) / 2 + nx * bend, (py + qy) / 2 + ny * bend)
        curve = _clip(Curve(start, control, end), src, dst)
        hits = sum(1 for p in curve.points() for b in others if b.contains(p))
        if best is None or hits < best[0]:
            best = (hits, curve)
        if hits == 0:
            break
    assert best is not None
    return best[1]


def _clip(curve: Curve, src: Box, dst: Box) -> Curve:
    """The part outside both boxes, so the arrowhead's tip touches the target's border."""
    a = _border_t(curve, src.inflate(1), 0.0, 1.0)
    b = _border_t(curve, dst.inflate(1.5), 1.0, 0.0)
    return curve.part(a, b) if a < b else curve


def _border_t(curve: Curve, box: Box, inside: float, outside: float) -> float:
    """Where the curve crosses the border of `box`, walking from t=inside towards t=outside."""
    steps = 64
    for i in range(1, steps + 1):
        t = inside + (outside - inside) * i / steps
        if not box.contains(curve.at(t)):
            lo, hi = inside + (outside - inside) * (i - 1) / steps, t
            for _ in range(30):
                mid = (lo + hi) / 2
                lo, hi = (mid, hi) if box.contains(curve.at(mid)) else (lo, mid)
            return hi
    return inside  # the boxes overlap: draw the whole curve rather than nothing


def _arrow_box(curve: Curve) -> Box:
    (ex, ey), (cx, cy) = curve.end, curve.control
    length = math.hypot(ex - cx, ey - cy) or 1.0
    back = (ex - (ex - cx) / length * ARROW / 2, ey - (ey - cy) / length * ARROW / 2)
    return Box.around(back, ARROW + 2, ARROW + 2)


def _order(edges: Sequence[GraphEdge]) -> list[int]:
    """Highlighted edges' labels first (they matter most), then the widest (hardest to fit)."""
    return sorted(
        range(len(edges)), key=lambda i: (not edges[i].highlighted, -len(edges[i].label), i)
    )


# -- the legend, under the drawing ----------------------------------------------------


def _legend(
    graph: ChainGraph, edges: Sequence[EdgeShape], drawing: Box
) -> tuple[tuple[Box, TextLine], ...]:
    entries = [
        f"{graph.node(e.edge.source).label} → {graph.node(e.edge.target).label}: {e.label.text}"
        for e in edges
        if e.label and e.label.badge
    ]
    if not entries:
        return ()
    diameter = badge_size(len(edges))
    column = max(text_width(t, LABEL_FONT) for t in entries) + diameter + 24
    columns = max(1, int(drawing.w // column))
    legend = []
    for i, text in enumerate(entries):
        x = drawing.x + (i % columns) * column
        y = drawing.bottom + 16 + (i // columns) * (diameter + 6)
        line = TextLine(
            Box(x + diameter + 6, y + 1, text_width(text, LABEL_FONT), diameter - 2), text
        )
        legend.append((Box(x, y, diameter, diameter), line))
    return tuple(legend)
