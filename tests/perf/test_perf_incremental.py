"""Incremental builds: a build that uses the build store must write exactly what a build
without it writes, after any sequence of edits, and update the learner's cards in place."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ankitools import fresh_collection, import_package, learner_cards
from chaincards.cli import app
from chaincards.store.database import FILE_NAME

SAMPLE = Path(__file__).resolve().parents[2] / "notes"


def _same_output(out: Path, twin: Path) -> None:
    written = sorted(p.name for p in twin.iterdir())
    assert written == sorted(p.name for p in out.iterdir())
    for name in written:
        ours, theirs = (out / name).read_bytes(), (twin / name).read_bytes()
        if name.endswith(".json"):  # a manifest: without a cache it records no input digest
            ours, theirs = (json.loads(data) for data in (ours, theirs))
            ours.pop("inputs")
            theirs.pop("inputs")
        assert ours == theirs, name


def _edit(vault: Path, rng: random.Random) -> str:
    """One random edit of the kinds authors make; returns what it did, for the failure text."""
    notes = sorted(vault.rglob("*.md"))
    note = rng.choice(notes)
    lines = note.read_text(encoding="utf-8").split("\n")
    kind = rng.choice(
        ["drop line", "repeat line", "swap word", "retitle", "touch", "delete", "copy", "deck"]
    )
    at = rng.randrange(len(lines))
    if kind == "drop line":
        del lines[at]
    elif kind == "repeat line":
        lines.insert(at, lines[at])
    elif kind == "swap word":
        # A word from anywhere in the vault: a counterpart or an artifact changes.
        other = rng.choice(notes).read_text(encoding="utf-8").split()
        words = lines[at].split(" ")
        if other and words:
            words[rng.randrange(len(words))] = rng.choice(other)
            lines[at] = " ".join(words)
    elif kind == "retitle":
        headings = [i for i, line in enumerate(lines) if line.startswith("#")]
        at = rng.choice(headings) if headings else at
        lines[at] = lines[at] + " renamed"
    elif kind == "touch":
        stat = note.stat()
        os.utime(note, (stat.st_atime, stat.st_mtime + 3600))
        return f"{kind} {note.name}"
    elif kind == "delete":
        note.unlink()
        return f"{kind} {note.name}"
    elif kind == "copy":
        shutil.copy(note, note.with_name(f"Copy of {note.name}"))
        return f"{kind} {note.name}"
    else:
        lines.insert(0, "---\ncards-deck: Elsewhere::Moved\ntags: [moved]\n---")
    note.write_text("\n".join(lines), encoding="utf-8")
    return f"{kind} {note.name}:{at + 1}"


@pytest.fixture(scope="module")
def sample_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    vault = tmp_path_factory.mktemp("sample") / "vault"
    shutil.copytree(SAMPLE, vault)
    return vault


@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(seed=st.integers(0, 2**32 - 1), edits=st.integers(1, 3))
def test_a_build_from_the_store_equals_a_build_without_it_after_any_edits(
    sample_vault: Path, tmp_path_factory: pytest.TempPathFactory, seed: int, edits: int
) -> None:
    work = tmp_path_factory.mktemp("edit")
    vault, out, twin = work / "vault", work / "out", work / "twin"
    shutil.copytree(sample_vault, vault)
    runner = CliRunner()
    cached = ["build", str(vault), "-o", str(out), "--cache-dir", str(work / "cache"), "-q"]
    assert runner.invoke(app, cached).exit_code == 0  # the last build: fills the store
    rng = random.Random(seed)
    done: list[str] = []
    for _ in range(edits):  # a build after each edit, each from the one before
        shutil.rmtree(twin, ignore_errors=True)
        shutil.copytree(out, twin)  # the same last build (manifests) for both
        done.append(_edit(vault, rng))
        first = runner.invoke(app, cached)
        second = runner.invoke(app, ["build", str(vault), "-o", str(twin), "--no-cache", "-q"])
        assert first.exit_code == second.exit_code, done
        assert first.output == second.output, done
        _same_output(out, twin)


def test_incremental_build_writes_the_bytes_of_a_build_without_caches(tmp_path: Path) -> None:
    vault, out, twin = tmp_path / "vault", tmp_path / "out", tmp_path / "twin"
    shutil.copytree(SAMPLE, vault)
    runner = CliRunner()
    build = ["build", str(vault), "-o", str(out), "--cache-dir", str(tmp_path / "cache")]
    assert runner.invoke(app, [*build, "-q"]).exit_code == 0
    shutil.copytree(out, twin)  # the same last build (manifests) for both
    note = next(p for p in sorted(vault.rglob("*.md")) if p.stem == "Improve")
    note.write_text(note.read_text(encoding="utf-8").replace("Improve", "Improve all"))
    result = runner.invoke(app, [*build, "--verbose"])
    assert result.exit_code == 0, result.output
    assert re.search(r"notes: \d+ read, 1 parsed", result.output), result.output
    result = runner.invoke(app, ["build", str(vault), "-o", str(twin), "--no-cache", "-q"])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in twin.iterdir())
    assert written == sorted(p.name for p in out.iterdir())
    _same_output(out, twin)


def test_an_incremental_rebuild_updates_the_learners_cards_in_place(tmp_path: Path) -> None:
    vault, out = tmp_path / "vault", tmp_path / "out"
    shutil.copytree(SAMPLE, vault)
    build = ["build", str(vault), "-o", str(out), "--cache-dir", str(tmp_path / "cache"), "-q"]
    runner = CliRunner()
    assert runner.invoke(app, build).exit_code == 0
    with fresh_collection(tmp_path / "anki") as col:
        for package in sorted(out.glob("*.apkg")):
            import_package(col, package)
        before = {(card["guid"], card["ord"]): card for card in learner_cards(col)}
        plan = next(p for p in sorted(vault.rglob("*.md")) if p.stem == "Plan")
        text = plan.read_text(encoding="utf-8")
        plan.write_text(text.replace("one shared picture", "one shared map"), encoding="utf-8")
        stat = plan.stat()
        os.utime(plan, (stat.st_atime, stat.st_mtime + 60))  # a later save
        result = runner.invoke(app, [*build[:-1], "--verbose"])
        assert result.exit_code == 0, result.output
        assert re.search(r"notes: \d+ read, 1 parsed", result.output), result.output
        counts = [import_package(col, package) for package in sorted(out.glob("*.apkg"))]
        after = {(card["guid"], card["ord"]): card for card in learner_cards(col)}
    assert sum(c.new for c in counts) == 0 and sum(c.updated for c in counts) >= 1
    assert after.keys() == before.keys()  # updated in place: no card added or lost
    changed = [key for key in after if after[key]["answer"] != before[key]["answer"]]
    assert changed and all("one shared map" in after[key]["answer"] for key in changed)
    assert all(after[key]["note_id"] == before[key]["note_id"] for key in after)


# --- Only written cards changed: the packages they reach are made again, nothing else --------

ONLY_WRITTEN = re.compile(r"only written cards changed: (\d+) of (\d+) package\(s\) made again")


def _twin_builds(
    tmp_path: Path, edit: Callable[[Path], None], *flags: str, code: int = 0
) -> tuple[str, Path, Path]:
    """A build from the store after `edit`, and a build of the same notes without a store,
    both over the same last build, both with `flags` and exiting with `code`; the verbose
    output of the first (its diagnostics and its report must be the second's too)."""
    vault, out, twin = tmp_path / "vault", tmp_path / "out", tmp_path / "twin"
    if not vault.exists():
        shutil.copytree(SAMPLE, vault)
    runner = CliRunner()
    build = ["build", str(vault), "-o", str(out), "--cache-dir", str(tmp_path / "cache"), *flags]
    assert runner.invoke(app, [*build, "-q"]).exit_code == 0
    shutil.rmtree(twin, ignore_errors=True)
    shutil.copytree(out, twin)
    edit(vault)
    result = runner.invoke(app, [*build, "--verbose"])
    assert result.exit_code == code, result.output
    stored = runner.invoke(app, [*build, "--json"])  # the same build again: from the record
    plain = runner.invoke(app, ["build", str(vault), "-o", str(twin), "--no-cache", *flags])
    assert plain.exit_code == code, plain.output
    again = runner.invoke(
        app, ["build", str(vault), "-o", str(twin), "--no-cache", "--json", *flags]
    )
    _same_output(out, twin)
    assert _report(stored.stdout) == _report(again.stdout)
    assert _diagnostic_lines(result.stderr) == _diagnostic_lines(plain.stderr)
    return " ".join(result.output.split()), out, twin


def _report(text: str) -> dict[str, object]:
    """A JSON report without what differs between any two builds: times, written flags."""
    report = json.loads(text)
    for key in ("seconds", "reused_last_build", "timings"):
        report.pop(key, None)
    for package in report.get("packages", []):
        package.pop("written", None)
        package["path"] = Path(package["path"]).name  # the two builds write to two folders
    return report


def _diagnostic_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if re.match(r"^\S.*:\d+: (warning|error): ", line)]


