"""GUIDs kept across edits: a card keeps its review history in Anki as long as Anki sees the
same GUID, so every card gets the GUID the cards it continues had.

A card's own GUID comes from its identity (written cards: note path, shape and front, or a
`^block-id`; model cards: the fact). The previous build's manifests decide, in this order:

1. **Identity.** A card whose identity an entry records (live, or retired: a card deleted and
   restored) takes that entry's GUID. A card whose own GUID another identity of this build
   holds (an old wording used again for a new card) gets a GUID of its own instead of taking
   the other card's history.
2. **The same card elsewhere.** A vanished card and a new one with the same kind, shape, front
   and (for a cloze) hidden text, each the only one of its kind on both sides, are one card
   that moved to another note (a note split, two notes merged).
3. **An edited card.** A new GUID takes over a vanished one when both have the same kind and
   shape, similar fronts (and similar hidden texts for a cloze), and they come from the same
   note file, or from a file gone from the vault and a new file that took its place (same name
   elsewhere: a move; same folder: a rename). Best match first; when a card is as close to two
   others as to one, nothing is moved: it is new, and the other is reported removed.

Every comparison is bounded, because a regenerated vault or an output folder reused for
another vault can leave tens of thousands of vanished cards: gone files are paired with new
files first, by the words of their fronts (one rename, one target), and cards are compared
only within a pair and, in big files, only with cards near the same place in the file.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from itertools import groupby
from pathlib import PurePosixPath

from chaincards.anki.manifest import Entry, asks_key, front_key
from chaincards.cards.card import CardNote, split_origin
from chaincards.cards.guid import card_guid

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
# Old cards per new card whose similarity is computed: those sharing most of their words.
SHORTLIST = 3
# Like git's rename limit: past this many (gone file, new file) pairs in one folder, renames
# are not looked for there; past this many of one file name (`index.md` in every folder of a
# renamed tree), moves of that name are not either. Step 2 still pairs cards word for word.
RENAME_PAIRS = 10_000


@dataclass(frozen=True)
class _New:
    position: int  # in the card list
    guid: str
    front: str
    line: int
    asks: str


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
    cards: list[CardNote],
    previous: dict[str, Entry],
    vault_files: set[str],
    retired: Mapping[str, Entry] | None = None,
) -> list[CardNote]:
    """`cards` with the GUIDs of the cards they continue (see the module's text). `previous`:
    the last build's entries; `retired`: the entries of cards earlier builds no longer made."""
    result, new = _claim_identities(cards, previous, retired or {})
    current = {card.guid for card in result}
    vanished = [e for guid, e in previous.items() if guid not in current]
    if not vanished or not new:
        return result
    new_items: list[_New] = []
    for position in new:
        card = result[position]
        line = split_origin(card.origin)[1]
        new_items.append(_New(position, card.guid, front_key(card), line, asks_key(card)))
    pairs = _same_elsewhere(new_items, vanished, result)
    moved = {new_guid for _, new_guid, _ in pairs} | {old for old, _, _ in pairs}
    pairs += _edited(new_items, vanished, moved, result, previous, vault_files)
    for old, _, position in pairs:
        card = result[position]
        result[position] = replace(card, guid=old, own_guid=card.guid)
    return result


def _claim_identities(
    cards: list[CardNote], previous: dict[str, Entry], retired: Mapping[str, Entry]
) -> tuple[list[CardNote], list[int]]:
    """Step 1: cards whose identity an entry records take its GUID; a card whose own GUID
    another identity of this build holds gets one of its own. Returns the cards and the
    positions of those that are new to the manifests (candidates for steps 2 and 3)."""
    by_identity: dict[str, Entry] = {}
    holder: dict[str, str] = {}  # GUID → the identity that has it
    for entry in (*retired.values(), *previous.values()):  # a live entry wins
        by_identity[entry.identity] = entry
        holder[entry.guid] = entry.identity
    identities = {card.guid for card in cards}
    taken: set[str] = set()
    result = list(cards)
    unclaimed: list[int] = []
    for position, card in enumerate(cards):
        recorded = by_identity.get(card.guid)
        if recorded is not None and recorded.guid not in taken:
            taken.add(recorded.guid)
            if recorded.guid != card.guid:
                result[position] = replace(card, guid=recorded.guid, own_guid=card.guid)
        else:
            unclaimed.append(position)
    # Only then the others, so no claim can land on a GUID a card keeps as its own.
    new: list[int] = []
    for position in unclaimed:
        card = cards[position]
        other = holder.get(card.guid, card.guid)
        if card.guid in taken or (other != card.guid and other in identities):
            guid = _own_guid_besides(card.guid, holder.keys() | identities | taken)
            result[position] = replace(card, guid=guid, own_guid=card.guid)
            taken.add(guid)
            continue
        taken.add(card.guid)
        new.append(position)
    return result, new


def _own_guid_besides(guid: str, used: Set[str]) -> str:
    """A GUID for an identity whose own GUID went to another card: derived from it, so the
    same on every build, and none of the `used` ones."""
    count = 1
    while True:
        candidate = card_guid("chaincards again", guid, str(count))
        if candidate not in used:
            return candidate
        count += 1


def _same_elsewhere(
    new: list[_New], vanished: list[Entry], cards: list[CardNote]
) -> list[tuple[str, str, int]]:
    """Step 2: (old GUID, new GUID, position) of cards that only moved to another note: the
    same kind, shape, front and hidden text, each the only one of its kind on both sides."""
    olds: dict[tuple[str, str, str, str], list[Entry]] = defaultdict(list)
    for entry in vanished:
        olds[(entry.kind, entry.shape, entry.front, entry.asks)].append(entry)
    news: dict[tuple[str, str, str, str], list[_New]] = defaultdict(list)
    for item in new:
        card = cards[item.position]
        news[(card.kind, card.shape, item.front, item.asks)].append(item)
    return [
        (olds[key][0].guid, items[0].guid, items[0].position)
        for key, items in news.items()
        if key[2] and len(items) == 1 and len(olds.get(key, ())) == 1
    ]


def _edited(
    new: list[_New],
    vanished: list[Entry],
    paired: set[str],
    cards: list[CardNote],
    previous: dict[str, Entry],
    vault_files: set[str],
) -> list[tuple[str, str, int]]:
    """Step 3: (old GUID, new GUID, position) of edited, renamed and moved cards; `paired`:
    the GUIDs step 2 paired (they still tell which new file took a gone one's place)."""
    old_by_file: dict[str, list[Entry]] = defaultdict(list)
    for entry in vanished:
        old_by_file[split_origin(entry.source)[0]].append(entry)
    new_by_file: dict[str, list[_New]] = defaultdict(list)
    for item in new:
        new_by_file[split_origin(cards[item.position].origin)[0]].append(item)
    previous_files = {split_origin(e.source)[0] for e in previous.values()}
    pairs = [(path, path) for path in new_by_file if path in old_by_file]
    gone = sorted(path for path in old_by_file if path not in vault_files)
    arrived = sorted(path for path in new_by_file if path not in previous_files)
    pairs += _file_pairs(gone, arrived, old_by_file, new_by_file)
    candidates: list[tuple[float, str, str, int]] = []
    for old_path, new_path in pairs:
        left = [item for item in new_by_file[new_path] if item.guid not in paired]
        olds = [entry for entry in old_by_file[old_path] if entry.guid not in paired]
        candidates += _card_candidates(left, olds, cards)
    return _unambiguous(candidates)


def _unambiguous(candidates: list[tuple[float, str, str, int]]) -> list[tuple[str, str, int]]:
    """Best matches first, each GUID at most once; a card as close to two open cards as to
    one is paired with neither (a guess could put its history on another question)."""
    taken: set[str] = set()  # old and new GUIDs paired or set aside
    pairs: list[tuple[str, str, int]] = []
    for _, group in groupby(sorted(candidates), key=lambda candidate: candidate[0]):
        level = [c for c in group if c[1] not in taken and c[2] not in taken]
        olds = Counter(old for _, old, _, _ in level)
        news = Counter(new for _, _, new, _ in level)
        ambiguous = {old for old, count in olds.items() if count > 1}
        ambiguous |= {new for new, count in news.items() if count > 1}
        for _, old, new, position in level:
            if old not in ambiguous and new not in ambiguous:
                pairs.append((old, new, position))
        taken |= ambiguous | {old for old, _, _ in pairs} | {new for _, new, _ in pairs}
    return pairs


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
    gone_per_name = Counter(PurePosixPath(path).name for path in gone)
    words = {path: _words(e.front for e in old_by_file[path]) for path in gone}
    words |= {path: _words(n.front for n in new_by_file[path]) for path in arrived}
    scored: list[tuple[float, str, str]] = []
    for old in gone:
        pure = PurePosixPath(old)
        folder = str(pure.parent)
        targets: set[str] = set()
        if gone_per_name[pure.name] * len(by_name.get(pure.name, ())) <= RENAME_PAIRS:
            targets.update(by_name.get(pure.name, ()))  # a move keeps the name
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
        # Ranked by words shared of all words of both (a front that shares as many words but
        # has more of its own is less alike), then by place.
        ranked = [
            (len(words & old_words[index]) / len(words | old_words[index] or {""}), -index)
            for index in range(start, min(stop, len(old_sorted)))
            if old_sorted[index].kind == card.kind
            and old_sorted[index].shape == card.shape
            and _asks_alike(item.asks, old_sorted[index].asks)
        ]
        # A front of a few words may share none with its corrected self (`Colour` → `Color`):
        # those are compared by characters with every card in reach, which is cheap for them.
        if len(words) >= SHORT_FRONT_WORDS:
            ranked = heapq.nlargest(SHORTLIST, ranked)
        for _, negative_index in ranked:
            entry = old_sorted[-negative_index]
            score = similarity(item.front, entry.front)
            if score >= SIMILAR:
                # Rounded: equal scores must compare equal to be seen as a tie.
                found.append((-round(score, 9), entry.guid, item.guid, item.position))
    return found


def _asks_alike(new: str, old: str) -> bool:
    """Whether two clozes hide about the same text (a corrected word still is); a manifest
    written before it kept the hidden text (`old` empty) cannot tell."""
    return new == old or not old or similarity(new, old) >= SIMILAR
