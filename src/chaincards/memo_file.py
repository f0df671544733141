"""A memo kept between builds in a folder: the values of the last build by key, and the ones
this build used, which become the next build's (so the memo never grows past one vault).

The values are spread over a fixed number of shard files by a stable hash of their key, and a
shard is rewritten only when this build made, replaced or dropped one of its values: after a
one-note edit of a big vault a few small files are written, not hundreds of megabytes. A
missing, corrupt or foreign shard, or one written by other chaincards code, is empty, never an
error.
"""

from __future__ import annotations

import contextlib
import pickle
import zlib
from collections.abc import Hashable
from functools import partial
from pathlib import Path
from typing import Generic, TypeVar

from chaincards.cache import tool_fingerprint, write_quietly
from chaincards.memory import collector_paused

_FORMAT = 2
SHARDS = 64
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def shard_of(key: Hashable) -> int:
    """The same shard for the same key in every process (`hash()` of text is not)."""
    return zlib.crc32(repr(key).encode("utf-8", "surrogatepass")) % SHARDS


class Memo(Generic[K, V]):
    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.hits = 0
        self.misses = 0
        self._stored: list[dict[K, V]] = [self._load(shard) for shard in range(SHARDS)]
        self.loaded = sum(map(len, self._stored))  # values read from the folder
        self._used: list[dict[K, V]] = [{} for _ in range(SHARDS)]
        self._changed: set[int] = set()

    def _file(self, shard: int) -> Path:
        assert self.folder is not None
        return self.folder / f"{shard:02x}.pickle"

    def _load(self, shard: int) -> dict[K, V]:
        if self.folder is None:
            return {}
        try:
            # Loading many small objects would start the collector again and again.
            with self._file(shard).open("rb") as handle, collector_paused():
                stored_format, fingerprint, values = pickle.load(handle)
        except Exception:  # missing, truncated, from another version: an empty shard
            return {}
        if stored_format != _FORMAT or fingerprint != tool_fingerprint():
            return {}
        return values if isinstance(values, dict) else {}

    def get(self, key: K) -> V | None:
        shard = shard_of(key)
        value = self._used[shard].get(key)
        if value is None:
            value = self._stored[shard].get(key)
        if value is None:
            self.misses += 1
            return None
        self.hits += 1
        self._used[shard][key] = value
        return value

    def put(self, key: K, value: V) -> None:
        shard = shard_of(key)
        self._used[shard][key] = value
        self._changed.add(shard)

    def save(self) -> None:
        """Write the shards this build changed; the last build's values are let go."""
        stored, self._stored = self._stored, [{} for _ in range(SHARDS)]
        if self.folder is None:
            return
        for shard, used in enumerate(self._used):
            if shard not in self._changed and used.keys() == stored[shard].keys():
                continue
            if not used:
                with contextlib.suppress(OSError):
                    self._file(shard).unlink(missing_ok=True)
                continue
            values = (_FORMAT, tool_fingerprint(), used)
            with collector_paused():
                dump = partial(pickle.dump, values, protocol=pickle.HIGHEST_PROTOCOL)
                write_quietly(self._file(shard), dump)
