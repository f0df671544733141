"""Obsidian comments `%% … %%`: removed wherever they stand, inline or across lines."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline


def _comment_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    begin = state.bMarks[start_line] + state.tShift[start_line]
    if not state.src.startswith("%%", begin):
        return False
    # The closing %% may sit on the opening line (`%% note %%`) or on any later line.
    line = start_line
    search_from = begin + 2
    while line < end_line:
        line_end = state.eMarks[line]
        if state.src.find("%%", search_from, line_end) >= 0:
            rest = state.src[state.src.find("%%", search_from, line_end) + 2 : line_end]
            if rest.strip() and line == start_line:
                return False  # `%% x %% text` is an inline comment inside a paragraph
            if not silent:
                token = state.push("obsidian_comment", "", 0)
                token.map = [start_line, line + 1]
                token.hidden = True
            state.line = line + 1
            return True
        line += 1
        if line < end_line:
            search_from = state.bMarks[line] + state.tShift[line]
    if not silent:  # unclosed: Obsidian hides the rest of the note, and so do we
        token = state.push("obsidian_comment", "", 0)
        token.map = [start_line, end_line]
        token.hidden = True
    state.line = end_line
    return True


def _comment_inline(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("%%", state.pos):
        return False
    close = state.src.find("%%", state.pos + 2)
    end = state.posMax if close < 0 else close + 2
    state.pos = end
    return True


def comments_plugin(md: MarkdownIt) -> None:
    md.block.ruler.before(
        "fence", "obsidian_comment", _comment_block, {"alt": ["paragraph", "blockquote", "list"]}
    )
    md.inline.ruler.before("text", "obsidian_comment", _comment_inline)
    md.add_render_rule("obsidian_comment", lambda *args: "")
