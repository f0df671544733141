"""Write .apkg packages: the same bytes for the same cards, and an old file never half-replaced.

The collection inside uses genanki's schema (Anki's legacy "anki2" layout, which every Anki
version imports). Notes and cards are written here rather than by genanki, because genanki
stamps every row with the build time; Anki updates an existing note only when the imported
one is newer, so each row has to carry its source note's own modification time instead.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import tempfile
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO

import genanki
from genanki.apkg_col import APKG_COL
from genanki.apkg_schema import APKG_SCHEMA

from chaincards.anki.notetypes import TEMPLATES_REVISED, fields_for, notetype_for, stable_id
from chaincards.cards.card import CardNote
from chaincards.files import replace_atomically
from chaincards.media import package_media_name

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can hold
_ZIP_MODE = 0o100644 << 16  # regular file, rw-r--r--
_ZIP_UNIX = 3  # "made by" Unix on every platform, or Windows builds would differ by one byte
# Note and card ids double as creation times (milliseconds) in Anki's browser; keep them
# plausible even when the cards carry no modification time.
_MIN_ID = 1_000_000_000_000
# ivl, factor, reps, lapses, left, odue, odid, flags, data: a card never studied.
_NO_HISTORY = (0, 0, 0, 0, 0, 0, 0, 0, "")
_CLOZE_NUMBERS = re.compile(r"\{\{c(\d+(?:,\d+)*)::")
# Close to Anki's idea of an empty field: nothing but whitespace and empty line or block markup.
_EMPTY_FIELD = re.compile(r"^(?:\s|&nbsp;|<br\s*/?>|</?(?:div|p)\s*>)*$", re.IGNORECASE)
_UNSAFE_NAME = re.compile(r'[/\\:*?"<>|]')
_WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"]
    + [f"{port}{n}" for port in ("COM", "LPT") for n in [*range(1, 10), "¹", "²", "³"]]
)
_TABLES, _, _INDEX_STATEMENTS = APKG_SCHEMA.partition("CREATE INDEX")
_INDEXES = "CREATE INDEX" + _INDEX_STATEMENTS
_MAX_NAME_BYTES = 200  # below the usual 255-byte limit, leaving room for ".apkg" and temp names


def top_level_deck(deck: str) -> str:
    return deck.split("::", 1)[0]


def package_groups(cards: list[CardNote], single: str | None) -> dict[str, list[CardNote]]:
    """Cards per package: one per top-level deck, or all of them under `single` when given."""
    if single is not None:
        return {single: list(cards)}
    groups: dict[str, list[CardNote]] = {}
    for card in cards:
        groups.setdefault(top_level_deck(card.deck), []).append(card)
    return dict(sorted(groups.items()))


def package_file_name(top_level_deck: str) -> str:
    """A file name for the deck's package that every common file system accepts."""
    name = unicodedata.normalize("NFC", top_level_deck)
    name = "".join("_" if unicodedata.category(ch) == "Cc" else ch for ch in name)
    name = _UNSAFE_NAME.sub("_", name).strip(" .")
    while len(name.encode("utf-8")) > _MAX_NAME_BYTES:
        name = name[:-1].rstrip(" .")
    if not name:
        name = "deck"
    if name.split(".", 1)[0].rstrip(" ").upper() in _WINDOWS_RESERVED:
        name = f"_{name}"
    return f"{name}.apkg"


@dataclass(frozen=True)
class _Row:
    """One note as it goes into the package, with the ordinals of the cards it gets."""

    card: CardNote
    ords: tuple[int, ...]


def card_ords(card: CardNote) -> tuple[int, ...]:
    """The cards Anki makes of this note: template ordinals, or cloze numbers minus one."""
    if card.shape == "basic":
        return (0,)
    if card.shape == "reverse":
        # The reversed card asks the Back; without one it would be an empty card in Anki.
        return (0,) if _EMPTY_FIELD.match(card.back) else (0, 1)
    if card.shape == "cloze":
        numbers = {int(n) for group in _CLOZE_NUMBERS.findall(card.front) for n in group.split(",")}
        # A cloze note without deletions still gets its first card, on which Anki shows its
        # own "no cloze found" notice: the mistake stays visible instead of a silent loss.
        return tuple(sorted(n - 1 for n in numbers if n > 0)) or (0,)
    raise ValueError(f"{card.origin}: unknown card shape {card.shape!r}")


