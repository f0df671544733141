"""A memo kept between builds in the store: the values of the last build by key, and the ones
this build used, which become the next build's (so the memo never grows past one vault).

A value is read from the store only when this build asks for its key, and written back only
when this build made or replaced it; keys the build did not use are dropped at `save`. An entry
that cannot be decoded (damaged, foreign, another version's) is a miss, never an error.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable
from typing import Generic, TypeVar

from chaincards.memory import collector_paused
from chaincards.store import Decoder, Store, encode

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def store_key(key: Hashable) -> str:
    """The same text for the same key in every process (`hash()` of text is not)."""
    return hashlib.sha256(repr(key).encode("utf-8", "surrogatepass")).hexdigest()


class Memo(Generic[K, V]):
    def __init__(self, store: Store | None, space: str, decoder: Decoder) -> None:
        self.store = store
        self.space = space
        self._decoder = decoder
        self.hits = 0
        self.misses = 0
        self.loaded = 0  # values read from the store
        self._used: dict[str, V] = {}
        self._changed: set[str] = set()

    def get(self, key: K) -> V | None:
        name = store_key(key)
        value = self._used.get(name)
        if value is None and self.store is not None:
            blob = self.store.get(self.space, name)
            if blob is not None:
                try:
                    with collector_paused():
                        value = self._decoder.decode(blob)
                    self.loaded += 1
                except ValueError:
                    value = None
        if value is None:
            self.misses += 1
            return None
        self.hits += 1
        self._used[name] = value
        return value

    def put(self, key: K, value: V) -> None:
        name = store_key(key)
        self._used[name] = value
        self._changed.add(name)

    def save(self) -> None:
        """Write the values this build made; drop the ones it did not use."""
        if self.store is None:
            return
        with collector_paused():
            for name in self._changed:
                try:
                    self.store.put(self.space, name, encode(self._used[name]))
                except TypeError:
                    continue  # a value the codec cannot hold is only not remembered
        self.store.drop(self.space, self.store.keys(self.space) - self._used.keys())
        self._changed.clear()
