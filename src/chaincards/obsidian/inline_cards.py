"""Where a line's inline `front::back` / `front:::back` separator is, skipping code, math, links
and Anki clozes (whose `{{c1::…}}` also contains `::`).
"""

from __future__ import annotations

_PAIRS = (("`", "`"), ("$", "$"), ("[[", "]]"), ("{{", "}}"), ("<", ">"), ("](", ")"))


def find_separator(line: str) -> tuple[int, int, bool] | None:
    """(start, end, reversed) of the first `::`/`:::` outside protected spans, else None."""
    position = 0
    length = len(line)
    while position < length:
        for opener, closer in _PAIRS:
            if line.startswith(opener, position):
                close = line.find(closer, position + len(opener))
                if close > 0:
                    position = close + len(closer)
                    break
        else:
            if line.startswith("::", position) and not line.startswith("::::", position):
                if line.startswith(":::", position):
                    return position, position + 3, True
                if position > 0 and line[position - 1] == ":":
                    position += 2
                    continue
                return position, position + 2, False
            if line.startswith("://", position):
                position += 3
                continue
            position += 1
    return None
