"""Sequence cards: the stated sequence with one step hidden per card, named as the notes name
it (`Pathway Aerobic respiration`, `Value stream Onboarding`, `Route Strip`)."""

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
    kind = stream.kind[:1].upper() + stream.kind[1:]
    name = f" <b>{cloze_safe(stream.name)}</b>" if stream.name else ""
    return [
        vault.card(
            kind="streams",
            # An unnamed sequence is known by its steps.
            identity=("value stream", stream.name or " → ".join(stream.steps)),
            shape="cloze",
            front=f"{cloze_safe(kind)}{name}:<br>{steps}",
            back="",
            answers=tuple(dict.fromkeys(stream.steps)),
            path=stream.path,
            line=stream.line,
        )
    ]
