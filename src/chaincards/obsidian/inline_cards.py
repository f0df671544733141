"""Where a line's inline `front::back` / `front:::back` separator is, skipping code, math, links
and Anki clozes (whose `{{c1::…}}` also contains `::`).
"""

from __future__ import annotations

import re

_CLOSERS = {"`": "`", "$": "$", "[[": "]]", "{{": "}}", "<": ">", "](": ")"}
# Only the places where something can start are visited, so long lines cost one regex scan.
_LANDMARKS = re.compile(r"`|\$|\[\[|\{\{|<|\]\(|:+")


def find_separator(line: str) -> tuple[int, int, bool] | None:
    """(start, end, reversed) of the first `::`/`:::` outside protected spans, else None."""
    if "::" not in line:
        return None
    position = 0
    unclosed: set[str] = set()  # openers with no closer further on: never search for them again
    while match := _LANDMARKS.search(line, position):
        found = match.group()
        if found[0] == ":":
            colons = len(found)
            if colons in (2, 3) and not line.startswith("//", match.end()):
                return match.start(), match.end(), colons == 3
            position = match.end()  # `:`, `://` and runs of four or more are not separators
            continue
        close = -1 if found in unclosed else line.find(_CLOSERS[found], match.end())
        if close < 0:
            unclosed.add(found)
            position = match.end()
        else:
            position = close + len(_CLOSERS[found])
    return None
