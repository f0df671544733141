"""End to end: rebuild and re-import, as a learner does after editing notes.

Unchanged notes import as nothing new; an edited back updates its card in place and keeps the
learner's review history; the same notes always give the same bytes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ankitools import (
    card_interval,
    fresh_collection,
    import_package,
    learner_cards,
    only,
    set_review_interval,
)
from chaincards.cli import app

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "dialect_vault"
T0 = 1_700_000_000


def copy_vault(parent: Path, mtime: int = T0) -> Path:
    vault = parent / "dialect_vault"
    shutil.copytree(FIXTURE, vault)
    for path in vault.rglob("*"):
        if path.is_file():
            os.utime(path, (mtime, mtime))
    return vault


def build(vault: Path, out: Path, *extra: str, env: dict[str, str] | None = None) -> Any:
    # A wide console, so the summary's status column ("written"/"unchanged") is never cut.
    result = CliRunner().invoke(
        app, ["build", str(vault), "--out", str(out), *extra], env={"COLUMNS": "200", **(env or {})}
    )
    assert result.exit_code == 0, result.output
    return result


def packages(out: Path) -> list[Path]:
    return sorted(p for p in out.iterdir() if p.suffix == ".apkg")


def shas(out: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in packages(out)}


def import_all(col: Any, out: Path) -> tuple[int, int, int]:
    new = updated = duplicate = 0
    for package in packages(out):
        counts = import_package(col, package)
        new, updated, duplicate = new + counts.new, updated + counts.updated, duplicate + counts[2]
    return new, updated, duplicate


def edit(path: Path, old: str, new: str, mtime: int) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    os.utime(path, (mtime, mtime))


def card_with(cards: list[dict[str, Any]], text: str, ord_: int = 0) -> dict[str, Any]:
    found = [c for c in cards if text in c["question"] and c["ord"] == ord_]
    assert len(found) == 1, (text, [c["question"] for c in found])
    return found[0]


@pytest.fixture(autouse=True)
def _no_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def test_unchanged_rebuild_imports_as_nothing_new(tmp_path: Path) -> None:
    vault = copy_vault(tmp_path)
    build(vault, tmp_path / "out")
    with fresh_collection(tmp_path / "anki") as col:
        new, updated, _ = import_all(col, tmp_path / "out")
        assert new > 0 and updated == 0
        before = learner_cards(col)
        build(vault, tmp_path / "out")
        new, updated, unchanged = import_all(col, tmp_path / "out")
        assert (new, updated) == (0, 0)
        assert unchanged > 0
        assert learner_cards(col) == before


def test_edited_back_updates_in_place_and_keeps_the_review_history(tmp_path: Path) -> None:
    vault = copy_vault(tmp_path)
    out = tmp_path / "out"
    build(vault, out)
    with fresh_collection(tmp_path / "anki") as col:
        import_all(col, out)
        studied = card_with(learner_cards(col), "Capital of France")
        set_review_interval(col, studied["card_id"], 21)
        count = col.card_count()

        edit(vault / "Root note.md", "::Paris", "::Paris, on the Seine", T0 + 3600)
        build(vault, out)
        new, updated, _ = import_all(col, out)
        assert (new, updated) == (0, 1)

        now = card_with(learner_cards(col), "Capital of France")
        assert now["card_id"] == studied["card_id"]
        assert "Paris, on the Seine" in now["answer"]
        assert now["note_mod"] == T0 + 3600
        assert card_interval(col, now["card_id"]) == 21
        assert col.card_count() == count


def test_edited_back_in_a_note_with_many_cards_updates_only_that_card(tmp_path: Path) -> None:
    vault = copy_vault(tmp_path)
    out = tmp_path / "out"
    build(vault, out)
    with fresh_collection(tmp_path / "anki") as col:
        import_all(col, out)
        before = learner_cards(col)
        studied = card_with(before, "What is the powerhouse of the cell?")
        set_review_interval(col, studied["card_id"], 9)

        edit(vault / "Cell Biology.md", "makes ATP.", "makes most of the ATP.", T0 + 60)
        build(vault, out)
        new, updated, _ = import_all(col, out)
        # Only the edited card is newer in the package; the file's other cards keep their time.
        notes_of_file = {c["guid"] for c in before if "Cell Biology.md:" in c["fields"]["Source"]}
        assert len(notes_of_file) > 1
        assert (new, updated) == (0, 1)

        after = learner_cards(col)
        assert len(after) == len(before)
        assert [c["card_id"] for c in after] == [c["card_id"] for c in before]
        now = card_with(after, "What is the powerhouse of the cell?")
        assert "makes most of the ATP." in now["answer"]
        assert card_interval(col, now["card_id"]) == 9
        changed = [
            b["question"] for b, a in zip(before, after, strict=True) if b["answer"] != a["answer"]
        ]
        assert changed == [studied["question"]]


def test_same_notes_give_the_same_bytes_and_files_are_not_rewritten(tmp_path: Path) -> None:
    vault = copy_vault(tmp_path)
    out = tmp_path / "out"
    build(vault, out)
    first = shas(out)
    for package in packages(out):
        os.utime(package, ns=(1_000_000_000, 1_000_000_000))
    time.sleep(1.1)  # a build-time stamp anywhere would show now
    result = build(vault, out)
    assert shas(out) == first
    assert {p.stat().st_mtime_ns for p in packages(out)} == {1_000_000_000}
    assert "written" not in result.stderr and "unchanged" in result.stderr
    # A fresh folder and another copy of the same notes: still the same bytes.
    other = tmp_path / "other"
    other.mkdir()
    build(copy_vault(other), other / "out")
    assert shas(other / "out") == first


def test_edited_note_rewrites_only_its_package(tmp_path: Path) -> None:
    vault = copy_vault(tmp_path)
    out = tmp_path / "out"
    build(vault, out)
    first = shas(out)
    edit(vault / "Root note.md", "::Paris", "::Paris!", T0 + 5)
    build(vault, out)
    second = shas(out)
    assert {name for name in first if first[name] != second[name]} == {"dialect_vault.apkg"}


def test_reworded_front_is_carried_by_the_manifest_and_new_without_it(tmp_path: Path) -> None:
    # Documented: the GUID comes from the front; the previous build's manifest carries it
    # across a rewording. Without the manifest, the reworded card is another card.
    vault = copy_vault(tmp_path)
    out = tmp_path / "out"
    build(vault, out)
    with fresh_collection(tmp_path / "anki") as col:
        import_all(col, out)
        count = col.card_count()
        studied = card_with(learner_cards(col), "What is the powerhouse of the cell?")
        set_review_interval(col, studied["card_id"], 11)
        edit(
            vault / "Cell Biology.md",
            ">What is the powerhouse of the cell?",
            ">Which organelle is the powerhouse of the cell?",
            T0 + 60,
        )
        build(vault, out)
        new, updated, _ = import_all(col, out)
        assert new == 0 and updated >= 1  # every card of the edited file has its newer time
        assert col.card_count() == count
        now = card_with(learner_cards(col), "Which organelle is the powerhouse of the cell?")
        assert now["card_id"] == studied["card_id"]
        assert card_interval(col, now["card_id"]) == 11

        for manifest in out.glob("*.chaincards.json"):
            manifest.unlink()
        edit(
            vault / "Cell Biology.md",
            ">Which organelle is the powerhouse of the cell?",
            ">Which organelle is the cell's powerhouse?",
            T0 + 120,
        )
        build(vault, out)
        new, _, _ = import_all(col, out)
        assert new == 1
        cards = learner_cards(col)
        assert col.card_count() == count + 1
        card_with(cards, "Which organelle is the cell's powerhouse?")
        card_with(cards, "Which organelle is the powerhouse of the cell?")  # the old one stays


def test_reworded_front_with_block_id_updates_in_place(tmp_path: Path) -> None:
    vault = copy_vault(tmp_path)
    out = tmp_path / "out"
    build(vault, out)
    with fresh_collection(tmp_path / "anki") as col:
        import_all(col, out)
        studied = card_with(learner_cards(col), "What is the area of a circle?")
        set_review_interval(col, studied["card_id"], 30)
        count = col.card_count()
        edit(
            vault / "Cell Biology.md",
            ">What is the area of a circle? ^circle-area",
            ">How large is a circle of radius r? ^circle-area",
            T0 + 60,
        )
        build(vault, out)
        new, updated, _ = import_all(col, out)
        assert new == 0 and updated >= 1
        assert col.card_count() == count
        now = card_with(learner_cards(col), "How large is a circle of radius r?")
        assert now["card_id"] == studied["card_id"]
        assert now["guid"] == studied["guid"]
        assert card_interval(col, now["card_id"]) == 30
        assert not [c for c in learner_cards(col) if "What is the area" in c["question"]]


def test_source_date_epoch_clamps_note_times(tmp_path: Path) -> None:
    epoch = T0 + 100
    one, two, three = (tmp_path / name for name in ("one", "two", "three"))
    for folder, mtime in ((one, T0 + 1000), (two, T0 + 5000), (three, T0 + 1000)):
        folder.mkdir()
        copy_vault(folder, mtime)
    env = {"SOURCE_DATE_EPOCH": str(epoch)}
    build(one / "dialect_vault", one / "out", env=env)
    build(two / "dialect_vault", two / "out", env=env)
    build(three / "dialect_vault", three / "out", env={"SOURCE_DATE_EPOCH": ""})
    assert shas(one / "out") == shas(two / "out")
    # Without the epoch the file times are what the notes carry, so the bytes differ.
    assert shas(three / "out") != shas(one / "out")
    with fresh_collection(tmp_path / "anki") as col:
        import_all(col, one / "out")
        assert {c["note_mod"] for c in learner_cards(col)} == {epoch}


def test_changed_picture_reaches_the_learner(tmp_path: Path) -> None:
    # Anki only re-reads media of notes that are newer; a new picture must count as an edit.
    vault = copy_vault(tmp_path)
    out = tmp_path / "out"
    build(vault, out)
    with fresh_collection(tmp_path / "anki") as col:
        import_all(col, out)
        picture = vault / "attachments" / "pic.png"
        picture.write_bytes(picture.read_bytes() + b"\x00")  # trailing bytes: another file
        os.utime(picture, (T0 + 600, T0 + 600))
        build(vault, out)
        new, updated, _ = import_all(col, out)
        assert (new, updated) == (0, 1)
        card = card_with(learner_cards(col), "Which organelle holds the DNA?")
        shown = card["fields"]["Back"].split('src="')[1].split('"')[0]
        assert (Path(col.media.dir()) / shown).read_bytes() == picture.read_bytes()
        only(learner_cards(col), guid=card["guid"])
