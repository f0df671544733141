"""All cards of a vault: written cards from each note, then the cards the model teaches."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from chaincards.cards.card import CardNote
from chaincards.cards.facts import Vault
from chaincards.cards.flows import activity_flow_cards, outside_flow_cards
from chaincards.cards.lists import list_cards
from chaincards.cards.purpose import purpose_cards
from chaincards.cards.streams import stream_cards
from chaincards.cards.written import written_card_notes
from chaincards.decks import deck_for
from chaincards.diagnostics import Diagnostic
from chaincards.document import ParsedNote
from chaincards.model import Model

CARD_KINDS = ("written", "purpose", "flows", "inputs", "outputs", "streams")


def model_cards(model: Model, vault: Vault, kinds: Iterable[str]) -> list[CardNote]:
    wanted = set(kinds)
    cards: list[CardNote] = []
    for activity in model.activities:
        if "purpose" in wanted:
            cards += purpose_cards(activity, vault)
        if "flows" in wanted:
            cards += outside_flow_cards(activity, vault)
        if "inputs" in wanted:
            cards += list_cards(activity, "input", vault)
        if "outputs" in wanted:
            cards += list_cards(activity, "output", vault)
    if "flows" in wanted:
        cards += activity_flow_cards(model.flows, vault)
    if "streams" in wanted:
        for stream in model.value_streams:
            cards += stream_cards(stream, vault)
    return cards


def all_cards(
    notes: list[ParsedNote],
    model: Model,
    default_deck: str,
    kinds: Iterable[str] = CARD_KINDS,
    media_mtimes: Mapping[str, int] | None = None,
) -> tuple[list[CardNote], list[Diagnostic]]:
    wanted = set(kinds)
    cards: list[CardNote] = []
    diagnostics: list[Diagnostic] = []
    if "written" in wanted:
        for note in notes:
            written, problems = written_card_notes(note, deck_for(note, default_deck), media_mtimes)
            cards += written
            diagnostics += problems
    vault = Vault({note.path: note for note in notes}, default_deck, model)
    cards += model_cards(model, vault, wanted)
    return cards, diagnostics
