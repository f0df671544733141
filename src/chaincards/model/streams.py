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


def _may_start(word: str, index: NameIndex) -> bool:
    """Cheap filter before a full lookup: does any name start with this word?"""
    key = name_key(word)
    return bool(key) and index.starts_any(key[0])


def _suffix_step(text: str, index: NameIndex) -> tuple[str, str] | None:
    """(activity, text before it) for the longest tail of `text` that is a step."""
    words = text.split()
    for size in range(min(len(words), _MAX_STEP_WORDS), 0, -1):
        if not _may_start(words[-size], index):
            continue
        step = resolve_step(" ".join(words[-size:]), index)
        if step is not None:
            return step, " ".join(words[:-size])
    return None


def _prefix_step(text: str, index: NameIndex) -> tuple[str, str] | None:
    """(activity, text after it) for the longest head of `text` that is a step."""
    words = text.split()
    if not words or not _may_start(words[0], index):
        return None
    for size in range(min(len(words), _MAX_STEP_WORDS), 0, -1):
        step = resolve_step(" ".join(words[:size]), index)
        if step is not None:
            return step, " ".join(words[size:])
    return None


def _stream_name(before: str) -> str:
    """`Example: new service introduction sequences` → `new service introduction`."""
    name = before.strip(_EDGE)
    if ":" in name:
        name = name.rsplit(":", 1)[1]
    name = _NAME_VERBS.sub("", name.strip())
    return _NAME_LEAD.sub("", name).strip(_EDGE)


def chains(text: str, index: NameIndex) -> list[tuple[str, list[str]]]:
    """(name as stated or "", steps) for every chain of activities in `text`."""
    found: list[tuple[str, list[str]]] = []
    for sentence in _SENTENCE.split(text):
        arrows = bool(_ARROW.search(sentence))
        parts = (_ARROW if arrows else _DASH).split(sentence)
        if len(parts) < 2:
            continue
        index_ = 0
        while index_ < len(parts) - 1:
            first = _suffix_step(parts[index_], index)
            if first is None:
                index_ += 1
                continue
            steps, before, after = [first[0]], first[1], ""
            following = index_ + 1
            while following < len(parts):
                whole = resolve_step(parts[following], index)
                if whole is not None:
                    steps.append(whole)
                    following += 1
                    continue
                head = _prefix_step(parts[following], index)
                if head is not None:
                    steps.append(head[0])
                    after = head[1]
                    following += 1
                break
            whole_line = not after.strip(_EDGE) and len(parts) == len(steps)
            if len(steps) >= 3 or (len(steps) == 2 and (arrows or whole_line)):
                found.append((_stream_name(before), steps))
            index_ = max(following, index_ + 1)
    return found


def stream_heading_name(heading: str) -> str | None:
    """`Value stream: User onboarding` → `User onboarding`; None when it names no value stream."""
    if not _STREAM_HEADING.search(heading):
        return None
    text = clean_activity_name(heading)[0]
    name = _STREAM_WORDS.sub(" ", text).strip(_EDGE + "-–—")
    return " ".join(name.split()) or text


def _list_steps(block: ListBlock, index: NameIndex) -> list[str] | None:
    """One activity per item (`Engage: capture the request` names Engage), else None."""
    steps: list[str] = []
    for item in block.items:
        if item.task:
            continue
        step = resolve_step(item.text, index)
        if step is None:
            head = re.split(r"\s*[:(]\s*|\s+[-–—]\s+", item.text, maxsplit=1)[0]
            step = resolve_step(head, index)
        if step is None:
            return None
        steps.append(step)
    return steps if len(steps) >= 2 else None


def _section_stream(section: tuple[str, ...]) -> str | None:
    return stream_heading_name(section[-1]) if section else None


def find_value_streams(
    notes: Sequence[ParsedNote], activities: Sequence[Activity]
) -> tuple[ValueStream, ...]:
    index = activity_index(activities)
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
                listed = _list_steps(block, index) if section_name else None
                if section_name and listed:
                    add(section_name, listed, note.path, block.line)
                    continue
                texts = [(item.text, item.line) for item in block.items if not item.task]
            else:
                continue
            section = getattr(block, "section", ())
            for text, line in texts:
                for name, steps in chains(text, index):
                    fallback = _section_stream(section) or " → ".join(steps)
                    add(name or fallback, steps, note.path, line)
    return tuple(streams)
