"""A memo kept between builds in one pickle: the values of the last build by key, and the ones
this build used, which become the next build's (so the file never grows past one vault).

A missing, corrupt or foreign file, or one written by other chaincards code, is an empty memo,
never an error; the file is rewritten only when this build made or dropped a value.
"""

from __future__ import annotations

import pickle
from collections.abc import Hashable
from functools import partial
from pathlib import Path
from typing import Generic, TypeVar

from chaincards.cache import tool_fingerprint, write_quietly
from chaincards.memory import collector_paused

_FORMAT = 1
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(Generic[K, V]):
    def __init__(self, file: Path | None = None) -> None:
        self.file = file
        self.hits = 0
        self.misses = 0
        self._stored: dict[K, V] = self._load()
        self.loaded = len(self._stored)  # values read from the file
        self._used: dict[K, V] = {}
        self._changed = False

    def _load(self) -> dict[K, V]:
        if self.file is None:
            return {}
        try:
            # Loading many small objects would start the collector again and again.
            with self.file.open("rb") as handle, collector_paused():
                stored_format, fingerprint, values = pickle.load(handle)
        except Exception:  # missing, truncated, from another version: an empty memo
            return {}
        if stored_format != _FORMAT or fingerprint != tool_fingerprint():
            return {}
        return values if isinstance(values, dict) else {}

    def get(self, key: K) -> V | None:
        value = self._used.get(key)
        if value is None:
            value = self._stored.get(key)
        if value is None:
            self.misses += 1
            return None
        self.hits += 1
        self._used[key] = value
        return value

    def put(self, key: K, value: V) -> None:
        self._used[key] = value
        self._changed = True

    def save(self) -> None:
        """Write this build's values for the next; the last build's are let go."""
        stored, self._stored = self._stored, {}
        if self.file is None or (not self._changed and self._used.keys() == stored.keys()):
            return
        values = (_FORMAT, tool_fingerprint(), self._used)
        with collector_paused():
            # Streamed to the file: a memo of a big vault is hundreds of megabytes as bytes.
            write_quietly(self.file, partial(pickle.dump, values, protocol=pickle.HIGHEST_PROTOCOL))