def _note(vault: Path, stem: str) -> Path:
    return next(p for p in sorted(vault.rglob("*.md")) if p.stem == stem)


def _reword_a_card(vault: Path) -> None:
    note = _note(vault, "Four dimensions")
    text = note.read_text(encoding="utf-8")
    assert "a simple formula?" in text
    note.write_text(text.replace("a simple formula?", "one short formula?"), encoding="utf-8")


def test_a_reworded_card_remakes_only_its_package_and_writes_what_a_full_build_writes(
    tmp_path: Path,
) -> None:
    vault = tmp_path / "vault"
    shutil.copytree(SAMPLE, vault)
    first = tmp_path / "first"
    result = CliRunner().invoke(app, ["build", str(vault), "-o", str(first), "--no-cache", "-q"])
    assert result.exit_code == 0, result.output
    output, out, _ = _twin_builds(tmp_path, _reword_a_card)
    found = ONLY_WRITTEN.search(output)
    assert found and found.group(1) == "1", output
    assert "1 parsed" in output
    with fresh_collection(tmp_path / "anki") as col:
        for package in sorted(first.glob("*.apkg")):
            import_package(col, package)
        counts = [import_package(col, package) for package in sorted(out.glob("*.apkg"))]
        fronts = [card["question"] for card in learner_cards(col)]
    # the edit reached the learner as an update of the card they had (its GUID carried over)
    assert sum(c.new for c in counts) == 0 and sum(c.updated for c in counts) >= 1
    assert any("one short formula?" in front for front in fronts)
    assert not any("a simple formula?" in front for front in fronts)


