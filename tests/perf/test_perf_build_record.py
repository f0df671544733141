"""The last build's record, a row of the build store (an unchanged vault is not parsed again),
and packages written in parallel."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import zlib
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import chaincards.build.full as full_build
import chaincards.build.remake as remake_build
import chaincards.store.database as database
from chaincards.build.memo import recall_vault
from chaincards.cli import app
from chaincards.parallel import run_each
from chaincards.store import Store
from chaincards.store.database import FILE_NAME

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


def build(vault: Path, out: Path, *extra: str) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["build", str(vault), "-o", str(out), "--json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _parse_with(monkeypatch: pytest.MonkeyPatch, parse_vault: Any) -> None:
    """Both ways a build parses notes (all of them, or the changed ones) go through this."""
    for module in (full_build, remake_build):
        monkeypatch.setattr(module, "parse_vault", parse_vault)


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
    _parse_with(monkeypatch, lambda *a, **k: pytest.fail("parsed again"))
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
    _parse_with(monkeypatch, lambda *a, **k: pytest.fail("parsed again"))
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


def _set_record(cache: Path, value: bytes) -> None:
    db = sqlite3.connect(cache / FILE_NAME)
    assert db.execute("UPDATE entries SET value = ? WHERE space = 'vault'", (value,)).rowcount == 1
    db.commit()
    db.close()


@pytest.mark.parametrize(
    "value",
    [
        b"not a record",
        zlib.compress(b'{"format": 1, "options": {"c": "system", "v": []}}'),  # not a record
        zlib.compress(b'"a string"'),
        zlib.compress(b'{"format": 1, "options": "", "files": "", "notes": [1], "packages": []}'),
    ],
    ids=["garbage", "foreign shape", "a string", "not notes"],
)
def test_a_corrupt_record_means_a_full_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: bytes
) -> None:
    vault, out, cache = make_vault(tmp_path), tmp_path / "out", tmp_path / "cache"
    first = build(vault, out, "--cache-dir", str(cache))
    assert not list(cache.rglob("*.pickle"))
    _set_record(cache, value)
    parsed: list[object] = []
    real = full_build.parse_vault

    def parse_vault(*args: Any, **kwargs: Any) -> Any:
        parsed.append(args)
        return real(*args, **kwargs)

    _parse_with(monkeypatch, parse_vault)
    report = build(vault, out, "--cache-dir", str(cache))
    assert parsed and report["reused_last_build"] is False
    assert [p["notes"] for p in report["packages"]] == [3, 3]
    assert report["diagnostics"] == first["diagnostics"] == []
    # The full build recorded itself again: the next one is the last build.
    assert build(vault, out, "--cache-dir", str(cache))["reused_last_build"] is True


@pytest.mark.parametrize(
    "value",
    [b"", zlib.compress(b"null"), zlib.compress(b'{"format": 2}'), zlib.compress(b"[5, []]")],
    ids=["empty", "none", "another format", "not an object"],
)
def test_a_record_of_another_shape_means_a_full_build(tmp_path: Path, value: bytes) -> None:
    store = Store(tmp_path / "cache")
    store.put("vault", "last", value)
    try:
        assert recall_vault(store) is None
    finally:
        store.close()


def test_the_record_is_a_row_of_the_store(tmp_path: Path) -> None:
    vault, out, cache = make_vault(tmp_path), tmp_path / "out", tmp_path / "cache"
    for _ in range(2):
        build(vault, out, "--cache-dir", str(cache))
        store = Store(cache)
        assert store.keys("vault") == {"last"}  # one build is remembered: the last
        assert len(store.keys("model-cards")) == 2  # with each package's cards
        store.close()
    note = vault / "deck0 note0.md"
    note.write_text(NOTE.format(deck="Deck 0", n="edited"), encoding="utf-8")
    build(vault, out, "--cache-dir", str(cache))
    assert build(vault, out, "--cache-dir", str(cache))["reused_last_build"] is True
    store = Store(cache)
    assert store.keys("vault") == {"last"}
    assert len(store.keys("model-cards")) == len(store.keys("written-cards")) == 2
    store.close()


def test_a_record_of_other_code_is_not_the_last_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault, out, cache = make_vault(tmp_path), tmp_path / "out", tmp_path / "cache"
    build(vault, out, "--cache-dir", str(cache))
    monkeypatch.setattr(database, "tool_fingerprint", lambda: "another chaincards")
    report = build(vault, out, "--cache-dir", str(cache))
    assert report["reused_last_build"] is False
    assert report["diagnostics"] == []  # another chaincards' store is no damage: no warning
    assert [p["written"] for p in report["packages"]] == [False, False]  # same bytes on disk


def test_the_last_build_reports_its_diagnostics_again(tmp_path: Path) -> None:
    vault, out = make_vault(tmp_path), tmp_path / "out"
    (vault / "pictured.md").write_text(
        "---\ncards-deck: Deck 0::Chapter\n---\n# P\n>[!info] card\n>Q\n>---\n>A ![[gone.png]]\n",
        encoding="utf-8",
    )
    first = build(vault, out)
    assert [d["severity"] for d in first["diagnostics"]] == ["warning"]
    again = build(vault, out)
    assert again["reused_last_build"] is True
    assert again["diagnostics"] == first["diagnostics"]


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
