"""The chain as a graph to draw: activities (and, on request, outside parties) as nodes, the
flows between them as edges labelled with what flows.

One edge per ordered pair of nodes, its artifacts merged: a picture with a line per artifact
is unreadable beyond a handful of activities. Every list is in a fixed order so that every
renderer gives the same bytes for the same notes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from chaincards.model import ALL, Model
from chaincards.model.export import all_flows
from chaincards.model.names import name_key

NodeKind = Literal["activity", "party"]

# An edge label longer than this is cut with an ellipsis: the full list is in the model.
LABEL_CHARS = 28


@dataclass(frozen=True)
class GraphNode:
    key: str  # stable identifier: letters, digits and underscores only
    label: str
    kind: NodeKind
    highlighted: bool = False


@dataclass(frozen=True)
class GraphEdge:
    source: str  # GraphNode.key
    target: str  # GraphNode.key
    artifacts: tuple[str, ...]  # sorted, at least one
    highlighted: bool = False

    @property
    def label(self) -> str:
        """The artifact when there is one, else how many flow along this edge."""
        if len(self.artifacts) > 1:
            return f"{len(self.artifacts)} flows"
        return shorten(self.artifacts[0])


@dataclass(frozen=True)
class ChainGraph:
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    title: str = ""

    def node(self, key: str) -> GraphNode:
        return next(n for n in self.nodes if n.key == key)


def shorten(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rstrip()
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0].rstrip(",;: ")
    return cut + "…"


def _key(prefix: str, index: int, name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:24]
    return f"{prefix}{index}_{slug}" if slug else f"{prefix}{index}"


def chain_graph(
    model: Model,
    *,
    parties: bool = False,
    activity: str | None = None,
    flow: tuple[str, str] | None = None,
    title: str = "",
) -> ChainGraph:
    """The graph of `model`. `activity` highlights one activity and its edges; `flow`
    (source name, target name) highlights that edge and its two ends."""
    keys = {a.name: _key("a", i, a.name) for i, a in enumerate(model.activities)}
    chosen = model.activity(activity) if activity else None
    flow_keys = _flow_keys(model, keys, flow)
    marked = set(flow_keys or ()) | ({keys[chosen.name]} if chosen else set())
    nodes = [
        GraphNode(keys[a.name], a.name, "activity", keys[a.name] in marked)
        for a in model.activities
    ]
    artifacts: dict[tuple[str, str], set[str]] = defaultdict(set)
    for item in all_flows(model):
        if item.source in keys and item.target in keys and item.source != item.target:
            artifacts[(keys[item.source], keys[item.target])].add(item.artifact)
    if parties:
        party_keys = _party_edges(model, keys, artifacts)
        nodes += [GraphNode(key, name, "party") for name, key in party_keys.items()]
    highlighted_key = keys.get(chosen.name) if chosen else None
    edges = [
        GraphEdge(
            source,
            target,
            tuple(sorted(names, key=name_key)),
            highlighted=(source, target) == flow_keys
            if flow_keys
            else highlighted_key in (source, target),
        )
        for (source, target), names in sorted(artifacts.items())
    ]
    return ChainGraph(tuple(nodes), tuple(edges), title)


def _flow_keys(
    model: Model, keys: dict[str, str], flow: tuple[str, str] | None
) -> tuple[str, str] | None:
    if flow is None:
        return None
    ends = [model.activity(name) for name in flow]
    if any(end is None for end in ends):
        return None
    return keys[ends[0].name], keys[ends[1].name]  # type: ignore[union-attr]


def _party_edges(
    model: Model, keys: dict[str, str], artifacts: dict[tuple[str, str], set[str]]
) -> dict[str, str]:
    """Edges between activities and outside parties, added to `artifacts`; the party keys."""
    party_keys = {p.name: _key("p", i, p.name) for i, p in enumerate(model.parties)}
    used: dict[str, str] = {}
    for activity in model.activities:
        for item in (*activity.inputs, *activity.outputs):
            for counterpart in item.counterparts:
                if counterpart.kind != "party" or counterpart.name == ALL:
                    continue
                party = party_keys.get(counterpart.name)
                if party is None:
                    continue
                used[counterpart.name] = party
                pair = (
                    (party, keys[activity.name])
                    if item.direction == "input"
                    else (keys[activity.name], party)
                )
                artifacts[pair].add(item.artifact)
    return {name: used[name] for name in party_keys if name in used}