def test_a_note_saved_again_redates_the_model_cards_it_dates_and_nothing_else(
    tmp_path: Path,
) -> None:
    def touch(vault: Path) -> None:
        note = _note(vault, "Plan")
        stat = note.stat()
        os.utime(note, (stat.st_atime, stat.st_mtime + 3600))

    output, _, _ = _twin_builds(tmp_path, touch)
    assert ONLY_WRITTEN.search(output), output


@pytest.mark.parametrize(
    "edit",
    [
        "a new input",  # the model changes
        "a new note",  # the set of notes changes
        "a new picture",  # another vault file changes
    ],
)
def test_an_edit_beyond_written_cards_is_a_full_build(tmp_path: Path, edit: str) -> None:
    def change(vault: Path) -> None:
        if edit == "a new input":
            note = _note(vault, "Plan")
            text = note.read_text(encoding="utf-8")
            note.write_text(text.replace("## Inputs\n", "## Inputs\n- Budgets from [[Engage]]\n"))
        elif edit == "a new note":
            (vault / "ITIL 4" / "Glossary.md").write_text("# Glossary\nWords.\n")
        else:
            (vault / "attachments" / "new.png").write_bytes(b"\x89PNG\r\n\x1a\n")

    output, _, _ = _twin_builds(tmp_path, change)
    assert not ONLY_WRITTEN.search(output), output


