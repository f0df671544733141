"""Fenced code highlighted by Pygments with inline styles, so it needs no stylesheet in Anki."""

from __future__ import annotations

from functools import cache

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import TextLexer, get_lexer_by_name
from pygments.util import ClassNotFound

_FORMATTER = HtmlFormatter(nowrap=True, noclasses=True, style="friendly")


@cache
def _lexer(language: str) -> Lexer:
    try:
        return get_lexer_by_name(language) if language else TextLexer()
    except ClassNotFound:
        return TextLexer()


def highlight_code(code: str, language: str, attrs: str) -> str:
    """The markdown-it `highlight` hook: returns escaped HTML spans for the <pre><code> body."""
    return highlight(code, _lexer(language.strip().lower()), _FORMATTER)
