"""Item resolutions remembered between builds.

A resolution depends only on the item's text, its links and the answers the known names give
to the lookups it makes. So each remembered resolution keeps those lookups and their answers,
and is reused when the names of this build answer them all the same: a new activity elsewhere
re-reads only the items it could be found in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from chaincards.document import Link
from chaincards.model.counterparts import Resolution, Resolver
from chaincards.model.names import Key, Names
from chaincards.model.types import Counterpart
from chaincards.store import Decoder

# What one lookup asked and got: ("get", key, answer), ("longest", (norms, start), answer),
# ("starts_any", word, answer), ("by_prefix", key, names), ("by_words", stems, names).
Asked = tuple[str, object, object]
ResolutionKey = tuple[str, tuple[Link, ...]]  # item text, its links
# Resolutions of one item, newest first: the lookups each made, and the resolution. One build
# may resolve an item against two sets of names (before and after linked names are learnt).
Remembered = tuple[tuple[tuple[Asked, ...], Resolution], ...]
_ALTERNATIVES = 2
RESOLUTIONS = Decoder([Resolution, Counterpart, Link])  # what a stored resolution may hold


class RememberedResolutions(Protocol):
    """Resolutions of earlier builds; `get` gives None for an unknown key."""

    def get(self, key: ResolutionKey) -> Remembered | None: ...

    def put(self, key: ResolutionKey, value: Remembered) -> None: ...


class _AskedNames:
    """The names as a resolution sees them, with every question asked and its answer."""

    def __init__(self, names: Names) -> None:
        self._names = names
        self.asked: list[Asked] = []
        # One tuple per token list: a resolution asks about the same tokens many times, and
        # sharing it keeps the memo small in memory and on disk.
        self._tokens: tuple[Sequence[str], tuple[str, ...]] | None = None

    def get(self, key: Key) -> str | None:
        answer = self._names.get(key)
        self.asked.append(("get", key, answer))
        return answer

    def longest(self, norms: Sequence[str], start: int) -> tuple[int, str] | None:
        answer = self._names.longest(norms, start)
        if self._tokens is None or self._tokens[0] is not norms:
            self._tokens = (norms, tuple(norms))
        self.asked.append(("longest", (self._tokens[1], start), answer))
        return answer

    def starts_any(self, word: str) -> bool:
        answer = self._names.starts_any(word)
        self.asked.append(("starts_any", word, answer))
        return answer

    def by_prefix(self, key: Key) -> set[str]:
        answer = self._names.by_prefix(key)
        self.asked.append(("by_prefix", key, frozenset(answer)))
        return answer

    def by_words(self, stems: frozenset[str]) -> set[str]:
        answer = self._names.by_words(stems)
        self.asked.append(("by_words", stems, frozenset(answer)))
        return answer


def _same_answers(names: Names, asked: tuple[Asked, ...]) -> bool:
    for question, about, answer in asked:
        if question == "get":
            now: object = names.get(about)  # type: ignore[arg-type]
        elif question == "longest":
            norms, start = about  # type: ignore[misc]
            now = names.longest(norms, start)  # type: ignore[has-type]
        elif question == "starts_any":
            now = names.starts_any(about)  # type: ignore[arg-type]
        elif question == "by_prefix":
            now = frozenset(names.by_prefix(about))  # type: ignore[arg-type]
        else:
            now = frozenset(names.by_words(about))  # type: ignore[arg-type]
        if now != answer:
            return False
    return True


class RememberingResolver(Resolver):
    """A `Resolver` that reuses remembered resolutions whose lookups still get the same
    answers, and remembers the ones it makes."""

    def __init__(self, activities: Names, remembered: RememberedResolutions) -> None:
        super().__init__(activities)
        self._remembered = remembered

    def resolve(self, text: str, links: Sequence[Link] = ()) -> Resolution:
        key = (text, tuple(links))
        earlier = self._remembered.get(key) or ()
        for asked, resolution in earlier:
            if _same_answers(self.activities, asked):
                return resolution
        asking = _AskedNames(self.activities)
        resolution = Resolver(asking).resolve(text, links)
        newest = (tuple(asking.asked), resolution)
        self._remembered.put(key, (newest, *earlier[: _ALTERNATIVES - 1]))
        return resolution
