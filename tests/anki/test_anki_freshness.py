"""The digest that decides whether a package is written again covers every card field that
reaches the package or its manifest, and nothing the writer never shows."""

from __future__ import annotations

from dataclasses import fields, replace
from pathlib import Path

import pytest

from ankitools import card_note
from chaincards.anki.freshness import inputs_digest
from chaincards.cards.card import CardNote

WRITTEN = ["guid", "shape", "front", "back", "context", "source", "deck", "tags", "mod", "kind"]
WRITTEN += ["origin", "media", "own_guid"]
NOT_WRITTEN = ["focus", "answers", "names", "dated_by"]


def _other(card: CardNote, name: str) -> CardNote:
    value = getattr(card, name)
    if name == "shape":
        return replace(card, shape="reverse" if card.shape != "reverse" else "basic")
    if isinstance(value, int):
        return replace(card, **{name: value + 1})
    if isinstance(value, tuple):
        return replace(card, **{name: (*value, "more")})
    return replace(card, **{name: value + " more"})


def test_every_field_is_either_written_or_not() -> None:
    assert sorted(WRITTEN + NOT_WRITTEN) == sorted(f.name for f in fields(CardNote))


@pytest.mark.parametrize("name", WRITTEN)
def test_a_written_field_changes_the_digest(tmp_path: Path, name: str) -> None:
    card = card_note("cc1", front="Q", back="A", mod=100)
    assert inputs_digest([card], tmp_path) != inputs_digest([_other(card, name)], tmp_path)


@pytest.mark.parametrize("name", NOT_WRITTEN)
def test_a_field_the_writer_never_shows_does_not(tmp_path: Path, name: str) -> None:
    card = card_note("cc1", front="Q", back="A", mod=100)
    assert inputs_digest([card], tmp_path) == inputs_digest([_other(card, name)], tmp_path)


def test_the_same_text_split_differently_between_fields_differs(tmp_path: Path) -> None:
    one = card_note("cc1", front="Q A", back="", mod=100)
    two = card_note("cc1", front="Q", back=" A", mod=100)
    assert inputs_digest([one], tmp_path) != inputs_digest([two], tmp_path)
