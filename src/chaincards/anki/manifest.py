"""The manifest next to each package: every note's GUID, kind, source and content hash.

Comparing a build's manifest with the previous one tells an instructor what learners will see
change: notes added, changed and removed. An import can add and update notes but never delete
them, so removed notes are listed with the Anki search that finds them (`nid:` with every note
id the note ever had in a package; ids are kept across builds in the manifest).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from chaincards.anki.notetypes import fields_for
from chaincards.anki.package import card_ords
from chaincards.cards.card import CardNote
from chaincards.keys import hidden_key, normalise_key

SUFFIX = ".chaincards.json"
_FRONT_CHARS = 120  # enough to recognise a card in a change list


@dataclass(frozen=True, slots=True)  # hundreds of thousands of them in a big vault
class Entry:
    guid: str
    deck: str
    kind: str
    shape: str
    source: str  # path:line
    hash: str  # of everything the learner's note holds
    front: str  # normalised front text, shortened
    ids: tuple[int, ...]  # every note id this GUID has had in a package, oldest first
    mod: int = 0  # the note's modification time in that package (0: an older manifest)
    asks: str = ""  # a cloze's `hidden_key`: what it asks ("" for other shapes)
    ords: tuple[int, ...] = (0,)  # the cards Anki makes of the note (`card_ords`)
    # The GUID the card's own identity gives, when it carries another one (see carryover).
    own_guid: str = ""

    @property
    def identity(self) -> str:
        return self.own_guid or self.guid

    def to_json(self) -> dict[str, object]:
        found: dict[str, object] = {
            "guid": self.guid,
            "deck": self.deck,
            "kind": self.kind,
            "shape": self.shape,
            "source": self.source,
            "hash": self.hash,
            "front": self.front,
            "ids": list(self.ids),
            "mod": self.mod,
        }
        if self.asks:
            found["asks"] = self.asks
        if self.ords != (0,):
            found["ords"] = list(self.ords)
        if self.own_guid:
            found["own_guid"] = self.own_guid
        return found


def manifest_path(package: Path) -> Path:
    return package.with_name(package.name.removesuffix(".apkg") + SUFFIX)


def package_path(manifest: Path) -> Path:
    """The package a manifest describes: the inverse of `manifest_path`."""
    return manifest.with_name(manifest.name.removesuffix(SUFFIX) + ".apkg")


def content_hash(card: CardNote, media: Mapping[str, str] | None = None) -> str:
    """A digest of what the learner's Anki note holds: fields, notetype, deck and tags, and
    for a card that shows pictures, `media`'s digest of each (by vault path). A picture
    replaced under the same name is a change of the card: Anki brings a package's new file
    into the collection only with a note it updates."""
    parts = [card.shape, card.deck, " ".join(sorted(card.tags)), *fields_for(card)]
    if card.media and media is not None:
        parts += (f"{name}={media.get(name, '')}" for name in card.media)
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=8).hexdigest()


def media_digests(
    cards: Iterable[CardNote], media_root: Path, generated: Mapping[str, bytes]
) -> dict[str, str]:
    """The digest of every picture (or other file) the cards show, by vault path: the bytes
    the build made for it, else the file's; empty for a file that cannot be read."""
    digests: dict[str, str] = {}
    for name in sorted({name for card in cards for name in card.media}):
        data = generated.get(name)
        if data is None:
            try:
                data = (media_root / name).read_bytes()
            except OSError:
                digests[name] = ""
                continue
        digests[name] = hashlib.blake2b(data, digest_size=8).hexdigest()
    return digests


def front_key(card: CardNote) -> str:
    """The start of the card's normalised front: enough to show it and to recognise it."""
    return normalise_key(card.front[: _FRONT_CHARS * 3])[:_FRONT_CHARS]


def asks_key(card: CardNote) -> str:
    """What a cloze card hides, which its front key may have cut off: list cards of one
    question share their front and differ only in this."""
    return hidden_key(card.front)[:_FRONT_CHARS] if card.shape == "cloze" else ""


