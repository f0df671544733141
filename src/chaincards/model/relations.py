"""Relation phrases: the words that tie an item's artifact to its counterparts.

`provided by`, `from`, `sent back to`, `fed into`, `for`: a preposition, with the verb before it
when the phrase reads as one (`provided by`). In an Inputs list the counterpart is the source and
in an Outputs list the target, whatever the words say; what they say is kept so `check` can
report a relation that reads against its list.
"""

from __future__ import annotations

import re
from typing import Literal

from chaincards.model.names import CONNECTOR, tokenize
from chaincards.model.units import Unit

Reads = Literal["source", "target"]


# Multi-word phrases by their last word; single prepositions are the fallback. The verb before a
# preposition is part of the relation as written (`provided by`); other verb residue in front of
# it is stripped from the artifact (artifacts.py).
def _reading(words: str, reads: Reads) -> dict[str, Reads]:
    return dict.fromkeys(words.split(), reads)


PHRASES: dict[str, dict[str, Reads]] = {
    "by": _reading(
        "provided supplied produced created made generated issued prepared sent", "source"
    )
    | _reading("used consumed reused needed", "target"),
    "from": _reading("received coming obtained taken collected derived back", "source"),
    "to": _reading(
        "delivered provided sent passed returned fed handed given forwarded released shipped "
        "transferred back on",
        "target",
    ),
    "for": _reading("provided produced prepared", "target"),
    "into": _reading("fed passed goes go put taken", "target"),
}
PREPOSITION_READS: dict[str, Reads] = {
    "from": "source",
    "by": "source",
    "for": "target",
    "to": "target",
    "into": "target",
}
# Words that end a counterpart list and start a clause about it: `back to melting for reuse`,
# `(or by [[Stores]] when Stores is closed)`.
CLAUSE = frozenset(
    """when if unless while because once until after before during where which that as in at on
    with for via so whenever except""".split()
)
VERBS = frozenset(verb for verbs in PHRASES.values() for verb in verbs)
LEADING_JOINER = re.compile(r"^\s*(?:or|and)\s+(?=\S)", re.I)
ASIDE = re.compile(r"\(([^()]*)\)")
TRAILING_ASIDE = re.compile(r"\s*(?:\([^()]*\)|\[[^\[\]]*\])$")


def split_asides(text: str) -> tuple[str, list[str]]:
    """The text without its parenthesised asides that hold a relation word, and those asides."""
    asides: list[str] = []

    def take(match: re.Match[str]) -> str:
        inner = match.group(1)
        norms = [t.norm for t in tokenize(inner)]
        if any(n in PHRASES for n in norms) or norms[:1] == [CONNECTOR]:
            asides.append(inner)
            return " "
        return match.group()

    main = " ".join(ASIDE.sub(take, text).split())
    return (main, asides) if main else (text, [])


def after_relation(units: list[Unit], norms: list[str], index: int) -> int:
    """Past a relation phrase that repeats after a joiner (`or by`, `and sent back to`)."""
    end = index
    while end < len(units) and end - index < 3 and norms[end] in VERBS:
        end += 1
    if end < len(units) - 1 and norms[end] in PHRASES and units[end].link is None:
        return end + 1
    return index


def is_relation(units: list[Unit], k: int) -> bool:
    return units[k].link is None and units[k].norm in PHRASES and k + 1 < len(units)


def relation_start(units: list[Unit], k: int) -> int:
    if k >= 2 and units[k - 1].norm in PHRASES[units[k].norm]:
        return k - 1
    return k


def relation_reads(relation: str) -> Reads | None:
    """Which end a relation phrase names by its wording: `provided by` a source, `for` a target."""
    norms = [t.norm for t in tokenize(relation)]
    if not norms or norms[-1] not in PHRASES:
        return None
    if len(norms) >= 2 and norms[-2] in PHRASES[norms[-1]]:
        return PHRASES[norms[-1]][norms[-2]]
    return PREPOSITION_READS[norms[-1]]
