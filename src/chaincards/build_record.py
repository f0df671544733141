"""The last build, remembered: when no input changed and its packages are still on disk as
written, a rebuild reports that build again instead of parsing, modelling and writing.

The key covers everything a build reads (each note's path, time and text, every vault file's
time, the options that shape the output, chaincards' own code). A package counts as still
there when its size and time are unchanged or, failing that, its bytes hash the same. Any doubt
(a missing, corrupt or foreign record) means a full build; the record only ever saves time.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from chaincards.anki.freshness import file_sha256
from chaincards.anki.manifest import Changes, Entry, manifest_path
from chaincards.cache import entry_key
from chaincards.cards.quality import Dropped, QualityReport
from chaincards.diagnostics import Diagnostic, Severity
from chaincards.document import SourceNote
from chaincards.store import Decoder, Store, encode
from chaincards.store.fingerprint import tool_fingerprint

_FORMAT = 1


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


@dataclass(frozen=True)
class _StoredPackage:
    summary: PackageSummary
    size: int
    mtime_ns: int
    sha256: str


@dataclass(frozen=True)
class Remembered:
    packages: list[PackageSummary]  # all with written=False
    diagnostics: list[Diagnostic]  # from parsing and compiling, not from reading files
    quality: QualityReport


def build_key(sources: list[SourceNote], mtimes: dict[str, int], options: tuple[str, ...]) -> str:
    digest = hashlib.sha256(f"{_FORMAT}\0{tool_fingerprint()}\0".encode())
    digest.update("\0".join(options).encode("utf-8", "surrogateescape") + b"\1")
    for source in sources:
        digest.update(entry_key(source).encode())
    for path, mtime in sorted(mtimes.items()):
        digest.update(f"{path}\0{mtime}\0".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _still_there(stored: _StoredPackage) -> bool:
    try:
        stat = stored.summary.path.stat()
    except OSError:
        return False
    if not manifest_path(stored.summary.path).is_file():
        return False  # the next build writes it again
    if (stat.st_size, stat.st_mtime_ns) == (stored.size, stored.mtime_ns):
        return True
    # Touched but maybe not changed (a checkout, a restored CI cache): compare the bytes.
    return stat.st_size == stored.size and file_sha256(stored.summary.path) == stored.sha256


_RECORD = Decoder(
    [_StoredPackage, PackageSummary, Changes, Entry, Diagnostic, Severity, QualityReport, Dropped]
)


def recall(store: Store, key: str) -> Remembered | None:
    """The build recorded under `key`, if its packages are still exactly as it wrote them."""
    blob = store.get("build", key)
    try:
        packages, rows, quality = _RECORD.decode(blob) if blob else ((), (), None)
        if not isinstance(quality, QualityReport) or not all(
            isinstance(p, _StoredPackage) and _still_there(p) for p in packages
        ):
            return None
        # Plain rows, not tagged objects: a big vault's warnings are most of the record.
        diagnostics = [Diagnostic(p, int(n), Severity(s), str(m)) for p, n, s, m in rows]
        return Remembered([p.summary for p in packages], diagnostics, quality)
    except (ValueError, TypeError):  # damaged, foreign or of another shape: build again
        return None


def remember(
    store: Store,
    key: str,
    packages: list[PackageSummary],
    diagnostics: list[Diagnostic],
    quality: QualityReport,
) -> None:
    stored: list[_StoredPackage] = []
    for package in packages:
        sha = file_sha256(package.path)
        if sha is None:
            return  # nothing reliable to remember
        stat = package.path.stat()
        summary = PackageSummary(package.path, False, package.decks, stale=package.stale)
        stored.append(_StoredPackage(summary, stat.st_size, stat.st_mtime_ns, sha))
    store.drop("build", store.keys("build"))  # one build is remembered: the last
    rows = [[d.path, d.line, d.severity.value, d.message] for d in diagnostics]
    store.put("build", key, encode((stored, rows, quality)))
