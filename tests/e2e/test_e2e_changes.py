"""The change report and GUID carry-over: what an instructor sees before publishing a rebuild,
checked against what Anki does with the packages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from ankitools import (
    card_interval,
    fresh_collection,
    import_package,
    learner_cards,
    set_review_interval,
)
from chaincards.anki.manifest_file import read_manifest
from chaincards.cli import app

SRC = Path(__file__).resolve().parents[2] / "src"
HEAD = "---\ncards-deck: Course::Chain\n---\n"


def card(front: str, back: str, block: str = "") -> str:
    tail = f"\n>^{block}" if block else ""
    return f">[!info] card\n>{front}\n>---\n>{back}{tail}\n\n"


class Vault:
    def __init__(self, root: Path) -> None:
        self.root, self.folder, self.out = root, root / "vault", root / "decks"
        self.folder.mkdir()
        self.clock = 1_700_000_000

    def write(self, name: str, body: str) -> None:
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(HEAD + body, encoding="utf-8")
        self.clock += 60
        os.utime(path, (self.clock, self.clock))

    def build(self) -> dict[str, Any]:
        result = CliRunner().invoke(
            app, ["build", str(self.folder), "-o", str(self.out), "--json", "--changes"]
        )
        assert result.exit_code == 0, result.output
        (package,) = json.loads(result.stdout)["packages"]
        return package["changes"]  # type: ignore[no-any-return]

    def guids(self) -> set[str]:
        return set(read_manifest(self.out / "Course.chaincards.json").entries)


def counts(changes: dict[str, Any]) -> tuple[int, int, int]:
    listed = changes["notes"]
    found = len(listed["new"]), len(listed["changed"]), len(listed["removed"])
    assert found == (changes["new"], changes["changed"], changes["removed"])
    return found


def make(tmp_path: Path) -> Vault:
    vault = Vault(tmp_path)
    vault.write(
        "Plan.md",
        "# Plan\n"
        + card("What does the Plan activity produce for the team?", "Plans")
        + card("Which policy does Plan follow?", "The planning policy", block="policy"),
    )
    vault.write("Engage.md", "# Engage\n" + card("Who does Engage talk to?", "Stakeholders"))
    vault.write("Area/Deliver.md", "# Deliver\n" + card("What does Deliver hand over?", "Services"))
    return vault


def test_first_build_is_all_new_and_an_unchanged_one_has_no_changes(tmp_path: Path) -> None:
    vault = make(tmp_path)
    assert counts(vault.build()) == (4, 0, 0)
    assert counts(vault.build()) == (0, 0, 0)


def test_edit_reorder_rename_and_move_keep_every_guid(tmp_path: Path) -> None:
    vault = make(tmp_path)
    vault.build()
    guids = vault.guids()
    # A small edit of a front, and the block-id card's front rewritten entirely.
    vault.write(
        "Plan.md",
        "# Plan\n"
        + card("What does the Plan activity produce for teams?", "Plans")
        + card("Name the policy behind planning.", "The planning policy", block="policy"),
    )
    assert counts(vault.build()) == (0, 2, 0)
    # The two cards swapped.
    vault.write(
        "Plan.md",
        "# Plan\n"
        + card("Name the policy behind planning.", "The planning policy", block="policy")
        + card("What does the Plan activity produce for teams?", "Plans"),
    )
    assert counts(vault.build()) == (0, 2, 0)  # their Source lines changed
    (vault.folder / "Engage.md").rename(vault.folder / "Engage activity.md")
    assert counts(vault.build()) == (0, 1, 0)
    (vault.folder / "Other").mkdir()
    (vault.folder / "Area" / "Deliver.md").rename(vault.folder / "Other" / "Deliver.md")
    assert counts(vault.build()) == (0, 1, 0)
    assert vault.guids() == guids


def test_a_different_question_is_a_new_card_not_an_edit(tmp_path: Path) -> None:
    vault = make(tmp_path)
    vault.build()
    vault.write("Engage.md", "# Engage\n" + card("Why is trust built early?", "Stakeholders"))
    changes = vault.build()
    assert counts(changes) == (1, 0, 1)
    assert changes["removed_search"].startswith("nid:")  # type: ignore[union-attr]


def test_removed_search_finds_exactly_the_removed_notes_in_anki(tmp_path: Path) -> None:
    vault = make(tmp_path)
    vault.build()
    with fresh_collection(tmp_path / "anki") as col:
        import_package(col, vault.out / "Course.apkg")
        before = {c["guid"]: c for c in learner_cards(col)}
        vault.write("Engage.md", "# Engage\n")
        changes = vault.build()
        assert counts(changes) == (0, 0, 1)
        (removed,) = changes["notes"]["removed"]
        found = col.find_notes(changes["removed_search"])  # type: ignore[arg-type]
        assert [col.get_note(nid).guid for nid in found] == [removed["guid"]]
        assert before[removed["guid"]]["question"].endswith("Who does Engage talk to?")


def test_edited_card_updates_in_place_with_its_reviews(tmp_path: Path) -> None:
    vault = make(tmp_path)
    vault.build()
    with fresh_collection(tmp_path / "anki") as col:
        import_package(col, vault.out / "Course.apkg")
        studied = next(c for c in learner_cards(col) if "Engage" in c["question"])
        set_review_interval(col, studied["card_id"], 15)
        vault.write("Engage.md", "# Engage\n" + card("Who does Engage talk with?", "Stakeholders"))
        assert counts(vault.build()) == (0, 1, 0)
        new, updated, _ = import_package(col, vault.out / "Course.apkg")
        assert (new, updated) == (0, 1)
        now = next(c for c in learner_cards(col) if "Engage" in c["question"])
        assert now["card_id"] == studied["card_id"] and "talk with" in now["question"]
        assert card_interval(col, now["card_id"]) == 15


def test_changes_listed_on_the_command_line(tmp_path: Path) -> None:
    vault = make(tmp_path)
    vault.build()
    vault.write("Engage.md", "# Engage\n")
    env = {**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "200"}
    done = subprocess.run(
        [sys.executable, "-m", "chaincards", "build", "vault", "-o", "decks", "--changes"],
        cwd=vault.root,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "- Course::Chain  Engage.md:5  callout: who does engage talk to" in done.stderr
    assert "+0 ~0 -1" in done.stderr
    assert "an import cannot delete them from Anki" in done.stderr and "nid:" in done.stderr
