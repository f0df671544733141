"""Naming a step in a sequence: the short forms learners write for a step they know.

`Upstream: survey → drill → extract → QC` names `Seismic survey`, `Drilling`, `Extraction` and
`Quality control`. A step text resolves, in order, to the one activity that

1. has it as its name or an alias (`Link reaction`, `Phase 2`), after numbers and a trailing kind
   word are cleaned off;
2. starts with it, word by word (`Design` → `Design and transition`);
3. has it as initials (`QC`, `IR`, `ETC`: two to five capitals);
4. has every one of its words, stemmed (`survey` → `Seismic survey`, `drill` → `Drilling`,
   `the Krebs` → `Krebs cycle`), so `Beta oxidation` does not name `Pyruvate oxidation`.

When two activities fit at a rule, the step is ambiguous and names none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from chaincards.model.names import STOP_WORDS, NameIndex, clean_activity_name, name_key, stem
from chaincards.model.types import Activity

_EDGE = " \t.,;:!?()[]\"'“”"
_INITIALS = re.compile(r"^[A-Z]{2,5}$")


def activity_index(activities: Iterable[Activity]) -> tuple[NameIndex, dict[str, set[str]]]:
    """Names and aliases by key, and activities by their initials."""
    index = NameIndex()
    initials: dict[str, set[str]] = {}
    for activity in activities:
        for name in (activity.name, *activity.aliases):
            index.add(name_key(name), activity.name)
            words = [w for w in name_key(clean_activity_name(name)[0]) if w not in STOP_WORDS]
            if len(words) >= 2:
                initials.setdefault("".join(w[0] for w in words).upper(), set()).add(activity.name)
    return index, initials


class Steps:
    """Step lookups, memoised: the same few words recur across thousands of paragraphs."""

    def __init__(self, activities: Iterable[Activity]) -> None:
        self.index, self._initials = activity_index(activities)
        self._steps: dict[str, str | None] = {}
        self._starts: dict[str, bool] = {}

    def resolve(self, text: str) -> str | None:
        if text not in self._steps:
            self._steps[text] = self._resolve(text)
        return self._steps[text]

    def _resolve(self, text: str) -> str | None:
        written = text.strip(_EDGE)
        name = clean_activity_name(written)[0]
        key = name_key(name)
        if not key:
            return None
        exact = self.index.get(key)
        if exact is not None:
            return exact
        for found in (
            self.index.by_prefix(key),
            self._initials.get(written, set()) if _INITIALS.match(written) else set(),
            self.index.by_words(frozenset(stem(w) for w in key if w not in STOP_WORDS)),
        ):
            if found:
                return next(iter(found)) if len(found) == 1 else None
        return None

    def may_start(self, word: str) -> bool:
        """Cheap filter before a full lookup: may a step start with this word?"""
        if word not in self._starts:
            key = name_key(word)
            self._starts[word] = bool(key) and (
                self.index.starts_any(key[0])
                or bool(self.index.by_words(frozenset({stem(key[0])})))
                or word.strip(_EDGE) in self._initials
            )
        return self._starts[word]
