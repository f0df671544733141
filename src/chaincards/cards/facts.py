"""What every card generated from the model shares: the deck, time, tags, Context and Source of the
note a fact came from, and the GUID from the fact's identity rather than its wording.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from typing import Any, TypeVar, cast

from chaincards.cards.card import CardNote
from chaincards.cards.context import anki_tag, context_html, note_tags, source_html
from chaincards.cards.guid import card_guid
from chaincards.decks import deck_for
from chaincards.document import CardShape, Heading, ParsedNote
from chaincards.keys import normalise_key
from chaincards.model.counterparts import link_is_file
from chaincards.model.types import Activity, Model

_V = TypeVar("_V", str, tuple[str, ...])


@dataclass(frozen=True)
class Vault:
    """The notes by path and the deck rules: enough to place a fact's card."""

    notes: Mapping[str, ParsedNote]
    default_deck: str
    model: Model
    own_notes: frozenset[str] = field(init=False)
    _names: frozenset[str] = field(init=False, repr=False, compare=False)
    # Each note's headings as (line, heading path), read once: every card asks its section.
    _headings: dict[str, tuple[tuple[int, tuple[str, ...]], ...]] = field(
        init=False, default_factory=dict, repr=False, compare=False
    )
    _shared: dict[object, Any] = field(init=False, default_factory=dict, repr=False, compare=False)
    # Lists too long to ask, found while making cards: (path, line, items).
    too_long: set[tuple[str, int, int]] = field(
        init=False, default_factory=set, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        own = frozenset(a.home_path for a in self.model.activities if a.own_note)
        object.__setattr__(self, "own_notes", own)
        # First words of activity and party names: they keep their capital mid-sentence.
        names = [a.name for a in self.model.activities] + [p.name for p in self.model.parties]
        first = frozenset(n.split()[0].casefold() for n in names if n.split())
        object.__setattr__(self, "_names", first)

    def deck(self, path: str) -> str:
        return deck_for(self.notes[path], self.default_deck)

    def headings(self, path: str) -> tuple[tuple[int, tuple[str, ...]], ...]:
        """The note's headings, in order, as (line, heading path)."""
        found = self._headings.get(path)
        if found is None:
            blocks = self.notes[path].blocks
            found = tuple((b.line, b.path) for b in blocks if isinstance(b, Heading))
            self._headings[path] = found
        return found

    def section_at(self, path: str, line: int) -> tuple[str, ...]:
        """The heading path of the section that holds `line` of the note at `path`."""
        headings = self.headings(path)
        at = bisect_right(headings, line, key=lambda h: h[0])
        return headings[at - 1][1] if at else ()

    def starts_a_name(self, word: str) -> bool:
        """Whether `word` starts an activity's or party's name."""
        return word in self._names

    def names_of(self, names: Iterable[str]) -> tuple[str, ...]:
        """The names and every alias of these activities (parties as they are)."""
        found: list[str] = []
        for name in names:
            activity = self.model.activity(name)
            found += [name] if activity is None else [activity.name, *activity.aliases]
        return tuple(dict.fromkeys(found))

    def home_rank(self, path: str) -> tuple[int, str]:
        """Own activity notes first: a fact stated twice is carded in the most specific note."""
        return (0 if path in self.own_notes else 1, path)

    def best(self, paths: Iterable[str]) -> str:
        known = [p for p in paths if p in self.notes]
        return min(known, key=self.home_rank)

    def best_place(self, places: Iterable[tuple[str, int]]) -> tuple[str, int]:
        """The note a fact is carded in, and its first line there."""
        places = list(places)
        path = self.best(p for p, _ in places)
        return path, min(line for p, line in places if p == path)

    def card(
        self,
        *,
        kind: str,
        identity: Iterable[str],
        shape: CardShape,
        front: str,
        back: str,
        path: str,
        line: int,
        answers: tuple[str, ...] = (),
        paths: Iterable[str] = (),
        activity: str = "",
        masked: Iterable[str] = (),
        flow: tuple[str, str] | None = None,
    ) -> CardNote:
        """A card placed by the note that states its fact: that note's deck, tags and time, its
        title and the heading path of the fact's line as Context (with `masked` names hidden,
        when they are the answer), `path:line` and the note's cited book page as Source."""
        note = self.notes[path]
        dated = tuple(dict.fromkeys(p for p in (path, *paths) if p in self.notes))
        extra = [f"chaincards::{kind}"]
        if activity:
            extra.append("chaincards::activity::" + anki_tag(activity).replace("::", "_"))
        one = self._one
        return CardNote(
            guid=card_guid("model", kind, *(normalise_key(part) for part in identity)),
            shape=shape,
            front=front,
            back=one(back),
            context=one(breadcrumb(note, self.section_at(path, line), tuple(masked))),
            source=one(source_html(note, line) + citation_html(note)),
            deck=one(self.deck(path)),
            tags=one(note_tags(note, *extra)),
            mod=max(self.notes[p].source.mtime for p in dated),
            kind=kind,
            origin=one(f"{path}:{line}"),
            focus=one(flow or ((activity,) if activity else ())),
            answers=one(answers),
            names=one(self.names_of(masked)),
            dated_by=one(dated),
        )

    def _one(self, value: _V) -> _V:
        """The first value equal to `value` this vault's cards held: a big vault makes hundreds
        of thousands of cards whose contexts, sources, decks and tags repeat, each held once."""
        return cast(_V, self._shared.setdefault(value, value))


def breadcrumb(note: ParsedNote, section: tuple[str, ...], masked: tuple[str, ...]) -> str:
    """`Title › Heading › Sub-heading`; names that answer the card shown as `…`."""
    html = context_html(note, section)
    for name in masked:
        html = _names_pattern(name, ()).sub("…", html)
    return html


def citation_html(note: ParsedNote) -> str:
    """` · ITIL Foundations Book, p. 88`: the book page the note cites for its facts."""
    for link in note.links:
        if link.anchor.startswith("page=") and link_is_file(link.target):
            page = link.anchor.removeprefix("page=").split("&", 1)[0]
            name = link.display if link.display != link.target else link.target
            where = f", p. {page}" if page.isdigit() and int(page) > 0 else ""
            return f' · <span class="cc-cite">{escape(name)}{escape(where)}</span>'
    return ""


def cloze_safe(text: str) -> str:
    """Escaped text that cannot open, close or split a cloze: `std::vector`, `}}` in an item."""
    return escape(text).replace("{", "&#123;").replace("}", "&#125;").replace(":", "&#58;")


def cloze(number: int, text: str) -> str:
    return f"{{{{c{number}::{cloze_safe(text)}}}}}"


def strong(text: str) -> str:
    return f"<b>{escape(text)}</b>"


def activity_pattern(activity: Activity) -> re.Pattern[str]:
    """The activity's name or aliases as written in prose, with and/or/&/ slash interchangeable."""
    return _names_pattern(activity.name, activity.aliases)


@lru_cache(maxsize=1 << 16)  # one entry per activity or note: sized for big vaults
def _names_pattern(main: str, aliases: tuple[str, ...]) -> re.Pattern[str]:
    alternatives: list[str] = []
    for name in sorted({main, *aliases}, key=len, reverse=True):
        words = re.split(r"\s*(?:\band\b|\bor\b|&|/)\s*|\s+", name.strip())
        words = [re.escape(w) for w in words if w]
        if words:
            alternatives.append(r"\s*(?:and|or|&|/|\s)\s*".join(words))
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)


def mask_activity(text: str, activity: Activity, mask: str = "[…]") -> str:
    """The text with the activity's own name hidden, for the side that asks for the name."""
    return activity_pattern(activity).sub(mask, text)
