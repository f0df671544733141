"""Value stream cards: the sequence of activities with one step hidden per card."""

from __future__ import annotations

from chaincards.cards.card import CardNote
from chaincards.cards.facts import Vault, cloze, cloze_safe
from chaincards.model.types import ValueStream


def stream_cards(stream: ValueStream, vault: Vault) -> list[CardNote]:
    if len(stream.steps) < 2:
        return []
    # One cloze note, one deletion per step: Anki shows every other step on each card.
    # A step that comes back later shares its number, or the card would show its own answer.
    numbers: dict[str, int] = {}
    for step in stream.steps:
        numbers.setdefault(step, len(numbers) + 1)
    steps = " → ".join(cloze(numbers[step], step) for step in stream.steps)
    return [
        vault.card(
            kind="streams",
            identity=("value stream", stream.name),
            shape="cloze",
            front=f"Value stream <b>{cloze_safe(stream.name)}</b>:<br>{steps}",
            back="",
            path=stream.path,
            line=stream.line,
        )
    ]
