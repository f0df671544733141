"""`chaincards sync` as the shell sees it when it cannot start: no collection named, an
unknown profile, a collection that is not there, the `anki` extra missing. None of these
needs Anki's backend: where the command gets as far as opening the collection, a stand-in
`anki` package first on PYTHONPATH takes the real one's place."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from chaincards.cli import app
from cli_process import run_chaincards

REPO = Path(__file__).resolve().parents[2]
SRC = REPO / "src"
BAKERY = REPO / "tests" / "fixtures" / "bakery"
INSTALL = "pip install 'chaincards[anki]'"

# A backend that can be imported but must never be asked to open anything.
STAND_IN = {
    "__init__.py": "",
    "collection.py": (
        "class Collection:\n"
        "    def __init__(self, *args, **kwargs):\n"
        "        raise RuntimeError('the stand-in anki backend was asked to open a file')\n"
    ),
    "errors.py": "class BackendError(Exception):\n    pass\n",
}
MISSING = {"__init__.py": 'raise ImportError("anki is not installed here")\n'}


def bakery(tmp_path: Path) -> Path:
    vault = tmp_path / "vault"
    shutil.copytree(BAKERY, vault, ignore=shutil.ignore_patterns("expected-*.json"))
    return vault


def fake_anki(tmp_path: Path, files: dict[str, str]) -> Path:
    """A folder holding an `anki` package made of `files`, to put first on PYTHONPATH."""
    folder = tmp_path / "fake-site"
    (folder / "anki").mkdir(parents=True)
    for name, body in files.items():
        (folder / "anki" / name).write_text(body, encoding="utf-8")
    return folder


def run(tmp_path: Path, *args: str, anki: Path) -> subprocess.CompletedProcess[str]:
    """The command as a process, with the `anki` package in `anki` first on its path."""
    return run_chaincards(
        *args, cwd=tmp_path, env={"PYTHONPATH": os.pathsep.join([str(anki), str(SRC)])}
    )


def one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("Error: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


def profiles(tmp_path: Path, *names: str) -> Path:
    base = tmp_path / "anki-base"
    for name in names:
        (base / name).mkdir(parents=True)
        (base / name / "collection.anki2").write_bytes(b"")
    return base


# (a) Which collection


def test_sync_without_a_collection_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["sync", str(tmp_path / "vault")])
    assert result.exit_code == 2, result.output
    line = one_error_line(result.stderr)
    assert "--collection" in line and "--profile" in line
    assert result.stdout == ""


def test_sync_with_both_a_collection_and_a_profile_is_a_usage_error(tmp_path: Path) -> None:
    base = profiles(tmp_path, "Alice")
    args = ["sync", str(tmp_path / "vault"), "--profile", "Alice"]
    args += ["--collection", str(base / "Alice" / "collection.anki2")]
    result = CliRunner().invoke(app, args, env={"ANKI_BASE": str(base)})
    assert result.exit_code == 2, result.output
    line = one_error_line(result.stderr)
    assert "--collection" in line and "--profile" in line
    assert not (tmp_path / "decks").exists()


# (b) An unknown profile


def test_an_unknown_profile_names_the_profiles_there(tmp_path: Path) -> None:
    base = profiles(tmp_path, "Bob", "Alice")
    (base / "addons21").mkdir()
    args = ["sync", str(tmp_path / "vault"), "--profile", "Carol"]
    result = CliRunner().invoke(app, args, env={"ANKI_BASE": str(base)})
    assert result.exit_code == 2, result.output
    line = one_error_line(result.stderr)
    assert "'Carol'" in line
    assert "'Alice', 'Bob'" in line
    assert "addons21" not in line
    assert "--collection" in line


# (c) A collection that is not there


def test_a_collection_that_does_not_exist_is_a_usage_error(tmp_path: Path) -> None:
    vault = bakery(tmp_path)
    missing = tmp_path / "nowhere" / "collection.anki2"
    anki = fake_anki(tmp_path, STAND_IN)
    process = run(
        tmp_path, "sync", str(vault), "--collection", str(missing), "--out", "decks", anki=anki
    )
    assert process.returncode == 2, (process.stdout, process.stderr)
    line = one_error_line(process.stderr)
    assert str(missing) in line
    assert "no Anki collection here" in line
    assert "Traceback" not in process.stdout
    assert not missing.exists() and not missing.parent.exists()


# (d) The `anki` extra missing


def test_without_the_anki_extra_sync_says_how_to_install_it(tmp_path: Path) -> None:
    vault = bakery(tmp_path)
    collection = tmp_path / "collection.anki2"
    collection.write_bytes(b"")
    anki = fake_anki(tmp_path, MISSING)
    process = run(
        tmp_path, "sync", str(vault), "--collection", str(collection), "--out", "decks", anki=anki
    )
    assert process.returncode == 2, (process.stdout, process.stderr)
    line = one_error_line(process.stderr)
    assert INSTALL in line
    assert "Traceback" not in process.stdout
    assert collection.read_bytes() == b""  # untouched
    assert not (tmp_path / "backups").exists()


def test_the_stand_in_really_hides_the_backend(tmp_path: Path) -> None:
    """The check the test above rests on: the stand-in wins over an installed `anki`."""
    anki = fake_anki(tmp_path, MISSING)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(anki), str(SRC)])}
    process = subprocess.run(
        [sys.executable, "-c", "import anki.collection"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert process.returncode != 0
    assert "anki is not installed here" in process.stderr


# (e) Help


def test_sync_help_lists_its_options() -> None:
    result = CliRunner().invoke(app, ["sync", "--help"])
    assert result.exit_code == 0, result.output
    for option in ("--collection", "--profile", "--delete", "--dry-run"):
        assert option in result.stdout, option
