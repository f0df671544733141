"""All cards of a vault: written cards from each note, then the cards the model teaches."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import partial

from chaincards.cards.card import CardNote
from chaincards.cards.facts import Vault
from chaincards.cards.flows import flow_groups, outside_flow_cards, pair_flow_cards, provider_cards
from chaincards.cards.lists import list_cards
from chaincards.cards.memo import CardMemo
from chaincards.cards.purpose import purpose_cards
from chaincards.cards.streams import stream_cards
from chaincards.cards.written import written_card_notes
from chaincards.decks import deck_for
from chaincards.diagnostics import Diagnostic
from chaincards.document import ParsedNote
from chaincards.model import Activity, Model

CARD_KINDS = ("written", "purpose", "flows", "inputs", "outputs", "streams")


def _activity_cards(activity: Activity, vault: Vault, wanted: tuple[str, ...]) -> list[CardNote]:
    cards: list[CardNote] = []
    if "purpose" in wanted:
        cards += purpose_cards(activity, vault)
    if "flows" in wanted:
        cards += outside_flow_cards(activity, vault)
    if "inputs" in wanted:
        cards += list_cards(activity, "input", vault)
    if "outputs" in wanted:
        cards += list_cards(activity, "output", vault)
    return cards


def model_cards(
    model: Model, vault: Vault, kinds: Iterable[str], memo: CardMemo | None = None
) -> list[CardNote]:
    """The cards the model teaches; with a memo, units whose facts are unchanged are reused."""
    memo = memo or CardMemo()
    wanted = tuple(kind for kind in CARD_KINDS if kind in set(kinds))
    cards: list[CardNote] = []
    for activity in model.activities:
        make = partial(_activity_cards, activity, vault, wanted)
        cards += memo.cards(vault, ("activity", wanted, activity), make)
    if "flows" in wanted:
        by_pair, by_target_artifact = flow_groups(model.flows)
        for pair in by_pair.values():
            cards += memo.cards(vault, ("pair", pair), partial(pair_flow_cards, pair, vault))
        for group in by_target_artifact.values():
            make = partial(provider_cards, group, vault)
            cards += memo.cards(vault, ("provider", group), make)
    if "streams" in wanted:
        for stream in model.value_streams:
            make = partial(stream_cards, stream, vault)
            cards += memo.cards(vault, ("stream", stream), make)
    return cards


def all_cards(
    notes: list[ParsedNote],
    model: Model,
    default_deck: str,
    kinds: Iterable[str] = CARD_KINDS,
    media_mtimes: Mapping[str, int] | None = None,
    memo: CardMemo | None = None,
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
    cards += model_cards(model, vault, wanted, memo)
    return cards, diagnostics
