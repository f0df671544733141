"""Sequences: named, ordered runs of steps that the notes state (value streams, pathways,
routes, pipelines, …).

Shapes read, in any note:

- arrows in a paragraph or list item: `Aerobic respiration pathway: Glycolysis → Krebs cycle →
  ETC`, `A -> B`; several on one line, split at `;` or a sentence end, are each read;
- `then`: `First survey, then drill, then extract`;
- `in order:` with a comma list: `The phases, in order: pleadings, discovery, trial`;
- dashes: `new service introduction: Plan-Engage-Design-Obtain/Build` (three steps, or a whole
  line, since hyphenated words are common in prose); inside prose the chain may be a sentence's
  tail (`Example: new service introduction sequences Plan-Engage-…`);
- a list under a heading that names one sequence (`## Value stream: User onboarding`,
  `## Pathway: Inside the mitochondria`), one step per item.

A sequence is kept only when every step names an activity (steps.py says how short forms do).
One that states at least two steps and misses another is left out, and `check` says which step
did not resolve; arrows or a list heading make it stated, so only prose that happens to hold one
known name is passed over in silence. Dash chains are too common in prose to warn about.

The kind is the notes' own word: in the name (`… pathway:`), else in the sentence, paragraph or
heading around it, else in the note's title; `sequence` when none says.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from chaincards.document import ListBlock, Paragraph, ParsedNote
from chaincards.model.names import KIND_PLURALS, KIND_WORDS, clean_activity_name, name_key
from chaincards.model.steps import Steps
from chaincards.model.types import Activity, LeftOut, ValueStream

_ARROW = re.compile(r"\s*(?:-->|->|=>|→|⇒|⟶|➝|➔|➜)\s*")
_DASH = re.compile(r"\s+[-–—]\s+|(?<=[^\W\d_])[-–—](?=[^\W\d_])")
_THEN = re.compile(r",?\s*\b(?:and\s+)?(?:then|finally|after\s+that)\b[,\s]*", re.I)
_IN_ORDER = re.compile(r"\bin\s+(?:this|that|the\s+following\s+)?order\s*:\s*", re.I)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[^\W\d_])|\s*;\s*")
_KINDS = "value streams?|pathways?|pipelines?|routes?|workflows?|life ?cycles?|cycles?|sequences?"
_KIND = re.compile(rf"\b({_KINDS})\b", re.I)
_HEADING = re.compile(rf"\b(?:{_KINDS.replace('s?', '')})\b(?!s)", re.I)
_NAME_VERBS = re.compile(
    r"\s+(?:sequences?|is|are|follows?|goes(?: through)?|runs(?: through)?|flows(?: through)?|"
    r"consists of|includes?|looks like|has|uses|=)(?:\s+(?:this|these|the following|the))?$",
    re.I,
)
_NAME_LEAD = re.compile(r"^(?:example|e\.g\.|for example|eg|the|an?|first(?:ly)?)\s*[:,]?\s+", re.I)
_EDGE = " \t.,;:!?()[]\"'“”"
_FIRST = re.compile(r"^(?:first(?:ly)?|to begin with|start(?:ing)? with|begin with)[,:]?\s+", re.I)
_MAX_STEP_WORDS = 6


@dataclass(frozen=True)
class _Read:
    name: str
    texts: list[str]  # the steps as written
    steps: list[str | None]  # the activity each names


def kind_word(*texts: str) -> str | None:
    """`value stream`, `pathway`, `route`, …: the first sequence noun in the texts, singular."""
    for text in texts:
        match = _KIND.search(text)
        if match:
            word = " ".join(match.group(1).casefold().split()).replace("lifecycle", "life cycle")
            return word[:-1] if word.endswith("s") else word
    return None


def _without_steps(text: str, steps: list[str]) -> str:
    for step in sorted(steps, key=len, reverse=True):
        if step:
            text = text.replace(step, " ")
    return text


def _without_kind(name: str) -> str:
    """`Aerobic respiration pathway` → `Aerobic respiration`; `Pathway: X` → `X`."""
    stripped = _KIND.sub(" ", name)
    cleaned = " ".join(stripped.split()).strip(_EDGE + "-–—")
    return cleaned or name


def _stream_name(before: str) -> str:
    """`Example: new service introduction sequences` → `new service introduction`."""
    name = before.strip(_EDGE + "-–—")
    if ":" in name:
        name = name.rsplit(":", 1)[1] if name.rsplit(":", 1)[1].strip() else name.rsplit(":", 1)[0]
    name = _NAME_VERBS.sub("", name.strip())
    return _NAME_LEAD.sub("", name).strip(_EDGE + "-–—")


def _suffix_step(text: str, steps: Steps) -> tuple[str, str] | None:
    """(activity, text before it) for the longest tail of `text` that is a step."""
    words = text.split()
    for size in range(min(len(words), _MAX_STEP_WORDS), 0, -1):
        if not steps.may_start(words[-size]):
            continue
        step = steps.resolve(" ".join(words[-size:]))
        if step is not None:
            return step, " ".join(words[:-size])
    return None


def _prefix_step(text: str, steps: Steps) -> tuple[str, str] | None:
    """(activity, text after it) for the longest head of `text` that is a step."""
    words = text.split()
    if not words or not steps.may_start(words[0]):
        return None
    for size in range(min(len(words), _MAX_STEP_WORDS), 0, -1):
        step = steps.resolve(" ".join(words[:size]))
        if step is not None:
            return step, " ".join(words[size:])
    return None


def _head(first: str, steps: Steps) -> tuple[str, str]:
    """(name, first step as written) of a chain's first part: `Strip route: melt`."""
    if ":" in first:
        before, step = first.rsplit(":", 1)
        return before, step
    found = _suffix_step(first, steps)
    if found is not None:
        return found[1], first[len(found[1]) :]
    words = first.split()
    return " ".join(words[:-1]), words[-1] if words else ""


