"""Pictures of the chain: the model as a graph (graph.py), written as Mermaid or Graphviz text
(text.py) or drawn as SVG by the project itself (layout.py, svg.py), and put on cards
(on_cards.py)."""

from __future__ import annotations

from collections.abc import Callable

from chaincards.diagrams.graph import ChainGraph
from chaincards.diagrams.svg import render_svg
from chaincards.diagrams.text import to_dot, to_mermaid

RENDERERS: dict[str, Callable[[ChainGraph], str]] = {
    "mermaid": to_mermaid,
    "dot": to_dot,
    "svg": render_svg,
}
SUFFIXES = {".mmd": "mermaid", ".mermaid": "mermaid", ".dot": "dot", ".gv": "dot", ".svg": "svg"}
