"""Boxes, curves and text sizes for the SVG picture (layout.py, labels.py, svg.py).

Text is never measured (no fonts at build time): its width is estimated as CHAR_EM x font size
per character, generous for Arial/Liberation Sans and DejaVu Sans, so that an estimated box
holds the real text and the collision tests on boxes hold for what is actually drawn.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Point = tuple[float, float]

NODE_FONT = 13.0  # px
LABEL_FONT = 11.0  # px, edge labels, badges and legend
CHAR_EM = 0.6
LINE_HEIGHT = 1.3
LABEL_PAD = (4.0, 2.0)  # inside a label's background, horizontal and vertical


@dataclass(frozen=True)
class Box:
    x: float  # left
    y: float  # top
    w: float
    h: float

    @classmethod
    def around(cls, centre: Point, w: float, h: float) -> Box:
        return cls(centre[0] - w / 2, centre[1] - h / 2, w, h)

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def centre(self) -> Point:
        return (self.x + self.w / 2, self.y + self.h / 2)

    def intersects(self, other: Box) -> bool:
        """Overlap with positive area; boxes that only touch do not intersect."""
        return (
            self.x < other.right
            and other.x < self.right
            and self.y < other.bottom
            and other.y < self.bottom
        )

    def contains(self, p: Point) -> bool:
        return self.x <= p[0] <= self.right and self.y <= p[1] <= self.bottom

    def meets_segment(self, p: Point, q: Point) -> bool:
        """Whether the segment pq has a point in the box (Liang-Barsky clipping)."""
        low, high = 0.0, 1.0
        dx, dy = q[0] - p[0], q[1] - p[1]
        for step, room in (
            (-dx, p[0] - self.x),
            (dx, self.right - p[0]),
            (-dy, p[1] - self.y),
            (dy, self.bottom - p[1]),
        ):
            if step == 0:
                if room < 0:
                    return False
            elif step < 0:
                low = max(low, room / step)
            else:
                high = min(high, room / step)
            if low > high:
                return False
        return True

    def inflate(self, d: float) -> Box:
        return Box(self.x - d, self.y - d, self.w + 2 * d, self.h + 2 * d)

    def union(self, other: Box) -> Box:
        x, y = min(self.x, other.x), min(self.y, other.y)
        return Box(x, y, max(self.right, other.right) - x, max(self.bottom, other.bottom) - y)


@dataclass(frozen=True)
class Curve:
    """A quadratic Bézier curve: SVG's `M start Q control end`."""

    start: Point
    control: Point
    end: Point

    def at(self, t: float) -> Point:
        u = 1 - t
        (x0, y0), (x1, y1), (x2, y2) = self.start, self.control, self.end
        return (u * u * x0 + 2 * u * t * x1 + t * t * x2, u * u * y0 + 2 * u * t * y1 + t * t * y2)

    def normal(self, t: float) -> Point:
        """Unit normal at t, to the right of the direction of travel (y grows downwards)."""
        u = 1 - t
        (x0, y0), (x1, y1), (x2, y2) = self.start, self.control, self.end
        dx = 2 * u * (x1 - x0) + 2 * t * (x2 - x1)
        dy = 2 * u * (y1 - y0) + 2 * t * (y2 - y1)
        length = math.hypot(dx, dy) or 1.0
        return (-dy / length, dx / length)

    def part(self, a: float, b: float) -> Curve:
        """The piece between t=a and t=b, itself a quadratic curve (by blossoming)."""
        (x0, y0), (x1, y1), (x2, y2) = self.start, self.control, self.end
        mid = (1 - a) * b + a * (1 - b)
        control = (
            (1 - a) * (1 - b) * x0 + mid * x1 + a * b * x2,
            (1 - a) * (1 - b) * y0 + mid * y1 + a * b * y2,
        )
        return Curve(self.at(a), control, self.at(b))

    def points(self, n: int = 24) -> list[Point]:
        return [self.at(i / n) for i in range(n + 1)]


def bounds(boxes: Sequence[Box], curves: Sequence[Curve] = ()) -> Box:
    """The smallest box around `boxes` and `curves` (sampled, as the curves are flat enough)."""
    points = [p for c in curves for p in c.points(12)]
    points += [(b.x, b.y) for b in boxes] + [(b.right, b.bottom) for b in boxes]
    if not points:
        return Box(0, 0, 0, 0)
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return Box(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))


def text_width(text: str, font: float) -> float:
    return len(text) * font * CHAR_EM


def label_size(text: str) -> tuple[float, float]:
    """An edge label's box: its text and the padding of its white background."""
    return (
        text_width(text, LABEL_FONT) + 2 * LABEL_PAD[0],
        LABEL_FONT * LINE_HEIGHT + 2 * LABEL_PAD[1],
    )


def badge_size(count: int) -> float:
    """Diameter of a badge circle wide enough for the largest number among `count`."""
    return max(16.0, text_width(str(count), LABEL_FONT) + 8)
