"""Deck names: validation of `cards-deck` and the fallback rules when a note has none."""

from __future__ import annotations

import re
import unicodedata

from chaincards.document import ParsedNote

SEPARATOR = "::"
# obsidian-to-anki's deck directive: `TARGET DECK: A::B`, or the name on the line after it.
TARGET_DECK = re.compile(r"^\s*target deck\b:?\s*(.*)$", re.IGNORECASE)


class DeckError(ValueError):
    pass


def validate_deck(value: str) -> tuple[str, list[str]]:
    """A clean deck name and warnings about what was tidied, or DeckError when it is unusable.

    Spaces around `::` and at the ends are trimmed with a warning (real vaults write
    `A :: B`); empty parts (`A::::B`, `::A`) are errors because the intended tree is unclear.
    A single `:` or a `.` is an ordinary character: `算法专项练习:链表` is one deck.
    """
    if any(unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\u200d" for ch in value):
        raise DeckError("contains control characters")
    if '"' in value:
        raise DeckError("contains a double quote, which Anki does not allow in deck names")
    notes: list[str] = []
    raw_parts = value.split(SEPARATOR)
    parts = [" ".join(part.split()) for part in raw_parts]
    if not any(parts):
        raise DeckError("has no name, only separators" if SEPARATOR in value else "is empty")
    if any(not part for part in parts):
        raise DeckError("has an empty part between '::'")
    name = SEPARATOR.join(parts)
    if name != value:
        notes.append(f"cards-deck {value!r} has surrounding spaces; using {name!r}")
    return name, notes


def deck_for(note: ParsedNote, default_deck: str) -> str:
    """`cards-deck`, else the note's folder inside the vault, else the default deck."""
    if note.meta.deck:
        return note.meta.deck
    if note.source.folder_deck:
        return valid_deck_or(note.source.folder_deck, default_deck)
    return default_deck


def valid_deck_or(name: str, fallback: str) -> str:
    """`name` as a clean deck name, or `fallback` when it cannot be one (a folder name)."""
    try:
        return validate_deck(name)[0]
    except DeckError:
        return fallback


def top_level(deck: str) -> str:
    return deck.split(SEPARATOR, 1)[0]
