"""`chaincards inspect NEW.apkg --diff OLD.apkg` on two real builds, checked against what the
real Anki backend does when the newer package is imported over the older one."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from ankitools import fresh_collection, import_package
from chaincards.cli import app

SRC = Path(__file__).resolve().parents[2] / "src"
HEAD = "---\ncards-deck: Course::Diff\n---\n"


def card(front: str, back: str) -> str:
    return f">[!info] card\n>{front}\n>---\n>{back}\n\n"


def write(vault: Path, name: str, body: str, when: int) -> None:
    path = vault / name
    path.write_text(HEAD + body, encoding="utf-8")
    os.utime(path, (when, when))


def two_builds(tmp_path: Path) -> tuple[Path, Path]:
    vault = tmp_path / "vault"
    vault.mkdir()
    write(vault, "A.md", "# A\n" + card("What is alpha?", "First") + card("Gone?", "Yes"), 1000)
    write(vault, "B.md", "# B\n" + card("What is beta?", "Second"), 1000)
    runner = CliRunner()
    assert (
        runner.invoke(app, ["build", str(vault), "-o", str(tmp_path / "out"), "-q"]).exit_code == 0
    )
    old = tmp_path / "old.apkg"
    shutil.copy(tmp_path / "out" / "Course.apkg", old)
    write(vault, "A.md", "# A\n" + card("What is alpha?", "The first letter"), 2000)
    write(vault, "C.md", "# C\n" + card("What is gamma?", "Third"), 2000)
    assert (
        runner.invoke(app, ["build", str(vault), "-o", str(tmp_path / "out"), "-q"]).exit_code == 0
    )
    return tmp_path / "out" / "Course.apkg", old


def test_diff_lists_added_changed_and_removed_notes(tmp_path: Path) -> None:
    new, old = two_builds(tmp_path)
    result = CliRunner().invoke(app, ["inspect", str(new), "--diff", str(old), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [n["fields"][0] for n in report["added"]] == ["<p>What is gamma?</p>"]
    assert [(n["fields"][0], n["what"]) for n in report["changed"]] == [
        ("<p>What is alpha?</p>", ["Back"])
    ]
    assert [n["fields"][0] for n in report["removed"]] == ["<p>Gone?</p>"]


def test_diff_agrees_with_the_real_importer(tmp_path: Path) -> None:
    new, old = two_builds(tmp_path)
    report = json.loads(
        CliRunner().invoke(app, ["inspect", str(new), "--diff", str(old), "--json"]).stdout
    )
    with fresh_collection(tmp_path / "anki") as col:
        import_package(col, old)
        counts = import_package(col, new)
    assert (counts.new, counts.updated) == (len(report["added"]), len(report["changed"]))


def test_diff_as_text_from_the_shell(tmp_path: Path) -> None:
    new, old = two_builds(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "chaincards", "inspect", str(new), "--diff", str(old)],
        env={**os.environ, "PYTHONPATH": str(SRC)},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].endswith("+1 added, ~1 changed, -1 removed")
    assert "+ Course::Diff [chaincards Basic] What is gamma?" in lines
    assert "~ Course::Diff [chaincards Basic] What is alpha? (Back)" in lines
    assert "- Course::Diff [chaincards Basic] Gone?" in lines


def test_diff_with_a_broken_or_missing_package_is_a_usage_error(tmp_path: Path) -> None:
    new, _ = two_builds(tmp_path)
    broken = tmp_path / "broken.apkg"
    broken.write_bytes(b"not a zip")
    for other, message in ((broken, "not an .apkg"), (tmp_path / "nope.apkg", "no such file")):
        result = CliRunner().invoke(app, ["inspect", str(new), "--diff", str(other)])
        assert result.exit_code == 2
        assert message in result.output
