"""Frontmatter: split it off, read it with python-frontmatter, validate the keys chaincards uses."""

from __future__ import annotations

import re
from typing import Any

import frontmatter
import yaml

from chaincards.decks import DeckError, validate_deck
from chaincards.diagnostics import Diagnostic, error, warning
from chaincards.document import NoteMeta

_TEMPLATER = re.compile(r"<%.*?%>|\{\{\s*tp[._].*?\}\}", re.DOTALL)
_YAML = frontmatter.YAMLHandler()


def split_frontmatter(text: str) -> tuple[str | None, str, int]:
    """(frontmatter text or None, body, number of lines before the body).

    An opening `---` with no closing line is not frontmatter for Obsidian either; the caller
    reports it, and the whole file is read as body.
    """
    if not text.startswith("---\n") and text.rstrip("\n") != "---":
        return None, text, 0
    lines = text.split("\n")
    for number, line in enumerate(lines[1:], start=1):
        if line.rstrip() in ("---", "..."):
            return "\n".join(lines[1:number]), "\n".join(lines[number + 1 :]), number + 1
    return "", text, -1


def read_meta(path: str, text: str) -> tuple[NoteMeta, str, int, list[Diagnostic]]:
    """Validated metadata, the body, its line offset, and diagnostics.

    A broken frontmatter is an error for the note's deck and aliases, but the body still compiles
    only when the author's intent is clear; here the note is skipped (meta=None semantics are
    expressed by raising an error diagnostic that the caller treats as fatal for the note).
    """
    raw, body, offset = split_frontmatter(text)
    if raw is None:
        return NoteMeta(), body, 0, []
    if offset < 0:
        return NoteMeta(), text, 0, [error(path, 1, "frontmatter is not closed (no second '---')")]
    diagnostics: list[Diagnostic] = []
    try:
        data = _YAML.load(raw) if raw.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        data = _without_bad_deck_line(raw, line)
        if data is None:
            message = f"frontmatter is not valid YAML: {problem}"
            return NoteMeta(), body, offset, [error(path, line, message)]
        diagnostics.append(
            warning(path, line, f"cards-deck is not valid YAML ({problem}); read as plain text")
        )
    if data is None:
        data = {}
    if not isinstance(data, dict):
        kind = type(data).__name__
        return NoteMeta(), body, offset, [error(path, 1, f"frontmatter is a {kind}, not a mapping")]
    key_lines = _key_lines(raw)
    deck, deck_line = _deck(path, data, key_lines, diagnostics)
    aliases = _string_list(path, data, "aliases", key_lines, diagnostics)
    tags = _string_list(path, data, "tags", key_lines, diagnostics)
    meta = NoteMeta(deck, deck_line, tuple(aliases), tuple(tags), has_frontmatter=True)
    return meta, body, offset, diagnostics


def _without_bad_deck_line(raw: str, bad_line: int) -> dict[str, Any] | None:
    """Real vaults write `cards-deck: A :: B` unquoted, which YAML rejects (`: ` in a plain
    scalar). When that line is the only problem, read it as plain text and keep the rest."""
    lines = raw.split("\n")
    index = bad_line - 2
    if not 0 <= index < len(lines) or not lines[index].startswith("cards-deck:"):
        return None
    value = lines[index].split(":", 1)[1].strip().strip("\"'")
    try:
        data = _YAML.load("\n".join(lines[:index] + lines[index + 1 :])) or {}
    except yaml.YAMLError:
        return None
    if not isinstance(data, dict):
        return None
    data["cards-deck"] = value
    return data


def _key_lines(raw: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    for number, line in enumerate(raw.split("\n"), start=2):
        key = line.split(":", 1)[0].strip().strip("\"'")
        if key and not line.startswith((" ", "\t", "-")):
            lines.setdefault(key.casefold(), number)
    return lines


def _deck(
    path: str, data: dict[Any, Any], key_lines: dict[str, int], out: list[Diagnostic]
) -> tuple[str | None, int]:
    line = key_lines.get("cards-deck", 1)
    if "cards-deck" not in data:
        return None, line
    value = data["cards-deck"]
    if value is None or (isinstance(value, str) and not value.strip()):
        out.append(warning(path, line, "cards-deck is empty; the folder deck is used"))
        return None, line
    if not isinstance(value, str):
        out.append(error(path, line, f"cards-deck must be text, not a {_type_name(value)}"))
        return None, line
    if _TEMPLATER.search(value):
        out.append(error(path, line, f"cards-deck is an unexpanded template: {value.strip()!r}"))
        return None, line
    try:
        deck, notes = validate_deck(value)
    except DeckError as exc:
        out.append(error(path, line, f"invalid cards-deck {value!r}: {exc}"))
        return None, line
    out.extend(warning(path, line, note) for note in notes)
    return deck, line


def _string_list(
    path: str, data: dict[Any, Any], key: str, key_lines: dict[str, int], out: list[Diagnostic]
) -> list[str]:
    value = data.get(key)
    line = key_lines.get(key, 1)
    if value is None:
        return []
    if isinstance(value, str):
        value = [part for part in re.split(r"[,\s]+" if key == "tags" else r"\n", value) if part]
    if not isinstance(value, list):
        out.append(warning(path, line, f"{key} must be a list of text, not a {_type_name(value)}"))
        return []
    result: list[str] = []
    for item in value:
        if isinstance(item, (str, int, float)) and not isinstance(item, bool):
            text = str(item).strip()
            if _TEMPLATER.search(text):
                out.append(warning(path, line, f"{key}: unexpanded template {text!r} ignored"))
            elif text:
                result.append(text.lstrip("#") if key == "tags" else text)
        elif item is not None:
            out.append(warning(path, line, f"{key}: a {_type_name(item)} entry is ignored"))
    return result


def _type_name(value: object) -> str:
    return {list: "list", dict: "mapping", int: "number", float: "number", bool: "boolean"}.get(
        type(value), type(value).__name__
    )
