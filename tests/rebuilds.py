"""Test helpers for the learner's loop: copy a fixture vault, build it, edit a note, import
every package into a real Anki collection (see `ankitools`)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from anki.collection import Collection
from typer.testing import CliRunner

from ankitools import import_package
from chaincards.cli import app

FIXTURES = Path(__file__).resolve().parent / "fixtures"
T0 = 1_700_000_000


def fixture_vault(parent: Path, name: str, mtime: int = T0) -> Path:
    """A copy of `tests/fixtures/<name>` in `parent/vault`, every file dated `mtime`."""
    vault = parent / "vault"
    shutil.copytree(FIXTURES / name, vault, ignore=shutil.ignore_patterns("expected-*.json"))
    for path in vault.rglob("*"):
        if path.is_file():
            os.utime(path, (mtime, mtime))
    return vault


def build(vault: Path, out: Path, *extra: str) -> Any:
    result = CliRunner().invoke(app, ["build", str(vault), "--out", str(out), "-q", *extra])
    assert result.exit_code == 0, result.output
    return result


def import_all(col: Collection, out: Path) -> tuple[int, int]:
    """Import every package in `out`: (new, updated) notes."""
    new = updated = 0
    for package in sorted(out.glob("*.apkg")):
        counts = import_package(col, package)
        new, updated = new + counts.new, updated + counts.updated
    return new, updated


def edit(path: Path, old: str, new: str, mtime: int) -> None:
    """Replace the one `old` in the note with `new` and date the note `mtime`."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    write(path, text.replace(old, new), mtime)


def write(path: Path, text: str, mtime: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.utime(path, (mtime, mtime))


def card_with(cards: list[dict[str, Any]], question: str, ord_: int = 0) -> dict[str, Any]:
    """The one card of ordinal `ord_` whose question holds `question`."""
    found = [c for c in cards if question in c["question"] and c["ord"] == ord_]
    assert len(found) == 1, (question, [c["question"] for c in found])
    return found[0]
