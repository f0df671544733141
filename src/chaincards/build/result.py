"""What a build reports, the options that shape it, and its stage clock."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from chaincards.anki.changes import Changes
from chaincards.cards.quality import QualityReport
from chaincards.diagnostics import Diagnostic


@dataclass(frozen=True)
class PackageSummary:
    path: Path
    written: bool  # False when the package on disk already had exactly these bytes
    decks: dict[str, dict[str, int]]  # deck → card kind → Anki notes
    changes: Changes = field(default_factory=Changes)  # since the previous build
    stale: bool = False  # no note goes to this package any more

    @property
    def notes(self) -> int:
        return sum(sum(kinds.values()) for kinds in self.decks.values())


@dataclass
class BuildResult:
    packages: list[PackageSummary]
    diagnostics: list[Diagnostic]
    quality: QualityReport
    reused: bool  # True when nothing changed since the last build, which was reported again
    notes: int = 0  # note files read
    parsed: int = 0  # of them parsed again (the rest came from the parse cache)
    seconds: dict[str, float] = field(default_factory=dict)  # per stage
    # With only written cards changed: (packages made again, packages of the vault).
    remade: tuple[int, int] | None = None


@dataclass(frozen=True)
class BuildOptions:
    out: Path
    default_deck: str | None
    kinds: tuple[str, ...]
    single: str | None
    jobs: int
    diagrams: bool
    # Start GUIDs afresh from the notes, without the last build's manifests (not part of
    # `key`: it changes what is read, not what the notes make).
    reset_ids: bool = False
    link: str = ""  # the Obsidian vault and path that Source links name: every card shows it

    def key(self) -> str:
        parts = (
            str(self.out.resolve()),
            self.single or "",
            self.default_deck or "",
            ",".join(self.kinds),
            "diagrams" if self.diagrams else "",
            self.link,
        )
        return "\0".join(parts)


class Clock:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.laps[stage] = now - self._last
        self._last = now
