"""`$…$` and `$$…$$` math, written out as MathJax delimiters `\\(…\\)` and `\\[…\\]` for Anki."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.dollarmath.index import math_block_dollar

_block_rule = math_block_dollar(allow_labels=True, allow_blank_lines=True)


def _math_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """`$$…$$` on its own lines; a line holding several (`$$a$$$$b$$`) is inline display math.

    dollarmath takes a line that starts and ends with `$$` as one block, which would show the
    inner `$$` of `$$a$$$$b$$` as part of one formula.
    """
    begin = state.bMarks[start_line] + state.tShift[start_line]
    line = state.src[begin : state.eMarks[start_line]].strip()
    if line.startswith("$$") and line.endswith("$$") and len(line) > 4 and "$$" in line[2:-2]:
        return False
    return bool(_block_rule(state, start_line, end_line, silent))


def _inline(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return f"\\({escape(tokens[idx].content.strip(), quote=False)}\\)"


def _display(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return f"\\[{escape(tokens[idx].content.strip(), quote=False)}\\]"


def _display_block(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return f'<div class="math">{_display(self, tokens, idx, options, env)}</div>\n'


def math_plugin(md: MarkdownIt) -> None:
    # No digits right after `$` and no space inside: `$5 and $10` and `$variable` stay plain text.
    dollarmath_plugin(md, allow_space=False, allow_digits=False, double_inline=True)
    md.block.ruler.at("math_block", _math_block)
    md.add_render_rule("math_inline", _inline)
    md.add_render_rule("math_inline_double", _display)
    md.add_render_rule("math_block", _display_block)
    md.add_render_rule("math_block_label", _display_block)
