"""What the collection should hold: the notes, notetypes and media of the packages a build
wrote, read back from the files, so a sync gives the learner exactly what importing them
would (same GUIDs, fields, decks and tags; text in NFC, as Anki stores it). The notes are
read a few thousand at a time: a sync holds one batch of them, never the whole vault."""

from __future__ import annotations

import json
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from html import escape
from pathlib import Path
from typing import Any

from chaincards.anki.inspect import open_collection

_CLOZE = 1  # Anki's notetype kind for cloze notetypes
_POSITIONS = 10**9  # new-card positions per package: the packages' cards follow one another
BATCH = 5_000  # notes read at a time


@dataclass(frozen=True)
class WantedNote:
    guid: str
    notetype_id: int
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    deck: str  # every card of a chaincards note is in its note's deck
    ords: tuple[int, ...] = (0,)  # the cards it makes (template or cloze numbers)
    # How many cards its notetype can make (0: any, a cloze notetype); a card the learner's
    # own template makes is not one the note stopped making.
    templates: int = 0
    position: int = 0  # its new cards' place in the package's learning order


@dataclass(frozen=True)
class MediaFile:
    package: Path
    member: str  # its name inside the package's zip


@dataclass
class Wanted:
    """The packages: their notetypes, decks and media; their notes come in batches."""

    packages: list[Path] = field(default_factory=list)
    notetypes: dict[int, dict[str, Any]] = field(default_factory=dict)  # Anki's JSON, by id
    decks: set[str] = field(default_factory=set)  # the decks the notes go to
    media: dict[str, MediaFile] = field(default_factory=dict)  # by file name
    # Package name of a file → the name it has in the collection's media folder.
    renamed: dict[str, str] = field(default_factory=dict)

    def batches(self) -> Iterator[dict[str, WantedNote]]:
        """Every note of the packages, by GUID, `BATCH` at a time, showing each media file
        under its name in the collection."""
        for number, path in enumerate(self.packages):
            for batch in _notes(path, number, self.notetypes, BATCH):
                yield _with_media_renamed(batch, self.renamed)


def read_packages(paths: Sequence[Path]) -> Wanted:
    """The packages at `paths`, their notes left to `Wanted.batches`. ValueError names a file
    that is not a package."""
    wanted = Wanted(list(paths))
    for path in paths:
        try:
            _read_package(path, wanted)
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None
    return wanted


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _read_package(path: Path, wanted: Wanted) -> None:
    with open_collection(path) as (db, _names):
        models_json, decks_json = db.execute("select models, decks from col").fetchone()
        for key, notetype in json.loads(models_json).items():
            wanted.notetypes[int(key)] = notetype
        names = {int(k): _nfc(v["name"]) for k, v in json.loads(decks_json).items()}
        for (did,) in db.execute("select distinct did from cards"):
            wanted.decks.add(names[did])
    with zipfile.ZipFile(path) as archive:
        members = archive.namelist()
        media = json.loads(archive.read("media")) if "media" in members else {}
    for member, name in media.items():
        wanted.media.setdefault(name, MediaFile(path, member))


def _notes(
    path: Path, number: int, notetypes: dict[int, dict[str, Any]], size: int
) -> Iterator[dict[str, WantedNote]]:
    templates = {
        mid: 0 if notetype.get("type") == _CLOZE else len(notetype["tmpls"])
        for mid, notetype in notetypes.items()
    }
    try:
        with open_collection(path) as (db, _names):
            names = json.loads(db.execute("select decks from col").fetchone()[0])
            decks = {int(k): _nfc(v["name"]) for k, v in names.items()}
            rows = db.execute(
                "select n.guid, n.mid, n.flds, n.tags, min(c.did), group_concat(c.ord), "
                "min(c.due) from notes n join cards c on c.nid = n.id group by n.id"
            )
            while found := rows.fetchmany(size):
                yield {
                    guid: WantedNote(
                        guid,
                        mid,
                        tuple(_nfc(text) for text in fields.split("\x1f")),
                        tuple(_nfc(tag) for tag in tags.split()),
                        decks[did],
                        tuple(sorted(int(o) for o in str(ords).split(","))),
                        templates[mid],
                        number * _POSITIONS + due,
                    )
                    for guid, mid, fields, tags, did, ords, due in found
                }
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None


def _with_media_renamed(
    notes: dict[str, WantedNote], renamed: dict[str, str]
) -> dict[str, WantedNote]:
    if not renamed:
        return notes

    def fixed(text: str) -> str:
        for old, new in renamed.items():
            text = text.replace(f'src="{escape(old)}"', f'src="{escape(new)}"')
            text = text.replace(f"[sound:{escape(old, quote=False)}]", f"[sound:{new}]")
        return text

    return {
        guid: replace(note, fields=tuple(fixed(f) for f in note.fields))
        for guid, note in notes.items()
    }
