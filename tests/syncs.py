"""Shared helpers of the `chaincards sync` tests: a small vault of biology notes in three
decks with a picture, an empty collection made by Anki's backend, the command run through
typer's runner, and the collection read back note by note."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from anki.collection import Collection
from typer.testing import CliRunner

from ankitools import fresh_collection
from chaincards.cli import app
from jsonschema_lite import schema_errors
from rebuilds import T0, write

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)

NOTES = {
    "Photosynthesis.md": """---
cards-deck: Biology::Plants
tags: [botany]
---
# Photosynthesis

What do chloroplasts capture? #card
Light energy.
![[leaf.png]]

Which gas do leaves take in for photosynthesis?::Carbon dioxide
""",
    "Respiration.md": """---
cards-deck: Biology::Cells
---
# Respiration

Where does the Krebs cycle run?::In the mitochondrial matrix

What does glycolysis make from glucose?::Two pyruvate molecules
""",
    "Digestion.md": """---
cards-deck: Biology::Body
---
# Digestion

Which enzyme starts starch digestion in the mouth?::Salivary amylase
""",
}


def biology_vault(parent: Path) -> Path:
    vault = parent / "vault"
    for name, text in NOTES.items():
        write(vault / name, text, T0)
    (vault / "leaf.png").write_bytes(PNG)
    return vault


def empty_collection(parent: Path) -> Path:
    with fresh_collection(parent / "profile") as col:
        path = Path(col.path)
    return path


def run_sync(vault: Path, out: Path, collection: Path, *extra: str, code: int = 0) -> Any:
    args = ["sync", str(vault), "--collection", str(collection), "--out", str(out), *extra]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == code, result.output
    return result


SCHEMA = json.loads(
    (Path(__file__).parents[1] / "docs" / "schemas" / "sync.schema.json").read_text("utf-8")
)


def run_sync_json(
    vault: Path, out: Path, collection: Path, *extra: str, code: int = 0
) -> dict[str, Any]:
    """The sync's `--json` report, checked against its schema."""
    result = run_sync(vault, out, collection, "--json", *extra, code=code)
    report: dict[str, Any] = json.loads(result.stdout)
    assert schema_errors(report, SCHEMA) == []
    return report


@contextmanager
def opened_collection(path: Path) -> Iterator[Collection]:
    col = Collection(str(path))
    try:
        yield col
    finally:
        col.close()


def notes_by_guid(col: Collection) -> dict[str, dict[str, Any]]:
    """Every note by GUID: notetype id, fields, tags, and (card id, ord, deck) of its cards."""
    found = {}
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        cards = sorted(
            ((card.id, card.ord, col.decks.name(card.did)) for card in note.cards()),
            key=lambda card: card[1],
        )
        found[note.guid] = {
            "id": note.id,
            "mid": note.mid,
            "fields": list(note.fields),
            "tags": sorted(note.tags),
            "cards": cards,
        }
    return found


def note_and_notetype(col: Collection, words: str) -> tuple[dict[str, Any], dict[str, Any]]:
    note = notes_by_guid(col)[guid_of(col, words)]
    notetype = col.models.get(note["mid"])
    assert notetype is not None
    return note, notetype


def chaincards_notetypes(col: Collection) -> dict[int, str]:
    return {m.id: m.name for m in col.models.all_names_and_ids() if "chaincards" in m.name}


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def guid_of(col: Collection, words: str) -> str:
    found = [g for g, n in notes_by_guid(col).items() if any(words in f for f in n["fields"])]
    assert len(found) == 1, (words, found)
    return found[0]


def synced_vault(parent: Path) -> tuple[Path, Path, Path]:
    """The biology vault synced once into an empty collection: (vault, out, collection)."""
    vault, out = biology_vault(parent), parent / "decks"
    collection = empty_collection(parent)
    run_sync(vault, out, collection)
    return vault, out, collection
