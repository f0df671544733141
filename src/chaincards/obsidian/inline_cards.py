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
            if line.startswith("::", position):
                run = position
                while run < length and line[run] == ":":
                    run += 1
                if run - position == 3:
                    return position, run, True
                if run - position == 2:
                    return position, run, False
                position = run  # `::::` and longer runs are not separators
                continue
            if line.startswith("://", position):
                position += 3
                continue
            position += 1
    return None
