"""Read an .apkg back: decks, notetypes, counts and sample cards, without the Anki application."""

from __future__ import annotations

import json
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path


@dataclass
class PackageSummary:
    path: Path
    decks: dict[str, int] = field(default_factory=dict)  # deck name → card count
    notetypes: dict[str, int] = field(default_factory=dict)  # notetype name → note count
    notes: int = 0
    cards: int = 0
    media: list[str] = field(default_factory=list)
    # deck, notetype, (field name, plain text) of each field
    samples: list[tuple[str, str, list[tuple[str, str]]]] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "package": self.path.name,
            "notes": self.notes,
            "cards": self.cards,
            "decks": dict(sorted(self.decks.items())),
            "notetypes": dict(sorted(self.notetypes.items())),
            "media": self.media,
            "samples": [
                {
                    "deck": deck,
                    "notetype": notetype,
                    "fields": [text for _, text in fields],
                    "field_names": [name for name, _ in fields],
                }
                for deck, notetype, fields in self.samples
            ],
        }

    def render(self, sample_count: int = 3) -> str:
        lines = [
            f"{self.path.name}: {self.notes} notes, {self.cards} cards, {len(self.media)} media"
        ]
        lines.append("decks:")
        lines += [f"  {name}: {count} cards" for name, count in sorted(self.decks.items())]
        lines.append("notetypes:")
        lines += [f"  {name}: {count} notes" for name, count in sorted(self.notetypes.items())]
        for deck, notetype, fields in self.samples[:sample_count]:
            lines.append(f"--- {deck} [{notetype}]")
            lines += [f"  {name}: {text}" for name, text in fields if text]
        return "\n".join(lines)


def html_to_text(html: str) -> str:
    text = re.sub(r"<br\s*/?>|</?(?:p|li|ul|ol|div|h\d|pre|tr|td|th)\b[^>]*>", " ", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", "", text)).split())


@contextmanager
def open_collection(path: Path) -> Iterator[tuple[sqlite3.Connection, list[str]]]:
    """The package's collection database, and its media file names; ValueError if not one."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValueError(f"not an .apkg (zip) file: {exc}") from None
    with archive, tempfile.TemporaryDirectory() as tmp:
        names = archive.namelist()
        if "collection.anki2" not in names:
            raise ValueError("no collection.anki2 inside; not an Anki package")
        archive.extract("collection.anki2", tmp)
        try:
            media = json.loads(archive.read("media")) if "media" in names else {}
        except ValueError:
            raise ValueError("its media list is not JSON") from None
        connection = sqlite3.connect(Path(tmp) / "collection.anki2")
        try:
            yield connection, sorted(media.values())
        except sqlite3.DatabaseError as exc:
            raise ValueError(f"unreadable collection: {exc}") from None
        finally:
            connection.close()


def read_package(path: Path, samples: int = 3) -> PackageSummary:
    with open_collection(path) as (connection, media):
        return _summarise(path, connection, media, samples)


def _summarise(
    path: Path, db: sqlite3.Connection, media: list[str], samples: int
) -> PackageSummary:
    models_json, decks_json = db.execute("select models, decks from col").fetchone()
    notetypes = json.loads(models_json)
    models = {int(k): v["name"] for k, v in notetypes.items()}
    names = {int(k): [f.get("name", "") for f in v.get("flds", [])] for k, v in notetypes.items()}
    decks = {int(k): v["name"] for k, v in json.loads(decks_json).items()}
    summary = PackageSummary(path, media=media)
    summary.notes = db.execute("select count(*) from notes").fetchone()[0]
    summary.cards = db.execute("select count(*) from cards").fetchone()[0]
    for did, count in db.execute("select did, count(*) from cards group by did"):
        summary.decks[decks.get(did, str(did))] = count
    for mid, count in db.execute("select mid, count(*) from notes group by mid"):
        summary.notetypes[models.get(mid, str(mid))] = count
    rows = db.execute(
        "select n.guid, n.flds, n.mid, min(c.did) from notes n join cards c on c.nid = n.id "
        "group by n.id order by n.guid"
    ).fetchall()
    # A sample that shows variety: the first note of each notetype, then the next ones.
    firsts = {row[2]: row for row in reversed(rows)}
    ordered = sorted(firsts.values(), key=lambda r: models.get(r[2], "")) + rows
    seen: set[str] = set()
    for guid, fields, mid, did in ordered:
        if len(summary.samples) >= samples or guid in seen:
            continue
        seen.add(guid)
        texts = [html_to_text(f) for f in fields.split("\x1f")]
        labels = names.get(mid, [])
        labelled = [
            (labels[i] if i < len(labels) else f"field {i + 1}", t) for i, t in enumerate(texts)
        ]
        summary.samples.append((decks.get(did, str(did)), models.get(mid, str(mid)), labelled))
    return summary
