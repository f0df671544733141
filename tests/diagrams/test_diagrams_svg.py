"""The chain drawn as SVG (chaincards.diagrams.svg with layout.py, labels.py, geometry.py)."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chaincards.diagrams import labels as labels_module
from chaincards.diagrams.geometry import Box, Curve
from chaincards.diagrams.graph import ChainGraph, GraphEdge, GraphNode, chain_graph
from chaincards.diagrams.labels import place_labels
from chaincards.diagrams.layout import Layout, label_boxes, layout, wrap_label
from chaincards.diagrams.svg import render_svg
from chaincards.model import Model
from chaincards.pipeline import compile_vault

NOTES = Path(__file__).resolve().parents[2] / "notes"
NS = "{http://www.w3.org/2000/svg}"
ONE_DECIMAL = re.compile(r"-?\d+\.\d")


@pytest.fixture(scope="module")
def model() -> Model:
    return compile_vault([NOTES]).model


def graph_of(n: int, pairs: list[tuple[int, int]], *, names: list[str] | None = None) -> ChainGraph:
    nodes = tuple(
        GraphNode(f"a{i}", names[i] if names else f"Activity {i}", "activity") for i in range(n)
    )
    edges = tuple(GraphEdge(f"a{s}", f"a{t}", (f"Artifact {s} to {t}",)) for s, t in pairs)
    return ChainGraph(nodes, edges)


def complete(n: int) -> list[tuple[int, int]]:
    return [(s, t) for s in range(n) for t in range(n) if s != t]


def overlap(a: Box, b: Box) -> bool:
    """Written out again rather than trusting Box.intersects, which the layout itself uses."""
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h


def inside(box: Box, view: Box) -> bool:
    return (
        view.x <= box.x
        and view.y <= box.y
        and box.x + box.w <= view.x + view.w
        and box.y + box.h <= view.y + view.h
    )


def assert_readable(lay: Layout) -> None:
    texts = label_boxes(lay)
    nodes = [n.box for n in lay.nodes]
    for i, a in enumerate(texts):
        assert not any(overlap(a, b) for b in texts[i + 1 :]), f"label {a} overlaps a label"
        assert not any(overlap(a, b) for b in nodes), f"label {a} overlaps a node"
    for i, a in enumerate(nodes):
        assert not any(overlap(a, b) for b in nodes[i + 1 :]), f"node {a} overlaps a node"
    for box in texts + nodes:
        assert inside(box, lay.view), f"{box} outside {lay.view}"
    for shape in lay.edges:
        for x, y in shape.curve.points():
            assert lay.view.x <= x <= lay.view.x + lay.view.w
            assert lay.view.y <= y <= lay.view.y + lay.view.h


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    return root


def classes(element: ET.Element) -> set[str]:
    return set(element.get("class", "").split())


def groups(root: ET.Element, cls: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{NS}g") if cls in classes(g)]


def drawn_rect(group: ET.Element) -> Box:
    rect = group.find(f"{NS}rect")
    assert rect is not None
    return Box(*(float(rect.get(a, "nan")) for a in ("x", "y", "width", "height")))


def distance_to_border(p: tuple[float, float], b: Box) -> float:
    dx = max(b.x - p[0], 0.0, p[0] - (b.x + b.w))
    dy = max(b.y - p[1], 0.0, p[1] - (b.y + b.h))
    return math.hypot(dx, dy)


# -- the sample vault ----------------------------------------------------------------------


@pytest.mark.parametrize("parties", [False, True])
@pytest.mark.parametrize("activity", [None, "Plan"])
def test_sample_vault_labels_clear_of_each_other_and_of_nodes(
    model: Model, parties: bool, activity: str | None
) -> None:
    graph = chain_graph(model, parties=parties, activity=activity)
    assert len(graph.edges) >= 29  # the nearly complete chain this test is about
    lay = layout(graph)
    assert_readable(lay)
    # There is room for every label as text: no badge, no label lost.
    assert all(e.label is not None and e.label.badge is None for e in lay.edges)
    assert [e.label.text for e in lay.edges if e.label] == [e.label for e in graph.edges]
    # The same holds for the rectangles actually written to the document.
    root = parse(render_svg(graph))
    drawn = [drawn_rect(g) for g in groups(root, "cc-label")]
    nodes = [drawn_rect(g) for g in groups(root, "cc-node")]
    assert len(drawn) == len(graph.edges) and len(nodes) == len(graph.nodes)
    for i, a in enumerate(drawn):
        assert not any(overlap(a, b) for b in drawn[i + 1 :] + nodes)


def test_activities_go_clockwise_from_the_top_and_parties_round_them(model: Model) -> None:
    lay = layout(chain_graph(model, parties=True))
    centres = {n.node.key: n.box.centre for n in lay.nodes}
    activities = [n.node.key for n in lay.nodes if n.node.kind == "activity"]
    cx = sum(centres[k][0] for k in activities) / len(activities)
    cy = sum(centres[k][1] for k in activities) / len(activities)
    # Screen angles (y down): clockwise is increasing, the top is -90°.
    angles = [math.degrees(math.atan2(centres[k][1] - cy, centres[k][0] - cx)) for k in activities]
    assert angles[0] == pytest.approx(-90)
    turned = [(a - angles[0]) % 360 for a in angles]
    assert turned == sorted(turned) and len(set(turned)) == len(turned)
    # On an ellipse: the first activity at the top gives its height, the second its width.
    ry = cy - centres[activities[0]][1]
    rx = (centres[activities[1]][0] - cx) / math.cos(2 * math.pi / len(activities) - math.pi / 2)

    def ellipse(key: str) -> float:  # 1 on the activities' ellipse, more outside it
        return ((centres[key][0] - cx) / rx) ** 2 + ((centres[key][1] - cy) / ry) ** 2

    assert all(ellipse(k) == pytest.approx(1) for k in activities)
    parties = [n.node.key for n in lay.nodes if n.node.kind == "party"]
    assert parties and all(ellipse(k) > 1.5 for k in parties)


def test_sample_vault_is_the_same_bytes_every_time(model: Model) -> None:
    first = render_svg(chain_graph(model, parties=True, activity="Plan"))
    assert render_svg(chain_graph(model, parties=True, activity="Plan")) == first
    assert render_svg(chain_graph(model, parties=True)) != first


# -- the document --------------------------------------------------------------------------


def test_document_has_size_view_box_style_and_background() -> None:
    root = parse(render_svg(graph_of(3, complete(3))))
    x, y, w, h = (float(v) for v in root.get("viewBox", "").split())
    assert (float(root.get("width", "0")), float(root.get("height", "0"))) == (w, h)
    assert w > 100 and h > 100
    assert root.find(f"{NS}style") is not None
    background = root.find(f"{NS}rect")
    assert background is not None and "cc-bg" in classes(background)
    assert [float(background.get(a, "nan")) for a in ("x", "y", "width", "height")] == [x, y, w, h]


def test_title_only_when_the_graph_has_one() -> None:
    graph = graph_of(2, [(0, 1)])
    assert parse(render_svg(graph)).find(f"{NS}title") is None
    titled = ChainGraph(graph.nodes, graph.edges, "The value chain")
    root = parse(render_svg(titled))
    assert root[0].tag == f"{NS}title" and root[0].text == "The value chain"


def test_numbers_have_one_decimal() -> None:
    root = parse(render_svg(graph_of(5, complete(5))))
    for element in root.iter():
        for name in ("x", "y", "width", "height", "cx", "cy", "r"):
            value = element.get(name)
            assert value is None or ONE_DECIMAL.fullmatch(value), (element.tag, name, value)
        if element.get("d") and element.tag == f"{NS}path" and element.get("class"):
            numbers = re.findall(r"-?\d+(?:\.\d+)?", element.get("d", ""))
            assert numbers and all(ONE_DECIMAL.fullmatch(n) for n in numbers)
    assert "-0.0" not in render_svg(graph_of(5, complete(5)))


def test_text_is_escaped() -> None:
    nodes = (
        GraphNode("a0", 'R&D <team> "x"', "activity"),
        GraphNode("a1", "O'Brien & co", "activity"),
    )
    edges = (GraphEdge("a0", "a1", ("a<b> & \"c\" 'd'", "bell\x07 & tab\tok")),)
    svg = render_svg(ChainGraph(nodes, edges, 'Chain <"R&D">'))
    assert "<team>" not in svg and "\x07" not in svg
    root = parse(svg)
    assert root[0].text == 'Chain <"R&D">'
    node_texts = ["".join(g.itertext()) for g in groups(root, "cc-node")]
    assert node_texts == ['R&D <team> "x"' * 2, "O'Brien & co" * 2]  # the <title>, the text
    (edge,) = groups(root, "cc-edge")
    tooltip = edge.findtext(f"{NS}title") or ""
    assert "a<b> & \"c\" 'd'" in tooltip and "bell & tab\tok" in tooltip


# -- edges ---------------------------------------------------------------------------------


def test_every_edge_has_a_tooltip_listing_its_artifacts(model: Model) -> None:
    graph = chain_graph(model, parties=True)
    root = parse(render_svg(graph))
    drawn = {(g.get("data-source"), g.get("data-target")): g for g in groups(root, "cc-edge")}
    assert len(drawn) == len(graph.edges)
    for edge in graph.edges:
        tooltip = drawn[(edge.source, edge.target)].findtext(f"{NS}title") or ""
        head, *lines = tooltip.split("\n")
        assert head == f"{graph.node(edge.source).label} → {graph.node(edge.target).label}"
        assert lines == [f"• {a}" for a in edge.artifacts]


def test_edges_run_from_border_to_border_with_an_arrowhead() -> None:
    graph = graph_of(6, complete(6))
    lay = layout(graph)
    boxes = {n.node.key: n.box for n in lay.nodes}
    for shape in lay.edges:
        source, target = boxes[shape.edge.source], boxes[shape.edge.target]
        assert 0 < distance_to_border(shape.curve.start, source) <= 2
        assert 0 < distance_to_border(shape.curve.end, target) <= 2
    root = parse(render_svg(graph))
    markers = {m.get("id") for m in root.iter(f"{NS}marker")}
    lines = [p for p in root.iter(f"{NS}path") if "cc-line" in classes(p)]
    assert len(lines) == len(graph.edges)
    assert {re.sub(r"^url\(#(.+)\)$", r"\1", p.get("marker-end", "")) for p in lines} <= markers


def test_both_directions_between_a_pair_are_apart() -> None:
    lay = layout(graph_of(4, complete(4)))
    curves = {(e.edge.source, e.edge.target): e.curve for e in lay.edges}
    for (s, t), there in curves.items():
        back = curves[(t, s)]
        # Each bends to its own right, so near the middle they are well apart.
        for u in (0.3, 0.5, 0.7):
            gap = min(math.dist(there.at(u), p) for p in back.points(64))
            assert gap > (24 if u == 0.5 else 10), (s, t, u, gap)
        (x0, y0), (x1, y1), (x2, y2) = there.start, there.control, there.end
        assert (x2 - x0) * (y1 - y0) - (y2 - y0) * (x1 - x0) > 0  # right of travel, y down


def test_a_lone_edge_is_straight_and_clear_of_other_nodes() -> None:
    lay = layout(graph_of(6, [(0, 3)]))
    (shape,) = lay.edges
    (x0, y0), (x1, y1), (x2, y2) = shape.curve.start, shape.curve.control, shape.curve.end
    assert abs((x1 - x0) * (y2 - y0) - (y1 - y0) * (x2 - x0)) < 1e-6  # control on the chord
    others = [n.box for n in lay.nodes if n.node.key not in ("a0", "a3")]
    assert not any(b.contains(p) for p in shape.curve.points(64) for b in others)


# -- highlighting --------------------------------------------------------------------------


def test_highlighted_nodes_and_edges_stand_out_and_the_rest_is_dimmed(model: Model) -> None:
    graph = chain_graph(model, parties=True, activity="Plan")
    root = parse(render_svg(graph))
    hl = {(e.source, e.target) for e in graph.edges if e.highlighted}
    assert hl and len(hl) < len(graph.edges)
    for g in groups(root, "cc-edge"):
        pair = (g.get("data-source"), g.get("data-target"))
        assert ("cc-hl" in classes(g), "cc-dim" in classes(g)) == (pair in hl, pair not in hl)
        line = next(p for p in g if "cc-line" in classes(p))
        assert ("-arrow-hl)" in line.get("marker-end", "")) == (pair in hl)
    nodes = {g.get("data-key"): classes(g) for g in groups(root, "cc-node")}
    assert [k for k, c in nodes.items() if "cc-hl" in c] == ["a0_plan"]
    assert {k for k, c in nodes.items() if "cc-party" in c} == {
        n.key for n in graph.nodes if n.kind == "party"
    }
    style = root.findtext(f"{NS}style") or ""
    assert re.search(r"\.cc-hl \.cc-line \{[^}]*stroke-width: 2\.6", style)
    assert re.search(r"\.cc-party rect \{[^}]*stroke-dasharray", style)


def test_nothing_is_dimmed_without_a_highlight(model: Model) -> None:
    root = parse(render_svg(chain_graph(model, parties=True)))
    assert not [g for g in root.iter(f"{NS}g") if {"cc-dim", "cc-hl"} & classes(g)]


# -- sizes ---------------------------------------------------------------------------------


def test_no_nodes_one_node_and_two_nodes() -> None:
    for graph in (ChainGraph((), ()), graph_of(1, []), graph_of(2, [(0, 1)]), graph_of(2, [])):
        lay = layout(graph)
        assert_readable(lay)
        root = parse(render_svg(graph))
        assert len(groups(root, "cc-node")) == len(graph.nodes)
        assert len(groups(root, "cc-label")) == len(graph.edges)
    two = layout(graph_of(2, complete(2)))
    (a, b) = (n.box for n in two.nodes)
    assert a.x + a.w < b.x  # side by side


def test_the_canvas_grows_with_the_chain() -> None:
    small = layout(graph_of(6, complete(6))).view
    names = [f"Activity number {i} with a rather long name" for i in range(25)]
    pairs = [(i, (i + 1) % 25) for i in range(25)] + [(i, (i + 7) % 25) for i in range(0, 25, 3)]
    big = layout(graph_of(25, pairs, names=names))
    assert_readable(big)
    assert big.view.w > small.w and big.view.h > small.h
    assert all(e.label is not None for e in big.edges)


def test_long_node_labels_are_wrapped_over_two_lines() -> None:
    assert wrap_label("Plan") == ("Plan",)
    assert wrap_label("Design and transition") == ("Design and", "transition")
    first, second = wrap_label("A very long activity name that goes on and on forever")
    assert len(first) <= 22 and second.endswith("…")
    assert wrap_label("x" * 40) == ("x" * 21 + "…",)
    graph = graph_of(2, [(0, 1)], names=["Design and transition", "Plan"])
    (node, _) = groups(parse(render_svg(graph)), "cc-node")
    assert [t.text for t in node.iter(f"{NS}tspan")] == ["Design and", "transition"]
    box = layout(graph).nodes[0].box
    assert box.w >= len("Design and") * 13 * 0.6 and box.h > 2 * 13


def test_geometry_helpers() -> None:
    box = Box(0, 0, 10, 10)
    assert box.meets_segment((-5, 5), (15, 5)) and box.meets_segment((2, 2), (3, 3))
    assert not box.meets_segment((-5, -1), (15, -1)) and not box.meets_segment((11, 0), (20, 9))
    assert not box.meets_segment((-5, 4), (4, -5))  # passes by the corner
    curve = Curve((0.0, 0.0), (50.0, 40.0), (100.0, 0.0))
    piece = curve.part(0.25, 0.75)
    for u in (0.0, 0.3, 1.0):
        assert math.dist(piece.at(u), curve.at(0.25 + 0.5 * u)) < 1e-9


# -- the label search's fallbacks ----------------------------------------------------------


def test_place_labels_falls_back_to_a_badge_then_to_nothing() -> None:
    line = Curve((0.0, 0.0), (100.0, 0.0), (200.0, 0.0))
    # Everything but a 20 x 20 hole in the middle of the line is taken.
    walls = [Box(-500, -500, 1200, 490), Box(-500, 10, 1200, 500)]
    walls += [Box(-500, -10, 490, 20), Box(110, -10, 490, 20)]
    (label,) = place_labels([line], ["a label far too wide for the hole"], walls, [0])
    assert label is not None and label.badge == 1 and label.text.startswith("a label")
    assert not any(overlap(label.box, w) for w in walls)
    assert place_labels([line], ["x"], [Box(-1000, -1000, 2000, 2000)], [0]) == [None]


def no_room_for_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(labels_module, "_text_spots", lambda curve, w, h: iter(()))


def test_badges_are_explained_in_a_legend(monkeypatch: pytest.MonkeyPatch) -> None:
    no_room_for_text(monkeypatch)
    graph = graph_of(4, complete(4))
    lay = layout(graph)
    assert_readable(lay)
    numbers = [e.label.badge for e in lay.edges if e.label]
    assert numbers == list(range(1, len(graph.edges) + 1))
    root = parse(render_svg(graph))
    legend = "".join(groups(root, "cc-legend")[0].itertext())
    assert "1Activity 0 → Activity 1: Artifact 0 to 1" in legend
    assert len(groups(root, "cc-badge")) == 2 * len(graph.edges)  # on the edges, in the legend


def test_without_room_for_a_badge_only_the_tooltip_is_left(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    no_room_for_text(monkeypatch)
    monkeypatch.setattr(labels_module, "badge_size", lambda count: 5000.0)
    graph = graph_of(3, complete(3))
    assert all(e.label is None for e in layout(graph).edges)
    root = parse(render_svg(graph))
    assert not groups(root, "cc-label") and not groups(root, "cc-badge")
    assert all(g.findtext(f"{NS}title") for g in groups(root, "cc-edge"))


# -- any small graph -----------------------------------------------------------------------

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=40)


@st.composite
def graphs(draw: st.DrawFn) -> ChainGraph:
    activities = draw(st.integers(1, 12))
    parties = draw(st.integers(0, 3))
    names = draw(st.lists(TEXT, min_size=activities + parties, max_size=activities + parties))
    nodes = [GraphNode(f"a{i}", names[i], "activity") for i in range(activities)]
    nodes += [GraphNode(f"p{i}", names[activities + i], "party") for i in range(parties)]
    pairs = [(s, t) for s in range(len(nodes)) for t in range(len(nodes)) if s != t]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=40)) if pairs else []
    highlight = draw(st.booleans())
    edges = [
        GraphEdge(
            nodes[s].key,
            nodes[t].key,
            tuple(sorted(draw(st.lists(TEXT, min_size=1, max_size=3)))),
            highlight and s == 0,
        )
        for s, t in sorted(chosen)
    ]
    return ChainGraph(tuple(nodes), tuple(edges), draw(st.sampled_from(["", "T & <t>"])))


@settings(max_examples=60, deadline=None)
@given(graphs())
def test_any_small_graph_is_readable_parseable_and_deterministic(graph: ChainGraph) -> None:
    lay = layout(graph)
    assert_readable(lay)
    svg = render_svg(graph)
    root = parse(svg)
    assert len(groups(root, "cc-edge")) == len(graph.edges)
    assert len(groups(root, "cc-node")) == len(graph.nodes)
    assert render_svg(graph) == svg
