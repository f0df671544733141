"""The parse cache in the build store (hit, miss on an edit or a changed linked file, damaged or
foreign rows, rows of other code) and parallel parsing."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import chaincards.store.database as database
import chaincards.store.fingerprint as fingerprint
from chaincards.cards.quality import QualityReport
from chaincards.cli import app
from chaincards.diagnostics import Severity
from chaincards.document import SourceNote
from chaincards.parallel import parse_notes
from chaincards.parse.cache import ParseCache
from chaincards.pipeline import ParsedVault, read_vault
from chaincards.source.vault import VaultIndex
from chaincards.store import Store, encode
from chaincards.store.database import FILE_NAME

NOTE = "---\ncards-deck: C::D\n---\n# T\n>[!info] card\n>Q {n}\n>---\n>A ![[pic.png]]\n"


def make_vault(root: Path, count: int) -> Path:
    vault = root / "vault"
    vault.mkdir()
    (vault / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    for number in range(count):
        path = vault / f"note {number:03}.md"
        path.write_text(NOTE.format(n=number), encoding="utf-8")
        os.utime(path, (1_700_000_000, 1_700_000_000))
    return vault


def source(text: str = "# T\n") -> SourceNote:
    return SourceNote("a.md", "v", text, 1)


def read(vault: Path, folder: Path) -> tuple[ParsedVault, ParseCache]:
    """One build's parsing with the store in `folder`: open, read, save, close."""
    store = Store(folder)
    cache = ParseCache(store)
    try:
        parsed = read_vault([vault], cache=cache)
        cache.save()
    finally:
        store.close()
    return parsed, cache


def parse_one(folder: Path, index: VaultIndex) -> ParseCache:
    store = Store(folder)
    cache = ParseCache(store)
    try:
        [result] = parse_notes([source()], index, cache, jobs=1)
        cache.save()
    finally:
        store.close()
    assert result.note is not None and result.note.title == "T"
    return cache


def rows(folder: Path, space: str) -> int:
    db = sqlite3.connect(folder / FILE_NAME)
    try:
        return db.execute("SELECT count(*) FROM entries WHERE space = ?", (space,)).fetchone()[0]
    finally:
        db.close()


@pytest.fixture
def fresh_fingerprint() -> Iterator[None]:
    """The fingerprint is computed once per process: recompute it around a test that changes
    what it hashes."""
    fingerprint.tool_fingerprint.cache_clear()
    yield
    fingerprint.tool_fingerprint.cache_clear()


def test_second_read_hits_the_cache_and_gives_equal_notes(tmp_path: Path) -> None:
    vault = make_vault(tmp_path, 3)
    first, cache = read(vault, tmp_path / "cache")
    assert (cache.hits, cache.misses) == (0, 3)
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [FILE_NAME]  # one file, no pickles
    assert rows(tmp_path / "cache", "parse") == 3
    second, again = read(vault, tmp_path / "cache")
    assert (again.hits, again.misses) == (3, 0)
    assert second.notes == first.notes
    assert second.diagnostics == first.diagnostics


def test_edited_note_misses(tmp_path: Path) -> None:
    vault = make_vault(tmp_path, 2)
    read(vault, tmp_path / "cache")
    (vault / "note 001.md").write_text(NOTE.format(n="edited"), encoding="utf-8")
    parsed, cache = read(vault, tmp_path / "cache")
    assert (cache.hits, cache.misses) == (1, 1)
    assert any("edited" in card.front for note in parsed.notes for card in note.cards)


def test_entry_is_not_used_when_a_linked_file_changes(tmp_path: Path) -> None:
    vault = make_vault(tmp_path, 1)
    read(vault, tmp_path / "cache")
    (vault / "pic.png").unlink()  # the embed no longer resolves: the cached card would lie
    parsed, cache = read(vault, tmp_path / "cache")
    assert cache.hits == 0
    assert "image not found" in " ".join(d.message for d in parsed.diagnostics)


