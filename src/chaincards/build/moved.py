"""Lines that moved: an edit of written cards that adds or removes lines moves every later line
of the note, and model cards cite lines (`path:line` in their Source, warnings, dropped cards).

When a changed note's view differs from the last build's only in its line numbers (same
`view_digest`), its old and new `view_lines` pair one to one. The remembered model cards,
model warnings and dropped cards that cite that note are moved along the pairs, and the build
stays incremental. A cited line that is not among the view's lines, or a line that would go
two ways, means a full build.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from chaincards.build.memo import DiagnosticRow, VaultRecord
from chaincards.cards.card import CardNote, split_origin
from chaincards.cards.context import source_html
from chaincards.cards.facts import citation_html
from chaincards.cards.quality import Dropped
from chaincards.document import ParsedNote
from chaincards.model.view import model_view, view_digest, view_lines

LineMaps = dict[str, dict[int, int]]  # note path → old line → new line, for notes that moved


def line_maps(
    notes: Iterable[ParsedNote], record: VaultRecord
) -> tuple[LineMaps, dict[str, tuple[int, ...]]] | None:
    """For each changed note, how its lines moved, and its new lines; None when a note's view
    changed in more than its line numbers."""
    maps: LineMaps = {}
    lines: dict[str, tuple[int, ...]] = {}
    for note in notes:
        view = model_view(note)
        was = record.notes[note.path]
        if view_digest(view) != was.view:
            return None
        lines[note.path] = now = view_lines(view)
        if now == was.lines:
            continue
        if len(now) != len(was.lines):
            return None
        moved: dict[int, int] = {}
        for old, new in zip(was.lines, now, strict=True):
            if moved.setdefault(old, new) != new:
                return None
        maps[note.path] = moved
    return maps, lines


def moved_cards(
    cards: list[CardNote], maps: LineMaps, notes: dict[str, ParsedNote]
) -> list[CardNote] | None:
    """The model cards with the lines they cite moved; None when one cites an unknown line."""
    found: list[CardNote] = []
    for card in cards:
        path, line = split_origin(card.origin)
        moved = maps.get(path)
        if moved is None or moved.get(line) == line:
            found.append(card)
            continue
        new = moved.get(line)
        if new is None:
            return None
        note = notes[path]
        # The Source a model card shows is its note's link and cited book page (cards.facts).
        source = source_html(note, new) + citation_html(note)
        found.append(replace(card, origin=f"{path}:{new}", source=source))
    return found


def moved_rows(rows: tuple[DiagnosticRow, ...], maps: LineMaps) -> tuple[DiagnosticRow, ...] | None:
    found: list[DiagnosticRow] = []
    for path, line, severity, message in rows:
        moved = maps.get(path)
        if moved is not None:
            if line not in moved:
                return None
            line = moved[line]
        found.append((path, line, severity, message))
    return tuple(found)


def moved_dropped(dropped: tuple[Dropped, ...], maps: LineMaps) -> tuple[Dropped, ...] | None:
    found: list[Dropped] = []
    for drop in dropped:
        path, line = split_origin(drop.origin)
        moved = maps.get(path)
        if moved is not None:
            if line not in moved:
                return None
            drop = replace(drop, origin=f"{path}:{moved[line]}")
        found.append(drop)
    return tuple(found)
