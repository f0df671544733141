"""The build record (an unchanged vault is not parsed again) and packages written in parallel."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

import chaincards.pipeline as pipeline
from chaincards.cli import app
from chaincards.parallel import run_each

NOTE = "---\ncards-deck: {deck}::Chapter\n---\n# T{n}\n>[!info] card\n>Question {n}?\n>---\n>A{n}\n"


def make_vault(root: Path, decks: int = 2, notes: int = 3) -> Path:
    vault = root / "vault"
    vault.mkdir()
    for d in range(decks):
        for n in range(notes):
            path = vault / f"deck{d} note{n}.md"
            path.write_text(NOTE.format(deck=f"Deck {d}", n=n), encoding="utf-8")
            os.utime(path, (1_700_000_000, 1_700_000_000))
    return vault


def build(vault: Path, out: Path, *extra: str) -> dict[str, object]:
    result = CliRunner().invoke(app, ["build", str(vault), "-o", str(out), "--json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def digests(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.apkg"))
    }


def test_unchanged_rebuild_reports_the_last_build_without_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault, out = make_vault(tmp_path), tmp_path / "out"
    first = build(vault, out)
    assert [p["written"] for p in first["packages"]] == [True, True]
    before = digests(out)
    monkeypatch.setattr(pipeline, "parse_vault", lambda *a, **k: pytest.fail("parsed again"))
    again = build(vault, out)
    assert digests(out) == before
    assert [p["written"] for p in again["packages"]] == [False, False]
    assert (first["reused_last_build"], again["reused_last_build"]) == (False, True)
    assert [p["changes"]["new"] for p in first["packages"]] == [3, 3]
    assert all(not any(p["changes"][k] for k in ("new", "changed", "removed"))
               for p in again["packages"])  # fmt: skip
    # Same counts, decks and diagnostics as the build that wrote the packages.
    for report in (first, again):
        report.pop("reused_last_build")
        for package in report["packages"]:
            package.pop("written")
            package.pop("changes")
    assert again == first


def test_touched_package_with_the_same_bytes_is_still_the_last_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault, out = make_vault(tmp_path), tmp_path / "out"
    build(vault, out)
    for package in out.glob("*.apkg"):
        os.utime(package, ns=(1, 1))  # a checkout or a restored CI cache does this
    monkeypatch.setattr(pipeline, "parse_vault", lambda *a, **k: pytest.fail("parsed again"))
    assert not any(p["written"] for p in build(vault, out)["packages"])


def test_a_damaged_or_deleted_package_is_written_again(tmp_path: Path) -> None:
    vault, out = make_vault(tmp_path), tmp_path / "out"
    build(vault, out)
    before = digests(out)
    damaged, deleted = sorted(out.glob("*.apkg"))
    damaged.write_bytes(damaged.read_bytes()[:-1] + b"!")
    deleted.unlink()
    report = build(vault, out)
    assert [p["written"] for p in report["packages"]] == [True, True]
    assert digests(out) == before


def test_a_corrupt_record_means_a_full_build(tmp_path: Path) -> None:
    vault, out, cache = make_vault(tmp_path), tmp_path / "out", tmp_path / "cache"
    build(vault, out, "--cache-dir", str(cache))
    (cache / "build.pickle").write_bytes(b"not a pickle")
    report = build(vault, out, "--cache-dir", str(cache))
    assert [p["notes"] for p in report["packages"]] == [3, 3]


def test_an_edit_or_other_options_are_not_the_last_build(tmp_path: Path) -> None:
    vault, out = make_vault(tmp_path), tmp_path / "out"
    build(vault, out)
    note = vault / "deck1 note0.md"
    note.write_text(NOTE.format(deck="Deck 1", n="edited"), encoding="utf-8")
    os.utime(note, (1_700_000_100, 1_700_000_100))
    report = build(vault, out)
    assert [p["written"] for p in report["packages"]] == [False, True]
    only_purpose = build(vault, out, "--cards", "purpose")  # these notes have no purpose
    assert [(p["notes"], p["stale"]) for p in only_purpose["packages"]] == [(0, True), (0, True)]
    assert [p["changes"]["removed"] for p in only_purpose["packages"]] == [3, 3]


def test_packages_written_in_parallel_equal_serial_ones(tmp_path: Path) -> None:
    vault = make_vault(tmp_path, decks=3)
    for jobs in ("1", "2"):
        build(vault, tmp_path / f"out{jobs}", "--no-cache", "--jobs", jobs)
    assert digests(tmp_path / "out1") == digests(tmp_path / "out2")
    assert len(digests(tmp_path / "out1")) == 3


def _square(number: int) -> int:
    return number * number


def _fail_on_three(number: int) -> int:
    if number == 3:
        raise OSError(28, "No space left on device")
    return number


def test_run_each_keeps_order_and_passes_worker_errors_on() -> None:
    ticks: list[int] = []
    assert run_each(_square, list(range(7)), jobs=2, progress=ticks.append) == [
        0, 1, 4, 9, 16, 25, 36
    ]  # fmt: skip
    assert sum(ticks) == 7
    with pytest.raises(OSError, match="No space left"):
        run_each(_fail_on_three, [1, 2, 3, 4], jobs=2)
