"""What a step's own words say about it: other names it goes by, and the noun for its kind.

A learner defines a step before listing its inputs: `Quality control (also called inspection)
is the process that …`, `Casting (continuous casting) is …`, `… also known as the finishing
step`. The other names become aliases, so an item that says `for the inspector` or a sequence
that says `inspection` finds the step. The first kind noun in the step's heading or definition
(`4.2 Melting Process`, `Phase 2: Discovery`, `Glycolysis is the first stage of …`, `the engage
value chain activity`) is the step's kind; cards say "Which stage …" where the notes say stage.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from chaincards.model.names import clean_activity_name, name_key

KIND_NOUNS = {
    "activity": "activity",
    "activities": "activity",
    "process": "process",
    "processes": "process",
    "phase": "phase",
    "phases": "phase",
    "stage": "stage",
    "stages": "stage",
    "step": "step",
    "steps": "step",
}
_KIND = re.compile(r"\b(" + "|".join(KIND_NOUNS) + r")\b", re.I)
_CALLED = (
    r"(?:also\s+|sometimes\s+|often\s+)?"
    r"(?:called|known\s+as|referred\s+to\s+as|named|aka|a\.k\.a\.)"
)
_ALSO = re.compile(
    r"\b(?:also|sometimes|often)\s+(?:called|known\s+as|referred\s+to\s+as|named|termed)\s+"
    r"(?P<alt>[^,.;:()\"“”]+)",
    re.I,
)
_ASIDE_LEAD = re.compile(rf"^\s*(?:{_CALLED}|or|i\.e\.)?\s*", re.I)
_MAX_ALIAS_WORDS = 5


def _clean(alternative: str) -> list[str]:
    found: list[str] = []
    for part in re.split(r"\s*,\s*|\s+or\s+", alternative):
        part = part.strip(" '\"‘’“”")
        if part[:4].casefold() == "the ":
            part = part[4:]
        name = clean_activity_name(part)[0] if part else ""
        words = name.split()
        if not words or len(words) > _MAX_ALIAS_WORDS or not name[0].isalpha():
            continue
        if name.casefold().startswith(("e.g", "see ", "for example")):
            continue
        found.append(name)
    return found


@lru_cache(maxsize=1 << 16)  # one entry per activity name: sized for big vaults
def _named_aside(name: str) -> re.Pattern[str]:
    return re.compile(rf"\b{re.escape(name)}\s*\((?P<alt>[^()]{{1,80}})\)", re.I)


def defined_aliases(texts: Iterable[str], names: Iterable[str]) -> list[str]:
    """Other names the texts give one of `names`: `Name (other name)`, `Name (also called X)`,
    and `also called X` / `also known as X` anywhere in the step's own definition."""
    names = [n for n in names if n]
    keys = {name_key(n) for n in names}
    found: list[str] = []
    for text in texts:
        if "(" in text:
            folded = text.casefold()
            for name in names:
                if name.casefold() in folded:
                    for match in _named_aside(name).finditer(text):
                        found.extend(_clean(_ASIDE_LEAD.sub("", match.group("alt"))))
        for match in _ALSO.finditer(text):
            found.extend(_clean(match.group("alt")))
    return [a for a in dict.fromkeys(found) if name_key(a) not in keys]


def kind_noun(texts: Iterable[str]) -> str | None:
    """The first kind noun in the texts, singular: `stage`, `process`, `activity`, …"""
    for text in texts:
        match = _KIND.search(text)
        if match:
            return KIND_NOUNS[match.group(1).casefold()]
    return None


def plural(noun: str) -> str:
    """`stage` → `stages`, `process` → `processes`, `activity` → `activities`."""
    if noun.endswith(("s", "sh", "ch", "x")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in tuple("aeiou"):
        return noun[:-1] + "ies"
    return noun + "s"