def _learning_order(card: CardNote) -> tuple[str, str, int, str]:
    # Within a deck, new cards come in the order they appear in the notes.
    path, _, line = card.origin.rpartition(":")
    if not line.isdigit():
        path, line = card.origin, "0"
    return (card.deck, path, int(line), card.guid)


def _rows(cards: Iterable[CardNote]) -> list[_Row]:
    seen: dict[str, CardNote] = {}
    good_tags: set[str] = set()  # most cards share their tags; check each tag once
    for card in cards:
        if card.guid in seen:
            raise ValueError(
                f"duplicate GUID {card.guid!r}: {seen[card.guid].origin} and {card.origin}"
            )
        seen[card.guid] = card
        if "\x1f" in "".join(fields_for(card)):
            raise ValueError(f"{card.origin}: a field holds Anki's field separator \\x1f")
        for tag in card.tags:
            if tag not in good_tags:
                if not tag or len(tag.split()) != 1 or tag.strip() != tag:
                    raise ValueError(f"{card.origin}: tags must be non-empty and free of spaces")
                good_tags.add(tag)
    return [_Row(card, card_ords(card)) for card in sorted(seen.values(), key=_learning_order)]


def _deck_names(rows: list[_Row]) -> list[str]:
    """Every deck the cards use, and all their parents."""
    names: set[str] = set()
    for deck in {row.card.deck for row in rows}:
        parts = deck.split("::")
        names.update("::".join(parts[:depth]) for depth in range(1, len(parts) + 1))
    return sorted(names)


@cache
def _deck_id(name: str) -> int:
    # Anki matches imported decks by name and picks its own ids for new ones; ours only have
    # to be unique within the package and the same on every build.
    return stable_id("deck", name)


def _write_collection(db_path: Path, rows: list[_Row], ids: dict[str, int]) -> None:
    stamp = max((row.card.mod for row in rows), default=0)
    conn = sqlite3.connect(db_path)
    try:
        # A scratch file: nothing to recover after a crash, so no journal and no syncing.
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.executescript(_TABLES)
        conn.executescript(APKG_COL)
        decks: dict[str, object] = json.loads(conn.execute("SELECT decks FROM col").fetchone()[0])
        models: dict[str, object] = {}
        mids: dict[str, int] = {}  # card shape → notetype id
        # genanki warns about field HTML and deprecated models; the cards were built by us and
        # the callers report problems themselves, so nothing of it should reach stderr.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", module=r"genanki(\.|$)")
            for name in _deck_names(rows):
                decks[str(_deck_id(name))] = genanki.Deck(_deck_id(name), name).to_json()
            for row in rows:
                if row.card.shape not in mids:
                    model = notetype_for(row.card.shape)
                    mids[row.card.shape] = model.model_id
                    did = _deck_id(row.card.deck)
                    models[str(model.model_id)] = model.to_json(TEMPLATES_REVISED, did)
        conn.execute(
            "UPDATE col SET crt = ?, mod = ?, scm = ?, decks = ?, models = ?",
            (
                stamp,
                stamp * 1000,
                stamp * 1000,
                json.dumps(decks, sort_keys=True, ensure_ascii=False),
                json.dumps(models, sort_keys=True, ensure_ascii=False),
            ),
        )
        _write_notes(conn, rows, mids, ids)
        # Building the indexes once over all rows is cheaper than updating them row by row.
        conn.executescript(_INDEXES)
        conn.commit()
    finally:
        conn.close()


def note_ids(cards: Iterable[CardNote]) -> dict[str, int]:
    """GUID → the note id the package gives it: the same on every build of the same card.

    Anki keeps a package's note id when a note is new to the collection, so a stable id lets
    an instructor find a removed note later (`nid:` in Anki's browser). The id is the note's
    time in milliseconds plus an offset from its GUID (Anki shows it as the creation time);
    a clash within the package moves on to the next free id, in GUID order.
    """
    ids: dict[str, int] = {}
    free = _FreeIds()
    for card in sorted(cards, key=lambda c: c.guid):
        offset = int.from_bytes(hashlib.sha256(card.guid.encode("utf-8")).digest()[:4], "big")
        ids[card.guid] = free.take(max(card.mod * 1000, _MIN_ID) + offset % 1000)
    return ids


class _FreeIds:
    """Hands out the smallest unused id at or above the one asked for.

    Thousands of notes of one file share a time, so most ids are asked for in the same narrow
    range; pointers to the next free id (with path compression) keep that linear instead of
    probing id after id.
    """

    def __init__(self) -> None:
        self._next: dict[int, int] = {}  # a taken id → an id at or below the next free one

    def _find(self, wanted: int) -> int:
        path = []
        while wanted in self._next:
            path.append(wanted)
            wanted = self._next[wanted]
        for taken in path:
            self._next[taken] = wanted
        return wanted

    def take(self, wanted: int) -> int:
        found = self._find(wanted)
        self._next[found] = found + 1
        return found


