"""Issue 6, points 4 and 5: nothing half-written, and a misused command line fails cleanly.

An interrupted build (a real SIGKILL or SIGINT while the package is being written, or an exception
injected into the writer in-process) must leave the previous package byte-identical and no
temporary files in the output folder. Output folders that cannot be written, and every kind of
command-line misuse, are exit 2 with one `Error:` line and no traceback.
"""

from __future__ import annotations

import errno
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest
from hostile_vault import SRC, read_package, run_cli

import chaincards.anki.package as package_module
import chaincards.files as files_module
from chaincards import cli
from chaincards.locks import lock_file

BIG_PICTURE_BYTES = 24 * 1024 * 1024  # incompressible: writing it takes long enough to interrupt


def _no_traceback(text: str) -> None:
    assert "Traceback" not in text and 'File "' not in text, text[-2000:]


def _listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# -- a real process, killed while it writes -------------------------------------------------------


@dataclass
class BigVault:
    root: Path
    out: Path
    scratch: Path  # TMPDIR of the build processes
    previous: dict[str, bytes]  # the output folder after the first, complete build

    def edit(self, text: str) -> None:
        note = self.root / "vault" / "Big.md"
        note.write_text(text, encoding="utf-8")
        later = note.stat().st_mtime + 100
        os.utime(note, (later, later))

    def interrupt(self, signum: int) -> subprocess.Popen[str]:
        """Start a build, wait until it writes the package's temp file, send `signum`."""
        env = {**os.environ, "PYTHONPATH": str(SRC), "TMPDIR": str(self.scratch)}
        env.pop("SOURCE_DATE_EPOCH", None)
        process = subprocess.Popen(
            [sys.executable, "-m", "chaincards", "build", "vault", "--out", "decks", "-q"],
            cwd=self.root,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            temps = [p for p in self.out.glob(".*.tmp") if p.stat().st_size > 0]
            if temps:
                process.send_signal(signum)
                break
            time.sleep(0.001)
        process.wait(timeout=60)
        return process


@pytest.fixture(scope="module")
def big_vault(tmp_path_factory: pytest.TempPathFactory) -> BigVault:
    root = tmp_path_factory.mktemp("big")
    (root / "vault").mkdir()
    (root / "vault" / "big.png").write_bytes(os.urandom(BIG_PICTURE_BYTES))
    (root / "scratch").mkdir()
    vault = BigVault(root, root / "decks", root / "scratch", {})
    vault.edit(">[!info] card\n>What is in the big picture?\n>---\n>![[big.png]]\n")
    first = run_cli("build", "vault", "--out", "decks", "-q", cwd=root)
    assert first.returncode == 0, first.stderr
    vault.previous = _listing(vault.out)
    assert list(vault.previous) == ["vault.apkg", "vault.chaincards.json"]
    return vault


def test_sigint_while_writing_keeps_the_previous_package(big_vault: BigVault) -> None:
    big_vault.edit(">[!info] card\n>What is in the big picture now?\n>---\n>![[big.png]]\n")
    process = big_vault.interrupt(signal.SIGINT)
    assert process.returncode == 130, "the build finished before it could be interrupted"
    _no_traceback(process.stderr or "")
    assert _listing(big_vault.out) == big_vault.previous
    assert _temp_files(big_vault.out) == []
    # Only the output folder's lock file stays (it is the lock, not a leftover: see locks.py).
    assert [p.name for p in big_vault.scratch.iterdir()] == [lock_file(big_vault.out).name]


def test_sigkill_while_writing_keeps_the_previous_package(big_vault: BigVault) -> None:
    big_vault.edit(">[!info] card\n>What does the big picture show?\n>---\n>![[big.png]]\n")
    process = big_vault.interrupt(signal.SIGKILL)
    assert process.returncode == -signal.SIGKILL, "the build finished before it was killed"
    after = _listing(big_vault.out)
    assert after["vault.apkg"] == big_vault.previous["vault.apkg"]
    # What a killed process leaves can only be a hidden temp file, never a broken .apkg.
    assert [name for name in after if not name.startswith(".")] == [
        "vault.apkg",
        "vault.chaincards.json",
    ]
    assert all(name.endswith(".tmp") for name in after if not name.startswith("vault."))


def test_no_temp_files_left_after_a_killed_build_and_a_rebuild(big_vault: BigVault) -> None:
    if not _temp_files(big_vault.out):  # run on its own: kill a build first
        big_vault.edit(">[!info] card\n>What does the big picture show?\n>---\n>![[big.png]]\n")
        assert big_vault.interrupt(signal.SIGKILL).returncode == -signal.SIGKILL
        assert _temp_files(big_vault.out)
    rebuilt = run_cli(
        "build", "vault", "--out", "decks", "-q", cwd=big_vault.root, env={"TMPDIR": "/tmp"}
    )
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert [note.fields[0] for note in read_package(big_vault.out / "vault.apkg").notes] == [
        "<p>What does the big picture show?</p>"
    ]
    assert _temp_files(big_vault.out) == []


# -- exceptions injected into the writer, in-process --------------------------------------------


@pytest.fixture
def small_vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.delenv("CHAINCARDS_DEBUG", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    (tmp_path / "vault").mkdir()
    (tmp_path / "vault" / "A.md").write_text("A question::first answer\n", encoding="utf-8")
    (tmp_path / "vault" / "B.md").write_text("B question::second answer\n", encoding="utf-8")
    assert _main("build", "vault", "--out", "decks", "-q") == 0
    (tmp_path / "vault" / "A.md").write_text("A question::changed answer\n", encoding="utf-8")
    os.utime(tmp_path / "vault" / "A.md", (2_000_000_000, 2_000_000_000))
    yield tmp_path / "decks"


def _main(*args: str) -> int:
    saved = sys.argv
    sys.argv = ["chaincards", *args]
    try:
        cli.main()
    except SystemExit as exit_:
        return int(exit_.code or 0)
    finally:
        sys.argv = saved
    return 0


def _failing_zip(
    exception: BaseException,
) -> Callable[[IO[bytes], Path, list[tuple[str, Path]]], None]:
    def write(out: IO[bytes], db_path: Path, media: list[tuple[str, Path]]) -> None:
        out.write(b"PK\x03\x04 half a package" * 1000)
        out.flush()
        raise exception

    return write


@pytest.mark.parametrize(
    ("exception", "code"),
    [
        (KeyboardInterrupt(), 130),
        (OSError(errno.ENOSPC, "No space left on device"), 2),
        (OSError(errno.EDQUOT, "Disk quota exceeded"), 2),
        (OSError(errno.EIO, "Input/output error"), 2),
    ],
    ids=["KeyboardInterrupt", "ENOSPC", "EDQUOT", "EIO"],
)
def test_failure_inside_the_writer_keeps_the_previous_package(
    small_vault: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    exception: BaseException,
    code: int,
) -> None:
    before = _listing(small_vault)
    capsys.readouterr()
    with monkeypatch.context() as patch:
        patch.setattr(package_module, "_write_zip", _failing_zip(exception))
        assert _main("build", "vault", "--out", "decks", "-q") == code
    captured = capsys.readouterr()
    _no_traceback(captured.out + captured.err)
    assert len(captured.err.strip().splitlines()) <= 1, captured.err
    if isinstance(exception, OSError):
        # The file it was writing is named, not a temporary one beside it.
        assert captured.err.startswith("Error: decks/vault.apkg: cannot write: ")
    assert _listing(small_vault) == before
    assert _temp_files(small_vault) == []
    # Nothing was spoiled for the next build.
    assert _main("build", "vault", "--out", "decks", "-q") == 0
    [note_a, _] = read_package(small_vault / "vault.apkg").notes
    assert note_a.fields[1] == "<p>changed answer</p>"


def test_failure_while_renaming_keeps_the_previous_package(
    small_vault: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _listing(small_vault)

    def no_rename(source: object, target: object) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(files_module.os, "replace", no_rename)
    assert _main("build", "vault", "--out", "decks", "-q") == 2
    _no_traceback(capsys.readouterr().err)
    assert _listing(small_vault) == before
    assert _temp_files(small_vault) == []


def test_full_disk_while_writing_the_collection_is_not_an_internal_error(
    small_vault: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _listing(small_vault)

    def full(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(package_module, "_write_notes", full)
    code = _main("build", "vault", "--out", "decks", "-q")
    assert _listing(small_vault) == before and _temp_files(small_vault) == []
    assert "internal error" not in capsys.readouterr().err
    assert code in (1, 2)


# -- output folders that cannot be written ------------------------------------------------------


@pytest.fixture
def cli_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with `vault/Good.md` and a plain file `a_file`, as the current folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("CHAINCARDS_DEBUG", raising=False)
    (tmp_path / "vault").mkdir()
    (tmp_path / "vault" / "Good.md").write_text("Good question::answer\n", encoding="utf-8")
    (tmp_path / "a_file").write_text("a plain file\n", encoding="utf-8")
    os.symlink("nowhere", tmp_path / "dangling")
    return tmp_path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> subprocess.CompletedProcess[str]:
    """`chaincards.cli.main` in this process: the same code path as the console script."""
    capsys.readouterr()
    code = _main(*args)
    captured = capsys.readouterr()
    return subprocess.CompletedProcess(list(args), code, captured.out, captured.err)


def _listing_of(root: Path) -> list[str]:
    # Hidden folders (the parse cache) may appear inside the vault; nothing else may.
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def _assert_usage_error(process: subprocess.CompletedProcess[str], message: str) -> None:
    _no_traceback(process.stdout + process.stderr)
    assert process.returncode == 2, (process.returncode, process.stderr)
    errors = [line for line in process.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and message in errors[0], process.stderr
    assert len(process.stderr.strip().splitlines()) <= 4, process.stderr


@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("a_file", "exists and is not a folder"),
        ("a_file/decks", "cannot write"),
        ("vault", "inside the vault"),
        ("vault/decks", "inside the vault"),
        ("vault/.hidden", "inside the vault"),
        ("dangling", "cannot write"),
    ],
)
def test_unwritable_output_folder_exits_2(
    cli_root: Path, capsys: pytest.CaptureFixture[str], out: str, message: str
) -> None:
    before = _listing_of(cli_root)
    _assert_usage_error(_run(capsys, "build", "vault", "--out", out, "-q"), message)
    assert _listing_of(cli_root) == before


def test_package_path_taken_by_a_folder_exits_2(
    cli_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (cli_root / "decks" / "vault.apkg").mkdir(parents=True)
    _assert_usage_error(_run(capsys, "build", "vault", "--out", "decks", "-q"), "cannot write")
    assert [p.name for p in (cli_root / "decks").glob("*.apkg")] == ["vault.apkg"]


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root ignores file permissions"
)
def test_read_only_output_folder_exits_2(
    cli_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (cli_root / "decks").mkdir()
    (cli_root / "decks").chmod(0o500)
    try:
        process = _run(capsys, "build", "vault", "--out", "decks", "-q")
    finally:
        (cli_root / "decks").chmod(0o700)
    _assert_usage_error(process, "cannot write")
    assert list((cli_root / "decks").iterdir()) == []


# -- command-line misuse ------------------------------------------------------------------------

MISUSE = [
    (["build", "missing"], "no such file or folder: missing"),
    (["build", "vault", "missing"], "no such file or folder: missing"),
    (["build", "vault/Missing.md"], "no such file or folder"),
    (["build"], "no such file or folder: notes"),
    (["build", "vault", "--bogus"], "No such option: --bogus"),
    (["build", "vault", "-z"], "No such option: -z"),
    (["build", "vault", "--out"], "requires an argument"),
    (["build", "vault", "--include"], "requires an argument"),
    (["build", "vault", "--cards", "bogus"], "--cards: unknown kind bogus"),
    (["build", "vault", "--cards", ","], "--cards: unknown kind"),
    (["build", "vault", "--single", "sub/all.apkg"], "--single"),
    (["build", "vault", "--single", "all.zip"], "--single"),
    (["build", "vault", "--single", ""], "--single"),
    (["build", "vault", "--strict=yes"], "--strict"),
    (["build", "vault", "--jobs", "0"], "--jobs"),
    (["inspect", "missing.apkg"], "no such file"),
    (["inspect", "a_file"], "a_file"),
    (["inspect"], "Missing argument"),
    (["frobnicate"], "No such command"),
]

MISUSE_BUGS = [
    (["build", "vault", "--default-deck", "A::::B"], "--default-deck"),
    (["build", "vault", "--default-deck", "::"], "--default-deck"),
    (["build", "vault", "--default-deck", 'Say "hi"'], "--default-deck"),
    (["build", "vault", "--out", ""], "--out"),
]


@pytest.mark.parametrize(("args", "message"), MISUSE, ids=[" ".join(a) for a, _ in MISUSE])
def test_misuse_exits_2_with_one_error_line(
    cli_root: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    before = _listing_of(cli_root)
    _assert_usage_error(_run(capsys, *args), message)
    assert _listing_of(cli_root) == before


def test_misuse_in_a_real_process(cli_root: Path) -> None:
    before = _listing_of(cli_root)
    for args, message in MISUSE[:1] + MISUSE[4:5]:
        _assert_usage_error(run_cli(*args, cwd=cli_root), message)
    assert _listing_of(cli_root) == before


@pytest.mark.parametrize(
    ("args", "message"), MISUSE_BUGS, ids=[" ".join(a) for a, _ in MISUSE_BUGS]
)
def test_bad_option_values_exit_2(
    cli_root: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    before = _listing_of(cli_root)
    _assert_usage_error(_run(capsys, *args), message)
    assert _listing_of(cli_root) == before
