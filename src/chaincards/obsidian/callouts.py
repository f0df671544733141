"""Obsidian callouts `> [!type]± Title`: any type, foldable, nested; GitHub alerts are alike.

A core rule runs after block parsing and before inline parsing, so the `[!type] Title` line can be
taken out of the first paragraph before its inline content is tokenised.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

_CALLOUT_HEAD = re.compile(r"\[!([^\]\s]+)\]([+-]?)[ \t]*([^\n]*)")


def _convert_callouts(state: StateCore) -> None:
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "blockquote_open" or index + 2 >= len(tokens):
            continue
        paragraph, inline = tokens[index + 1], tokens[index + 2]
        # `>[!info] card` + `>front` + `>---` is a setext heading to CommonMark: accept it too.
        if paragraph.type not in ("paragraph_open", "heading_open") or inline.type != "inline":
            continue
        head = _CALLOUT_HEAD.match(inline.content)
        if not head:
            continue
        kind, fold, title = head.group(1).lower(), head.group(2), head.group(3).strip()
        token.type = "callout_open"
        token.tag = "div"
        # The title's inline Markdown is tokenised here, with the note's parser, so rendering it
        # never depends on the caller passing the parser in `env`.
        title_tokens: list[Token] = []
        if title:
            state.md.inline.parse(title, state.md, state.env, title_tokens)
        token.meta = {"kind": kind, "fold": fold, "title": title, "title_tokens": title_tokens}
        close = _close_of(tokens, index)
        close.type, close.tag = "callout_close", "div"
        rest = inline.content[head.end() :].lstrip("\n")
        inline.content = rest
        if inline.map and paragraph.map:
            paragraph.map = [paragraph.map[0] + 1, paragraph.map[1]]
            inline.map = paragraph.map
        if not rest.strip():
            # The head was the whole paragraph: drop the paragraph so no empty <p> remains.
            # (Not `hidden`: the renderer would then start the next block with a blank line.)
            inline.content = ""
            paragraph.type, inline.type, tokens[index + 3].type = (
                "callout_gap",
                "callout_gap",
                "callout_gap",
            )


def _close_of(tokens: list[Token], open_index: int) -> Token:
    level = tokens[open_index].level
    for token in tokens[open_index + 1 :]:
        if token.level == level and token.type == "blockquote_close":
            return token
    raise ValueError("unbalanced blockquote")  # markdown-it always closes what it opens


def _render_open(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    meta = tokens[idx].meta
    # The type is free text in the note (`[!x"onclick=…]`): it must be escaped like any other.
    kind = escapeHtml(meta["kind"])
    title_tokens = meta.get("title_tokens")
    if title_tokens:
        title_html = _render_title_tokens(self, title_tokens, options, env)
    else:
        title = meta["title"] or meta["kind"].capitalize()
        title_html = title_renderer(self, title, options, env)
    return (
        f'<div class="callout" data-callout="{kind}">'
        f'<div class="callout-title">{title_html}</div><div class="callout-content">\n'
    )


def _render_title_tokens(
    renderer: Any, title_tokens: list[Token], options: OptionsDict, env: EnvType
) -> str:
    # A title is never a cloze; media it embeds still belong to the card.
    title_env = {**env, "cloze": False}
    html: str = renderer.renderInline(title_tokens, options, title_env)
    for key in ("media", "missing_media", "unshown_media"):
        if key in title_env:
            env[key] = title_env[key]
    return html


def title_renderer(renderer: Any, title: str, options: OptionsDict, env: EnvType) -> str:
    """Render the title's inline Markdown (links, code, math) with the same parser."""
    md = env.get("_md")
    if md is None:
        return escapeHtml(title)
    title_env = {**env, "cloze": False}
    html: str = md.renderInline(title, title_env)
    for key in ("media", "missing_media", "unshown_media"):
        if key in title_env:
            env[key] = title_env[key]
    return html


def callouts_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after("block", "callouts", _convert_callouts)
    md.add_render_rule("callout_open", _render_open)
    md.add_render_rule("callout_close", lambda *args: "</div></div>\n")
    md.add_render_rule("callout_gap", lambda *args: "")
