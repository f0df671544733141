"""Diagrams on cards (`build --diagrams`): each model card's answer shows the chain with the
activity it asks about, or the flow it asks about, highlighted.

One SVG per distinct highlight, named by a hash of its bytes, so the same notes always give
the same media names and bytes, and Anki's media folder holds each picture once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from html import escape

from chaincards.cards.card import CardNote
from chaincards.diagrams.graph import ChainGraph, chain_graph
from chaincards.model import Model

MEDIA_PREFIX = "chaincards-chain-"


def diagram_media_name(svg: bytes) -> str:
    return f"{MEDIA_PREFIX}{hashlib.sha256(svg).hexdigest()[:16]}.svg"


def _graph_for(model: Model, focus: tuple[str, ...]) -> ChainGraph:
    if len(focus) == 2:
        return chain_graph(model, flow=(focus[0], focus[1]), title=f"{focus[0]} → {focus[1]}")
    return chain_graph(model, activity=focus[0], title=focus[0])


def with_diagrams(
    cards: list[CardNote], model: Model, render: Callable[[ChainGraph], str]
) -> tuple[list[CardNote], dict[str, bytes]]:
    """The cards with a diagram at the end of their answer side, and the SVG files by name.

    Written cards have no focus and are left alone; so are reversed cards, whose back is a
    question too (the picture would give the answer away)."""
    names: dict[tuple[str, ...], str | None] = {}
    files: dict[str, bytes] = {}

    def media_name(focus: tuple[str, ...]) -> str | None:
        # Once per focus, not per card: `model.activity` scans the chain, drawing lays it out.
        if focus not in names:
            names[focus] = None
            if model.activity(focus[0]) is not None:
                svg = render(_graph_for(model, focus)).encode("utf-8")
                names[focus] = diagram_media_name(svg)
                files[diagram_media_name(svg)] = svg
        return names[focus]

    result: list[CardNote] = []
    for card in cards:
        name = media_name(card.focus) if card.focus and card.shape != "reverse" else None
        if name is None:
            result.append(card)
            continue
        label = escape(" → ".join(card.focus), quote=True)
        picture = f'<div class="cc-diagram"><img src="{name}" alt="value chain: {label}"></div>'
        result.append(replace(card, back=card.back + picture, media=(*card.media, name)))
    return result, files
