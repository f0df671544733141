"""What a learner keeps when a rebuilt deck is imported over their collection (issue 20).

Anki's importer replaces the fields and the tags of every note whose copy in the package is
newer than its own. So a card's time must move only when that card changed: the learner's
`marked` and own tags, fixes made in Anki and review history stay on every other card.
Everything here goes through the real Anki backend.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from anki.collection import Collection
from anki.notes import NoteId
from typer.testing import CliRunner

from ankitools import card_interval, fresh_collection, import_package, learner_cards
from chaincards.cli import app

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "dialect_vault"
T0 = 1_700_000_000
NOTE = "Cell Biology.md"


@pytest.fixture(autouse=True)
def _no_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def _vault(parent: Path) -> Path:
    vault = parent / "vault"
    shutil.copytree(FIXTURE, vault)
    for path in vault.rglob("*"):
        if path.is_file():
            os.utime(path, (T0, T0))
    return vault


def _build(vault: Path, out: Path, *extra: str) -> None:
    result = CliRunner().invoke(app, ["build", str(vault), "--out", str(out), "-q", *extra])
    assert result.exit_code == 0, result.output


def _import_all(col: Collection, out: Path) -> tuple[int, int]:
    new = updated = 0
    for package in sorted(out.glob("*.apkg")):
        counts = import_package(col, package)
        new, updated = new + counts.new, updated + counts.updated
    return new, updated


def _edit(path: Path, old: str, new: str, mtime: int) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    os.utime(path, (mtime, mtime))


def _card(cards: list[dict[str, Any]], question: str) -> dict[str, Any]:
    found = [c for c in cards if question in c["question"] and c["ord"] == 0]
    assert len(found) == 1, question
    return found[0]


def _learner_changes(col: Collection, note_id: int, edit: tuple[str, str] | None = None) -> None:
    """Tag a note `marked` and with the learner's own tag, and optionally change a field, as
    if done in Anki some time after the deck was first imported (before the notes' edit)."""
    note = col.get_note(NoteId(note_id))
    note.tags += ["marked", "my-own-label"]
    if edit is not None:
        note[edit[0]] = edit[1]
    col.update_note(note)
    col.db.execute("update notes set mod = ? where id = ?", T0 + 30, note_id)


def _digests(out: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir())}


def test_one_edited_card_updates_alone_and_every_other_note_keeps_what_the_learner_did(
    tmp_path: Path,
) -> None:
    vault, out = _vault(tmp_path), tmp_path / "out"
    _build(vault, out)
    with fresh_collection(tmp_path / "anki") as col:
        _import_all(col, out)
        before = learner_cards(col)
        of_note = [c for c in before if f"{NOTE}:" in c["fields"].get("Source", "")]
        assert len({c["note_id"] for c in of_note}) >= 5
        for days, card in enumerate(of_note, start=3):
            col.sched.set_due_date([card["card_id"]], f"{days}!")
        intervals = {c["card_id"]: card_interval(col, c["card_id"]) for c in of_note}
        ribosome = _card(before, "Ribosome")
        golgi = _card(before, "Golgi apparatus")
        _learner_changes(col, ribosome["note_id"])
        _learner_changes(col, golgi["note_id"], ("Back", "Packs proteins (my words)"))

        _edit(vault / NOTE, "makes ATP.", "makes most of the ATP.", T0 + 60)
        _build(vault, out)
        assert _import_all(col, out) == (0, 1)

        after = learner_cards(col)
        assert [c["card_id"] for c in after] == [c["card_id"] for c in before]
        assert "makes most of the ATP." in _card(after, "powerhouse of the cell")["answer"]
        for card in (_card(after, "Ribosome"), _card(after, "Golgi apparatus")):
            assert {"marked", "my-own-label"} <= set(card["tags"])
        assert _card(after, "Golgi apparatus")["fields"]["Back"] == "Packs proteins (my words)"
        assert {i: card_interval(col, i) for i in intervals} == intervals


def test_a_note_saved_again_unchanged_rewrites_no_byte(tmp_path: Path) -> None:
    vault, out = _vault(tmp_path), tmp_path / "out"
    _build(vault, out)
    first = _digests(out)
    os.utime(vault / NOTE, (T0 + 3600, T0 + 3600))  # opened and saved, nothing changed
    _build(vault, out)
    assert _digests(out) == first
    _build(vault, out, "--no-cache")
    assert _digests(out) == first


def test_the_edited_card_takes_the_notes_time_and_keeps_it(tmp_path: Path) -> None:
    vault, out = _vault(tmp_path), tmp_path / "out"
    _build(vault, out)
    _edit(vault / NOTE, "makes ATP.", "makes most of the ATP.", T0 + 60)
    _build(vault, out)
    _edit(vault / NOTE, "Site of protein synthesis", "Where proteins are made", T0 + 120)
    _build(vault, out)
    with fresh_collection(tmp_path / "anki") as col:
        _import_all(col, out)
        cards = learner_cards(col)
        assert _card(cards, "powerhouse of the cell")["note_mod"] == T0 + 60
        assert _card(cards, "Ribosome")["note_mod"] == T0 + 120
        assert _card(cards, "Golgi apparatus")["note_mod"] == T0


def test_a_picture_replaced_under_its_name_updates_the_card_that_shows_it(tmp_path: Path) -> None:
    vault, out = _vault(tmp_path), tmp_path / "out"
    _build(vault, out)
    picture = vault / "attachments" / "pic.png"
    with fresh_collection(tmp_path / "anki") as col:
        _import_all(col, out)
        old = picture.read_bytes()
        picture.write_bytes(old + b"\0another picture")
        os.utime(picture, (T0 + 60, T0 + 60))
        _build(vault, out)
        assert _import_all(col, out) == (0, 1)
        card = _card(learner_cards(col), "holds the DNA")
        media = Path(col.media.dir())
        shown = [p for p in media.iterdir() if p.name in card["fields"]["Back"]]
        assert [p.read_bytes() for p in shown] == [old + b"\0another picture"]
