"""The chain graph as diagram text: Mermaid (renders in Obsidian and on GitHub, so a learner
can paste it into a note) and Graphviz DOT (for `dot`, when a user has it)."""

from __future__ import annotations

from chaincards.diagrams.graph import ChainGraph, GraphEdge

HIGHLIGHT = "#c2410c"
HIGHLIGHT_FILL = "#ffedd5"


def _mermaid_text(text: str) -> str:
    """Text inside a quoted Mermaid label: line breaks as spaces (a label is one line); as
    Mermaid entities the quote, the entity sign, `%` (`%%{` anywhere opens a directive) and
    the backtick (a leading one opens a markdown string)."""
    text = " ".join(text.split())
    for sign, entity in (("#", "#35;"), ('"', "#quot;"), ("%", "#37;"), ("`", "#96;")):
        text = text.replace(sign, entity)
    return text


def _edge_title(edge: GraphEdge) -> str:
    return "; ".join(edge.artifacts)


def to_mermaid(graph: ChainGraph) -> str:
    lines = ["flowchart LR"]
    if graph.title:
        lines.append(f"    %% {' '.join(graph.title.split())}")
    for node in graph.nodes:
        label = _mermaid_text(node.label)
        # A stadium shape marks an outside party, a rounded box an activity.
        shape = f'(["{label}"])' if node.kind == "party" else f'("{label}")'
        lines.append(f"    {node.key}{shape}")
    for edge in graph.edges:
        lines.append(f'    {edge.source} -->|"{_mermaid_text(edge.label)}"| {edge.target}')
    lines.append("    classDef party stroke-dasharray: 4 3")
    lines.append(
        f"    classDef highlight fill:{HIGHLIGHT_FILL},stroke:{HIGHLIGHT},stroke-width:3px"
    )
    parties = [n.key for n in graph.nodes if n.kind == "party"]
    if parties:
        lines.append(f"    class {','.join(parties)} party")
    marked = [n.key for n in graph.nodes if n.highlighted]
    if marked:
        lines.append(f"    class {','.join(marked)} highlight")
    marked_edges = [str(i) for i, edge in enumerate(graph.edges) if edge.highlighted]
    if marked_edges:
        lines.append(f"    linkStyle {','.join(marked_edges)} stroke:{HIGHLIGHT},stroke-width:3px")
    return "\n".join(lines) + "\n"


def _dot_string(text: str) -> str:
    text = " ".join(text.split())
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(graph: ChainGraph) -> str:
    lines = ["digraph chain {"]
    if graph.title:
        lines.append(f"    label={_dot_string(graph.title)};")
        lines.append("    labelloc=t;")
    lines.append('    rankdir=LR; nodesep=0.4; ranksep=1.1; fontname="Helvetica";')
    lines.append(
        '    node [shape=box, style="rounded,filled", fillcolor="#eef2ff", fontname="Helvetica"];'
    )
    lines.append('    edge [fontname="Helvetica", fontsize=10, color="#64748b"];')
    for node in graph.nodes:
        attributes = [f"label={_dot_string(node.label)}"]
        if node.kind == "party":
            attributes.append('style="rounded,dashed"')
        if node.highlighted:
            attributes.append(f'color="{HIGHLIGHT}", fillcolor="{HIGHLIGHT_FILL}", penwidth=2.5')
        lines.append(f"    {node.key} [{', '.join(attributes)}];")
    for edge in graph.edges:
        attributes = [
            f"label={_dot_string(edge.label)}",
            f"tooltip={_dot_string(_edge_title(edge))}",
        ]
        if edge.highlighted:
            attributes.append(f'color="{HIGHLIGHT}", penwidth=2.5')
        lines.append(f"    {edge.source} -> {edge.target} [{', '.join(attributes)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
