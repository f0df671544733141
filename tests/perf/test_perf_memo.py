"""Memos kept between builds (model cards by unit, item resolutions): a build that uses the last
build's memos must give exactly what a build without them gives, after any edit."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import chaincards.store.database as database_module
from ankitools import fresh_collection, import_package, learner_cards
from chaincards.cards.memo import CardMemo
from chaincards.cli import app
from chaincards.memo_file import Memo, store_key
from chaincards.model import build_model
from chaincards.model.remembered import RESOLUTIONS, Remembered, ResolutionKey
from chaincards.pipeline import Compilation, compile_parsed, read_vault
from chaincards.store import Decoder, Store
from chaincards.store.database import FILE_NAME

SAMPLE = Path(__file__).resolve().parents[2] / "notes"


def _compile(vault: Path, folder: Path | None) -> tuple[Compilation, CardMemo, Memo]:
    parsed = read_vault([vault])
    store = Store(folder) if folder else None
    memo = CardMemo(store)
    resolutions = Memo[ResolutionKey, Remembered](store, "resolutions", RESOLUTIONS)
    compilation = compile_parsed(parsed, None, memo=memo, resolutions=resolutions)
    memo.save()
    resolutions.save()
    if store is not None:
        store.close()
    return compilation, memo, resolutions


def _same(first: Compilation, second: Compilation) -> None:
    assert first.model == second.model
    assert first.cards == second.cards  # every field, the time included
    assert first.quality.to_json() == second.quality.to_json()
    assert first.diagnostics == second.diagnostics


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
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(seed=st.integers(0, 2**32 - 1), edits=st.integers(1, 3))
def test_a_build_from_memos_equals_a_build_without_them_after_any_edit(
    sample_vault: Path, tmp_path_factory: pytest.TempPathFactory, seed: int, edits: int
) -> None:
    work = tmp_path_factory.mktemp("edit")
    vault, folder = work / "vault", work / "memos"
    shutil.copytree(sample_vault, vault)
    _compile(vault, folder)  # the last build: fills the memos
    store = Store(folder)
    assert store.keys("cards")  # the last build's memo is there to be used
    store.close()
    rng = random.Random(seed)
    done = [_edit(vault, rng) for _ in range(edits)]
    remembered, memo, _ = _compile(vault, folder)
    fresh, _, _ = _compile(vault, None)
    _same(remembered, fresh)
    assert memo.made + memo.reused > 0, done


def test_an_unchanged_vault_makes_no_unit_and_resolves_nothing_again(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    shutil.copytree(SAMPLE, vault)
    first, memo, resolutions = _compile(vault, tmp_path)
    assert memo.made > 0 and resolutions.misses > 0
    again, memo, resolutions = _compile(vault, tmp_path)
    assert (memo.made, resolutions.misses) == (0, 0)
    assert memo.reused > 0 and resolutions.hits > 0
    _same(first, again)


def test_a_touched_note_gives_remembered_cards_its_new_time(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    shutil.copytree(SAMPLE, vault)
    before, _, _ = _compile(vault, tmp_path)
    note = next(p for p in sorted(vault.rglob("*.md")) if p.stem == "Plan")
    os.utime(note, (2_000_000_000, 2_000_000_000))
    after, memo, _ = _compile(vault, tmp_path)
    assert memo.made == 0  # times are not part of a unit's key
    moved = [c for c in after.cards if c.origin.startswith(note.relative_to(vault).as_posix())]
    assert moved and all(card.mod == 2_000_000_000 for card in moved)
    assert {c.guid for c in after.cards} == {c.guid for c in before.cards}
    _same(after, _compile(vault, None)[0])


def test_an_edit_remakes_only_the_units_it_touches(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    shutil.copytree(SAMPLE, vault)
    _, first, _ = _compile(vault, tmp_path)
    note = next(p for p in sorted(vault.rglob("*.md")) if p.stem == "Plan")
    lines = note.read_text(encoding="utf-8").split("\n")
    second_output = lines.index("## Outputs") + 2
    assert lines[second_output].startswith("- Portfolio decisions for [[Design and transition]]")
    # Same line count: no other fact of the note moves (cards cite their line).
    lines[second_output] = "- A brand new roadmap for [[Improve]]."
    note.write_text("\n".join(lines), encoding="utf-8")
    _, memo, _ = _compile(vault, tmp_path)
    # Plan's own unit, the pairs Plan → Design and transition (one flow less) and Plan →
    # Improve (one more), and two "which activity provides" cards: Portfolio decisions (still
    # stated by Design and transition's inputs, now unconfirmed) and the new roadmap.
    assert 1 <= memo.made <= 5
    assert memo.reused >= first.made - 5


@pytest.mark.parametrize("damage", ["garbage", "truncated", "other code", "not a unit"])
def test_a_damaged_or_foreign_memo_is_empty_never_an_error(
    tmp_path: Path, damage: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = tmp_path / "vault"
    shutil.copytree(SAMPLE, vault)
    expected, _, _ = _compile(vault, tmp_path)
    database = tmp_path / FILE_NAME
    if damage == "garbage":
        database.write_bytes(b"SQLite format 3\x00 and then nothing a database holds")
    elif damage == "truncated":
        database.write_bytes(database.read_bytes()[: database.stat().st_size // 2])
    elif damage == "not a unit":  # a row that decodes to something else entirely
        with sqlite3.connect(database) as db:
            db.execute("UPDATE entries SET value = ? WHERE space = 'cards'", (b"\x78\x01",))
    else:
        monkeypatch.setattr(database_module, "tool_fingerprint", lambda: "another chaincards")
    compilation, memo, _ = _compile(vault, tmp_path)
    assert memo.reused == 0 and memo.made > 0
    _same(compilation, expected)


def test_a_new_name_re_resolves_only_the_items_whose_lookups_it_answers(
    tmp_path: Path,
) -> None:
    vault = tmp_path / "vault"
    shutil.copytree(SAMPLE, vault)
    remembered = Memo[ResolutionKey, Remembered](None, "resolutions", RESOLUTIONS)
    first = build_model(read_vault([vault]).notes, remembered)
    items = sum(len(a.inputs) + len(a.outputs) for a in first.activities)
    # A new activity, linked from nowhere: every lookup that could find it now answers
    # differently, all others the same.
    (vault / "Review board.md").write_text("# Review board\n## Inputs\n- Findings from [[Plan]]\n")
    notes = read_vault([vault]).notes
    misses = remembered.misses
    again = build_model(notes, remembered)
    assert again == build_model(notes)
    assert remembered.misses - misses < items // 4


def test_a_name_that_now_reads_an_item_differently_is_not_hidden_by_the_memo(
    tmp_path: Path,
) -> None:
    assess = "# Assess\n## Inputs\n- Audit reports provided by quality gate\n"
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "Assess.md").write_text(assess + "## Outputs\n- Findings for [[Plan]]\n")
    remembered = Memo[ResolutionKey, Remembered](None, "resolutions", RESOLUTIONS)

    def inputs_of_assess() -> list[tuple[str, str]]:
        notes = read_vault([vault]).notes
        model = build_model(notes, remembered)
        assert model == build_model(notes)
        activity = next(a for a in model.activities if a.name == "Assess")
        return [(c.kind, c.name) for item in activity.inputs for c in item.counterparts]

    assert inputs_of_assess() == []  # "quality gate" names nothing known yet
    gate = "# Quality gate\n## Outputs\n- Audit reports for [[Assess]]\n"
    (vault / "Quality gate.md").write_text(gate)
    assert inputs_of_assess() == [("activity", "Quality gate")]


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
    assert "model cards:" in result.output and "from cache" in result.output
    result = runner.invoke(app, ["build", str(vault), "-o", str(twin), "--no-cache", "-q"])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in twin.iterdir())
    assert written == sorted(p.name for p in out.iterdir())
    for name in written:
        ours, theirs = (out / name).read_bytes(), (twin / name).read_bytes()
        if name.endswith(".json"):  # a manifest: without a cache it records no input digest
            ours, theirs = (json.loads(data) for data in (ours, theirs))
            ours.pop("inputs")
            theirs.pop("inputs")
        assert ours == theirs, name


def test_memo_keeps_what_this_build_used_and_writes_only_what_it_made(tmp_path: Path) -> None:
    numbers = Decoder([])
    store = Store(tmp_path)
    first = Memo[str, int](store, "numbers", numbers)
    for number in range(200):
        first.put(f"key {number}", number)
    first.save()
    store.close()
    store = Store(tmp_path)
    assert len(store.keys("numbers")) == 200
    second = Memo[str, int](store, "numbers", numbers)
    assert [second.get(f"key {n}") for n in range(200)] == list(range(200))
    assert second.loaded == 200
    assert second.get("missing") is None and (second.hits, second.misses) == (200, 1)
    second.put("key 7", 700)
    written: list[str] = []
    put = store.put
    store.put = lambda space, key, value: (written.append(key), put(space, key, value))  # type: ignore[method-assign]
    second.save()
    assert written == [store_key("key 7")]  # one value replaced: only its row is written
    store.close()
    store = Store(tmp_path)
    third = Memo[str, int](store, "numbers", numbers)
    assert third.get("key 7") == 700
    assert third.get("key 8") == 8
    third.save()  # every other value unused: dropped
    assert store.keys("numbers") == {store_key("key 7"), store_key("key 8")}
    store.close()


def test_a_value_the_codec_cannot_hold_is_only_not_remembered(tmp_path: Path) -> None:
    store = Store(tmp_path)
    memo = Memo[str, object](store, "values", Decoder([]))
    memo.put("fine", 1)
    memo.put("lambda", lambda: None)  # no code is ever stored
    memo.save()  # no exception: the memo only saves time
    store.close()
    again = Memo[str, object](Store(tmp_path), "values", Decoder([]))
    assert again.get("lambda") is None and again.get("fine") == 1
    assert not any(name.endswith(".tmp") for name in (p.name for p in tmp_path.iterdir()))


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
        assert re.search(
            r"model cards: [1-9]\d* unit\(s\) made, [1-9]\d* from cache", result.output
        )
        counts = [import_package(col, package) for package in sorted(out.glob("*.apkg"))]
        after = {(card["guid"], card["ord"]): card for card in learner_cards(col)}
    assert sum(c.new for c in counts) == 0 and sum(c.updated for c in counts) >= 1
    assert after.keys() == before.keys()  # updated in place: no card added or lost
    changed = [key for key in after if after[key]["answer"] != before[key]["answer"]]
    assert changed and all("one shared map" in after[key]["answer"] for key in changed)
    assert all(after[key]["note_id"] == before[key]["note_id"] for key in after)
