"""The parse cache: a note whose text, place and linked files are unchanged is not parsed again.

An entry is keyed by the tool version and the note's path, time and text. Parsing also asks the
vault where linked files are (embeds); the entry records those questions and their answers, and
is used only when the vault still answers them the same way. Entries are rows of the build store
(`chaincards.store`); a corrupt, stale or unreadable entry is a miss, never an error.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from chaincards.diagnostics import Diagnostic, Severity
from chaincards.document import PARSED_TYPES, FileResolver, ParseResult, SourceNote
from chaincards.store import Decoder, Store, encode
from chaincards.store.fingerprint import tool_fingerprint

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


def entry_key(source: SourceNote) -> str:
    digest = hashlib.sha256()
    for part in (
        tool_fingerprint(),
        str(_FORMAT),
        source.path,
        source.vault_name,
        source.link_prefix,
        str(source.mtime),
    ):
        digest.update(part.encode("utf-8") + b"\x00")
    digest.update((source.folder_deck or "").encode("utf-8") + b"\x00")
    digest.update(source.text.encode("utf-8"))
    return digest.hexdigest()


_PARSED = Decoder([*PARSED_TYPES, Diagnostic, Severity])


def cache_entry(asked: dict[tuple[str, str], str | None], result: ParseResult) -> bytes | None:
    """A parse result and the questions it asked, as a cache entry's bytes; None when the
    result holds something the codec cannot (then it is only not cached)."""
    try:
        return encode((asked, result))
    except TypeError:
        return None


class ParseCache:
    """Parse results in the build store's `parse` space, by `entry_key`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.hits = 0
        self.misses = 0
        self._used: set[str] = set()

    def get(self, source: SourceNote, resolve: FileResolver) -> ParseResult | None:
        key = entry_key(source)
        self._used.add(key)
        blob = self.store.get("parse", key)
        try:
            asked, result = _PARSED.decode(blob) if blob is not None else (None, None)
        except (ValueError, TypeError):  # damaged, foreign or of another shape: a miss
            asked, result = None, None
        if not isinstance(result, ParseResult) or not isinstance(asked, dict):
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
        self.put_entry(source, cache_entry(asked, result))

    def put_entry(self, source: SourceNote, entry: bytes | None) -> None:
        """Store an entry `cache_entry` made (in a worker process, alongside the parsing)."""
        key = entry_key(source)
        self._used.add(key)
        if entry is not None:
            self.store.put("parse", key, entry)

    def keep(self, keys: Iterable[str]) -> None:
        """Keep the entries of these `entry_key`s at `save` although this build did not read
        them."""
        self._used.update(keys)

    def save(self) -> None:
        """Entries of notes this build did not read are let go: the cache is one vault's."""
        self.store.drop("parse", self.store.keys("parse") - self._used)
