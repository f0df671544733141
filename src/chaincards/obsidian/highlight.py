"""`==highlight==`: a <mark>, or in cloze mode the next cloze deletion `{{cN::…}}`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict


def _highlight_rule(state: StateInline, silent: bool) -> bool:
    start = state.pos
    if not state.src.startswith("==", start) or state.src.startswith("===", start):
        return False
    close = state.src.find("==", start + 2)
    if close < 0 or close == start + 2 or state.src[start + 2].isspace():
        return False
    if not silent:
        state.push("mark_open", "mark", 1)
        old_max = state.posMax
        state.pos, state.posMax = start + 2, close
        state.md.inline.tokenize(state)
        state.posMax = old_max
        state.push("mark_close", "mark", -1)
    state.pos = close + 2
    return True


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
    md.add_render_rule("mark_open", _render_open)
    md.add_render_rule("mark_close", _render_close)
