"""What the collection should hold: the notes, notetypes and media of the packages a build
wrote, read back from the files, so a sync gives the learner exactly what importing them
would (same GUIDs, fields, decks and tags; text in NFC, as Anki stores it)."""

from __future__ import annotations

import json
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chaincards.anki.inspect import open_collection

_CLOZE = 1  # Anki's notetype kind for cloze notetypes
_POSITIONS = 10**9  # new-card positions per package: the packages' cards follow one another


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
    notes: dict[str, WantedNote] = field(default_factory=dict)  # by GUID
    notetypes: dict[int, dict[str, Any]] = field(default_factory=dict)  # Anki's JSON, by id
    media: dict[str, MediaFile] = field(default_factory=dict)  # by file name


def read_packages(paths: Iterable[Path]) -> Wanted:
    """Everything the packages at `paths` hold. ValueError names a file that is not a package."""
    wanted = Wanted()
    for number, path in enumerate(paths):
        try:
            _read_package(path, number, wanted)
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None
    return wanted


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _read_package(path: Path, number: int, wanted: Wanted) -> None:
    with open_collection(path) as (db, _names):
        models_json, decks_json = db.execute("select models, decks from col").fetchone()
        for key, notetype in json.loads(models_json).items():
            wanted.notetypes[int(key)] = notetype
        templates = {
            mid: 0 if notetype.get("type") == _CLOZE else len(notetype["tmpls"])
            for mid, notetype in wanted.notetypes.items()
        }
        decks = {int(k): _nfc(v["name"]) for k, v in json.loads(decks_json).items()}
        rows = db.execute(
            "select n.guid, n.mid, n.flds, n.tags, min(c.did), group_concat(c.ord), "
            "min(c.due) from notes n join cards c on c.nid = n.id group by n.id"
        )
        start = number * _POSITIONS
        for guid, mid, fields, tags, did, ords, due in rows:
            wanted.notes[guid] = WantedNote(
                guid,
                mid,
                tuple(_nfc(text) for text in fields.split("\x1f")),
                tuple(_nfc(tag) for tag in tags.split()),
                decks[did],
                tuple(sorted(int(o) for o in str(ords).split(","))),
                templates[mid],
                start + due,
            )
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        media = json.loads(archive.read("media")) if "media" in names else {}
    for member, name in media.items():
        wanted.media.setdefault(name, MediaFile(path, member))
