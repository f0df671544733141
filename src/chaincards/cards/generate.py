"""All cards of a vault: written cards from each note, then the cards the model teaches."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from chaincards.cards.card import CardNote
from chaincards.cards.facts import Vault
from chaincards.cards.flows import forward_cards, reverse_cards
from chaincards.cards.purpose import purpose_cards
from chaincards.cards.questions import (
    activity_flows,
    activity_questions,
    broadcast_questions,
    pair_questions,
    provider_questions,
)
from chaincards.cards.streams import stream_cards
from chaincards.cards.written import written_card_notes
from chaincards.decks import deck_for
from chaincards.diagnostics import Diagnostic
from chaincards.document import ParsedNote
from chaincards.model import Activity, Model
from chaincards.model.view import model_view

CARD_KINDS = ("written", "purpose", "flows", "inputs", "outputs", "streams")


def _activity_cards(activity: Activity, vault: Vault) -> list[CardNote]:
    """Purpose cards, and the questions about items naming parties, every step, or no one."""
    forward, reverse = activity_questions(activity)
    return [
        *purpose_cards(activity, vault),
        *(card for question in forward for card in forward_cards(question, vault)),
        *(card for question in reverse for card in reverse_cards(question, vault)),
    ]


def model_cards(model: Model, vault: Vault, kinds: Iterable[str]) -> list[CardNote]:
    """The cards the model teaches.

    `kinds` selects cards by their kind: `flows` the questions answered by one card, `inputs`
    and `outputs` the list cards, `purpose`, `streams`. An activity's own questions are made
    whatever the kinds (they hold cards of several), then filtered."""
    wanted = {kind for kind in CARD_KINDS if kind in set(kinds)}
    cards: list[CardNote] = []
    for activity in model.activities:
        cards += _activity_cards(activity, vault)
    if wanted & {"flows", "inputs", "outputs"}:
        for question in pair_questions(activity_flows(model)):
            cards += forward_cards(question, vault)
        for reverse in (*provider_questions(model), *broadcast_questions(model)):
            cards += reverse_cards(reverse, vault)
    if "streams" in wanted:
        for stream in model.value_streams:
            cards += stream_cards(stream, vault)
    return [card for card in cards if card.kind in wanted]


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
    # Model cards read only what the model may read (see model.view): the same model view
    # gives the same model cards, whatever the written cards say.
    vault = Vault({note.path: model_view(note) for note in notes}, default_deck, model)
    cards += model_cards(model, vault, wanted)
    return cards, diagnostics
