"""Bugs found in review of the pictures change (graph, preview, --diagrams, settled times,
bounded carry-over), each kept as the test that showed it: a note moved to a package whose
name sorts earlier, a corrected one-word front in a renamed file, a moved note that grew, and
`preview -o .`."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ankitools import fresh_collection, import_package, learner_cards
from chaincards.anki.manifest_file import read_manifest
from chaincards.cli import app

NOTES = Path(__file__).resolve().parents[2] / "notes"
DIAGRAM = re.compile(r'<img src="chaincards-chain-[0-9a-f]{16}\.svg"')
HEAD = "---\ncards-deck: Course::Chain\n---\n"


def build(vault: Path, out: Path, *flags: str) -> None:
    result = CliRunner().invoke(app, ["build", str(vault), "--out", str(out), "-q", *flags])
    assert result.exit_code == 0, result.output


def card(front: str, back: str) -> str:
    return f">[!info] card\n>{front}\n>---\n>{back}\n\n"


def write(path: Path, body: str, clock: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEAD + body, encoding="utf-8")
    os.utime(path, (clock, clock))


def guids(out: Path) -> set[str]:
    return set(read_manifest(out / "Course.chaincards.json").entries)


def test_diagrams_reach_anki_after_the_notes_moved_to_another_package(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    shutil.copytree(NOTES, vault, ignore=shutil.ignore_patterns(".chaincards-cache"))
    out = tmp_path / "decks"
    build(vault, out)
    with fresh_collection(tmp_path / "anki") as col:
        import_package(col, out / "ITIL 4 Foundation.apkg")
        # The course is renamed: same notes, same file times, another top-level deck whose
        # package sorts before the old one (whose files stay, as the build documents).
        for note in vault.rglob("*.md"):
            times = note.stat()
            note.write_text(note.read_text("utf-8").replace("ITIL 4 Foundation", "Alpha"), "utf-8")
            os.utime(note, ns=(times.st_atime_ns, times.st_mtime_ns))
        build(vault, out)
        moved = import_package(col, out / "Alpha.apkg")
        assert moved.new == 0 and moved.updated > 0
        build(vault, out, "--diagrams")
        again = import_package(col, out / "Alpha.apkg")
        assert again.updated > 0, again  # today: 0 updated, every card a "duplicate"
        assert any(DIAGRAM.search(c["answer_html"]) for c in learner_cards(col))


def test_renamed_file_keeps_the_guid_of_a_corrected_short_front(tmp_path: Path) -> None:
    vault, out = tmp_path / "vault", tmp_path / "decks"
    words = ["Alpha", "Bravo", "Charlie", "Delta", "Colour"]
    write(vault / "G.md", "# G\n" + "".join(card(w, f"about {w}") for w in words), 1_700_000_000)
    build(vault, out)
    before = guids(out)
    (vault / "G.md").unlink()
    fixed = [w.replace("Colour", "Color") for w in words]
    body = "# G\n" + "".join(card(f, f"about {w}") for f, w in zip(fixed, words, strict=True))
    write(vault / "Glossary.md", body, 1_700_000_060)
    build(vault, out)
    assert guids(out) == before  # today the "Color" card gets a new GUID


def test_moved_file_that_grew_keeps_its_guids(tmp_path: Path) -> None:
    vault, out = tmp_path / "vault", tmp_path / "decks"
    kept = [f"What does activity number {i} produce for the team?" for i in range(3)]
    write(vault / "Plan.md", "# Plan\n" + "".join(card(q, "x") for q in kept), 1_700_000_000)
    build(vault, out)
    before = guids(out)
    (vault / "Plan.md").unlink()
    added = [f"Which unrelated topic {i} matters to auditors here?" for i in range(6)]
    body = "# Plan\n" + "".join(card(q, "x") for q in kept + added)
    write(vault / "Area" / "Plan.md", body, 1_700_000_060)
    build(vault, out)
    assert before <= guids(out)  # today all three old GUIDs are gone


def test_preview_into_the_current_empty_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = tmp_path / "vault"
    write(vault / "Plan.md", "# Plan\n" + card("What does Plan produce?", "Plans"), 1_700_000_000)
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.chdir(site)
    result = CliRunner().invoke(app, ["preview", str(vault), "-o", ".", "-q"])
    assert result.exit_code == 0, result.output
    assert (site / "index.html").is_file()
