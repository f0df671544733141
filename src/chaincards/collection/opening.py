"""Opening a learner's collection with Anki's backend, or refusing to in one line: the
`anki` extra missing, no collection at the path, a file that is not one, a collection Anki
has open, or one saved by a newer Anki than the backend reads. A dry run opens a copy, so
nothing of the learner's (not even Anki's upgrade of an older collection) is written."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from chaincards.anki.backend import anki_backend_installed

if TYPE_CHECKING:  # the extra may be missing: imported only when a collection is opened
    from anki.collection import Collection

INSTALL = "pip install 'chaincards[anki]'"
_OPEN_IN_ANKI = "the collection is open in Anki (or Anki is syncing): close Anki first"


class SyncError(Exception):
    """A collection that cannot be synced: one line for the user (a usage error, exit 2)."""


def check_ready(path: Path) -> None:
    """SyncError unless Anki's backend is installed and `path` is an Anki collection: checked
    before a sync builds anything, and again when it opens the collection."""
    if not anki_backend_installed():
        raise SyncError(f"chaincards sync needs Anki's backend: {INSTALL}")
    if not path.is_file():
        raise SyncError(
            f"{path}: no Anki collection here (Anki's collection.anki2 is in its profile "
            "folder; --profile NAME finds it)"
        )
    # Read-only, through SQLite itself: the backend would make any file a collection. SQLite
    # may make its empty -wal and -shm files beside it for the read; they go again.
    beside = [path.with_name(path.name + end) for end in ("-wal", "-shm")]
    there = [side.exists() for side in beside]
    try:
        with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as db:
            db.execute("select ver from col").fetchone()
        db.close()
    except sqlite3.Error as exc:
        if "locked" in str(exc):
            raise SyncError(f"{path}: {_OPEN_IN_ANKI}") from None
        raise SyncError(f"{path}: not an Anki collection ({exc})") from None
    finally:
        # The -shm index is rebuilt by whoever opens the file next; a -wal made here is empty.
        wal, shm = beside
        if not there[0] and wal.exists() and wal.stat().st_size == 0:
            wal.unlink(missing_ok=True)
        if not there[1]:
            shm.unlink(missing_ok=True)


@contextmanager
def opened(path: Path, *, copy: bool = False) -> Iterator[Collection]:
    """The collection at `path`, closed after; with `copy`, a scratch copy of it."""
    check_ready(path)
    if not copy:
        with _backend_opened(path, path) as col:
            yield col
        return
    with tempfile.TemporaryDirectory(prefix="chaincards-sync-") as scratch:
        scratch_path = Path(scratch) / "collection.anki2"
        try:
            shutil.copyfile(path, scratch_path)
            # What a crash left in the write-ahead log is part of the collection too.
            wal = path.with_name(path.name + "-wal")
            if wal.is_file():
                shutil.copyfile(wal, scratch_path.with_name(scratch_path.name + "-wal"))
        except OSError as exc:
            raise SyncError(f"{path}: cannot be read: {exc.strerror or exc}") from None
        with _backend_opened(scratch_path, path) as col:
            yield col


@contextmanager
def _backend_opened(path: Path, shown: Path) -> Iterator[Collection]:
    from anki.collection import Collection
    from anki.errors import BackendError

    try:
        col = Collection(str(path))
    except BackendError as exc:
        raise SyncError(_open_problem(shown, exc)) from None
    try:
        yield col
    except BackendError as exc:
        raise SyncError(f"{shown}: Anki's backend refused the change: {exc}") from None
    finally:
        col.close()


def _open_problem(path: Path, problem: Exception) -> str:
    from anki.buildinfo import version

    text = str(problem)
    if "already open" in text:
        return f"{path}: {_OPEN_IN_ANKI}"
    if "FileTooNew" in text:
        return (
            f"{path}: the collection was saved by a newer Anki than this backend "
            f"(anki {version}) understands: {INSTALL.replace('install', 'install -U')}"
        )
    return f"{path}: cannot be opened as an Anki collection: {text}"
