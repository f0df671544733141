"""GUIDs carried across edits: a card the author edited, or whose note was renamed or moved,
keeps the GUID it had in the previous build, so Anki updates it and keeps its reviews.

A card's GUID comes from its note's path and its front (or its `^block-id`, which always
wins). When that identity changed, the previous build's manifest still knows the card: a new
GUID takes over a vanished one when both have the same kind and shape, their fronts are
similar, and they come from the same note file, or from a file gone from the vault and a new
file that took its place (same name elsewhere: a move; same folder: a rename). Pairs are made
best match first, each GUID at most once.

Every comparison is bounded, because a regenerated vault or an output folder reused for
another vault can leave tens of thousands of vanished cards: gone files are paired with new
files first, by the words of their fronts (one rename, one target), and cards are compared
only within a pair and, in big files, only with cards near the same place in the file.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from pathlib import PurePosixPath

from chaincards.anki.manifest import Entry, front_key
from chaincards.cards.card import CardNote, split_origin

# Share of the front that must stay, in words kept in order (in characters for fronts of a
# few words): one edited word in a short question still matches, a different question about
# the same thing, or two questions cut from one template (`what does X provide to Y`), do not.
SIMILAR = 0.6
SHORT_FRONT_WORDS = 4
# Share of the words of a gone file's fronts a new file must hold to be taken for it.
SIMILAR_FILE = 0.5
# Beyond this many cards on either side, a card is compared only with the cards around the
# same relative place in the other version of the file.
FULL_COMPARE = 64
WINDOW = 32
# Old cards per new card whose similarity is computed: those sharing most words.
SHORTLIST = 3
# Like git's rename limit: past this many (gone file, new file) pairs in one folder, renames
# are not looked for there (moves, same name elsewhere, still are).
RENAME_PAIRS = 10_000


@dataclass(frozen=True)
class _New:
    position: int  # in the card list
    guid: str
    front: str
    line: int


def similarity(first: str, second: str) -> float:
    """How much of two normalised fronts is the same: by words, or by characters when either
    has only a few words (one changed word of three is too coarse a step). Words, because
    characters cost up to a millisecond per pair of long fronts, too much for a vault whose
    every card changed."""
    first_words, second_words = first.split(), second.split()
    if min(len(first_words), len(second_words)) < SHORT_FRONT_WORDS:
        return SequenceMatcher(None, first, second, autojunk=False).ratio()
    return SequenceMatcher(None, first_words, second_words, autojunk=False).ratio()


def carry_guids(
    cards: list[CardNote], previous: dict[str, Entry], vault_files: set[str]
) -> list[CardNote]:
    """`cards` with new GUIDs replaced by the vanished GUIDs of the same cards."""
    current = {card.guid for card in cards}
    vanished = [e for guid, e in previous.items() if guid not in current]
    if not vanished:
        return cards
    old_by_file: dict[str, list[Entry]] = defaultdict(list)
    for entry in vanished:
        old_by_file[split_origin(entry.source)[0]].append(entry)
    new_by_file: dict[str, list[_New]] = defaultdict(list)
    for position, card in enumerate(cards):
        if card.guid not in previous:
            path, line = split_origin(card.origin)
            new_by_file[path].append(_New(position, card.guid, front_key(card), line))
    previous_files = {split_origin(e.source)[0] for e in previous.values()}
    pairs = [(path, path) for path in new_by_file if path in old_by_file]
    gone = sorted(path for path in old_by_file if path not in vault_files)
    arrived = sorted(path for path in new_by_file if path not in previous_files)
    pairs += _file_pairs(gone, arrived, old_by_file, new_by_file)
    candidates: list[tuple[float, str, str, int]] = []
    for old_path, new_path in pairs:
        candidates += _card_candidates(new_by_file[new_path], old_by_file[old_path], cards)
    taken: set[str] = set()
    result = list(cards)
    for _, old, new, position in sorted(candidates):
        if old in taken or result[position].guid != new:
            continue
        taken.add(old)
        result[position] = replace(result[position], guid=old)
    return result


def _words(fronts: Iterable[str]) -> Counter[str]:
    return Counter(word for front in fronts for word in front.split())


def _file_pairs(
    gone: list[str],
    arrived: list[str],
    old_by_file: dict[str, list[Entry]],
    new_by_file: dict[str, list[_New]],
) -> list[tuple[str, str]]:
    """Each gone file with the new file most like it among those of the same name or folder."""
    if not gone or not arrived:
        return []
    by_name: dict[str, list[str]] = defaultdict(list)
    by_folder: dict[str, list[str]] = defaultdict(list)
    for path in arrived:
        pure = PurePosixPath(path)
        by_name[pure.name].append(path)
        by_folder[str(pure.parent)].append(path)
    gone_per_folder = Counter(str(PurePosixPath(path).parent) for path in gone)
    words = {path: _words(e.front for e in old_by_file[path]) for path in gone}
    words |= {path: _words(n.front for n in new_by_file[path]) for path in arrived}
    scored: list[tuple[float, str, str]] = []
    for old in gone:
        pure = PurePosixPath(old)
        folder = str(pure.parent)
        targets = set(by_name.get(pure.name, ()))
        if gone_per_folder[folder] * len(by_folder.get(folder, ())) <= RENAME_PAIRS:
            targets.update(by_folder.get(folder, ()))
        for new in targets:
            # How much of the old file is in the new one: a note that moved and grew still
            # pairs; one-to-one, best first, keeps a big new file from taking every gone one.
            shared = sum((words[old] & words[new]).values())
            score = shared / max(sum(words[old].values()), 1)
            if score >= SIMILAR_FILE:
                scored.append((-score, old, new))
    pairs: list[tuple[str, str]] = []
    used: set[str] = set()
    for _, old, new in sorted(scored):
        if old not in used and new not in used:
            used.update((old, new))
            pairs.append((old, new))
    return pairs


def _card_candidates(
    new: list[_New], old: list[Entry], cards: list[CardNote]
) -> list[tuple[float, str, str, int]]:
    """(−score, old GUID, new GUID, position) for every similar enough pair of the same kind
    and shape. Each new card is scored only against the few old cards sharing most words
    with it (all of them for a front of a few words), and in big files only against the cards
    at about the same relative place."""
    old_sorted = sorted(old, key=lambda e: split_origin(e.source)[1])
    old_words = [frozenset(e.front.split()) for e in old_sorted]
    new_sorted = sorted(new, key=lambda n: n.line)
    full = len(old_sorted) <= FULL_COMPARE and len(new_sorted) <= FULL_COMPARE
    scale = len(old_sorted) / max(len(new_sorted), 1)
    found: list[tuple[float, str, str, int]] = []
    for rank, item in enumerate(new_sorted):
        card = cards[item.position]
        start, stop = 0, len(old_sorted)
        if not full:
            middle = int(rank * scale)
            start, stop = max(middle - WINDOW, 0), middle + WINDOW + 1
        words = frozenset(item.front.split())
        ranked = [
            (len(words & old_words[index]), -index)
            for index in range(start, min(stop, len(old_sorted)))
            if old_sorted[index].kind == card.kind and old_sorted[index].shape == card.shape
        ]
        # A front of a few words may share none with its corrected self (`Colour` → `Color`):
        # those are compared by characters with every card in reach, which is cheap for them.
        if len(words) >= SHORT_FRONT_WORDS:
            ranked = heapq.nlargest(SHORTLIST, ranked)
        for _, negative_index in ranked:
            entry = old_sorted[-negative_index]
            score = similarity(item.front, entry.front)
            if score >= SIMILAR:
                found.append((-score, entry.guid, item.guid, item.position))
    return found
