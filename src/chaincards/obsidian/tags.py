"""Inline `#tags` and Obsidian block ids `^id`: metadata, never visible text on a card."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

# A tag needs one non-digit (`#2024` is not a tag) and may nest with `/`.
TAG_PATTERN = re.compile(r"#([\w/-]*[^\W\d][\w/-]*)")
_BLOCK_ID = re.compile(r"\^([A-Za-z0-9-]+)[ \t]*(?=\n|$)")


def _tag_rule(state: StateInline, silent: bool) -> bool:
    pos = state.pos
    if state.src[pos] != "#" or (pos > 0 and not state.src[pos - 1].isspace()):
        # flashcards-obsidian also accepts a tag glued to text (`## heading#card`).
        if not (pos > 0 and state.src.startswith("#card", pos)):
            return False
    match = TAG_PATTERN.match(state.src, pos)
    if not match:
        return False
    if not silent:
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
        token = state.push("block_id", "", 0)
        token.content = match.group(1)
        token.hidden = True
    state.pos = match.end()
    return True


def tags_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("text", "obsidian_tag", _tag_rule)
    md.inline.ruler.before("text", "block_id", _block_id_rule)
    md.add_render_rule("obsidian_tag", lambda *args: "")
    md.add_render_rule("block_id", lambda *args: "")
