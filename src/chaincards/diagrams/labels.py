"""Edge labels placed so that none covers another label, a node box or an arrowhead.

Greedy, one label at a time, each tested against the boxes of everything placed before it:
its text on the edge or beside it; else a numbered badge on the edge (svg.py explains the
number in a legend); else nothing, leaving the edge's tooltip as the only place for its text.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Generic, TypeVar

from chaincards.diagrams.geometry import Box, Curve, Point, badge_size, bounds, label_size

LABEL_GAP = 3.0  # between two labels, so that their white backgrounds do not touch
# Positions along an edge, nearest the middle first: a label there is clearly its edge's.
T_STEPS = (0.5, 0.42, 0.58, 0.34, 0.66, 0.27, 0.73, 0.2, 0.8)
RANK_COST = 0.25  # one step down the list of preferred spots: a quarter of an edge hidden
SAMPLES = 16  # segments per edge when counting the edges a label would hide

T = TypeVar("T")
_Segment = tuple[int, Point, Point]  # an edge's index and a piece of its curve


@dataclass(frozen=True)
class Label:
    box: Box
    text: str
    badge: int | None = None  # the number shown instead of the text, from 1 in edge order


def place_labels(
    curves: Sequence[Curve], texts: Sequence[str], blocked: Sequence[Box], order: Sequence[int]
) -> list[Label | None]:
    """A label for each curve, in curve order, placed in the order given by `order` (indexes
    into `curves`); no label intersects a box in `blocked` or another label."""
    taken: _Grid[Box] = _Grid()
    for box in blocked:
        taken.add(box, box)
    lines: _Grid[tuple[int, Point, Point]] = _Grid()
    for i, curve in enumerate(curves):
        for p, q in pairwise(curve.points(SAMPLES)):
            lines.add(bounds([Box(p[0], p[1], 0, 0), Box(q[0], q[1], 0, 0)]), (i, p, q))
    diameter = badge_size(len(curves))
    labels: list[Label | None] = [None] * len(curves)
    for i in order:
        spot = _best(_text_spots(curves[i], *label_size(texts[i])), taken, lines, i)
        badge = None
        if spot is None:
            spots = (Box.around(curves[i].at(t), diameter, diameter) for t in T_STEPS)
            spot, badge = _best(spots, taken), 0
        if spot is not None:
            labels[i] = Label(spot, texts[i], badge)
            taken.add(spot.inflate(LABEL_GAP), spot.inflate(LABEL_GAP))
    return _number_badges(labels)


def _text_spots(curve: Curve, w: float, h: float) -> Iterator[Box]:
    for t in T_STEPS:  # on the line, its white background hiding that bit of it
        yield Box.around(curve.at(t), w, h)
    # Then beside it, outside the bend first: the same pair's other direction is inside.
    outside = _outside(curve)
    for t in T_STEPS:
        yield from _beside(curve, t, w, h, 0.0, outside)
    # Farther out from the middle: a short edge between close boxes has no room right by it.
    for step in (1, 2, 3):
        yield from _beside(curve, 0.5, w, h, step * h, outside)


def _beside(
    curve: Curve, t: float, w: float, h: float, extra: float, outside: float
) -> Iterator[Box]:
    (x, y), (nx, ny) = curve.at(t), curve.normal(t)
    # Far enough along the normal that the box clears the line whatever the line's slope.
    clear = abs(nx) * w / 2 + abs(ny) * h / 2 + 2 + extra
    for side in (outside, -outside):
        yield Box.around((x + side * nx * clear, y + side * ny * clear), w, h)


def _outside(curve: Curve) -> float:
    """+1 when the curve bends towards its right-hand normal, else -1."""
    (mx, my), (nx, ny) = curve.at(0.5), curve.normal(0.5)
    cx, cy = (curve.start[0] + curve.end[0]) / 2, (curve.start[1] + curve.end[1]) / 2
    return 1.0 if (mx - cx) * nx + (my - cy) * ny >= 0 else -1.0


def _best(
    spots: Iterator[Box], taken: _Grid[Box], lines: _Grid[_Segment] | None = None, own: int = -1
) -> Box | None:
    """The free spot across the fewest other edges, traded against how far down the list of
    preferred spots it is."""
    best: tuple[float, Box] | None = None
    for rank, spot in enumerate(spots):
        if best is not None and rank * RANK_COST >= best[0]:
            break  # no later spot can score better
        if any(spot.intersects(box) for box in taken.near(spot)):
            continue
        score = rank * RANK_COST + (_crossed(spot, lines, own) if lines else 0)
        if best is None or score < best[0]:
            best = (score, spot)
    return best[1] if best else None


def _crossed(spot: Box, lines: _Grid[_Segment], own: int) -> int:
    """How many other edges pass under `spot`: a label across a line reads as that line's."""
    return len({i for i, p, q in lines.near(spot) if i != own and spot.meets_segment(p, q)})


class _Grid(Generic[T]):
    """Items by the cells of a square grid that their boxes touch: a spot need only be tested
    against the items in its own cells, which keeps dense graphs fast."""

    CELL = 64.0

    def __init__(self) -> None:
        self._cells: dict[tuple[int, int], list[T]] = defaultdict(list)

    def add(self, box: Box, item: T) -> None:
        for cell in self._span(box):
            self._cells[cell].append(item)

    def near(self, box: Box) -> Iterator[T]:
        """Every item in a cell that `box` touches, some of them more than once."""
        for cell in self._span(box):
            yield from self._cells.get(cell, ())

    def _span(self, box: Box) -> Iterator[tuple[int, int]]:
        xs = range(math.floor(box.x / self.CELL), math.floor(box.right / self.CELL) + 1)
        ys = range(math.floor(box.y / self.CELL), math.floor(box.bottom / self.CELL) + 1)
        return ((x, y) for x in xs for y in ys)


def _number_badges(labels: list[Label | None]) -> list[Label | None]:
    """Badges numbered 1, 2, ... in edge order, whatever order they were placed in."""
    count = 0
    numbered: list[Label | None] = []
    for label in labels:
        if label is not None and label.badge is not None:
            count += 1
            label = Label(label.box, label.text, count)
        numbered.append(label)
    return numbered
