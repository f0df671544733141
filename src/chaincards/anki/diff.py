"""Two packages compared note by note, matched by GUID as Anki matches them on import."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from chaincards.anki.inspect import html_to_text, open_collection


@dataclass(frozen=True)
class PackageNote:
    guid: str
    deck: str
    notetype: str
    fields: tuple[str, ...]
    tags: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.deck} [{self.notetype}] {html_to_text(self.fields[0])[:100]}"

    def to_json(self) -> dict[str, object]:
        return {
            "guid": self.guid,
            "deck": self.deck,
            "notetype": self.notetype,
            "fields": list(self.fields),
            "tags": list(self.tags),
        }


@dataclass
class PackageDiff:
    package: Path
    other: Path
    added: list[PackageNote] = field(default_factory=list)
    changed: list[tuple[PackageNote, list[str]]] = field(default_factory=list)  # what changed
    removed: list[PackageNote] = field(default_factory=list)

    def render(self) -> str:
        lines = [
            f"{self.other} → {self.package}: +{len(self.added)} added, "
            f"~{len(self.changed)} changed, -{len(self.removed)} removed"
        ]
        lines += [f"+ {note.label}" for note in self.added]
        lines += [f"~ {note.label} ({', '.join(what)})" for note, what in self.changed]
        lines += [f"- {note.label}" for note in self.removed]
        return "\n".join(lines)

    def to_json(self) -> dict[str, object]:
        return {
            "package": str(self.package),
            "other": str(self.other),
            "added": [note.to_json() for note in self.added],
            "changed": [{**note.to_json(), "what": what} for note, what in self.changed],
            "removed": [note.to_json() for note in self.removed],
        }


def read_notes(path: Path) -> dict[str, PackageNote]:
    with open_collection(path) as (db, _):
        models = json.loads(db.execute("select models from col").fetchone()[0])
        decks = json.loads(db.execute("select decks from col").fetchone()[0])
        model_names = {int(k): v.get("name", k) for k, v in models.items()}
        deck_names = {int(k): v.get("name", k) for k, v in decks.items()}
        rows = db.execute(
            "select n.guid, n.mid, n.flds, n.tags, min(c.did) from notes n "
            "left join cards c on c.nid = n.id group by n.id order by n.guid"
        ).fetchall()
    return {
        guid: PackageNote(
            guid,
            deck_names.get(did, str(did)),
            model_names.get(mid, str(mid)),
            tuple(flds.split("\x1f")),
            tuple(tags.split()),
        )
        for guid, mid, flds, tags, did in rows
    }


def _differences(before: PackageNote, after: PackageNote, field_names: list[str]) -> list[str]:
    what = []
    if before.notetype != after.notetype:
        what.append("notetype")
    if before.deck != after.deck:
        what.append("deck")
    for index in range(max(len(before.fields), len(after.fields))):
        old = before.fields[index] if index < len(before.fields) else None
        new = after.fields[index] if index < len(after.fields) else None
        if old != new:
            what.append(field_names[index] if index < len(field_names) else f"field {index + 1}")
    if before.tags != after.tags:
        what.append("tags")
    return what


_FIELD_NAMES = ["Front", "Back", "Context", "Source"]


def diff_packages(package: Path, other: Path) -> PackageDiff:
    """What importing `package` where `other` was imported adds, changes and leaves behind."""
    new, old = read_notes(package), read_notes(other)
    result = PackageDiff(package, other)
    for guid, note in new.items():
        before = old.get(guid)
        if before is None:
            result.added.append(note)
        else:
            names = ["Text", "Extra", "Context", "Source"] if "Cloze" in note.notetype else None
            what = _differences(before, note, names or _FIELD_NAMES)
            if what:
                result.changed.append((note, what))
    result.removed = [note for guid, note in old.items() if guid not in new]
    return result
