"""Every fault a vault or its machine can cause is one diagnostic (issue 20): FIFOs and other
special files, unreadable pictures and folders, symlinks out of the vault named on the command
line, a bad SOURCE_DATE_EPOCH, temp files of killed writes, decks whose package files would
clash, very long lists, one activity name in two course folders. Never a hang, a traceback, a
silent loss, or a wrong exit code."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chaincards.anki.diff import read_notes
from chaincards.cli import app
from rebuilds import T0, write

REPO = Path(__file__).resolve().parents[2]
CARD = "\n>[!note] card\n>{q}\n>---\n>{a}\n"


def _note(deck: str, question: str = "What is the capital of France?", extra: str = "") -> str:
    return f"---\ncards-deck: {deck}\n---\n# Note\n{CARD.format(q=question, a='Paris')}{extra}"


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real command in a child process, with a timeout: a regression may hang."""
    full_env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "COLUMNS": "200"}
    full_env.pop("SOURCE_DATE_EPOCH", None)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "chaincards", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=full_env,
        check=False,
    )


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


def _lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ": warning: " in line or ": error: " in line]


def _digests(out: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir())}


@pytest.fixture(autouse=True)
def _no_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_named_like_a_note_is_skipped_and_never_blocks(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    write(vault / "Good.md", _note("Course"), T0)
    os.mkfifo(vault / "x.md")
    clean = tmp_path / "clean" / "vault"  # same name: the vault's name is on every card
    write(clean / "Good.md", _note("Course"), T0)
    for command in (["build", str(vault), "-o", str(tmp_path / "out")], ["check", str(vault)]):
        done = _cli(*command)
        assert done.returncode == 0, done.stderr
        assert (
            "x.md:1: warning: not a regular file (a folder, FIFO, device or socket); skipped"
            in (done.stderr)
        )
    done = _cli("preview", str(vault), "-o", str(tmp_path / "preview"), "-q")
    assert done.returncode == 0, done.stderr
    assert _cli("build", str(clean), "-o", str(tmp_path / "clean-out"), "-q").returncode == 0
    assert _digests(tmp_path / "out") == _digests(tmp_path / "clean-out")


def test_an_unreadable_picture_is_a_warning_on_the_note_that_shows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault, out = tmp_path / "vault", tmp_path / "out"
    write(vault / "Cells.md", _note("Course", extra=">![[cell.png]]\n"), T0)
    (vault / "cell.png").write_bytes(b"\x89PNG not really")
    real_access = os.access

    def denied(path: object, mode: int, *args: object, **kwargs: object) -> bool:
        if str(path).endswith("cell.png"):
            return False
        return real_access(path, mode, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", denied)
    code, stderr = _run("build", str(vault), "-o", str(out), "-j", "1")
    assert code == 0
    assert _lines(stderr) == [
        "Cells.md:6: warning: image not found in the vault, or not readable: cell.png"
    ]
    assert (out / "Course.apkg").is_file()


def test_an_unreadable_folder_is_reported_not_silently_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault, out = tmp_path / "vault", tmp_path / "out"
    write(vault / "Good.md", _note("Course"), T0)
    write(vault / "locked" / "Hidden.md", _note("Course", "What is hidden?"), T0)
    real_scandir = os.scandir

    def refusing(path: object = ".") -> object:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[call-overload]

    monkeypatch.setattr(os, "scandir", refusing)
    code, stderr = _run("build", str(vault), "-o", str(out), "-j", "1")
    assert code == 0
    assert _lines(stderr) == [
        "locked:1: warning: cannot read folder: Permission denied; its notes are skipped"
    ]


def test_a_symlinked_note_named_on_the_command_line_stays_outside(tmp_path: Path) -> None:
    vault, out = tmp_path / "vault", tmp_path / "out"
    write(vault / "Good.md", _note("Course"), T0)
    write(tmp_path / "elsewhere" / "Secret.md", _note("Course", "What is the secret?"), T0)
    (vault / "Evil.md").symlink_to(tmp_path / "elsewhere" / "Secret.md")
    done = _cli("build", str(vault / "Good.md"), str(vault / "Evil.md"), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert _lines(done.stderr) == ["Evil.md:1: warning: symlink points outside the vault; skipped"]
    manifest = (out / "Course.chaincards.json").read_text(encoding="utf-8")
    assert '"source": "Good.md:' in manifest and "secret" not in manifest
    # The vault is the folder that holds the named notes, not one above the link's target.
    [note] = read_notes(out / "Course.apkg").values()
    assert "open?vault=vault&" in note.fields[3].replace("&amp;", "&")


@pytest.mark.parametrize("value", ["²", "soon", "1.5e9"])
def test_a_bad_source_date_epoch_is_a_usage_error(tmp_path: Path, value: str) -> None:
    vault = tmp_path / "vault"
    write(vault / "Good.md", _note("Course"), T0)
    for command in (["build", str(vault), "-o", str(tmp_path / "out")], ["check", str(vault)]):
        done = _cli(*command, env={"SOURCE_DATE_EPOCH": value})
        assert done.returncode == 2, done.stderr
        assert done.stderr.strip().splitlines() == [
            f"Error: SOURCE_DATE_EPOCH={value!r}: not a whole number of seconds"
        ]


def test_temp_files_of_a_killed_build_are_removed_by_the_next(tmp_path: Path) -> None:
    vault, out = tmp_path / "vault", tmp_path / "out"
    write(vault / "Good.md", _note("Course"), T0)
    assert _run("build", str(vault), "-o", str(out), "-q")[0] == 0
    left = [out / ".Course.apkg.k1ll3d.tmp", out / ".Course.chaincards.json.x9.tmp"]
    for path in left:
        path.write_bytes(b"half")
    mine = out / ".notes.tmp"  # not a name chaincards gives: left alone
    mine.write_text("keep", encoding="utf-8")
    assert _run("build", str(vault), "-o", str(out), "-q")[0] == 0  # nothing changed
    assert not any(path.exists() for path in left) and mine.exists()


def test_decks_whose_packages_would_share_a_file_are_an_error_naming_both(tmp_path: Path) -> None:
    vault, out = tmp_path / "vault", tmp_path / "out"
    write(vault / "Colon.md", _note("A:B"), T0)
    write(vault / "Slash.md", _note("A/B", "What is the capital of Spain?"), T0)
    write(vault / "Fine.md", _note("Other", "What is the capital of Italy?"), T0)
    code, stderr = _run("build", str(vault), "-o", str(out))
    assert code == 1
    both = "top-level decks 'A/B' and 'A:B' would both be written to A_B.apkg"
    assert sorted(_lines(stderr)) == [
        f"Colon.md:6: error: {both}; neither is written: rename one of them",
        f"Slash.md:6: error: {both}; neither is written: rename one of them",
    ]
    assert sorted(p.name for p in out.glob("*.apkg")) == ["Other.apkg"]


def test_a_list_too_long_to_ask_is_reported_and_built_quickly(tmp_path: Path) -> None:
    vault, out = tmp_path / "vault", tmp_path / "out"
    items = "".join(f"- Part number {i} from suppliers\n" for i in range(3000))
    text = f"---\ncards-deck: Plant\n---\n# Assembly\n\n## Inputs\n{items}\n## Outputs\n- Cars\n"
    write(vault / "Assembly.md", text, T0)
    code, stderr = _run("build", str(vault), "-o", str(out), "--json")
    assert code == 0
    assert "Assembly.md:7: warning: list of 3000 items: too long to ask as one question" in stderr


def test_one_activity_name_in_two_course_folders_is_reported(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    for course, purpose in (("A", "set goals for the year"), ("B", "decide the sprint scope")):
        body = f"# Plan\n\n> [!tip] Key message\n> The purpose of plan is to {purpose}.\n"
        body += f"\n## Inputs\n- Budget from finance team {course}\n"
        write(vault / f"Course {course}" / "Plan.md", f"---\ncards-deck: {course}\n---\n{body}", T0)
    code, stderr = _run("check", str(vault))
    assert code == 0
    assert _lines(stderr) == [
        "Course B/Plan.md:4: warning: Course A/Plan.md is also the activity 'Plan': the two "
        "notes are read as one, with one purpose and their lists merged; rename one (or its "
        "title) if they are different"
    ]
