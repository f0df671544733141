"""What an import will not do, and the build says so (issue 20): Anki never moves an existing
card to another deck and never deletes a card a note stops making. The report names those
notes with an Anki search that finds exactly them, on a line that is never wrapped."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from anki.collection import Collection
from typer.testing import CliRunner

from ankitools import fresh_collection, learner_cards
from chaincards.cli import app
from rebuilds import T0, build, import_all, write

CARDS = (
    "\n>[!note] card\n>What is the powerhouse of the cell?\n>---\n>The mitochondrion\n"
    "\n>[!note] card\n>Which organelle holds the DNA?\n>---\n>The nucleus\n"
    "\n>[!note] card\n>The {{c1::cell membrane}} is made of {{c2::phospholipids}}.\n"
)


def _note(deck: str, cards: str = CARDS) -> str:
    return f"---\ncards-deck: {deck}\n---\n# Cells\n{cards}"


@pytest.fixture(autouse=True)
def _no_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def _report(vault: Path, out: Path) -> tuple[dict[str, object], str]:
    """The build's JSON changes, and its text report (from a copy of `out`, so that both
    compare with the same last build)."""
    runner = CliRunner()
    env = {"COLUMNS": "200"}
    twin = out.with_name(out.name + "-text")
    shutil.copytree(out, twin)
    text = runner.invoke(app, ["build", str(vault), "--out", str(twin)], env=env)
    assert text.exit_code == 0, text.output
    result = runner.invoke(app, ["build", str(vault), "--out", str(out), "--json"], env=env)
    [package] = json.loads(result.stdout)["packages"]
    changes = package["changes"]
    assert isinstance(changes, dict)
    return changes, text.output


def _found(col: Collection, search: str) -> set[str]:
    return {col.get_note(nid).guid for nid in col.find_notes(search)}


def test_a_note_moved_to_another_deck_is_listed_with_the_search_that_selects_it(
    tmp_path: Path,
) -> None:
    vault, out = tmp_path / "vault", tmp_path / "out"
    write(vault / "Cells.md", _note("Biology::Cells"), T0)
    build(vault, out)
    with fresh_collection(tmp_path / "anki") as col:
        import_all(col, out)
        ours = {c["guid"] for c in learner_cards(col)}
        write(vault / "Cells.md", _note("Biology::Organelles"), T0 + 60)
        # The text report on a narrow terminal first: the JSON build after it sees no change.
        runner = CliRunner()
        narrow = runner.invoke(app, ["build", str(vault), "-o", str(out)], env={"COLUMNS": "40"})
        assert narrow.exit_code == 0, narrow.output
        manifest = json.loads((out / "Biology.chaincards.json").read_text(encoding="utf-8"))
        ids = sorted(i for note in manifest["notes"] for i in note["ids"])
        search = "nid:" + ",".join(map(str, ids))
        assert "3 note(s) moved to another deck in Biology.apkg" in " ".join(narrow.output.split())
        assert search in narrow.output.splitlines()  # one line, whole
        assert import_all(col, out) == (0, 3)
        # As the report says: Anki left the cards in the old deck, the search selects them.
        assert {c["deck"] for c in learner_cards(col)} == {"Biology::Cells"}
        assert _found(col, search) == ours


def test_a_removed_cloze_deletion_is_listed_as_an_empty_card(tmp_path: Path) -> None:
    vault, out = tmp_path / "vault", tmp_path / "out"
    write(vault / "Cells.md", _note("Biology"), T0)
    build(vault, out)
    with fresh_collection(tmp_path / "anki") as col:
        import_all(col, out)
        one_less = CARDS.replace("{{c2::phospholipids}}", "phospholipids")
        write(vault / "Cells.md", _note("Biology", one_less), T0 + 60)
        changes, text = _report(vault, out)
        assert (changes["emptied"], changes["moved"], changes["changed"]) == (1, 0, 1)
        assert "1 note(s) in Biology.apkg make fewer cards than before" in " ".join(text.split())
        assert import_all(col, out) == (0, 1)
        empty = col.get_empty_cards()
        [note] = empty.notes
        assert len(note.card_ids) == 1
        found = col.find_notes(str(changes["emptied_search"]))
        assert list(found) == [note.note_id]


def test_an_unchanged_deck_reports_nothing_to_do_by_hand(tmp_path: Path) -> None:
    vault, out = tmp_path / "vault", tmp_path / "out"
    write(vault / "Cells.md", _note("Biology"), T0)
    build(vault, out)
    write(vault / "Cells.md", _note("Biology").replace("The nucleus", "The nucleus."), T0 + 60)
    changes, text = _report(vault, out)
    assert (changes["changed"], changes["moved"], changes["emptied"]) == (1, 0, 0)
    assert "Change Deck" not in text and "Empty Cards" not in text
