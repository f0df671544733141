"""`$…$` and `$$…$$` math, written out as MathJax delimiters `\\(…\\)` and `\\[…\\]` for Anki."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.dollarmath import dollarmath_plugin


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
    md.add_render_rule("math_inline", _inline)
    md.add_render_rule("math_inline_double", _display)
    md.add_render_rule("math_block", _display_block)
    md.add_render_rule("math_block_label", _display_block)
