"""Writing output files whole: a reader (Anki, a browser, CI) sees the old file or the new
one, never half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def new_file_mode(path: Path) -> int:
    """The mode of the file `path` replaces, or what the user's umask gives a new file
    (mkstemp makes files readable by their owner only)."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_text_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        os.chmod(temp, new_file_mode(path))
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