def _write_notes(
    conn: sqlite3.Connection, rows: list[_Row], mids: dict[str, int], ids: dict[str, int]
) -> None:
    notes: list[tuple[object, ...]] = []
    cards: list[tuple[object, ...]] = []
    card_ids = _FreeIds()
    tag_fields: dict[tuple[str, ...], str] = {}
    for position, row in enumerate(rows, start=1):
        card = row.card
        note_id = ids[card.guid]
        tags = tag_fields.get(card.tags)
        if tags is None:
            tags = f" {' '.join(sorted(set(card.tags)))} " if card.tags else ""
            tag_fields[card.tags] = tags
        flds = "\x1f".join(fields_for(card))
        notes.append(
            (note_id, card.guid, mids[card.shape], card.mod, -1, tags, flds, card.front, 0, 0, "")
        )
        did = _deck_id(card.deck)
        for ord_ in row.ords:
            card_id = card_ids.take(note_id + ord_)  # Anki reads card ids as creation times too
            # type 0 / queue 0: a new card; due is its position in the new-card queue.
            cards.append((card_id, note_id, did, ord_, card.mod, -1, 0, 0, position, *_NO_HISTORY))
    conn.executemany("INSERT INTO notes VALUES (?,?,?,?,?,?,?,?,?,?,?)", notes)
    conn.executemany("INSERT INTO cards VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", cards)


MediaSource = Path | bytes  # a file on disk, or bytes made by the build (a diagram)


def _media_files(
    rows: list[_Row], media_root: Path, generated: Mapping[str, bytes]
) -> list[tuple[str, MediaSource]]:
    """(name in the package, its content), sorted by name; files that are gone are skipped.

    A card's media are vault files, or names in `generated` (used as they are: the build
    named them by their content)."""
    files: dict[str, MediaSource] = {}
    for row in rows:
        for vault_path in row.card.media:
            if vault_path in generated:
                files[vault_path] = generated[vault_path]
                continue
            name = package_media_name(vault_path)
            source = media_root / vault_path
            # Never opened blocking, never half-read: a regular file this process can read
            # (the parse reported any other picture as missing).
            if name not in files and source.is_file() and os.access(source, os.R_OK):
                files[name] = source
    return sorted(files.items())


def _zip_entry(name: str, size: int = 0) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = _ZIP_MODE
    info.create_system = _ZIP_UNIX
    info.file_size = size  # lets zipfile pick zip64 up front for very large files
    return info


def _add_file(archive: zipfile.ZipFile, name: str, source: MediaSource) -> None:
    if isinstance(source, bytes):
        archive.writestr(_zip_entry(name, len(source)), source)
        return
    with (
        source.open("rb") as src,
        archive.open(_zip_entry(name, source.stat().st_size), "w") as dst,
    ):
        shutil.copyfileobj(src, dst, 1 << 20)


def _write_zip(out: IO[bytes], db_path: Path, media: list[tuple[str, MediaSource]]) -> None:
    with zipfile.ZipFile(out, "w") as archive:
        _add_file(archive, "collection.anki2", db_path)
        media_map = {str(index): name for index, (name, _) in enumerate(media)}
        archive.writestr(_zip_entry("media"), json.dumps(media_map, separators=(",", ":")))
        for index, (_, source) in enumerate(media):
            _add_file(archive, str(index), source)


def write_package(
    cards: list[CardNote],
    path: Path,
    media_root: Path,
    ids: dict[str, int] | None = None,
    generated: Mapping[str, bytes] | None = None,
) -> bool:
    """Write `cards` to the .apkg at `path`; False when the file already held exactly that.

    Media are vault-relative paths under `media_root`; missing ones are left out (the callers
    warn about them). `ids` are the cards' `note_ids`, when the caller has them already. On any
    error the previous file at `path` stays as it was.
    """
    rows = _rows(cards)
    media = _media_files(rows, media_root, generated or {})
    with tempfile.TemporaryDirectory(prefix="chaincards-") as scratch:
        db_path = Path(scratch) / "collection.anki2"
        _write_collection(db_path, rows, ids or note_ids(cards))
        return replace_atomically(Path(path), lambda out: _write_zip(out, db_path, media))
