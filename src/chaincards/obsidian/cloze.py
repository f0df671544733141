"""Cloze deletions: Anki's `{{cN::text::hint}}`, flashcards-obsidian's `{text}` / `{N:text}`."""

from __future__ import annotations

import re

_OPEN = re.compile(r"\{\{c(\d+)::")
_CURLY = re.compile(r"(?<![{\\$])\{(?:(\d+):)?([^{}\n]+)\}(?!\})")


def _cloze_spans(text: str) -> tuple[list[tuple[int, int, int, str]], str | None]:
    """(start, end, number, inner) of each well-formed cloze, or the first problem found."""
    spans: list[tuple[int, int, int, str]] = []
    position = 0
    while match := _OPEN.search(text, position):
        depth, cursor = 1, match.end()
        while depth and cursor < len(text):
            if text.startswith("{{", cursor):
                depth, cursor = depth + 1, cursor + 2
            elif text.startswith("}}", cursor):
                depth, cursor = depth - 1, cursor + 2
            else:
                cursor += 1
        if depth:
            return spans, f"unclosed cloze '{{{{c{match.group(1)}::'"
        number = int(match.group(1))
        inner = text[match.end() : cursor - 2].split("::", 1)[0]
        if number == 0:
            return spans, "cloze number c0 is not allowed (clozes start at c1)"
        if not re.sub(r"<[^>]*>", "", inner).strip():
            return spans, f"empty cloze c{number}"
        spans.append((match.start(), cursor, number, inner))
        position = cursor
    return spans, None


def cloze_problem(text: str) -> str | None:
    """Why Anki could not show this cloze text, or None when it is fine."""
    spans, problem = _cloze_spans(text)
    if problem:
        return problem
    if not spans:
        return "no cloze deletion"
    rest, last = [], 0
    for start, end, _, _ in spans:
        rest.append(text[last:start])
        last = end
    rest.append(text[last:])
    if "}}" in "".join(rest):
        return "stray '}}' outside a cloze"
    return None


def strip_cloze_markers(text: str) -> str:
    """The text a learner reads once every cloze is revealed (for keys and duplicate checks)."""
    previous = None
    while previous != text:
        previous = text
        text = re.sub(
            r"\{\{c\d+::((?:(?!\{\{|\}\}).)*?)(?:::(?:(?!\{\{|\}\}).)*?)?\}\}", r"\1", text
        )
    return text


def curly_to_cloze(text: str, next_number: int) -> tuple[str, int]:
    """flashcards-obsidian's `{answer}` and `{2:answer}` as Anki clozes, numbering as it goes."""

    def replace(match: re.Match[str]) -> str:
        nonlocal next_number
        if match.group(1):
            return f"{{{{c{int(match.group(1))}::{match.group(2)}}}}}"
        number, next_number = next_number, next_number + 1
        return f"{{{{c{number}::{match.group(2)}}}}}"

    if _OPEN.search(text):
        return text, next_number
    return _CURLY.sub(replace, text), next_number
