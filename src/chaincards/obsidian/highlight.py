"""`==highlight==`: a <mark>, or in cloze mode the next cloze deletion `{{cN::…}}`.

`==` is a delimiter run like `~~` (CommonMark's flanking rules and pairing), so a highlight nests
with emphasis and links the way Obsidian shows it and never swallows a link's brackets.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline.state_inline import Delimiter
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

_MARKER = ord("=")


def _highlight_rule(state: StateInline, silent: bool) -> bool:
    """Push each `==` as a text token and record it as a delimiter; pairing happens later."""
    start = state.pos
    if silent or state.src[start] != "=":
        return False
    scanned = state.scanDelims(start, True)
    length = scanned.length
    if length < 2:
        return False
    if length % 2:
        token = state.push("text", "", 0)
        token.content = "="
        length -= 1
    for _ in range(length // 2):
        token = state.push("text", "", 0)
        token.content = "=="
        state.delimiters.append(
            Delimiter(
                marker=_MARKER,
                length=0,  # no "rule of 3"
                token=len(state.tokens) - 1,
                end=-1,
                open=scanned.can_open,
                close=scanned.can_close,
            )
        )
    state.pos += scanned.length
    return True


def _pair(state: StateInline, delimiters: list[Delimiter]) -> None:
    lone_markers: list[int] = []
    for delimiter in delimiters:
        if delimiter.marker != _MARKER or delimiter.end == -1:
            continue
        closer = delimiters[delimiter.end]
        opening = state.tokens[delimiter.token]
        opening.type, opening.tag, opening.nesting = "mark_open", "mark", 1
        opening.markup, opening.content = "==", ""
        closing = state.tokens[closer.token]
        closing.type, closing.tag, closing.nesting = "mark_close", "mark", -1
        closing.markup, closing.content = "==", ""
        previous = state.tokens[closer.token - 1]
        if previous.type == "text" and previous.content == "=":
            lone_markers.append(closer.token - 1)
    # An odd run `===` is split `=` + `==`: move the lone `=` after the closing tags.
    while lone_markers:
        index = lone_markers.pop()
        end = index + 1
        while end < len(state.tokens) and state.tokens[end].type == "mark_close":
            end += 1
        end -= 1
        if index != end:
            state.tokens[index], state.tokens[end] = state.tokens[end], state.tokens[index]


def _post_process(state: StateInline) -> None:
    _pair(state, state.delimiters)
    for meta in state.tokens_meta:
        if meta and "delimiters" in meta:
            _pair(state, meta["delimiters"])


def _render_open(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    if env.get("cloze"):
        number = env.get("cloze_next", 1)
        env["cloze_next"] = number + 1
        return f"{{{{c{number}::"
    return '<mark class="cc-highlight">'


def _render_close(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return "}}" if env.get("cloze") else "</mark>"


def highlight_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("emphasis", "highlight", _highlight_rule)
    md.inline.ruler2.before("emphasis", "highlight", _post_process)
    md.add_render_rule("mark_open", _render_open)
    md.add_render_rule("mark_close", _render_close)
