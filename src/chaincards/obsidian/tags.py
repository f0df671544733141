"""Inline `#tags` and Obsidian block ids `^id`: metadata, never visible text on a card."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

# A tag needs one non-digit (`#2024` is not a tag) and may nest with `/`.
TAG_PATTERN = re.compile(r"#([\w/-]*[^\W\d][\w/-]*)")
_BLOCK_ID = re.compile(r"\^([A-Za-z0-9-]+)[ \t]*(?=\n|$)")
# What may follow a tag or block id for it to end its line: only more tags, ids and spaces.
_REST_OF_LINE_IS_METADATA = re.compile(r"(?:[ \t]+(?:#[\w/-]+|\^[A-Za-z0-9-]+))*[ \t]*(?:\n|$)")

# flashcards-obsidian also reads its own tags glued to text (`## heading#card`, `word#Card`).
_GLUED_CARD_TAGS = frozenset(
    {"card", "card-reverse", "card/reverse", "card-reversed", "card/reversed", "card-spaced"}
    | {"card/spaced"}
)


def _tag_rule(state: StateInline, silent: bool) -> bool:
    pos = state.pos
    if state.src[pos] != "#":
        return False
    glued = pos > 0 and not state.src[pos - 1].isspace()
    match = TAG_PATTERN.match(state.src, pos)
    if not match:
        return False
    if glued and match.group(1).casefold() not in _GLUED_CARD_TAGS:
        return False  # `C#`, `foo#cardboard`, `page#section`: plain text
    if not silent:
        _trim_before_line_end(state, match.end())
        token = state.push("obsidian_tag", "", 0)
        token.content = match.group(1)
        token.hidden = True
    state.pos = match.end()
    return True


def _block_id_rule(state: StateInline, silent: bool) -> bool:
    pos = state.pos
    if state.src[pos] != "^" or (pos > 0 and not state.src[pos - 1].isspace()):
        return False
    match = _BLOCK_ID.match(state.src, pos)
    if not match:
        return False
    if not silent:
        _trim_before_line_end(state, match.end())
        token = state.push("block_id", "", 0)
        token.content = match.group(1)
        token.hidden = True
    state.pos = match.end()
    return True


def _trim_before_line_end(state: StateInline, end: int) -> None:
    """`Question #card` shows as `Question`, not `Question `: metadata at the end of a line takes
    the spaces before it along."""
    # Bounded look-ahead: a line of thousands of tags must not cost quadratic time; past the
    # bound the only loss is a trailing space.
    limit = min(state.posMax, end + 200)
    if state.pending[-1:] in (" ", "\t") and _REST_OF_LINE_IS_METADATA.match(state.src, end, limit):
        state.pending = state.pending.rstrip(" \t")


def tags_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("text", "obsidian_tag", _tag_rule)
    md.inline.ruler.before("text", "block_id", _block_id_rule)
    md.add_render_rule("obsidian_tag", lambda *args: "")
    md.add_render_rule("block_id", lambda *args: "")
