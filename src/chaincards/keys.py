"""Text keys: what makes two texts the same for a card's identity (its GUID, the duplicate
check, the manifest's front). Used from parsing to the package writer, so it sits below them."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_MARKUP = re.compile(r"<[^>]*>")
# A cloze deletion: `{{c1::hidden text::hint}}`.
CLOZE = re.compile(r"\{\{c(\d+)::((?:(?!\{\{|\}\}).)*?)(?:::((?:(?!\{\{|\}\}).)*?))?\}\}")
_WORD = re.compile(r"\w+")
# For ASCII text: word characters stay, everything else becomes a space (as `\w` would split).
_ASCII_WORDS = str.maketrans(
    {chr(code): chr(code) if _WORD.fullmatch(chr(code)) else " " for code in range(128)}
)


@lru_cache(maxsize=65536)
def normalise_key(text: str) -> str:
    """Case, spacing, punctuation and markup do not change a card's identity."""
    if text.isascii():
        # NFKC and casefold change nothing else in ASCII; this path is ~1.5x faster.
        text = text.lower()
        if "<" in text:
            text = _MARKUP.sub(" ", text)
        return " ".join(text.translate(_ASCII_WORDS).split())
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _MARKUP.sub(" ", text)
    return " ".join(_WORD.findall(text))


def hidden_key(cloze_text: str) -> str:
    """What a cloze asks: the texts it hides, in order, as one key ("" when it hides none).
    Two list cards of one question differ only here."""
    return normalise_key(" ".join(m.group(2) for m in CLOZE.finditer(cloze_text)))
