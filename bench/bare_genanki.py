"""The baseline: the same notes written with plain genanki, as a user would by hand.

    python bench/bare_genanki.py decks/*.apkg --out /tmp/bare

Reads every note back from chaincards' own package(s) (the `collection.anki2` inside: notetypes
from `col.models`, decks from `col.decks`, `notes.guid/mid/flds/tags`, each note's deck from its
cards) and writes them again with genanki only: one `genanki.Model` per notetype (same id,
fields, templates, CSS, cloze or not), one `genanki.Deck` per deck, a `genanki.Note` per note
(same fields, GUID and tags), one `genanki.Package` per input file, `write_to_file`. Media files
in the input package are passed on as media files.

Reading the input is not part of what the baseline stands for, so the time of the writing part
alone is printed too, as one JSON line on stdout: {"read_s": ..., "write_s": ..., "notes": ...}.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import genanki


@dataclass
class PackageNotes:
    """What one chaincards package holds, as plain data."""

    name: str
    models: dict[int, dict]
    decks: dict[int, str]
    notes: list[tuple[str, int, list[str], list[str], int]]  # guid, mid, fields, tags, deck id
    media: list[Path]


def read_package(path: Path, scratch: Path) -> PackageNotes:
    folder = scratch / path.stem
    folder.mkdir(parents=True)
    with zipfile.ZipFile(path) as archive:
        archive.extractall(folder)
    media_map = (
        json.loads((folder / "media").read_text("utf-8")) if (folder / "media").exists() else {}
    )
    media = []
    for number, name in media_map.items():
        target = folder / "media-files" / name
        target.parent.mkdir(exist_ok=True)
        (folder / number).rename(target)
        media.append(target)
    conn = sqlite3.connect(folder / "collection.anki2")
    try:
        models_json, decks_json = conn.execute("SELECT models, decks FROM col").fetchone()
        models = {int(mid): model for mid, model in json.loads(models_json).items()}
        decks = {int(did): deck["name"] for did, deck in json.loads(decks_json).items()}
        deck_of = dict(conn.execute("SELECT nid, MIN(did) FROM cards GROUP BY nid"))
        notes = [
            (guid, mid, flds.split("\x1f"), tags.split(), deck_of[nid])
            for nid, guid, mid, flds, tags in conn.execute(
                "SELECT id, guid, mid, flds, tags FROM notes ORDER BY id"
            )
        ]
    finally:
        conn.close()
    return PackageNotes(path.name, models, decks, notes, media)


def genanki_model(model: dict) -> genanki.Model:
    return genanki.Model(
        int(model["id"]),
        model["name"],
        fields=[{"name": f["name"]} for f in sorted(model["flds"], key=lambda f: f["ord"])],
        templates=[
            {"name": t["name"], "qfmt": t["qfmt"], "afmt": t["afmt"]}
            for t in sorted(model["tmpls"], key=lambda t: t["ord"])
        ],
        css=model.get("css", ""),
        model_type=genanki.Model.CLOZE if model.get("type") == 1 else genanki.Model.FRONT_BACK,
        sort_field_index=model.get("sortf", 0),
    )


def write_package(package: PackageNotes, out: Path) -> int:
    """The user's script: models, decks, notes, package. The number of notes written."""
    models = {mid: genanki_model(model) for mid, model in package.models.items()}
    decks = {did: genanki.Deck(did, name) for did, name in package.decks.items()}
    for guid, mid, fields, tags, did in package.notes:
        decks[did].add_note(genanki.Note(model=models[mid], fields=fields, guid=guid, tags=tags))
    genanki.Package(
        list(decks.values()), media_files=[str(m) for m in package.media]
    ).write_to_file(str(out / package.name))
    return len(package.notes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("packages", nargs="+", type=Path, help="chaincards .apkg files to copy")
    parser.add_argument("--out", type=Path, required=True, help="folder for the genanki packages")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    # genanki warns about HTML it does not know; the fields are chaincards' and fine.
    warnings.filterwarnings("ignore", module=r"genanki(\.|$)")
    with tempfile.TemporaryDirectory(prefix="bare-genanki-") as scratch:
        started = time.perf_counter()
        packages = [read_package(path, Path(scratch)) for path in args.packages]
        read = time.perf_counter() - started
        started = time.perf_counter()
        written = sum(write_package(package, args.out) for package in packages)
        write = time.perf_counter() - started
    print(json.dumps({"read_s": read, "write_s": write, "notes": written}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
