"""Writing output files whole: a reader (Anki, a browser, CI) sees the old file or the new
one, never half of one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO


def current_umask() -> int:
    umask = os.umask(0)  # the only way to read it is to set it
    os.umask(umask)
    return umask


def new_file_mode(path: Path) -> int:
    """The mode of the file `path` replaces, or what the user's umask gives a new file
    (mkstemp makes files readable by their owner only)."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        return 0o666 & ~current_umask()


def _same_bytes(first: IO[bytes], second: Path) -> bool:
    try:
        if os.fstat(first.fileno()).st_size != second.stat().st_size:
            return False
        first.seek(0)
        with second.open("rb") as other:
            while True:
                chunk = first.read(1 << 20)
                if chunk != other.read(1 << 20):
                    return False
                if not chunk:
                    return True
    except FileNotFoundError:
        return False


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable; not possible (nor needed) on Windows.
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_atomically(path: Path, write: Callable[[IO[bytes]], None]) -> bool:
    """Write into a temp file beside `path`, then rename it over `path` unless nothing changed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "w+b") as out:
            write(out)
            out.flush()
            unchanged = _same_bytes(out, path)
            if not unchanged:
                os.fsync(out.fileno())
        if unchanged:
            temp.unlink()
            return False
        os.chmod(temp, new_file_mode(path))
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)
    return True


def write_text_atomically(path: Path, text: str) -> bool:
    data = text.encode("utf-8")

    def write(out: IO[bytes]) -> None:
        out.write(data)

    return replace_atomically(path, write)
