"""Counterparts: who an Inputs/Outputs item comes from or goes to.

An item reads `<artifact> <relation phrase> <counterpart list>`:
`A product and service portfolio provided by [[Plan]]`, `Service performance information provided
by deliver and support and improve`. The rules, in order:

1. Relation phrases (`provided by`, `from`, `by`, `for`, `to`, …) are tried right to left; the first
   whose whole tail reads as a list of known counterparts wins, so `Demand for services provided
   by customers` is read at `provided by`, and a name containing `for` is still found.
2. The tail is cut into counterparts separated by `and`, `,`, `&`, `/`. At each position a
   wikilink wins, then the longest known activity name or alias (`deliver and support and
   improve` is two activities, never `deliver`), then "all (value chain) activities" (every
   activity, `*`), then a phrase ending in stakeholder nouns (`internal and external customers`).
3. A wikilink that names no known activity or party is a new activity: the learner linked it as a
   counterpart, so it is part of the chain even without a note of its own.
4. When no tail reads cleanly, the rightmost tail that still looks like names (a capitalised word,
   or the first word of a known activity) is kept with its unknown parts as outside parties
   marked `known=False`, which `check` reports.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal

from chaincards.document import Link
from chaincards.model.names import (
    CONNECTOR,
    KIND_PLURALS,
    KIND_WORDS,
    Names,
    is_party_phrase,
    is_stakeholder,
    match_keys,
    name_key,
    party_display,
    tokenize,
)
from chaincards.model.types import ALL, Counterpart, CounterpartKind

Reads = Literal["source", "target"]
# Multi-word phrases by their last word; single prepositions are the fallback.
_PHRASES: dict[str, dict[str, Reads]] = {
    "by": {"provided": "source", "supplied": "source", "produced": "source", "created": "source"},
    "from": {"received": "source", "coming": "source", "obtained": "source"},
    "to": {"delivered": "target", "provided": "target", "sent": "target", "passed": "target"},
    "for": {"provided": "target", "produced": "target", "prepared": "target"},
}
PREPOSITION_READS: dict[str, Reads] = {
    "from": "source",
    "by": "source",
    "for": "target",
    "to": "target",
}
_QUANTIFIERS = frozenset({"all", "every", "each", "any"})
_PROCESS = frozenset({"process", "processes"})
_DETERMINERS = frozenset({"the", "both", "either"})
_LINK = "\x00link"
_FILE_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")
_TRAILING_ASIDE = re.compile(r"\s*(?:\([^()]*\)|\[[^\[\]]*\])$")
_MAX_PARTY_WORDS = 8
_MAX_UNKNOWN_WORDS = 5


@dataclass(frozen=True)
class _Unit:
    norm: str
    start: int
    end: int
    raw: str
    link: Link | None = None


@dataclass(frozen=True)
class _Chunk:
    counterpart: Counterpart
    link_target: str = ""  # the note a linked counterpart points to

    @property
    def resolved(self) -> bool:
        return self.counterpart.known


@dataclass(frozen=True)
class Resolution:
    artifact: str
    relation: str  # as written, "" when the item names no counterpart
    reads: Reads | None  # which end the relation phrase names, by its wording
    counterparts: tuple[Counterpart, ...]
    linked_names: tuple[str, ...] = ()  # link targets of linked activity counterparts


_TRAILING_PERIODS = re.compile(r"[\s.]+$")


def strip_period(text: str) -> str:
    return _TRAILING_PERIODS.sub("", text.strip())


def link_is_file(target: str) -> bool:
    """`Book.pdf`, `diagram.png`: a file, not a note (a `.md` target is a note)."""
    match = _FILE_EXTENSION.search(target)
    return bool(match) and match.group().casefold() != ".md"


def _find_word(text: str, needle: str, before: int) -> int:
    """Start of the last whole-word occurrence of `needle` ending before `before`, else -1."""
    for haystack, wanted in ((text, needle), (text.lower(), needle.lower())):
        if len(haystack) != len(text):
            break  # lower() changed lengths: positions would not map back
        end = before
        while (at := haystack.rfind(wanted, 0, end)) >= 0:
            after = at + len(wanted)
            before_ok = at == 0 or not haystack[at - 1].isalnum()
            if before_ok and (after >= len(haystack) or not haystack[after].isalnum()):
                return at
            end = at + len(wanted) - 1
    return -1


def _units(text: str, links: Sequence[Link]) -> list[_Unit]:
    """Tokens of `text`, each wikilink's display text folded into one unit.

    Links carry no position, so their display texts are placed right to left as whole words:
    counterparts sit at the end of an item, and `Improve` must not be found inside `Improvement`.
    """
    spans: list[tuple[int, int, Link]] = []
    limit = len(text)
    for link in reversed(links):
        if link.embed or not link.display:
            continue
        at = _find_word(text, link.display, limit)
        if at >= 0:
            spans.append((at, at + len(link.display), link))
            limit = at
    spans.reverse()
    units: list[_Unit] = []
    span_index = 0
    for token in tokenize(text):
        while span_index < len(spans) and spans[span_index][1] <= token.start:
            span_index += 1
        if span_index < len(spans) and spans[span_index][0] <= token.start:
            start, end, link = spans[span_index]
            if not units or units[-1].link is not link:
                units.append(_Unit(_LINK, start, end, text[start:end], link))
            continue
        units.append(_Unit(token.norm, token.start, token.end, token.raw))
    return units


class Resolver:
    """Resolves items against the activities known so far (an index of names and aliases)."""

    def __init__(self, activities: Names) -> None:
        self.activities = activities

    def resolve(self, text: str, links: Sequence[Link] = ()) -> Resolution:
        # A trailing aside (`… from Plan (see 4.2)`) is not part of the counterpart list.
        text = _TRAILING_ASIDE.sub("", strip_period(text)) or text
        units = _units(text, links)
        norms = [u.norm for u in units]
        candidates = [k for k in range(len(units) - 1, 0, -1) if _is_relation(units, k)]
        fallback: tuple[int, list[_Chunk]] | None = None
        for k in candidates:
            chunks = self._tail(units, norms, k + 1, text)
            if not chunks:
                continue
            if all(c.resolved for c in chunks):
                return self._resolution(text, units, k, chunks)
            if fallback is None and self._plausible(chunks):
                fallback = (k, chunks)
        if fallback is not None:
            return self._resolution(text, units, *fallback)
        return Resolution(strip_period(text), "", None, ())

    def _resolution(
        self, text: str, units: list[_Unit], k: int, chunks: list[_Chunk]
    ) -> Resolution:
        start = _relation_start(units, k)
        artifact = text[: units[start].start].strip(" ,;:-–—")
        relation = text[units[start].start : units[k].end]
        linked = tuple(
            c.link_target for c in chunks if c.link_target and c.counterpart.kind == "activity"
        )
        counterparts = tuple(dict.fromkeys(c.counterpart for c in chunks))
        return Resolution(
            strip_period(artifact), relation, relation_reads(relation), counterparts, linked
        )

    def _plausible(self, chunks: list[_Chunk]) -> bool:
        """A tail that did not read cleanly is kept only when it still looks like names."""
        unknown = [c for c in chunks if not c.resolved]
        if len(chunks) > 4 or any(
            len(c.counterpart.text.split()) > _MAX_UNKNOWN_WORDS for c in unknown
        ):
            return False
        if any(c.resolved for c in chunks):
            return True
        return any(self._name_like(c.counterpart.text) for c in unknown)

    def _name_like(self, text: str) -> bool:
        words = text.split()
        if any(w[:1].isupper() for w in words):
            return True
        first = name_key(text)[:1]
        return bool(first) and self.activities.starts_any(first[0])

    def _tail(self, units: list[_Unit], norms: list[str], start: int, text: str) -> list[_Chunk]:
        """The counterparts of units[start:], or [] when they are not a connector-joined list."""
        chunks: list[_Chunk] = []
        index = start
        while index < len(units):
            chunk, index = self._chunk(units, norms, index, text)
            chunks.append(chunk)
            if index < len(units) and norms[index] not in (CONNECTOR, ","):
                return []
            while index < len(units) and norms[index] in (CONNECTOR, ","):
                index += 1
        return chunks

    def _chunk(
        self, units: list[_Unit], norms: list[str], start: int, text: str
    ) -> tuple[_Chunk, int]:
        if norms[start] in _QUANTIFIERS and (end := _broadcast(units, norms, start)):
            return _make(ALL, text, units, start, end, "all"), end
        index = start
        while index < len(units) - 1 and norms[index] in _DETERMINERS:
            index += 1
        unit = units[index]
        if unit.link is not None:
            return self._linked(unit, units, norms, index, start, text)
        match = self.activities.longest(norms, index)
        if match is not None:
            end, name = match
            end = _skip_kind(norms, end)
            return _make(name, text, units, start, end, "activity"), end
        if end := _broadcast(units, norms, start):
            return _make(ALL, text, units, start, end, "all"), end
        if end := self._party(units, norms, start):
            phrase = text[units[start].start : units[end - 1].end]
            return _make(party_display(phrase), text, units, start, end, "party"), end
        end = start
        while end < len(units) and norms[end] not in (CONNECTOR, ",", _LINK):
            end += 1
        end = max(end, start + 1)
        phrase = text[units[start].start : units[end - 1].end]
        counterpart = Counterpart("party", party_display(phrase), phrase, known=False)
        return _Chunk(counterpart), end

    def _linked(
        self, unit: _Unit, units: list[_Unit], norms: list[str], index: int, start: int, text: str
    ) -> tuple[_Chunk, int]:
        link = unit.link
        assert link is not None
        end = _skip_kind(norms, index + 1)
        target = PurePosixPath(link.target).name.removesuffix(".md")
        keys = [*match_keys(target), *match_keys(link.display)]
        name = next((n for n in map(self.activities.get, keys) if n is not None), None)
        if name is not None:
            return _Chunk(Counterpart("activity", name, unit.raw, linked=True), target), end
        if is_party_phrase(target):
            return _Chunk(Counterpart("party", target, unit.raw, linked=True)), end
        if stop := _broadcast(units, norms, start):  # `[[Service Value Chain]] activities`
            return _make(ALL, text, units, start, stop, "all"), stop
        if link_is_file(link.target) or not target:
            return _Chunk(Counterpart("party", unit.raw, unit.raw, True, known=False)), end
        counterpart = Counterpart("activity", target, unit.raw, linked=True)
        return _Chunk(counterpart, target), end

    def _party(self, units: list[_Unit], norms: list[str], start: int) -> int:
        """End of the longest stakeholder phrase at `start` (0 when there is none).

        The phrase may not run into a known activity name: `customers and engage` is a party and
        an activity, not one party.
        """
        limit = start
        while limit < min(len(units), start + _MAX_PARTY_WORDS):
            if norms[limit] == _LINK or (
                limit > start and self.activities.longest(norms, limit) is not None
            ):
                break
            limit += 1
        for end in range(limit, start, -1):
            if norms[end - 1] in (CONNECTOR, ",") or not is_stakeholder(units[end - 1].raw):
                continue
            if _coordinated_party(units[start:end]):
                return end
        return 0


def _make(
    name: str, text: str, units: list[_Unit], start: int, end: int, kind: CounterpartKind
) -> _Chunk:
    written = text[units[start].start : units[end - 1].end]
    linked = any(u.link is not None for u in units[start:end])
    return _Chunk(Counterpart(kind, name, written, linked=linked))


def _coordinated_party(units: Sequence[_Unit]) -> bool:
    """`internal and external customers`, `finance and legal teams`, `suppliers and partners`:
    the last part ends in a stakeholder noun; earlier parts do too or are single modifiers."""
    parts: list[list[_Unit]] = [[]]
    for unit in units:
        if unit.norm in (CONNECTOR, ","):
            parts.append([])
        else:
            parts[-1].append(unit)
    parts = [p for p in parts if p]
    if not parts or not is_party_phrase(" ".join(u.raw for u in parts[-1])):
        return False
    return all(len(p) == 1 or is_stakeholder(p[-1].raw) for p in parts[:-1])


def _broadcast(units: list[_Unit], norms: list[str], start: int) -> int:
    """End of `all (value chain) activities`, `every phase`, `all [[X]] activities`; else 0."""
    index = start
    quantified = norms[index] in _QUANTIFIERS
    if quantified:
        index += 1
    while index < len(units) and norms[index] in ("the", "other", "of"):
        quantified = quantified or norms[index] == "other"
        index += 1
    last = -1
    for end in range(index, min(len(units), index + 5)):
        norm = norms[end]
        if norm in (CONNECTOR, ","):
            break
        if norm in KIND_PLURALS or (quantified and norm in KIND_WORDS):
            last = end
        elif norm in ("group", "groups") and end > index and norms[end - 1] in _PROCESS:
            last = end  # `all process groups`
    if last < 0:
        return 0
    # Unquantified, only the chain as a whole counts (`value chain activities`,
    # `[[Service Value Chain]] activities`), not `design activities`.
    whole = quantified or any(n == "chain" or n == _LINK for n in norms[index:last])
    return last + 1 if whole else 0


def _skip_kind(norms: list[str], end: int) -> int:
    """`the plan activity`, `design and transition phases`, `the initiating process group`:
    the kind word is not a counterpart."""
    if end < len(norms) and norms[end] in KIND_WORDS | KIND_PLURALS:
        end += 1
        if norms[end - 1] in _PROCESS and end < len(norms) and norms[end] in ("group", "groups"):
            end += 1
    return end


def _is_relation(units: list[_Unit], k: int) -> bool:
    return units[k].link is None and units[k].norm in _PHRASES and k + 1 < len(units)


def _relation_start(units: list[_Unit], k: int) -> int:
    if k >= 2 and units[k - 1].norm in _PHRASES[units[k].norm]:
        return k - 1
    return k


def relation_reads(relation: str) -> Reads | None:
    """Which end a relation phrase names by its wording: `provided by` a source, `for` a target."""
    norms = [t.norm for t in tokenize(relation)]
    if not norms or norms[-1] not in _PHRASES:
        return None
    if len(norms) >= 2 and norms[-2] in _PHRASES[norms[-1]]:
        return _PHRASES[norms[-1]][norms[-2]]
    return PREPOSITION_READS[norms[-1]]
