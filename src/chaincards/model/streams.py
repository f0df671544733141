"""Value streams: named, ordered sequences of activities that the notes state.

Two shapes are read, in any note:

- a chain in a paragraph or list item: `new service introduction: Plan-Engage-Design-Obtain/Build`,
  `Onboarding: Plan → Engage → Deliver`, `A -> B`, `A - B - C`; inside prose the chain may be a
  sentence's tail (`Example: new service introduction sequences Plan-Engage-…`);
- a list under a heading that names one value stream (`## Value stream: User onboarding`), one
  activity per item.

Every step must resolve to a known activity, by name or alias, or by a leading part of a name when
only one activity starts that way (`Design` → `Design and transition`); a chain with a step that
does not resolve is not a value stream. Arrows need two steps, dashes three (hyphenated words are
common in prose) unless the whole line is the chain.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from chaincards.document import ListBlock, Paragraph, ParsedNote
from chaincards.model.names import NameIndex, clean_activity_name, name_key
from chaincards.model.types import Activity, ValueStream

_ARROW = re.compile(r"\s*(?:-->|->|=>|→|⇒|⟶|➝|➔|➜)\s*")
_DASH = re.compile(r"\s+[-–—]\s+|(?<=[^\W\d_])[-–—](?=[^\W\d_])")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[^\W\d_])")
_STREAM_HEADING = re.compile(r"\bvalue[ -]stream\b(?!s)", re.I)
_STREAM_WORDS = re.compile(r"\bvalue[ -]stream\b\s*[:\-–—]?\s*", re.I)
_NAME_VERBS = re.compile(
    r"\s+(?:sequences?|is|are|follows?|goes(?: through)?|runs(?: through)?|flows(?: through)?|"
    r"consists of|includes?|looks like|=)$",
    re.I,
)
_NAME_LEAD = re.compile(r"^(?:example|e\.g\.|for example|eg|the)\s*[:,]?\s*", re.I)
_EDGE = " \t.,;:!?()[]\"'“”"
_MAX_STEP_WORDS = 6


def activity_index(activities: Iterable[Activity]) -> NameIndex:
    index = NameIndex()
    for activity in activities:
        for name in (activity.name, *activity.aliases):
            index.add(name_key(name), activity.name)
    return index


class _Steps:
    """Step lookups, memoised: the same few words recur across thousands of paragraphs."""

    def __init__(self, index: NameIndex) -> None:
        self.index = index
        self._steps: dict[str, str | None] = {}
        self._starts: dict[str, bool] = {}

    def resolve(self, text: str) -> str | None:
        if text not in self._steps:
            self._steps[text] = resolve_step(text, self.index)
        return self._steps[text]

    def may_start(self, word: str) -> bool:
        """Cheap filter before a full lookup: does any name start with this word?"""
        if word not in self._starts:
            key = name_key(word)
            self._starts[word] = bool(key) and self.index.starts_any(key[0])
        return self._starts[word]


def resolve_step(text: str, index: NameIndex) -> str | None:
    """The activity a step names: exact name or alias, else a unique leading part of a name."""
    name = clean_activity_name(text.strip(_EDGE))[0]
    key = name_key(name)
    if not key:
        return None
    exact = index.get(key)
    if exact is not None:
        return exact
    candidates = index.by_prefix(key)
    return next(iter(candidates)) if len(candidates) == 1 else None


def _suffix_step(text: str, steps: _Steps) -> tuple[str, str] | None:
    """(activity, text before it) for the longest tail of `text` that is a step."""
    words = text.split()
    for size in range(min(len(words), _MAX_STEP_WORDS), 0, -1):
        if not steps.may_start(words[-size]):
            continue
        step = steps.resolve(" ".join(words[-size:]))
        if step is not None:
            return step, " ".join(words[:-size])
    return None


def _prefix_step(text: str, steps: _Steps) -> tuple[str, str] | None:
    """(activity, text after it) for the longest head of `text` that is a step."""
    words = text.split()
    if not words or not steps.may_start(words[0]):
        return None
    for size in range(min(len(words), _MAX_STEP_WORDS), 0, -1):
        step = steps.resolve(" ".join(words[:size]))
        if step is not None:
            return step, " ".join(words[size:])
    return None


def _stream_name(before: str) -> str:
    """`Example: new service introduction sequences` → `new service introduction`."""
    name = before.strip(_EDGE + "-–—")
    if ":" in name:
        name = name.rsplit(":", 1)[1]
    name = _NAME_VERBS.sub("", name.strip())
    return _NAME_LEAD.sub("", name).strip(_EDGE + "-–—")


def chains(text: str, steps: _Steps) -> list[tuple[str, list[str]]]:
    """(name as stated or "", steps) for every chain of activities in `text`."""
    found: list[tuple[str, list[str]]] = []
    for sentence in _SENTENCE.split(text):
        arrows = bool(_ARROW.search(sentence))
        parts = (_ARROW if arrows else _DASH).split(sentence)
        if len(parts) < 2:
            continue
        start = 0
        while start < len(parts) - 1:
            # The next part must start with a name; checking that first keeps prose cheap.
            following_words = parts[start + 1].split()
            if not following_words or not steps.may_start(following_words[0]):
                start += 1
                continue
            first = _suffix_step(parts[start], steps)
            if first is None:
                start += 1
                continue
            chain, before, after = [first[0]], first[1], ""
            following = start + 1
            while following < len(parts):
                whole = steps.resolve(parts[following])
                if whole is not None:
                    chain.append(whole)
                    following += 1
                    continue
                head = _prefix_step(parts[following], steps)
                if head is not None:
                    chain.append(head[0])
                    after = head[1]
                    following += 1
                break
            whole_line = not after.strip(_EDGE) and len(parts) == len(chain)
            if len(chain) >= 3 or (len(chain) == 2 and (arrows or whole_line)):
                found.append((_stream_name(before), chain))
            start = max(following, start + 1)
    return found


def stream_heading_name(heading: str) -> str | None:
    """`Value stream: User onboarding` → `User onboarding`; None when it names no value stream."""
    if not _STREAM_HEADING.search(heading):
        return None
    text = clean_activity_name(heading)[0]
    name = _STREAM_WORDS.sub(" ", text).strip(_EDGE + "-–—")
    return " ".join(name.split()) or text


def _list_steps(block: ListBlock, steps: _Steps) -> list[str] | None:
    """One activity per item (`Engage: capture the request` names Engage), else None."""
    found: list[str] = []
    for item in block.items:
        if item.task:
            continue
        step = steps.resolve(item.text)
        if step is None:
            head = re.split(r"\s*[:(]\s*|\s+[-–—]\s+", item.text, maxsplit=1)[0]
            step = steps.resolve(head)
        if step is None:
            return None
        found.append(step)
    return found if len(found) >= 2 else None


def _section_stream(section: tuple[str, ...]) -> str | None:
    return stream_heading_name(section[-1]) if section else None


def find_value_streams(
    notes: Sequence[ParsedNote], activities: Sequence[Activity]
) -> tuple[ValueStream, ...]:
    steps = _Steps(activity_index(activities))
    streams: list[ValueStream] = []
    seen: set[tuple[str, tuple[str, ...]]] = set()

    def add(name: str, steps: list[str], path: str, line: int) -> None:
        key = (name.casefold(), tuple(steps))
        if key not in seen:
            seen.add(key)
            streams.append(ValueStream(name, tuple(steps), path, line))

    for note in notes:
        for block in note.blocks:
            if isinstance(block, Paragraph):
                texts = [(block.text, block.line)]
            elif isinstance(block, ListBlock):
                section_name = _section_stream(block.section)
                listed = _list_steps(block, steps) if section_name else None
                if section_name and listed:
                    add(section_name, listed, note.path, block.line)
                    continue
                texts = [(item.text, item.line) for item in block.items if not item.task]
            else:
                continue
            section = getattr(block, "section", ())
            for text, line in texts:
                for name, chain in chains(text, steps):
                    fallback = _section_stream(section) or " → ".join(chain)
                    add(name or fallback, chain, note.path, line)
    return tuple(streams)
