"""What a learner keeps when a rebuilt deck is imported over their collection (issue 20).

Anki's importer replaces the fields and the tags of every note whose copy in the package is
newer than its own. So a card's time must move only when that card changed: the learner's
`marked` and own tags, fixes made in Anki and review history stay on every other card.
Everything here goes through the real Anki backend.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from anki.collection import Collection
from anki.notes import NoteId

from ankitools import card_interval, fresh_collection, learner_cards
from rebuilds import T0, build, card_with, edit, fixture_vault, import_all

NOTE = "Cell Biology.md"


@pytest.fixture(autouse=True)
def _no_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def _vault(parent: Path) -> Path:
    return fixture_vault(parent, "dialect_vault")


def _learner_changes(
    col: Collection, note_id: int, field_edit: tuple[str, str] | None = None
) -> None:
    """Tag a note `marked` and with the learner's own tag, and optionally change a field, as
    if done in Anki some time after the deck was first imported (before the notes' edit)."""
    note = col.get_note(NoteId(note_id))
    note.tags += ["marked", "my-own-label"]
    if field_edit is not None:
        note[field_edit[0]] = field_edit[1]
    col.update_note(note)
    col.db.execute("update notes set mod = ? where id = ?", T0 + 30, note_id)


def _digests(out: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir())}


def test_one_edited_card_updates_alone_and_every_other_note_keeps_what_the_learner_did(
    tmp_path: Path,
) -> None:
    vault, out = _vault(tmp_path), tmp_path / "out"
    build(vault, out)
    with fresh_collection(tmp_path / "anki") as col:
        import_all(col, out)
        before = learner_cards(col)
        of_note = [c for c in before if f"{NOTE}:" in c["fields"].get("Source", "")]
        assert len({c["note_id"] for c in of_note}) >= 5
        for days, card in enumerate(of_note, start=3):
            col.sched.set_due_date([card["card_id"]], f"{days}!")
        intervals = {c["card_id"]: card_interval(col, c["card_id"]) for c in of_note}
        ribosome = card_with(before, "Ribosome")
        golgi = card_with(before, "Golgi apparatus")
        _learner_changes(col, ribosome["note_id"])
        _learner_changes(col, golgi["note_id"], ("Back", "Packs proteins (my words)"))

        edit(vault / NOTE, "makes ATP.", "makes most of the ATP.", T0 + 60)
        build(vault, out)
        assert import_all(col, out) == (0, 1)

        after = learner_cards(col)
        assert [c["card_id"] for c in after] == [c["card_id"] for c in before]
        assert "makes most of the ATP." in card_with(after, "powerhouse of the cell")["answer"]
        for card in (card_with(after, "Ribosome"), card_with(after, "Golgi apparatus")):
            assert {"marked", "my-own-label"} <= set(card["tags"])
        assert card_with(after, "Golgi apparatus")["fields"]["Back"] == "Packs proteins (my words)"
        assert {i: card_interval(col, i) for i in intervals} == intervals


def test_a_note_saved_again_unchanged_rewrites_no_byte(tmp_path: Path) -> None:
    vault, out = _vault(tmp_path), tmp_path / "out"
    build(vault, out)
    first = _digests(out)
    os.utime(vault / NOTE, (T0 + 3600, T0 + 3600))  # opened and saved, nothing changed
    build(vault, out)
    assert _digests(out) == first
    build(vault, out, "--no-cache")
    assert _digests(out) == first


def test_the_edited_card_takes_the_notes_time_and_keeps_it(tmp_path: Path) -> None:
    vault, out = _vault(tmp_path), tmp_path / "out"
    build(vault, out)
    edit(vault / NOTE, "makes ATP.", "makes most of the ATP.", T0 + 60)
    build(vault, out)
    edit(vault / NOTE, "Site of protein synthesis", "Where proteins are made", T0 + 120)
    build(vault, out)
    with fresh_collection(tmp_path / "anki") as col:
        import_all(col, out)
        cards = learner_cards(col)
        assert card_with(cards, "powerhouse of the cell")["note_mod"] == T0 + 60
        assert card_with(cards, "Ribosome")["note_mod"] == T0 + 120
        assert card_with(cards, "Golgi apparatus")["note_mod"] == T0


def test_a_picture_replaced_under_its_name_updates_the_card_that_shows_it(tmp_path: Path) -> None:
    vault, out = _vault(tmp_path), tmp_path / "out"
    build(vault, out)
    picture = vault / "attachments" / "pic.png"
    with fresh_collection(tmp_path / "anki") as col:
        import_all(col, out)
        old = picture.read_bytes()
        picture.write_bytes(old + b"\0another picture")
        os.utime(picture, (T0 + 60, T0 + 60))
        build(vault, out)
        assert import_all(col, out) == (0, 1)
        card = card_with(learner_cards(col), "holds the DNA")
        media = Path(col.media.dir())
        shown = [p for p in media.iterdir() if p.name in card["fields"]["Back"]]
        assert [p.read_bytes() for p in shown] == [old + b"\0another picture"]
