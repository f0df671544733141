"""The parse cache: a note whose text, place and linked files are unchanged is not parsed again.

An entry is keyed by the tool version and the note's path, time and text. Parsing also asks the
vault where linked files are (embeds); the entry records those questions and their answers, and
is used only when the vault still answers them the same way. Entries are single files written
atomically; a corrupt, stale or unreadable entry is a miss, never an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO
from unicodedata import unidata_version

from chaincards import __version__
from chaincards.document import FileResolver, ParseResult, SourceNote

_FORMAT = 1


@dataclass
class RecordingResolver:
    """Answers like the vault index and remembers every question, for the cache entry."""

    resolve: FileResolver
    asked: dict[tuple[str, str], str | None] = field(default_factory=dict)

    def __call__(self, target: str, from_note: str) -> str | None:
        answer = self.resolve(target, from_note)
        self.asked[(target, from_note)] = answer
        return answer


@lru_cache(maxsize=1)
def tool_fingerprint() -> str:
    """The version and a hash of chaincards' own code: a changed parser must not reuse old
    results, even between two builds of one version (a developer's checkout). Python's version
    and Unicode tables too: GUID keys and name matching depend on its case folding and NFKC."""
    digest = hashlib.sha256(f"{__version__}\0{sys.version}\0{unidata_version}".encode())
    package = Path(__file__).resolve().parent
    for source in sorted(package.rglob("*.py")) + sorted(package.rglob("*.css")):
        with contextlib.suppress(OSError):
            digest.update(source.relative_to(package).as_posix().encode() + source.read_bytes())
    return digest.hexdigest()


def write_quietly(path: Path, data: bytes | Callable[[IO[bytes]], object]) -> None:
    """Replace `path` atomically with `data`, or with what `data(file)` writes. Cache files only
    save time, so a failure to write one is not an error: it is swallowed and no temporary file
    is left behind."""
    temp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            if isinstance(data, bytes):
                out.write(data)
            else:
                data(out)
        os.replace(temp, path)
    except Exception:  # a cache file is never worth failing a build: disk full, unpicklable
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)


def entry_key(source: SourceNote) -> str:
    digest = hashlib.sha256()
    for part in (
        tool_fingerprint(),
        str(_FORMAT),
        source.path,
        source.vault_name,
        str(source.mtime),
    ):
        digest.update(part.encode("utf-8") + b"\x00")
    digest.update((source.folder_deck or "").encode("utf-8") + b"\x00")
    digest.update(source.text.encode("utf-8"))
    return digest.hexdigest()


class ParseCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.hits = 0
        self.misses = 0

    def _file(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.pickle"

    def get(self, source: SourceNote, resolve: FileResolver) -> ParseResult | None:
        try:
            with self._file(entry_key(source)).open("rb") as handle:
                stored_format, asked, result = pickle.load(handle)
        except Exception:  # missing, truncated, from another version: all just a miss
            self.misses += 1
            return None
        if stored_format != _FORMAT or not isinstance(result, ParseResult):
            self.misses += 1
            return None
        if any(resolve(target, note) != answer for (target, note), answer in asked.items()):
            self.misses += 1
            return None
        self.hits += 1
        return result

    def put(
        self, source: SourceNote, asked: dict[tuple[str, str], str | None], result: ParseResult
    ) -> None:
        data = pickle.dumps((_FORMAT, asked, result), protocol=pickle.HIGHEST_PROTOCOL)
        write_quietly(self._file(entry_key(source)), data)
