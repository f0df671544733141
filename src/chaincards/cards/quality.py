"""The card-quality report: cards per kind, suppressed duplicates, fronts that give their answer."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from chaincards.cards.card import CardNote
from chaincards.cards.guid import normalise_key
from chaincards.obsidian.cloze import strip_cloze_markers

_CLOZE = re.compile(r"\{\{c(\d+)::((?:(?!\{\{|\}\}).)*?)(?:::((?:(?!\{\{|\}\}).)*?))?\}\}")


@dataclass
class QualityReport:
    by_kind: Counter[str] = field(default_factory=Counter)
    suppressed_duplicates: int = 0
    self_answering: list[str] = field(default_factory=list)  # origins of offending cards

    def to_json(self) -> dict[str, object]:
        return {
            "cards_by_kind": dict(sorted(self.by_kind.items())),
            "suppressed_duplicates": self.suppressed_duplicates,
            "self_answering": sorted(self.self_answering),
        }


def _contains(haystack: str, needle: str) -> bool:
    needle = normalise_key(needle)
    if len(needle) <= 2:
        return False
    if haystack.isascii() and max(needle.split(), key=len) not in haystack.lower():
        # Every word of an ASCII haystack's key is a substring of the lower-cased haystack, so
        # a needle word missing there cannot be in the key: skip normalising the haystack.
        return False
    return f" {needle} " in f" {normalise_key(haystack)} "


def _numbers(text: str) -> set[str]:
    return {m.group(1) for m in _CLOZE.finditer(text)}


def _cloze_gives_away(text: str, number: str) -> bool:
    hidden = [m.group(2) for m in _CLOZE.finditer(text) if m.group(1) == number]
    # Anki shows a hidden deletion's hint (`{{c1::answer::hint}}`) on the question.
    visible = _CLOZE.sub(lambda m: (m.group(3) or "") if m.group(1) == number else m.group(2), text)
    return any(_contains(strip_cloze_markers(visible), h) for h in hidden)


def gives_away_answer(card: CardNote) -> bool:
    """True when a question shows its own answer (the learner has nothing left to recall)."""
    if card.shape == "cloze":
        return any(_cloze_gives_away(card.front, number) for number in _numbers(card.front))
    if _contains(card.front, card.back):
        return True
    return card.shape == "reverse" and _contains(card.back, card.front)


def quality_report(
    cards: list[CardNote],
    suppressed: int,
    known: Mapping[int, tuple[CardNote, bool]] | None = None,
) -> QualityReport:
    """`known`: verdicts found earlier, by id() of the card (which it holds, so the id stays
    its own), e.g. remembered with the card from the last build."""
    known = known or {}

    def shows_answer(card: CardNote) -> bool:
        found = known.get(id(card))
        return found[1] if found is not None and found[0] is card else gives_away_answer(card)

    report = QualityReport(Counter(card.kind for card in cards), suppressed)
    report.self_answering = [card.origin for card in cards if shows_answer(card)]
    return report