def _tail_text(last: str, steps: Steps) -> str:
    """The last step as written: trailing prose after a known name is not part of it."""
    if steps.resolve(last) is not None:
        return last
    found = _prefix_step(last, steps)
    return last[: len(last) - len(found[1])] if found else last


def _stated(sentence: str, steps: Steps) -> _Read | None:
    """A chain the sentence states with arrows, `then` or `in order:`, whatever its steps."""
    order = _IN_ORDER.search(sentence)
    if order:
        before, parts = sentence[: order.start()], re.split(r"\s*,\s*", sentence[order.end() :])
        if len(parts) >= 2 and steps.resolve(parts[-1]) is None and " and " in parts[-1]:
            parts[-1:] = parts[-1].rsplit(" and ", 1)
        texts = [p.strip(_EDGE) for p in parts if p.strip(_EDGE)]
        name = _stream_name(before)
    else:
        separator = _ARROW if _ARROW.search(sentence) else _THEN
        parts = separator.split(sentence)
        if len(parts) < 2 or (separator is _THEN and len(parts) < 3):
            return None
        before, first = _head(parts[0], steps)
        first = _FIRST.sub("", first.strip())  # `first code review, then build, …`
        texts = [first, *parts[1:-1], _tail_text(parts[-1], steps)]
        texts = [t.strip(_EDGE) for t in texts]
        if separator is _THEN and any(len(t.split()) > _MAX_STEP_WORDS for t in texts):
            return None  # prose that says `then`, not a list of steps
        name = _stream_name(before)
    if len(texts) < 2:
        return None
    return _Read(name, texts, [steps.resolve(t) for t in texts])


def _dashed(sentence: str, steps: Steps) -> list[_Read]:
    """Dash chains whose steps all resolve (prose is full of hyphens: nothing else counts)."""
    parts = _DASH.split(sentence)
    found: list[_Read] = []
    start = 0
    while start < len(parts) - 1:
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
        if len(chain) >= 3 or (len(chain) == 2 and whole_line):
            found.append(_Read(_stream_name(before), list(chain), list(chain)))
        start = max(following, start + 1)
    return found


