"""The real Obsidian vault (issue 21): a folder built from inside a vault links its cards to
that vault (its name, and the note's path inside it), only the folder's notes are compiled,
and `vault-name` in the config file overrides the name. Without `.obsidian/`, the folder
built is the vault, as before."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from typer.testing import CliRunner

from chaincards.anki.diff import read_notes
from chaincards.cli import app
from rebuilds import T0, write

NOTE = "---\ncards-deck: Biology\n---\n# Cells\n\n>[!note] card\n>What is a cell?\n>---\n>A unit\n"


def _link(out: Path) -> dict[str, list[str]]:
    """The query of the obsidian:// link on the one card built."""
    [note] = read_notes(out / "Biology.apkg").values()
    source = note.fields[3]
    href = source.split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    return parse_qs(urlparse(href).query)


def _build(folder: Path, out: Path) -> None:
    result = CliRunner().invoke(app, ["build", str(folder), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = tmp_path / "My Brain"
    (root / ".obsidian").mkdir(parents=True)
    write(root / "Courses" / "Bio 101" / "Cells.md", NOTE, T0)
    write(root / "Elsewhere" / "Other.md", NOTE.replace("cell?", "thing?"), T0)
    return root


def test_a_subfolder_links_to_the_vault_that_holds_it(vault: Path, tmp_path: Path) -> None:
    _build(vault / "Courses" / "Bio 101", tmp_path / "out")
    assert _link(tmp_path / "out") == {
        "vault": ["My Brain"],
        "file": ["Courses/Bio 101/Cells"],
    }
    notes = read_notes(tmp_path / "out" / "Biology.apkg")
    assert len(notes) == 1  # only the folder's notes, not Elsewhere/


def test_the_config_file_names_the_vault(vault: Path, tmp_path: Path) -> None:
    folder = vault / "Courses" / "Bio 101"
    (folder / "chaincards.toml").write_text('vault-name = "Work"\n', encoding="utf-8")
    _build(folder, tmp_path / "out")
    assert _link(tmp_path / "out")["vault"] == ["Work"]


def test_without_obsidian_the_folder_is_the_vault(tmp_path: Path) -> None:
    folder = tmp_path / "plain" / "Bio 101"
    write(folder / "Cells.md", NOTE, T0)
    _build(folder, tmp_path / "out")
    assert _link(tmp_path / "out") == {"vault": ["Bio 101"], "file": ["Cells"]}


PICTURE_NOTE = (
    "---\ncards-deck: Biology\n---\n# Cells\n\n>[!note] card\n>What does a cell look like?\n"
    ">---\n>![[cell.png]]\n"
)


def _packed(out: Path) -> list[bytes]:
    with zipfile.ZipFile(out / "Biology.apkg") as archive:
        names = json.loads(archive.read("media"))
        return [archive.read(index) for index in sorted(names)]


@pytest.mark.parametrize(
    ("setting", "packed"),
    [('{"attachmentFolderPath": "Attachments"}', b"attachments"), ("{}", b"vault root")],
    ids=["attachment-folder", "shortest-path"],
)
def test_pictures_outside_the_folder_resolve_as_obsidian_finds_them(
    vault: Path, tmp_path: Path, setting: str, packed: bytes
) -> None:
    (vault / ".obsidian" / "app.json").write_text(setting, encoding="utf-8")
    (vault / "Attachments").mkdir()
    (vault / "Attachments" / "cell.png").write_bytes(b"attachments")
    (vault / "cell.png").write_bytes(b"vault root")
    (vault / "Elsewhere" / "deep").mkdir(parents=True)
    (vault / "Elsewhere" / "deep" / "cell.png").write_bytes(b"deep")
    folder = vault / "Courses" / "Bio 101"
    write(folder / "Cells.md", PICTURE_NOTE, T0)
    result = CliRunner().invoke(app, ["build", str(folder), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0 and ": warning:" not in result.stderr, result.output
    assert _packed(tmp_path / "out") == [packed]


def test_without_obsidian_a_picture_outside_the_folder_is_missing(tmp_path: Path) -> None:
    folder = tmp_path / "plain" / "Bio 101"
    write(folder / "Cells.md", PICTURE_NOTE, T0)
    (tmp_path / "plain" / "cell.png").write_bytes(b"outside")
    result = CliRunner().invoke(app, ["build", str(folder), "-o", str(tmp_path / "out")])
    assert "image not found in the vault, or not readable: cell.png" in result.stderr


def test_a_path_to_a_picture_elsewhere_in_the_vault_picks_that_one(
    vault: Path, tmp_path: Path
) -> None:
    (vault / "cell.png").write_bytes(b"vault root")
    (vault / "Elsewhere" / "deep").mkdir(parents=True)
    (vault / "Elsewhere" / "deep" / "cell.png").write_bytes(b"deep")
    folder = vault / "Courses" / "Bio 101"
    write(
        folder / "Cells.md", PICTURE_NOTE.replace("[[cell.png]]", "[[Elsewhere/deep/cell.png]]"), T0
    )
    result = CliRunner().invoke(app, ["build", str(folder), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0 and ": warning:" not in result.stderr, result.output
    assert _packed(tmp_path / "out") == [b"deep"]
