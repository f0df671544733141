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


def _base91(number: int) -> str:
    digits = []
    while number:
        number, remainder = divmod(number, len(_BASE91))
        digits.append(_BASE91[remainder])
    return "".join(reversed(digits)) or _BASE91[0]


@lru_cache(maxsize=65536)
def normalise_key(text: str) -> str:
    """Case, spacing, punctuation and markup do not change a card's identity."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"<[^>]*>", " ", text)
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(text.split())


def card_guid(*parts: str) -> str:
    """GUID from the parts that identify a card, e.g. (note path, card kind, card key)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return "cc" + _base91(int.from_bytes(digest[:10], "big"))
