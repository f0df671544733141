"""Stable note GUIDs: the identity Anki uses to update a note in place instead of duplicating it."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

# Anki's own GUIDs are base91 text; any printable string without a field separator works.
_BASE91 = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~"
)


# Two digits per division: GUIDs are made for every card of every build.
_PAIRS = [a + b for a in _BASE91 for b in _BASE91]


def _base91(number: int) -> str:
    pairs = []
    while number:
        number, remainder = divmod(number, len(_PAIRS))
        pairs.append(_PAIRS[remainder])
    return "".join(reversed(pairs)).lstrip(_BASE91[0]) or _BASE91[0]


_MARKUP = re.compile(r"<[^>]*>")
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


def card_guid(*parts: str) -> str:
    """GUID from the parts that identify a card, e.g. (note path, card kind, card key)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return "cc" + _base91(int.from_bytes(digest[:10], "big"))
