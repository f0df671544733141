"""GUIDs carried across edits: a card the author edited, or whose note was renamed or moved,
keeps the GUID it had in the previous build, so Anki updates it and keeps its reviews.

A card's GUID comes from its note's path and its front (or its `^block-id`, which always
wins). When that identity changed, the previous build's manifest still knows the card: a new
GUID takes over a vanished one when both have the same kind and shape, their fronts are
similar, and they come from the same note file, or the old file is gone from the vault (a
rename or a move). Pairs are made best match first, each GUID at most once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from difflib import SequenceMatcher
from pathlib import PurePosixPath

from chaincards.anki.manifest import Entry, front_key
from chaincards.cards.card import CardNote

# Share of the front that must stay: one edited word in a short question still matches, a
# different question about the same thing does not.
SIMILAR = 0.6


def _path(origin: str) -> str:
    return origin.rpartition(":")[0] or origin


def similarity(first: str, second: str) -> float:
    return SequenceMatcher(None, first, second, autojunk=False).ratio()


def carry_guids(
    cards: list[CardNote], previous: dict[str, Entry], vault_files: set[str]
) -> list[CardNote]:
    """`cards` with new GUIDs replaced by the vanished GUIDs of the same cards."""
    current = {card.guid for card in cards}
    vanished = [e for guid, e in previous.items() if guid not in current]
    if not vanished:
        return cards
    # Where a vanished card may have gone: its own file, or, when that file is gone, a file
    # of the same name (moved) or in the same folder (renamed). Indexes keep this linear.
    same_file: dict[tuple[str, str, str], list[Entry]] = defaultdict(list)
    gone_by_name: dict[tuple[str, str, str], list[Entry]] = defaultdict(list)
    gone_by_folder: dict[tuple[str, str, str], list[Entry]] = defaultdict(list)
    for entry in vanished:
        old = PurePosixPath(_path(entry.source))
        same_file[(entry.kind, entry.shape, str(old))].append(entry)
        if str(old) not in vault_files:
            gone_by_name[(entry.kind, entry.shape, old.name)].append(entry)
            gone_by_folder[(entry.kind, entry.shape, str(old.parent))].append(entry)
    candidates: list[tuple[float, str, str, int]] = []
    for position, card in enumerate(cards):
        if card.guid in previous:
            continue
        path = PurePosixPath(_path(card.origin))
        entries = {
            e.guid: e
            for index, key in (
                (same_file, str(path)),
                (gone_by_name, path.name),
                (gone_by_folder, str(path.parent)),
            )
            for e in index.get((card.kind, card.shape, key), ())
        }
        if not entries:
            continue
        front = front_key(card)
        for entry in entries.values():
            score = similarity(front, entry.front)
            if score >= SIMILAR:
                candidates.append((-score, entry.guid, card.guid, position))
    taken: set[str] = set()
    result = list(cards)
    for _, old, new, position in sorted(candidates):
        if old in taken or result[position].guid != new:
            continue
        taken.add(old)
        result[position] = replace(result[position], guid=old)
    return result
