"""Manifests are state (issue 20): one that cannot be used stops the build with one line that
says what to do, never a silent fresh start and never a crash; `--reset-ids` starts afresh on
purpose and says what that costs; a manifest that cannot be written fails the build."""

from __future__ import annotations

import errno
import hashlib
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chaincards.anki import manifest_file
from chaincards.cli import app
from rebuilds import T0, edit, fixture_vault

MANIFEST = "Course.chaincards.json"


@pytest.fixture(autouse=True)
def _no_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def _run(vault: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of a build (`-q` unless `--reset-ids`, which warns)."""
    quiet = [] if "--reset-ids" in extra else ["-q"]
    result = CliRunner().invoke(app, ["build", str(vault), "-o", str(out), *quiet, *extra])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def _digests(out: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir())}


def _built(tmp_path: Path) -> tuple[Path, Path]:
    vault, out = fixture_vault(tmp_path, "dialect_vault"), tmp_path / "out"
    assert _run(vault, out)[0] == 0
    return vault, out


def _malformed_mod(text: str) -> str:
    document = json.loads(text)
    document["notes"][0]["mod"] = "yesterday"
    return json.dumps(document)


def _mod_beyond_a_package(text: str) -> str:
    document = json.loads(text)
    document["notes"][0]["mod"] = 10**17  # as milliseconds, more than a note id can hold
    return json.dumps(document)


@pytest.mark.parametrize(
    ("damage", "says"),
    [
        (lambda text: text[: len(text) // 2], "is not JSON any more"),
        (lambda text: "\udcff", "cannot be read"),
        (_malformed_mod, "does not hold what a manifest holds: note 1: `mod` is not a time"),
        (_mod_beyond_a_package, "does not hold what a manifest holds: note 1: `mod` is not"),
        (lambda text: text.replace('"format": 4', '"format": 2'), "has format 2"),
        (lambda text: "[]", "is not a chaincards manifest"),
    ],
    ids=["truncated", "not-utf8", "mod-as-text", "mod-too-large", "old-format", "not-an-object"],
)
def test_a_damaged_manifest_stops_the_build_with_what_to_do(
    tmp_path: Path, damage: object, says: str
) -> None:
    vault, out = _built(tmp_path)
    manifest = out / MANIFEST
    text = manifest.read_text(encoding="utf-8")
    damaged = damage(text)  # type: ignore[operator]
    manifest.write_bytes(damaged.encode("utf-8", "surrogateescape"))
    before = _digests(out)
    edit(vault / "Root note.md", "::Paris", "::Paris, on the Seine", T0 + 60)
    code, _, stderr = _run(vault, out)
    assert code == 1
    [line] = [line for line in stderr.splitlines() if line.strip()]
    assert line.startswith(f"{manifest}:1: error: this manifest {says}"), line
    assert "git checkout" in line and "--reset-ids" in line
    assert _digests(out) == before  # nothing written


def test_reset_ids_starts_afresh_and_says_how_many_cards_import_as_new(tmp_path: Path) -> None:
    vault, out = _built(tmp_path)
    # A reworded card carries its GUID over: only its manifest knows it.
    edit(vault / "Root note.md", "Capital of France", "Capital city of France", T0 + 60)
    assert _run(vault, out)[0] == 0
    manifests = sorted(out.glob("*.chaincards.json"))
    cards = sum(len(json.loads(m.read_text(encoding="utf-8"))["notes"]) for m in manifests)
    [carried] = [m for m in manifests if "own_guid" in m.read_text(encoding="utf-8")]
    carried.write_text("{", encoding="utf-8")
    assert _run(vault, out)[0] == 1
    code, _, stderr = _run(vault, out, "--reset-ids")
    assert code == 0
    message = " ".join(stderr.split())
    assert f"1 of {cards} card(s) were not in the packages this build replaced" in message
    # From now on the manifest is whole again, and a clean build agrees with it.
    assert _run(vault, out)[0] == 0
    clean = tmp_path / "clean"
    assert _run(vault, clean, "--no-cache")[0] == 0
    assert _digests(clean)["Course.apkg"] == _digests(out)["Course.apkg"]


def test_a_manifest_that_cannot_be_written_fails_the_build_and_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault, out = _built(tmp_path)
    steady = tmp_path / "steady"  # the same builds, none of them failing
    assert _run(vault, steady)[0] == 0
    edit(vault / "Root note.md", "::Paris", "::Paris, on the Seine", T0 + 60)

    def full_disk(path: Path, text: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(manifest_file, "write_text_atomically", full_disk)
        code, _, stderr = _run(vault, out, "--jobs", "1")
    assert code == 2
    [line] = [line for line in stderr.splitlines() if line.strip()]
    assert line.startswith(f"Error: {out}{os.sep}") and line.endswith(
        ".chaincards.json: cannot write: No space left on device"
    ), line
    # The next build, with room again, leaves what builds that never failed leave.
    assert _run(vault, out)[0] == 0
    assert _run(vault, steady)[0] == 0
    assert _digests(steady) == _digests(out)
