"""A build or check that finds no note is an error that says what is there instead (issue 21):
in CI a silent empty artifact is worse than a failure."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from chaincards.cli import app


def _run(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    lines = [line for line in result.stderr.splitlines() if ": error: " in line]
    return result.exit_code, lines


@pytest.mark.parametrize("command", ["build", "check"])
def test_text_files_only_suggest_the_include_that_finds_them(tmp_path: Path, command: str) -> None:
    vault = tmp_path / "notes"
    vault.mkdir()
    for name in ("Plan", "Engage", "Improve"):
        (vault / f"{name}.txt").write_text(f"# {name}\n\n## Inputs\n- Plans\n", encoding="utf-8")
    (vault / "diagram.png").write_bytes(b"png")
    args = [command, str(vault)] + (["-o", str(tmp_path / "out")] if command == "build" else [])
    code, errors = _run(*args)
    assert code == 1
    assert errors == [
        f"{vault}:1: error: no note matches --include '*.md' here; "
        "found 3 .txt file(s), 1 .png file(s): try --include '*.txt'"
    ]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").glob("*.apkg"))
    code, errors = _run(*args, "--include", "*.txt")
    assert (code, errors) == (0, [])


def test_an_empty_folder_says_it_is_empty(tmp_path: Path) -> None:
    code, errors = _run("build", str(tmp_path / "empty"), "-o", str(tmp_path / "out"))
    assert code == 2  # no such folder: a usage error
    (tmp_path / "empty").mkdir()
    code, errors = _run("build", str(tmp_path / "empty"), "-o", str(tmp_path / "out"))
    assert code == 1
    assert errors == [
        f"{tmp_path / 'empty'}:1: error: no note matches --include '*.md' here; found no file "
        "at all (hidden files and folders are skipped)"
    ]


def test_notes_all_excluded_say_so(tmp_path: Path) -> None:
    vault = tmp_path / "notes"
    (vault / "Templates").mkdir(parents=True)
    (vault / "Templates" / "Daily.md").write_text("# Daily\n", encoding="utf-8")
    code, errors = _run("check", str(vault), "--exclude", "Templates/*")
    assert code == 1
    assert errors == [
        f"{vault}:1: error: no note matches --include '*.md' here; found 1 matching file(s), "
        "every one left out by --exclude"
    ]
