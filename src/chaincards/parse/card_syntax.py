"""What marks a card in a note: card tags, callout titles and types, separators, and the
properties that look like inline cards but are not. Pure functions over text and tokens, for
`written_cards`."""

from __future__ import annotations

import re

from markdown_it.token import Token

REVERSE_TAGS = frozenset({"card-reverse", "card/reverse", "card-reversed", "card/reversed"})
CARD_TAGS = frozenset({"card", "card-spaced", "card/spaced"}) | REVERSE_TAGS
# Dataview / Logseq properties share the `key:: value` shape but are not cards.
PROPERTY_KEYS = frozenset(
    (
        "id alias aliases tags tag type status source url link date created updated modified "
        "author title category collapsed up down parent related topic rating priority due "
        "context contexte template public cssclass cssclasses"
    ).split()
)
_QUOTE_MARKER = re.compile(r"^[ \t]*>[ ]?")


def callout_source(lines: list[str], span: list[int] | None, depth: int) -> str:
    """The callout's body Markdown: its lines without `depth` levels of `>` and without the head."""
    if not span:
        return ""
    body: list[str] = []
    for line in lines[span[0] + 1 : span[1]]:
        for _ in range(depth):
            line = _QUOTE_MARKER.sub("", line, count=1)
        body.append(line)
    return "\n".join(body).strip("\n")


# Callout types whose title is the question and whose body is the answer (`[!qa]`, `[!sr]-`…);
# `-reverse` or Obsidian's `|reverse` metadata asks both ways.
QUESTION_CALLOUTS = frozenset({"card", "flashcard", "question", "qa", "sr", "anki"})


def question_kind(kind: str, title: str) -> str:
    """ "basic" or "reverse" when a callout of this type and title is a question card, else ""."""
    base, _, variant = kind.replace("|", "-").partition("-")
    if base not in QUESTION_CALLOUTS or not title.strip() or is_card_title(title):
        return ""
    if variant and not variant.startswith("revers"):
        return ""
    return "reverse" if variant else "basic"


def is_card_title(title: str) -> bool:
    words = title.casefold().replace(":", " ").split()
    return bool(words) and words[0] == "card"


def split_card_body(body: str) -> tuple[str, str, str | None]:
    """Front, back and the separator (`---`, `?`, `??`) found outside code fences."""
    lines = body.split("\n")
    fence: str | None = None
    for number, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            marker = stripped[:3]
            fence = None if fence == marker else (fence or marker)
            continue
        if fence is None and stripped in ("---", "?", "??"):
            return "\n".join(lines[:number]), "\n".join(lines[number + 1 :]), stripped
    return body, "", None


def card_tags(children: list[Token] | None) -> set[str]:
    return {c.content.casefold() for c in children or [] if c.type == "obsidian_tag"} & CARD_TAGS


def first_line(children: list[Token] | None) -> list[Token]:
    first: list[Token] = []
    for child in children or []:
        if child.type in ("softbreak", "hardbreak"):
            break
        first.append(child)
    return first


def first_card_tag_line(children: list[Token] | None) -> int | None:
    line = 0
    for child in children or []:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "obsidian_tag" and child.content.casefold() in CARD_TAGS:
            return line
    return None


def strip_tags(children: list[Token] | None) -> str:
    parts = [c.content for c in children or [] if c.type in ("text", "code_inline")]
    return " ".join("".join(parts).split())
