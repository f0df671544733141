"""The command line a newcomer meets (issue 21): `-h` and `-V`, shell completion, and option
help that names what to type instead of Python types."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from chaincards import __version__
from chaincards.cli import app

COMMANDS = ["build", "check", "model", "graph", "preview", "inspect", "config"]


def _help(*args: str) -> str:
    result = CliRunner().invoke(app, [*args, "-h"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_short_version_and_help() -> None:
    result = CliRunner().invoke(app, ["-V"])
    assert (result.exit_code, result.stdout) == (0, f"chaincards {__version__}\n")
    assert "Usage: " in _help() and "COMMAND [ARGS]" in _help()
    assert "--install-completion" in _help()


@pytest.mark.parametrize("command", COMMANDS)
def test_options_show_what_to_type(command: str) -> None:
    text = _help(command)
    options = [line for line in text.splitlines() if line.startswith("  ")]
    assert options
    for line in options:
        assert not re.search(r"<(str|int|path|list\[\w+\]|int range)>", line), line


def test_config_shows_toml_values_and_the_deck_a_build_uses(tmp_path: Path) -> None:
    vault = tmp_path / "Biology notes"
    vault.mkdir()
    (vault / "Cell.md").write_text("# Cell\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["config", str(vault)], env={"COLUMNS": "120"})
    assert result.exit_code == 0
    rows = {line.split("│")[1].strip(): line.split("│")[2].strip() for line in _rows(result)}
    assert rows["default-deck"] == '"Biology notes"'
    assert rows["diagrams"] == "false" and rows["strict"] == "false"
    assert rows["include"] == '["*.md"]' and rows["exclude"] == "[]"
    assert rows["single"] == "(not set)" and rows["out"] == '"decks"'
    assert "None" not in result.stdout and "False" not in result.stdout


def _rows(result: Result) -> list[str]:
    return [line for line in result.stdout.splitlines() if line.startswith("│")]


def test_inspect_takes_a_folder_and_labels_fields(tmp_path: Path) -> None:
    vault, out = tmp_path / "vault", tmp_path / "decks"
    for deck in ("Biology", "Law"):
        note = f"---\ncards-deck: {deck}\n---\n# N\n\n>[!note] card\n>Q {deck}?\n>---\n>A\n"
        (vault / deck).mkdir(parents=True)
        (vault / deck / "N.md").write_text(note, encoding="utf-8")
    assert CliRunner().invoke(app, ["build", str(vault), "-o", str(out), "-q"]).exit_code == 0
    text = CliRunner().invoke(app, ["inspect", str(out)]).stdout
    assert text.index("Biology.apkg:") < text.index("Law.apkg:")
    for label in ("Front: Q Biology?", "Back: A", "Context: N", "Source: Biology/N.md:6"):
        assert f"  {label}" in text
    documents = json.loads(CliRunner().invoke(app, ["inspect", str(out), "--json"]).stdout)
    assert [d["package"] for d in documents] == ["Biology.apkg", "Law.apkg"]
    assert documents[0]["samples"][0]["field_names"] == ["Front", "Back", "Context", "Source"]
    empty = CliRunner().invoke(app, ["inspect", str(vault)])
    assert empty.exit_code == 2 and "no .apkg file in this folder" in empty.stderr


def test_inspect_of_a_folder_names_the_package_it_cannot_read(tmp_path: Path) -> None:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "Broken.apkg").write_bytes(b"not a zip file")
    result = CliRunner().invoke(app, ["inspect", str(folder)])
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2 and len(lines) == 1
    assert lines[0].startswith(f"Error: {folder / 'Broken.apkg'}: not an .apkg"), lines


def test_the_build_table_fits_80_columns_with_short_deck_names(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    for chapter in ("Chapter 1 - Cells and their organelles", "Chapter 2 - Respiration"):
        note = (
            f"---\ncards-deck: Biology for first-year nursing students::{chapter}\n---\n"
            "# N\n\n>[!note] card\n>Q?\n>---\n>A\n"
        )
        (vault / chapter).mkdir(parents=True)
        (vault / chapter / "N.md").write_text(note, encoding="utf-8")
    args = ["build", str(vault), "-o", str(tmp_path / "out")]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "80"})
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    rows = [line.split("│")[1].strip() for line in lines if line.startswith("│")]
    assert "Chapter 2 - Respiration" in rows  # its top-level deck is the package's row
