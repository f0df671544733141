"""An item's text as units: its words, with each wikilink's display text folded into one unit,
so the counterpart reader can tell a link from the words around it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from chaincards.document import Link
from chaincards.model.names import tokenize

LINK = "\x00link"  # the norm of a unit that is a wikilink


@dataclass(frozen=True)
class Unit:
    norm: str
    start: int
    end: int
    raw: str
    link: Link | None = None


def find_word(text: str, needle: str, before: int) -> int:
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


def item_units(text: str, links: Sequence[Link]) -> list[Unit]:
    """Tokens of `text`, each wikilink's display text folded into one unit.

    Links carry no position, so their display texts are placed right to left as whole words:
    counterparts sit at the end of an item, and `Improve` must not be found inside `Improvement`.
    """
    spans: list[tuple[int, int, Link]] = []
    limit = len(text)
    for link in reversed(links):
        if link.embed or not link.display:
            continue
        at = find_word(text, link.display, limit)
        if at >= 0:
            spans.append((at, at + len(link.display), link))
            limit = at
    spans.reverse()
    units: list[Unit] = []
    span_index = 0
    for token in tokenize(text):
        while span_index < len(spans) and spans[span_index][1] <= token.start:
            span_index += 1
        if span_index < len(spans) and spans[span_index][0] <= token.start:
            start, end, link = spans[span_index]
            if not units or units[-1].link is not link:
                units.append(Unit(LINK, start, end, text[start:end], link))
            continue
        units.append(Unit(token.norm, token.start, token.end, token.raw))
    return units
