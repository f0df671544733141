"""What the collection should hold: the notes, notetypes and media of the packages a build
wrote, read back from the files, so a sync gives the learner exactly what importing them
would (same GUIDs, fields, decks and tags)."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chaincards.anki.inspect import open_collection


@dataclass(frozen=True)
class WantedNote:
    guid: str
    notetype_id: int
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    deck: str  # every card of a chaincards note is in its note's deck
    ords: tuple[int, ...] = (0,)  # the cards it makes (template or cloze numbers)


@dataclass(frozen=True)
class MediaFile:
    package: Path
    member: str  # its name inside the package's zip

    def read(self) -> bytes:
        with zipfile.ZipFile(self.package) as archive:
            return archive.read(self.member)


@dataclass
class Wanted:
    notes: dict[str, WantedNote] = field(default_factory=dict)  # by GUID
    notetypes: dict[int, dict[str, Any]] = field(default_factory=dict)  # Anki's JSON, by id
    media: dict[str, MediaFile] = field(default_factory=dict)  # by file name


def read_packages(paths: Iterable[Path]) -> Wanted:
    """Everything the packages at `paths` hold. ValueError names a file that is not a package."""
    wanted = Wanted()
    for path in paths:
        try:
            _read_package(path, wanted)
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None
    return wanted


def _read_package(path: Path, wanted: Wanted) -> None:
    with open_collection(path) as (db, _names):
        models_json, decks_json = db.execute("select models, decks from col").fetchone()
        for key, notetype in json.loads(models_json).items():
            wanted.notetypes[int(key)] = notetype
        decks = {int(k): v["name"] for k, v in json.loads(decks_json).items()}
        rows = db.execute(
            "select n.guid, n.mid, n.flds, n.tags, min(c.did), group_concat(c.ord) "
            "from notes n join cards c on c.nid = n.id group by n.id"
        )
        for guid, mid, fields, tags, did, ords in rows:
            wanted.notes[guid] = WantedNote(
                guid,
                mid,
                tuple(fields.split("\x1f")),
                tuple(tags.split()),
                decks[did],
                tuple(sorted(int(o) for o in str(ords).split(","))),
            )
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        media = json.loads(archive.read("media")) if "media" in names else {}
    for member, name in media.items():
        wanted.media.setdefault(name, MediaFile(path, member))