def entries_for(
    cards: Iterable[CardNote],
    ids: dict[str, int],
    previous: dict[str, Entry],
    hashes: dict[str, str],
) -> dict[str, Entry]:
    """Each card's manifest entry; `hashes` are the cards' `content_hash`es by GUID."""
    entries: dict[str, Entry] = {}
    for card in sorted(cards, key=lambda c: c.guid):
        earlier = previous.get(card.guid)
        history = earlier.ids if earlier else ()
        note_id = ids[card.guid]
        entries[card.guid] = Entry(
            guid=card.guid,
            deck=card.deck,
            kind=card.kind,
            shape=card.shape,
            source=card.origin,
            hash=hashes[card.guid],
            front=front_key(card),
            ids=history if note_id in history else (*history, note_id),
            mod=card.mod,
            asks=asks_key(card),
            ords=card_ords(card),
            own_guid=card.own_guid,
        )
    return entries


def settle_mods(
    cards: list[CardNote], previous: dict[str, Entry], hashes: dict[str, str]
) -> list[CardNote]:
    """Each card's modification time, which Anki's importer acts on.

    Anki updates a note only when the package's copy is newer than its own, and an update
    replaces its fields and its tags (the learner's `marked` and own tags with them). So a card
    whose content is what it was in the last build keeps the time it had then, whatever
    happened to its note: editing one card of a note updates that card alone. A card whose
    content changed gets its source's time (note or picture), or one second past its last
    time when that is not newer (an option turned on, a newer chaincards, a clock behind), and
    keeps it while it stays the same, so the next build gives the same bytes. `hashes` are the
    cards' `content_hash`es by GUID (the time is not part of them)."""
    settled: list[CardNote] = []
    for card in cards:
        before = previous.get(card.guid)
        if before is not None and before.mod:
            same = before.hash == hashes[card.guid]
            mod = before.mod if same else max(card.mod, before.mod + 1)
            if mod != card.mod:
                card = replace(card, mod=mod)
        settled.append(card)
    return settled


@dataclass
class Manifest:
    entries: dict[str, Entry] = field(default_factory=dict)
    inputs: str = ""  # digest of the cards it was written from ("" when unknown)
    # Cards of earlier builds that no build makes any more, newest first: a card restored, or
    # its wording used again, finds its GUID here (see carryover).
    retired: dict[str, Entry] = field(default_factory=dict)


# Retired entries kept per package: enough for edits undone weeks later, bounded for a vault
# that is rewritten again and again.
MAX_RETIRED = 2_000


def retire(
    previous: Manifest, built: Collection[str], entries: dict[str, Entry]
) -> dict[str, Entry]:
    """The package's retired entries after a build: its cards that no package makes any more,
    then those retired before, none that `entries` holds again; at most `MAX_RETIRED`, the
    latest (by time, then GUID) kept."""
    gone = [e for guid, e in previous.entries.items() if guid not in built]
    gone += [e for guid, e in previous.retired.items() if guid not in built]
    kept: dict[str, Entry] = {}
    for entry in sorted(gone, key=lambda e: (-e.mod, e.guid)):
        if entry.guid not in entries and entry.guid not in kept and len(kept) < MAX_RETIRED:
            kept[entry.guid] = entry
    return kept


def all_retired(manifests: dict[Path, Manifest]) -> dict[str, Entry]:
    """Every package's retired entries, the newest one of a GUID winning."""
    return _newest(manifest.retired for manifest in manifests.values())


def all_entries(manifests: dict[Path, Manifest]) -> dict[str, Entry]:
    """Every note of the previous build, whichever package it was in. A note that moved to
    another package is also in the manifest left beside the old one: the newest entry wins."""
    return _newest(manifest.entries for manifest in manifests.values())


def _newest(groups: Iterable[dict[str, Entry]]) -> dict[str, Entry]:
    found: dict[str, Entry] = {}
    for entries in groups:
        for guid, entry in entries.items():
            known = found.get(guid)
            if known is None or entry.mod > known.mod:
                found[guid] = entry
    return found