def test_damaged_remembered_cards_mean_a_full_build_with_the_same_packages(
    tmp_path: Path,
) -> None:
    def damage(vault: Path) -> None:
        _reword_a_card(vault)
        db = sqlite3.connect(tmp_path / "cache" / FILE_NAME)
        assert db.execute("UPDATE entries SET value = x'00ff' WHERE space = 'model-cards'").rowcount
        db.commit()
        db.close()

    output, _, _ = _twin_builds(tmp_path, damage)
    assert not ONLY_WRITTEN.search(output), output


def test_a_sequence_of_card_edits_stays_equal_to_full_builds(tmp_path: Path) -> None:
    """Each build starts from the store the last incremental one left."""
    words = ["one short formula?", "a tiny formula?", "a plain formula?"]
    before = "a simple formula?"
    for word in words:

        def reword(vault: Path, old: str = before, new: str = word) -> None:
            note = _note(vault, "Four dimensions")
            note.write_text(note.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")

        output, _, _ = _twin_builds(tmp_path, reword)
        assert ONLY_WRITTEN.search(output), output
        before = word


@pytest.mark.parametrize(
    "flags", [("--single", "all.apkg"), ("--cards", "written"), ("--cards", "written,flows")]
)
def test_options_keep_the_incremental_build_equal_to_a_full_one(
    tmp_path: Path, flags: tuple[str, ...]
) -> None:
    output, _, _ = _twin_builds(tmp_path, _reword_a_card, *flags)
    assert ONLY_WRITTEN.search(output), output


def test_a_note_that_no_longer_parses_is_a_full_build_with_its_error(tmp_path: Path) -> None:
    def break_frontmatter(vault: Path) -> None:
        note = _note(vault, "Four dimensions")
        note.write_text("---\ncards-deck: [unclosed\n---\n" + note.read_text(encoding="utf-8"))

    output, _, _ = _twin_builds(tmp_path, break_frontmatter, code=1)
    assert not ONLY_WRITTEN.search(output), output


def test_removing_a_notes_last_written_card_stays_incremental(tmp_path: Path) -> None:
    def drop_cards(vault: Path) -> None:
        # Every card callout's lines emptied: no other line moves, so the model sees nothing.
        note = _note(vault, "Four dimensions")
        head, cards = note.read_text(encoding="utf-8").split("# cards", 1)
        kept = ["" if line.startswith(">") else line for line in cards.split("\n")]
        note.write_text(head + "# cards" + "\n".join(kept), encoding="utf-8")

    output, _, _ = _twin_builds(tmp_path, drop_cards)
    assert ONLY_WRITTEN.search(output), output  # its package still holds other notes' cards
    assert re.search(r"~\d+ -[1-9]", output), output  # the learner is told cards went


def test_a_card_added_above_the_facts_moves_their_lines_and_stays_incremental(
    tmp_path: Path,
) -> None:
    """A card added in the middle of a note moves every later line; the model cards citing
    those lines follow (their Source says the new line), as a full build would."""

    def grow(vault: Path) -> None:
        # A card written above the Inputs list: every item below moves down four lines.
        note = _note(vault, "Plan")
        text = note.read_text(encoding="utf-8")
        card = ">[!info] card\n>Who are Plan's main consumers?\n>---\n>Design and transition.\n"
        note.write_text(text.replace("## Inputs\n", card + "\n## Inputs\n", 1), encoding="utf-8")

    output, _, _ = _twin_builds(tmp_path, grow)
    assert ONLY_WRITTEN.search(output), output
