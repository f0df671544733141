"""Stable note GUIDs: the identity Anki uses to update a note in place instead of duplicating it."""

from __future__ import annotations

import hashlib

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


def card_guid(*parts: str) -> str:
    """GUID from the parts that identify a card, e.g. (note path, card kind, card key)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return "cc" + _base91(int.from_bytes(digest[:10], "big"))
