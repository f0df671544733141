"""Obsidian comments `%% … %%` and HTML comments `<!-- … -->`: removed wherever they stand.

HTML comments are tool residue in real vaults (`<!--SR:…-->` scheduling data of
obsidian-spaced-repetition, `<!--ID: …-->` of obsidian-to-anki). With `html=False` markdown-it
would show them as text, so they are taken out here, inline or as whole blocks.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline

_HTML_OPEN, _HTML_CLOSE = "<!--", "-->"


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
            state.line = line + 1
            return True
        line += 1
        if line < end_line:
            search_from = state.bMarks[line] + state.tShift[line]
    if not silent:  # unclosed: Obsidian hides the rest of the note, and so do we
        token = state.push("obsidian_comment", "", 0)
        token.map = [start_line, end_line]
    state.line = end_line
    return True


def _html_comment_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """A block that is only an HTML comment, possibly over several lines (blank ones included)."""
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False  # indented code
    begin = state.bMarks[start_line] + state.tShift[start_line]
    if not state.src.startswith(_HTML_OPEN, begin):
        return False
    search_from = begin + len(_HTML_OPEN)
    for line in range(start_line, end_line):
        if line > start_line:
            search_from = state.bMarks[line] + state.tShift[line]
        line_end = state.eMarks[line]
        close = state.src.find(_HTML_CLOSE, search_from, line_end)
        if close < 0:
            continue
        if state.src[close + len(_HTML_CLOSE) : line_end].strip():
            return False  # text follows the comment: the inline rule removes it
        if not silent:
            token = state.push("obsidian_comment", "", 0)
            token.map = [start_line, line + 1]
        state.line = line + 1
        return True
    return False  # unclosed: left as text, as written


def _drop_break_before(state: StateInline, end: int) -> None:
    """A comment ending a line takes the spaces before it along; a comment on a line of its own
    must not leave an empty line behind."""
    rest = end
    while rest < state.posMax and state.src[rest] in " \t":
        rest += 1
    if not (rest >= state.posMax or state.src[rest] == "\n"):
        return
    if state.pending:
        state.pending = state.pending.rstrip(" \t")
    elif state.tokens and state.tokens[-1].type in ("softbreak", "hardbreak"):
        state.tokens.pop()


def _comment_inline(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("%%", state.pos):
        return False
    close = state.src.find("%%", state.pos + 2, state.posMax)
    end = state.posMax if close < 0 else close + 2
    if not silent:
        _drop_break_before(state, end)
    state.pos = end
    return True


def _html_comment_inline(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith(_HTML_OPEN, state.pos):
        return False
    close = state.src.find(_HTML_CLOSE, state.pos + len(_HTML_OPEN), state.posMax)
    if close < 0:
        return False
    end = close + len(_HTML_CLOSE)
    if not silent:
        _drop_break_before(state, end)
    state.pos = end
    return True


def comments_plugin(md: MarkdownIt) -> None:
    md.block.ruler.before(
        "fence", "obsidian_comment", _comment_block, {"alt": ["paragraph", "blockquote", "list"]}
    )
    md.block.ruler.before("fence", "html_comment", _html_comment_block)
    md.inline.ruler.before("text", "obsidian_comment", _comment_inline)
    md.inline.ruler.before("text", "html_comment", _html_comment_inline)
    md.add_render_rule("obsidian_comment", lambda *args: "")