_MARKS = ("->", "=>", "→", "⇒", "⟶", "➝", "➔", "➜", "-", "–", "—", "then", "finally", "order")


def chains(text: str, steps: Steps) -> list[_Read]:
    """Every chain stated in `text`, each sentence (or `;` part) read on its own."""
    found: list[_Read] = []
    if not any(mark in text for mark in _MARKS):
        return found  # most prose states no sequence: skip the sentence splitting
    for sentence in _SENTENCE.split(text):
        stated = _stated(sentence, steps)
        if stated is not None:
            found.append(stated)
        elif _DASH.search(sentence):
            found.extend(_dashed(sentence, steps))
    return found


def stream_heading(heading: str) -> tuple[str, str] | None:
    """`Value stream: User onboarding` → (`User onboarding`, `value stream`); None when the
    heading names no one sequence (`Service Value Streams`)."""
    if not _HEADING.search(heading):
        return None
    text = clean_activity_name(heading)[0]
    kind = kind_word(text) or "sequence"
    name = _without_kind(text)
    return name, kind


def _list_texts(block: ListBlock, steps: Steps) -> list[str]:
    """One step per item (`Engage: capture the request` names Engage)."""
    texts: list[str] = []
    for item in block.items:
        if item.task:
            continue
        text = item.text.strip(_EDGE)
        if steps.resolve(text) is None:
            text = re.split(r"\s*[:(]\s*|\s+[-–—]\s+", text, maxsplit=1)[0]
        texts.append(text)
    return texts


class _Found:
    def __init__(self, steps: Steps) -> None:
        self.steps = steps
        self.streams: list[ValueStream] = []
        self.left_out: list[LeftOut] = []
        self._seen: set[tuple[str, tuple[str, ...]]] = set()

    def add(self, read: _Read, kind: str, fallback: str, path: str, line: int) -> None:
        missing = [t for t, s in zip(read.texts, read.steps, strict=True) if s is None]
        named = _stream_name(_without_kind(read.name)) if read.name else ""
        if name_key(named) and all(w in KIND_WORDS | KIND_PLURALS for w in name_key(named)):
            named = ""  # `The phases, in order: …` names no sequence
        if missing:
            if sum(s is not None for s in read.steps) >= 2:
                self.left_out.append(LeftOut(path, line, named or fallback, kind, missing[0]))
            return
        chain = tuple(s for s in read.steps if s is not None)
        name = named or fallback  # "" when the notes give it no name
        key = (name.casefold(), chain)
        if key not in self._seen:
            self._seen.add(key)
            self.streams.append(ValueStream(name, chain, path, line, kind))


def find_value_streams(
    notes: Sequence[ParsedNote], activities: Sequence[Activity]
) -> tuple[tuple[ValueStream, ...], tuple[LeftOut, ...]]:
    """The sequences the notes state, and those left out because a step named no activity."""
    found = _Found(Steps(activities))
    for note in notes:
        paragraph = ""
        for block in note.blocks:
            section = getattr(block, "section", ())
            heading = stream_heading(section[-1]) if section else None
            if isinstance(block, ListBlock) and heading is not None:
                texts = _list_texts(block, found.steps)
                if len(texts) >= 2:
                    read = _Read(heading[0], texts, [found.steps.resolve(t) for t in texts])
                    found.add(read, heading[1], heading[0], note.path, block.line)
                    continue
            if isinstance(block, Paragraph):
                lines = [(block.text, block.line)]
                paragraph = block.text
            elif isinstance(block, ListBlock):
                lines = [(item.text, item.line) for item in block.items if not item.task]
            else:
                continue
            for text, line in lines:
                for read in chains(text, found.steps):
                    # The steps' own names do not say the kind (`Krebs cycle`).
                    around = [_without_steps(t, read.texts) for t in (text, paragraph)]
                    kind = (
                        kind_word(read.name, *around, *reversed(section), note.title) or "sequence"
                    )
                    fallback = heading[0] if heading else ""
                    found.add(read, kind, fallback, note.path, line)
    return tuple(found.streams), tuple(found.left_out)