def test_rows_of_notes_not_read_are_let_go(tmp_path: Path) -> None:
    vault = make_vault(tmp_path, 3)
    read(vault, tmp_path / "cache")
    (vault / "note 002.md").unlink()
    (vault / "note 001.md").write_text(NOTE.format(n="edited"), encoding="utf-8")
    _, cache = read(vault, tmp_path / "cache")
    assert (cache.hits, cache.misses) == (1, 1)
    assert rows(tmp_path / "cache", "parse") == 2  # the deleted note's and the old text's gone


def test_writes_are_kept_only_when_the_store_is_closed(tmp_path: Path) -> None:
    index = VaultIndex(tmp_path)
    store = Store(tmp_path / "cache")
    parse_notes([source()], index, ParseCache(store), jobs=1)
    # An interrupted build (never closed) leaves the last good store: here, an empty one.
    assert rows(tmp_path / "cache", "parse") == 0
    store.close()
    assert rows(tmp_path / "cache", "parse") == 1


@pytest.mark.parametrize(
    "value",
    [
        b"not an entry",
        b"",
        zlib.compress(b"{not json"),
        zlib.compress(b'{"c": "system", "v": ["echo"]}'),  # a class no decoder allows
        encode("a string"),
        encode((1, 2, 3)),
        encode(({}, QualityReport())),  # a class the parse cache does not allow
    ],
)
def test_damaged_or_foreign_entry_is_a_miss_not_an_error(tmp_path: Path, value: bytes) -> None:
    index = VaultIndex(tmp_path)
    parse_one(tmp_path / "cache", index)
    db = sqlite3.connect(tmp_path / "cache" / FILE_NAME)
    db.execute("UPDATE entries SET value = ? WHERE space = 'parse'", (value,))
    db.commit()
    db.close()
    again = parse_one(tmp_path / "cache", index)
    assert (again.hits, again.misses) == (0, 1)
    assert parse_one(tmp_path / "cache", index).hits == 1  # and the entry was written anew


def test_entry_of_another_shape_is_a_miss_not_an_error(tmp_path: Path) -> None:
    index = VaultIndex(tmp_path)
    parse_one(tmp_path / "cache", index)
    db = sqlite3.connect(tmp_path / "cache" / FILE_NAME)
    db.execute("UPDATE entries SET value = ? WHERE space = 'parse'", (encode(None),))
    db.commit()
    db.close()
    assert parse_one(tmp_path / "cache", index).misses == 1


def test_rows_written_by_other_code_are_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = VaultIndex(tmp_path)
    parse_one(tmp_path / "cache", index)
    assert rows(tmp_path / "cache", "parse") == 1
    # Only the store's fingerprint differs: the entry's own key is the same, yet not reused.
    monkeypatch.setattr(database, "tool_fingerprint", lambda: "another chaincards")
    store = Store(tmp_path / "cache")
    assert store.keys("parse") == set()
    assert not store.reset  # another chaincards' store is not damage: no warning
    store.close()
    cache = parse_one(tmp_path / "cache", index)
    assert (cache.hits, cache.misses) == (0, 1)


def test_tool_version_change_invalidates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_fingerprint: None
) -> None:
    index = VaultIndex(tmp_path)
    parse_one(tmp_path / "cache", index)
    monkeypatch.setattr(fingerprint, "__version__", "0.0.0+another")
    fingerprint.tool_fingerprint.cache_clear()
    cache = parse_one(tmp_path / "cache", index)
    assert (cache.hits, cache.misses) == (0, 1)
    assert parse_one(tmp_path / "cache", index).hits == 1


def test_a_cached_note_keeps_its_errors(tmp_path: Path) -> None:
    vault = make_vault(tmp_path, 2)
    broken = vault / "broken.md"
    broken.write_text("---\ncards-deck: [a, b]\n---\n# B\n", encoding="utf-8")
    first, _ = read(vault, tmp_path / "cache")
    second, cache = read(vault, tmp_path / "cache")
    assert cache.hits == 3
    assert second.diagnostics == first.diagnostics
    assert [d.severity for d in second.diagnostics] == [Severity.ERROR]
    assert all(type(d.severity) is Severity for d in second.diagnostics)
    # Through the CLI: an edit elsewhere misses the build record, the broken note is a hit.
    runner = CliRunner()
    args = ["build", str(vault), "-o", str(tmp_path / "out"), "--json"]
    assert runner.invoke(app, args).exit_code == 1
    (vault / "note 000.md").write_text(NOTE.format(n="edited"), encoding="utf-8")
    result = runner.invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1
    assert [d["severity"] for d in json.loads(result.stdout)["diagnostics"]] == ["error"]


def digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.apkg"))
    }


def test_unwritable_cache_folder_only_costs_time(tmp_path: Path) -> None:
    vault = make_vault(tmp_path, 3)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    runner = CliRunner()
    cold = runner.invoke(app, ["build", str(vault), "-o", str(tmp_path / "cold"), "--no-cache"])
    assert cold.exit_code == 0, cold.output
    # A folder under a file can never be created.
    args = ["build", str(vault), "-o", str(tmp_path / "out"), "--cache-dir", str(blocker / "c")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert digest(tmp_path / "out") == digest(tmp_path / "cold")


def test_parallel_and_serial_builds_are_byte_identical(tmp_path: Path) -> None:
    vault = make_vault(tmp_path, 80)  # above the threshold where worker processes start
    runner = CliRunner()
    outputs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        result = runner.invoke(
            app, ["build", str(vault), "-o", str(out), "-q", "--no-cache", "--jobs", jobs]
        )
        assert result.exit_code == 0, result.output
        outputs[jobs] = digest(out)
    assert outputs["1"] == outputs["2"]
    assert len(outputs["1"]) == 1


def test_parallel_parsing_fills_the_store_like_serial_parsing(tmp_path: Path) -> None:
    vault = make_vault(tmp_path, 80)
    caches = {}
    for jobs in (1, 2):
        store = Store(tmp_path / f"cache{jobs}")
        cache = ParseCache(store)
        read_vault([vault], cache=cache, jobs=jobs)
        cache.save()
        store.close()
        caches[jobs] = Store(tmp_path / f"cache{jobs}")
    one, two = caches[1], caches[2]
    assert one.keys("parse") == two.keys("parse") and len(one.keys("parse")) == 80
    assert all(one.get("parse", key) == two.get("parse", key) for key in one.keys("parse"))
    one.close()
    two.close()


def test_cached_build_is_byte_identical_to_a_cold_one(tmp_path: Path) -> None:
    vault = make_vault(tmp_path, 5)
    runner = CliRunner()
    cache = tmp_path / "cache"
    for name in ("cold", "warm"):
        result = runner.invoke(
            app, ["build", str(vault), "-o", str(tmp_path / name), "-q", "--cache-dir", str(cache)]
        )
        assert result.exit_code == 0, result.output
    # The warm build parsed nothing, yet wrote its own packages (another --out).
    assert digest(tmp_path / "cold") == digest(tmp_path / "warm")
    assert not list(cache.rglob("*.pickle"))
    shutil.rmtree(cache)


def test_unchanged_rebuild_does_not_rewrite_and_an_edit_rewrites_only_its_deck(
    tmp_path: Path,
) -> None:
    vault = make_vault(tmp_path, 2)
    other = vault / "other.md"
    other.write_text(NOTE.replace("C::D", "E::F").format(n="x"), encoding="utf-8")
    os.utime(other, (1_700_000_000, 1_700_000_000))
    out = tmp_path / "out"
    runner = CliRunner()

    def build() -> dict[str, int]:
        result = runner.invoke(app, ["build", str(vault), "-o", str(out), "-q"])
        assert result.exit_code == 0, result.output
        return {p.name: p.stat().st_mtime_ns for p in out.glob("*.apkg")}

    first = build()
    assert (vault / ".chaincards-cache" / FILE_NAME).is_file()
    for path in out.glob("*.apkg"):  # make any rewrite visible in the file time
        os.utime(path, ns=(1, 1))
    assert build() == dict.fromkeys(first, 1)
    other.write_text(NOTE.replace("C::D", "E::F").format(n="edited"), encoding="utf-8")
    os.utime(other, (1_700_000_100, 1_700_000_100))
    after = build()
    assert after["C.apkg"] == 1 and after["E.apkg"] != 1
