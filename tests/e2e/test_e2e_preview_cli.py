"""`chaincards preview` from the shell: the site, its exit codes, and what it refuses."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from typer.testing import CliRunner

from chaincards.cli import app

NOTES = Path(__file__).resolve().parents[2] / "notes"


def preview(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["preview", *args])
    return result.exit_code, result.output


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_the_sample_vault_gives_a_site_with_the_chain_and_every_deck(tmp_path: Path) -> None:
    code, output = preview(str(NOTES), "-o", str(tmp_path / "site"))
    assert code == 0, output
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "<svg" in index and "Deliver and support" in index
    pages = sorted((tmp_path / "site").glob("deck-*.html"))
    assert len(pages) == 5  # the sample's five decks with cards
    assert "preview: 228 cards in 5 decks" in output
    # Nothing is fetched at view time (the SVG namespace is a name, not a request).
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", index)


def test_same_notes_give_the_same_site(tmp_path: Path) -> None:
    assert preview(str(NOTES), "-o", str(tmp_path / "a"))[0] == 0
    assert preview(str(NOTES), "-o", str(tmp_path / "b"))[0] == 0
    assert files(tmp_path / "a") == files(tmp_path / "b")


def test_a_preview_is_replaced_but_another_folder_is_not(tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert preview(str(NOTES), "-o", str(site))[0] == 0
    assert preview(str(NOTES), "-o", str(site), "-q")[0] == 0
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.txt").write_text("keep me", encoding="utf-8")
    code, output = preview(str(NOTES), "-o", str(mine))
    assert code == 2
    assert output.strip().startswith("Error: -o ") and len(output.strip().splitlines()) == 1
    assert (mine / "thesis.txt").read_text(encoding="utf-8") == "keep me"
    file = tmp_path / "file.html"
    file.write_text("x", encoding="utf-8")
    assert preview(str(NOTES), "-o", str(file))[0] == 2


def test_note_errors_still_preview_and_exit_1(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    shutil.copytree(NOTES, vault)
    (vault / "Broken.md").write_text("---\ncards-deck: [unclosed\n---\n# Broken\n", "utf-8")
    code, output = preview(str(vault), "-o", str(tmp_path / "site"))
    assert code == 1
    assert "Broken.md:" in output
    assert (tmp_path / "site" / "index.html").is_file()
