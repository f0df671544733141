"""Counterparts: who an Inputs/Outputs item comes from or goes to.

An item reads `<artifact> [verb residue] <relation> <counterpart list> [clause]`:
`A product and service portfolio provided by [[Plan]]`, `Scrap returned back to melting for
reuse`, `Spare parts supplied by [[Stores]] (or by [[Maintenance]] when Stores is closed)`. The
rules, in order:

1. Parenthesised asides that hold a relation word, or start with `or`/`and`, are read as lists of
   their own and their counterparts added (`(or by [[Maintenance]] …)`); other asides stay text.
2. Relation phrases (`provided by`, `from`, `by`, `for`, `to`, `into`, `back to`, …; relations.py)
   are tried right to left; the first whose whole tail reads as a list of counterparts wins, and
   a list that starts at an earlier relation and reads through this one wins over it (`from
   casting or from melting`). A clause after a counterpart (`for reuse`, `when …`) ends the list.
3. The tail is cut into counterparts separated by `and`, `or`, `,`, `&`, `/`, a relation word
   after a joiner starting the next one. At each position: `all`/`every`/`each` + steps (every
   activity, `*`); a wikilink (its target, heading or display names an activity); the longest
   known name or alias; a group that names no one (`other design steps`, `the relevant teams`:
   kept apart for `check`; groups.py); a stakeholder phrase (a party); a short form of one name
   (a unique leading part, or after an article or before a kind word a unique word or stem:
   `the inspector` for a step also called `inspection`).
4. A wikilink that names no known activity or party is a new activity: the learner linked it as
   a counterpart, so it is part of the chain even without a note of its own.
5. An unknown lower-case phrase after `the` (`from the bloodstream`) is a party outside the chain,
   except after `for` (`for the exam` is a purpose). Otherwise, when no tail reads cleanly, the
   rightmost tail that still looks like names (a capitalised word, or the first word of a known
   activity) is kept with its unknown parts as parties marked `known=False`, which `check`
   reports.
6. The artifact is what precedes the relation, without verb residue (artifacts.py); an item that
   names no counterpart, or whose artifact would be a bare section word, keeps its whole text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from chaincards.document import Link
from chaincards.model.artifacts import is_bare, strip_residue
from chaincards.model.groups import (
    QUANTIFIERS,
    VAGUE,
    broadcast,
    coordinated_party,
    group_end,
    skip_kind,
)
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
    stem,
    tokenize,
)
from chaincards.model.relations import (
    CLAUSE,
    LEADING_JOINER,
    PHRASES,
    TRAILING_ASIDE,
    Reads,
    after_relation,
    is_relation,
    relation_reads,
    relation_start,
    split_asides,
)
from chaincards.model.types import ALL, Counterpart, CounterpartKind
from chaincards.model.units import LINK, Unit, item_units

_DETERMINERS = frozenset({"the", "both", "either"})
_FILE_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")
_MAX_PARTY_WORDS = 8
_MAX_SHORT_WORDS = 3
_MAX_UNKNOWN_WORDS = 5


@dataclass(frozen=True)
class _Chunk:
    counterpart: Counterpart
    link_target: str = ""  # the note a linked counterpart points to
    # An unknown lower-case phrase after `the` (`from the bloodstream`): a place or party outside
    # the chain when a relation other than `for` leads to it (`for the exam` is a purpose).
    placed: bool = False

    @property
    def resolved(self) -> bool:
        return self.counterpart.known

    def settled(self, relation: str) -> bool:
        return self.resolved or (self.placed and (relation != "for" or self.compound))

    @property
    def compound(self) -> bool:
        """`for the package registry` names a recipient; `for the exam` a purpose."""
        return len(self.counterpart.text.split()) >= 3


@dataclass(frozen=True)
class Resolution:
    artifact: str
    relation: str  # as written, "" when the item names no counterpart
    reads: Reads | None  # which end the relation phrase names, by its wording
    counterparts: tuple[Counterpart, ...]
    linked_names: tuple[str, ...] = ()  # link targets of linked activity counterparts
    groups: tuple[str, ...] = ()  # unnamed groups as written (`other design steps`)


_TRAILING_PERIODS = re.compile(r"[\s.]+$")


def strip_period(text: str) -> str:
    return _TRAILING_PERIODS.sub("", text.strip())


def link_is_file(target: str) -> bool:
    """`Book.pdf`, `diagram.png`: a file, not a note (a `.md` target is a note)."""
    match = _FILE_EXTENSION.search(target)
    return match is not None and match.group().casefold() != ".md"


class Resolver:
    """Resolves items against the activities known so far (an index of names and aliases)."""

    def __init__(self, activities: Names) -> None:
        self.activities = activities

    def resolve(self, text: str, links: Sequence[Link] = ()) -> Resolution:
        text = strip_period(text)
        main, asides = split_asides(text)
        extra: list[_Chunk] = []
        for aside in asides:  # `(or by [[Maintenance]] when Stores is closed)`, `(or [[B]])`
            related = any(t.norm in PHRASES for t in tokenize(aside))
            lead = "x " if related else "x by "
            found = self._read(lead + LEADING_JOINER.sub("", aside), links, aside=True)
            if found is None:
                main = f"{main} ({aside})"  # an aside that names no one is part of the text
            else:
                extra.extend(found[1])
        # A trailing aside (`… from Plan (see 4.2)`) is not part of the counterpart list.
        main = TRAILING_ASIDE.sub("", main) or main
        units = item_units(main, links)
        read = self._read(main, links, units=units)
        if read is None:
            return self._resolution(text, main, units, None, extra)
        return self._resolution(text, main, units, read[0], [*read[1], *extra])

    def _read(
        self,
        text: str,
        links: Sequence[Link],
        units: list[Unit] | None = None,
        aside: bool = False,
    ) -> tuple[int, list[_Chunk]] | None:
        """(relation position, counterparts) of the rightmost relation whose tail reads as a
        list of counterparts; else the rightmost tail that still looks like names."""
        units = item_units(text, links) if units is None else units
        norms = [u.norm for u in units]
        candidates = [k for k in range(len(units) - 1, 0, -1) if is_relation(units, k)]
        fallback: tuple[int, list[_Chunk]] | None = None
        for at, k in enumerate(reversed(candidates) if aside else candidates):
            chunks = self._tail(units, norms, k + 1, text)
            if not chunks:
                continue
            if all(c.settled(norms[k]) for c in chunks):
                chunks = [_as_party(c) if c.placed else c for c in chunks]
                return self._earlier(units, norms, text, candidates[at + 1 :], k, chunks)
            if fallback is None and not aside and self._plausible(chunks):
                fallback = (k, chunks)
        return fallback

    def _earlier(
        self,
        units: list[Unit],
        norms: list[str],
        text: str,
        earlier: list[int],
        k: int,
        chunks: list[_Chunk],
    ) -> tuple[int, list[_Chunk]]:
        """`from casting or from melting`: a list that starts at an earlier relation and reads
        through this one wins, so every counterpart is kept."""
        for before in earlier:
            start = relation_start(units, k)
            if start == 0 or norms[start - 1] not in (CONNECTOR, ","):
                break
            longer = self._tail(units, norms, before + 1, text)
            if not longer or not all(c.resolved for c in longer):
                break
            k, chunks = before, longer
        return k, chunks

    def _resolution(
        self,
        text: str,
        main: str,
        units: list[Unit],
        k: int | None,
        chunks: list[_Chunk],
    ) -> Resolution:
        groups = tuple(c.counterpart.text for c in chunks if c.counterpart.kind == "group")
        named = [c for c in chunks if c.counterpart.kind != "group"]
        linked = tuple(
            c.link_target for c in named if c.link_target and c.counterpart.kind == "activity"
        )
        counterparts = tuple(dict.fromkeys(c.counterpart for c in named))
        if not counterparts:
            return Resolution(text, "", None, (), (), groups)
        if k is None:  # only an aside named someone: the main text is the artifact
            return Resolution(_artifact(main, main), "", None, counterparts, linked, groups)
        start = relation_start(units, k)
        before = main[: units[start].start]
        relation = main[units[start].start : units[k].end]
        return Resolution(
            _artifact(before, text),
            relation,
            relation_reads(relation),
            counterparts,
            linked,
            groups,
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

    def _tail(self, units: list[Unit], norms: list[str], start: int, text: str) -> list[_Chunk]:
        """The counterparts of units[start:], or [] when they are not a connector-joined list.

        A clause after a counterpart (`for reuse`, `when Stores is closed`) ends the list; a
        relation word after a joiner starts the next counterpart (`from A or by B`)."""
        chunks: list[_Chunk] = []
        index = start
        while index < len(units):
            chunk, index = self._chunk(units, norms, index, text)
            chunks.append(chunk)
            if index >= len(units):
                break
            if (
                norms[index] in CLAUSE
                and units[index].link is None
                and (chunk.resolved or chunk.placed)
            ):
                break
            if norms[index] not in (CONNECTOR, ","):
                return []
            while index < len(units) and norms[index] in (CONNECTOR, ","):
                index += 1
            index = after_relation(units, norms, index)
        return chunks

    def _chunk(
        self, units: list[Unit], norms: list[str], start: int, text: str
    ) -> tuple[_Chunk, int]:
        if norms[start] in QUANTIFIERS and (end := broadcast(units, norms, start)):
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
            end = skip_kind(norms, end)
            return _make(name, text, units, start, end, "activity"), end
        if end := group_end(units, norms, start):
            return _make("", text, units, start, end, "group"), end
        # After an article a step's own word wins over a person word: `for the inspector` is
        # the step also called inspection, `from the developers` people.
        short = self._short_form(norms, index, True) if index > start else None
        if short is None and (end := self._party(units, norms, start)):
            phrase = text[units[start].start : units[end - 1].end]
            return _make(party_display(phrase), text, units, start, end, "party"), end
        if short := short or self._short_form(norms, index, False):
            end, name = short
            return _make(name, text, units, start, end, "activity"), end
        end = start
        while end < len(units) and norms[end] not in (CONNECTOR, ",", LINK):
            end += 1
        end = max(end, start + 1)
        phrase = text[units[start].start : units[end - 1].end]
        counterpart = Counterpart("party", party_display(phrase), phrase, known=False)
        # Lower-case only: `the PMO` may be a step or party misspelt, which `check` reports.
        placed = (
            norms[start] == "the"
            and end - start <= _MAX_SHORT_WORDS + 1
            and phrase.islower()
            and not any(n in VAGUE for n in norms[start:end])
        )
        return _Chunk(counterpart, placed=placed), end

    def _short_form(self, norms: list[str], start: int, article: bool) -> tuple[int, str] | None:
        """A short form of one activity's name, as a whole counterpart (the words up to a joiner
        or a clause): a unique leading part (`design` for `Design and transition`); after an
        article or before a kind word, a unique word of it (`the motions phase` for `Pretrial
        motions`) or one word of the same stem (`the inspector` for a step also called
        `inspection`)."""
        end = start
        while end < len(norms) and norms[end] not in (CONNECTOR, ",", LINK, *CLAUSE):
            end += 1
        words = end
        kind = words - start > 1 and norms[words - 1] in KIND_WORDS
        if kind:
            words -= 1  # `the finishing step`
        if not 0 < words - start <= _MAX_SHORT_WORDS:
            return None
        key = tuple(norms[start:words])
        found = self.activities.by_prefix(key)
        if len(found) != 1 and (article or kind):
            found = self.activities.by_words(frozenset(stem(w) for w in key))
        return (end, next(iter(found))) if len(found) == 1 else None

    def _linked(
        self, unit: Unit, units: list[Unit], norms: list[str], index: int, start: int, text: str
    ) -> tuple[_Chunk, int]:
        link = unit.link
        assert link is not None
        end = skip_kind(norms, index + 1)
        target = PurePosixPath(link.target).name.removesuffix(".md")
        # `[[#Phase 2: Discovery|discovery]]`, `[[Chapter 4#4.3 Casting Process]]`: a heading
        # link names the section's step.
        heading = link.anchor if link.anchor and not link.anchor.startswith(("^", "page=")) else ""
        # The heading first: `[[Chapter 5#Step 3 – Dividing]]` names the step, not the chapter;
        # `[[Plan#Purpose]]` names no step by its heading, so Plan by its target.
        keys = [*match_keys(target), *match_keys(link.display)]
        if name := next((n for n in map(self.activities.get, match_keys(heading)) if n), None):
            # Named by its heading: the note linked to is not the step (nor a new one).
            return _Chunk(Counterpart("activity", name, unit.raw, linked=True), heading), end
        name = next((n for n in map(self.activities.get, keys) if n is not None), None)
        if name is not None:
            return _Chunk(Counterpart("activity", name, unit.raw, linked=True), target), end
        if is_party_phrase(target, agents=False):
            return _Chunk(Counterpart("party", target, unit.raw, linked=True)), end
        if stop := broadcast(units, norms, start):  # `all [[Service Value Chain]] activities`
            return _make(ALL, text, units, start, stop, "all"), stop
        if end > index + 1 and norms[end - 1] in KIND_PLURALS:  # `[[Chain]] stages`: no one
            return _make("", text, units, start, end, "group"), end
        if link_is_file(link.target) or not target:
            return _Chunk(Counterpart("party", unit.raw, unit.raw, True, known=False)), end
        counterpart = Counterpart("activity", target, unit.raw, linked=True)
        return _Chunk(counterpart, target), end

    def _party(self, units: list[Unit], norms: list[str], start: int) -> int:
        """End of the longest stakeholder phrase at `start` (0 when there is none).

        The phrase may not run into a known activity name: `customers and engage` is a party and
        an activity, not one party.
        """
        limit = start
        while limit < min(len(units), start + _MAX_PARTY_WORDS):
            if norms[limit] == LINK or (
                limit > start and self.activities.longest(norms, limit) is not None
            ):
                break
            limit += 1
        for end in range(limit, start, -1):
            if norms[end - 1] in (CONNECTOR, ",") or not is_stakeholder(units[end - 1].raw):
                continue
            if coordinated_party(units[start:end]):
                return end
        return 0


def _as_party(chunk: _Chunk) -> _Chunk:
    c = chunk.counterpart
    return _Chunk(Counterpart("party", c.name, c.text, c.linked, known=True))


def _make(
    name: str, text: str, units: list[Unit], start: int, end: int, kind: CounterpartKind
) -> _Chunk:
    written = text[units[start].start : units[end - 1].end]
    linked = any(u.link is not None for u in units[start:end])
    return _Chunk(Counterpart(kind, name, written, linked=linked))


def _artifact(before: str, whole: str) -> str:
    """The noun phrase before the relation, without verb residue; the whole item text when
    that leaves only a section word (`Outputs from other design steps`)."""
    artifact = strip_residue(strip_period(before))
    if is_bare(artifact):
        unstripped = strip_period(before).strip(" ,;:-–—")
        return unstripped if unstripped and not is_bare(unstripped) else strip_period(whole)
    return artifact
