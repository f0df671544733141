"""The parse cache (hit, miss, corrupt entry, version change) and parallel parsing."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import chaincards.cache as cache_module
from chaincards.cache import ParseCache
from chaincards.cli import app
from chaincards.document import SourceNote
from chaincards.parallel import parse_notes
from chaincards.pipeline import read_vault
from chaincards.vault import VaultIndex

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


def test_second_read_hits_the_cache_and_gives_equal_notes(tmp_path: Path) -> None:
    vault = make_vault(tmp_path, 3)
    cache = ParseCache(tmp_path / "cache")
    first = read_vault([vault], cache=cache)
    assert (cache.hits, cache.misses) == (0, 3)
    again = ParseCache(tmp_path / "cache")
    second = read_vault([vault], cache=again)
    assert (again.hits, again.misses) == (3, 0)
    assert second.notes == first.notes


def test_edited_note_misses(tmp_path: Path) -> None:
    vault = make_vault(tmp_path, 2)
    read_vault([vault], cache=ParseCache(tmp_path / "cache"))
    (vault / "note 001.md").write_text(NOTE.format(n="edited"), encoding="utf-8")
    cache = ParseCache(tmp_path / "cache")
    parsed = read_vault([vault], cache=cache)
    assert (cache.hits, cache.misses) == (1, 1)
    assert any("edited" in card.front for note in parsed.notes for card in note.cards)


def test_entry_is_not_used_when_a_linked_file_changes(tmp_path: Path) -> None:
    vault = make_vault(tmp_path, 1)
    read_vault([vault], cache=ParseCache(tmp_path / "cache"))
    (vault / "pic.png").unlink()  # the embed no longer resolves: the cached card would lie
    cache = ParseCache(tmp_path / "cache")
    parsed = read_vault([vault], cache=cache)
    assert cache.hits == 0
    assert "image not found" in " ".join(d.message for d in parsed.diagnostics)


def test_corrupt_entry_is_a_miss_not_an_error(tmp_path: Path) -> None:
    cache = ParseCache(tmp_path / "cache")
    index = VaultIndex(tmp_path)
    parse_notes([source()], index, cache, jobs=1)
    for entry in (tmp_path / "cache").rglob("*.pickle"):
        entry.write_bytes(b"not a pickle")
    again = ParseCache(tmp_path / "cache")
    [result] = parse_notes([source()], index, again, jobs=1)
    assert result.note is not None and result.note.title == "T"
    assert (again.hits, again.misses) == (0, 1)


def test_tool_version_change_invalidates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index = VaultIndex(tmp_path)
    parse_notes([source()], index, ParseCache(tmp_path / "cache"), jobs=1)
    monkeypatch.setattr(cache_module, "tool_fingerprint", lambda: "another chaincards")
    cache = ParseCache(tmp_path / "cache")
    parse_notes([source()], index, cache, jobs=1)
    assert (cache.hits, cache.misses) == (0, 1)


def test_unwritable_cache_folder_only_costs_time(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cache = ParseCache(blocker / "cache")  # a folder under a file can never be created
    [result] = parse_notes([source()], VaultIndex(tmp_path), cache, jobs=1)
    assert result.note is not None


def digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.apkg"))
    }


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


def test_cached_build_is_byte_identical_to_a_cold_one(tmp_path: Path) -> None:
    vault = make_vault(tmp_path, 5)
    runner = CliRunner()
    cache = tmp_path / "cache"
    for name in ("cold", "warm"):
        result = runner.invoke(
            app, ["build", str(vault), "-o", str(tmp_path / name), "-q", "--cache-dir", str(cache)]
        )
        assert result.exit_code == 0, result.output
    assert digest(tmp_path / "cold") == digest(tmp_path / "warm")
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
    for path in out.glob("*.apkg"):  # make any rewrite visible in the file time
        os.utime(path, ns=(1, 1))
    assert build() == dict.fromkeys(first, 1)
    other.write_text(NOTE.replace("C::D", "E::F").format(n="edited"), encoding="utf-8")
    os.utime(other, (1_700_000_100, 1_700_000_100))
    after = build()
    assert after["C.apkg"] == 1 and after["E.apkg"] != 1
