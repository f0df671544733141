"""End to end: the command line's promises. Exit codes, one-line diagnostics, no tracebacks.

Most tests run `python -m chaincards` in a real process, so what is checked is exactly what a
user's shell sees, including the top-level error handling of `chaincards.cli.main`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ankitools import fresh_collection, import_package, learner_cards
from chaincards import __version__
from chaincards.cli import app
from cli_process import run_chaincards

SRC = Path(__file__).resolve().parents[2] / "src"
DIAGNOSTIC = re.compile(
    r"^(?P<path>[^\s:/][^:]*):(?P<line>\d+): (?P<severity>error|warning): \S.*$"
)

GOOD = "# Good\n\nGood question::good answer\n"
SUBDECK = "---\ncards-deck: Course::Chapter\n---\n# Sub\n\nSub question::sub answer\n"
BROKEN = "---\ntags: [a\ncards-deck: X\n---\nBroken question::broken answer\n"
EMPTY_CALLOUT = "# Warn\n\n>[!info] card\n>\n"


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    process = run_chaincards(*args, cwd=cwd, env=env, timeout=60)
    assert "Traceback" not in process.stdout + process.stderr, process.stderr
    return process


def make_vault(root: Path, **notes: str) -> Path:
    vault = root / "vault"
    for rel, text in notes.items():
        path = vault / rel.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return vault


def diagnostic_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if DIAGNOSTIC.match(line)]


def test_clean_build_exits_0(tmp_path: Path) -> None:
    make_vault(tmp_path, **{"Good.md": GOOD, "c__Sub.md": SUBDECK})
    process = run("build", "vault", "--out", "decks", cwd=tmp_path)
    assert process.returncode == 0, process.stderr
    assert diagnostic_lines(process.stderr) == []
    assert "2 package(s), 0 error(s), 0 warning(s)" in process.stderr
    assert sorted(p.name for p in (tmp_path / "decks").glob("*.apkg")) == [
        "Course.apkg",
        "vault.apkg",
    ]


def test_note_error_exits_1_and_the_other_notes_still_compile(tmp_path: Path) -> None:
    make_vault(tmp_path, **{"Good.md": GOOD, "sub__Broken.md": BROKEN})
    process = run("build", "vault", "--out", "decks", cwd=tmp_path)
    assert process.returncode == 1
    [line] = diagnostic_lines(process.stderr)
    assert re.fullmatch(r"sub/Broken\.md:3: error: frontmatter is not valid YAML: .+", line), line
    assert str(tmp_path) not in process.stderr  # vault-relative paths only
    with fresh_collection(tmp_path / "anki") as col:
        assert import_package(col, tmp_path / "decks" / "vault.apkg").new == 1
        [card] = learner_cards(col)
    assert card["question"] == "Good\nGood question"
    assert "broken" not in card["answer"].lower()


def test_warnings_exit_0_and_1_with_strict(tmp_path: Path) -> None:
    make_vault(tmp_path, **{"Good.md": GOOD, "Warn.md": EMPTY_CALLOUT})
    relaxed = run("build", "vault", "--out", "decks", cwd=tmp_path)
    assert relaxed.returncode == 0, relaxed.stderr
    assert diagnostic_lines(relaxed.stderr) == ["Warn.md:3: warning: empty card callout"]
    strict = run("build", "vault", "--out", "decks", "--strict", cwd=tmp_path)
    assert strict.returncode == 1
    assert diagnostic_lines(strict.stderr) == ["Warn.md:3: warning: empty card callout"]


def test_quiet_prints_only_errors(tmp_path: Path) -> None:
    make_vault(tmp_path, **{"Good.md": GOOD, "Warn.md": EMPTY_CALLOUT})
    process = run("build", "vault", "--out", "decks", "-q", cwd=tmp_path)
    assert process.returncode == 0
    assert process.stderr == ""
    assert process.stdout == ""
    loud = run("build", "vault", "--out", "decks", cwd=tmp_path)
    assert "Warn.md:3: warning: empty card callout" in loud.stderr.splitlines()
    assert "1 package(s), 0 error(s), 1 warning(s)" in loud.stderr
    # --strict makes the warning a failure, so --quiet shows it.
    strict = run("build", "vault", "--out", "decks", "-q", "--strict", cwd=tmp_path)
    assert (strict.returncode, strict.stderr.splitlines()) == (
        1,
        ["Warn.md:3: warning: empty card callout"],
    )


def test_diagnostics_are_one_line_each_and_sorted(tmp_path: Path) -> None:
    make_vault(
        tmp_path,
        **{
            "b__Broken.md": BROKEN,
            "a__Warn.md": EMPTY_CALLOUT,
            "Good.md": GOOD,
            "Latin1.md": "",
        },
    )
    (tmp_path / "vault" / "Latin1.md").write_bytes("Caf\xe9::coffee\n".encode("latin-1"))
    process = run("build", "vault", "--out", "decks", cwd=tmp_path)
    assert process.returncode == 1
    lines = diagnostic_lines(process.stderr)
    assert [line.split(":", 1)[0] for line in lines] == ["Latin1.md", "a/Warn.md", "b/Broken.md"]
    quiet = run("build", "vault", "--out", "decks", "-q", cwd=tmp_path)
    assert quiet.stderr.splitlines() == [lines[0], lines[2]]  # --quiet: the errors, nothing else
    assert lines[0].startswith("Latin1.md:1: error: not UTF-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["build", "missing", "--out", "decks"], "no such file or folder"),
        (["build", "vault", "--bogus"], "No such option"),
        (["build", "vault", "--single", "foo.txt"], "--single"),
        (["build", "vault", "--single", "sub/all.apkg"], "--single"),
        (["build", "vault", "--out", "a_file"], "exists and is not a folder"),
        (["build", "vault", "--out", "a_file/decks"], "a_file/decks/vault.apkg: cannot write"),
        (["inspect", "a_file"], "not an .apkg"),
        (["inspect", "missing.apkg"], "no such file"),
        (["inspect", "plain.zip"], "not an Anki package"),
        (["frobnicate"], "No such command"),
    ],
    ids=[
        "missing path",
        "unknown option",
        "single not apkg",
        "single with folder",
        "out is a file",
        "out under a file",
        "inspect non-zip",
        "inspect missing",
        "inspect zip without collection",
        "unknown command",
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    make_vault(tmp_path, **{"Good.md": GOOD})
    (tmp_path / "a_file").write_text("not a folder, not a zip\n", encoding="utf-8")
    with zipfile.ZipFile(tmp_path / "plain.zip", "w") as archive:
        archive.writestr("readme.txt", "hello")
    process = run(*args, cwd=tmp_path)
    assert process.returncode == 2, (process.stdout, process.stderr)
    assert message in process.stderr
    assert len(process.stderr.strip().splitlines()) <= 6  # a short message, no dump
    assert not (tmp_path / "decks").exists() or args[-1] == "a_file/decks"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file", "plain.zip", "vault"]


def test_version(tmp_path: Path) -> None:
    process = run("--version", cwd=tmp_path)
    assert process.returncode == 0
    assert process.stdout.strip() == f"chaincards {__version__}"


def test_help_mentions_examples(tmp_path: Path) -> None:
    process = run("--help", cwd=tmp_path)
    assert process.returncode == 0
    assert "Examples" in process.stdout
    assert "chaincards build" in process.stdout and "--include '*.txt'" in process.stdout
    build_help = CliRunner().invoke(app, ["build", "--help"])
    assert build_help.exit_code == 0
    for option in ("--out", "--include", "--single", "--default-deck", "--strict", "--quiet"):
        assert option in build_help.stdout


def test_inspect_lists_decks_and_counts(tmp_path: Path) -> None:
    make_vault(
        tmp_path,
        **{
            "Good.md": "---\ncards-deck: Course\n---\n" + GOOD + "Two:::ways\n",
            "c__Sub.md": SUBDECK,
        },
    )
    built = run("build", "vault", "--out", "decks", "-q", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    process = run("inspect", "decks/Course.apkg", cwd=tmp_path)
    assert process.returncode == 0, process.stderr
    lines = process.stdout.splitlines()
    assert lines[0] == "Course.apkg: 3 notes, 4 cards, 0 media"
    assert "  Course: 3 cards" in lines
    assert "  Course::Chapter: 1 cards" in lines
    assert "  chaincards Basic: 2 notes" in lines
    assert "  chaincards Basic (and reversed card): 1 notes" in lines
    # The same counts as a real Anki collection sees after importing the package.
    with fresh_collection(tmp_path / "anki") as col:
        assert import_package(col, tmp_path / "decks" / "Course.apkg").new == 3
        assert col.card_count() == 4


def test_internal_error_is_one_line_exit_3(tmp_path: Path) -> None:
    # A bug must never show a traceback unless asked for with CHAINCARDS_DEBUG=1.
    make_vault(tmp_path, **{"Good.md": GOOD})
    code = (
        "import sys, chaincards.cli as cli\n"
        "def boom(*args, **kwargs):\n"
        "    raise RuntimeError('kaputt')\n"
        "import chaincards.build_run as run\n"
        "run.build_decks = boom\n"
        "sys.argv = ['chaincards', 'build', 'vault', '--out', 'decks']\n"
        "cli.main()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    env.pop("CHAINCARDS_DEBUG", None)
    plain = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert plain.returncode == 3
    assert "Traceback" not in plain.stdout + plain.stderr
    assert plain.stderr.splitlines() == [
        "chaincards: internal error: RuntimeError: kaputt "
        "(set CHAINCARDS_DEBUG=1 for the traceback)"
    ]
    debug = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={**env, "CHAINCARDS_DEBUG": "1"},
        capture_output=True,
        text=True,
    )
    assert debug.returncode != 0 and "Traceback" in debug.stderr


def test_no_arguments_shows_help_without_traceback(tmp_path: Path) -> None:
    process = run(cwd=tmp_path)
    assert process.returncode in (0, 2)
    assert "Usage" in process.stdout + process.stderr
