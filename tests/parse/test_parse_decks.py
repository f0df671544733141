"""Deck names (chaincards.decks)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chaincards.decks import DeckError, deck_for, top_level, validate_deck
from chaincards.document import NoteMeta, ParsedNote, SourceNote


@pytest.mark.parametrize(
    "deck",
    [
        "A",
        "A::B::C",
        "math::离散数学",
        "万国·英语::雅思::雅思词库积累",
        "Test::První soubor",
        "Straße",
        "sem2::A&W::bf",
        "06.danskOrdDic.丹麦语词典",
        "算法专项练习:链表",
        "1. Logik, Mengenlehre, Relationen",
        "🧠 Brain",
        "👨\u200d👩 family",
        "C846 - Business of IT::1_Introduction",
    ],
)
def test_valid_decks_are_kept_as_written(deck: str) -> None:
    assert validate_deck(deck) == (deck, [])


def test_single_colon_is_one_deck() -> None:
    assert top_level(validate_deck("算法专项练习:链表")[0]) == "算法专项练习:链表"


@pytest.mark.parametrize(
    ("value", "clean"),
    [
        ("A :: B", "A::B"),
        ("Digital Communication :: ⚠ Error Detection", "Digital Communication::⚠ Error Detection"),
        (" A", "A"),
        ("A ", "A"),
        ("A ::B", "A::B"),
        ("A\u00a0::B", "A::B"),
        ("A  B", "A B"),
    ],
)
def test_spaces_are_trimmed_with_a_warning(value: str, clean: str) -> None:
    name, notes = validate_deck(value)
    assert name == clean
    assert notes == [f"cards-deck {value!r} has surrounding spaces; using {clean!r}"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("A::::B", "has an empty part between '::'"),
        ("::A", "has an empty part between '::'"),
        ("A::", "has an empty part between '::'"),
        ("A:: ::B", "has an empty part between '::'"),
        ("::", "has no name, only separators"),
        (" :: ", "has no name, only separators"),
        ("", "is empty"),
        ("   ", "is empty"),
        ("a\tb", "contains control characters"),
        ("a\nb", "contains control characters"),
        ("a\x00b", "contains control characters"),
        ("x\u200bz", "contains control characters"),
        ('A"B', "contains a double quote, which Anki does not allow in deck names"),
    ],
)
def test_unusable_decks_raise(value: str, message: str) -> None:
    with pytest.raises(DeckError, match=f"^{message}$"):
        validate_deck(value)


def test_top_level() -> None:
    assert top_level("A::B::C") == "A"
    assert top_level("A") == "A"


def _note(deck: str | None, folder: str | None) -> ParsedNote:
    source = SourceNote("x/n.md", "Vault", "", 0, folder)
    return ParsedNote(source=source, title="n", meta=NoteMeta(deck=deck), blocks=(), cards=())


@pytest.mark.parametrize(
    ("deck", "folder", "expected"),
    [
        ("Course::Chapter", "ITIL 4::Value chain", "Course::Chapter"),
        (None, "ITIL 4::Value chain", "ITIL 4::Value chain"),
        (None, "emoji 📁::中文", "emoji 📁::中文"),
        (None, None, "Default"),
        (None, 'bad"folder', "Default"),
    ],
)
def test_deck_for(deck: str | None, folder: str | None, expected: str) -> None:
    assert deck_for(_note(deck, folder), "Default") == expected


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_validate_deck_is_idempotent(value: str) -> None:
    try:
        name, _ = validate_deck(value)
    except DeckError:
        return
    assert validate_deck(name) == (name, [])
    assert name == name.strip()
    assert all(part and part == part.strip() for part in name.split("::"))
