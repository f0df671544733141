"""What both ways of making packages share: GUIDs carried over for groups of cards, a
package's record for the store, and the packages' summaries."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

from chaincards.anki.carryover import carry_guids
from chaincards.anki.manifest import Manifest, all_entries, all_retired
from chaincards.build import memo
from chaincards.build.memo import PackageRecord
from chaincards.build.result import PackageSummary
from chaincards.cards.card import CardNote, split_origin
from chaincards.diagnostics import Diagnostic, error
from chaincards.pipeline import (
    CompiledPackage,
    LoadedVault,
    deck_counts,
)
from chaincards.write import PackageReport, package_path_for


def carried(
    groups: Mapping[str, list[CardNote]], manifests: dict[Path, Manifest], files: set[str]
) -> dict[str, list[CardNote]]:
    """The groups with the GUIDs of the cards they continue, by the previous build's
    `manifests` (one pass over all cards)."""
    names = sorted(groups)
    cards = [card for name in names for card in groups[name]]
    flat = carry_guids(cards, all_entries(manifests), files, all_retired(manifests))
    carried: dict[str, list[CardNote]] = {}
    at = 0
    for name in names:
        carried[name] = flat[at : at + len(groups[name])]
        at += len(groups[name])
    return carried


def without_clashes(
    groups: Mapping[str, list[CardNote]], out: Path, single: str | None
) -> tuple[dict[str, list[CardNote]], list[Diagnostic]]:
    """The groups whose package files differ, and an error for each set of top-level decks that
    would be written to one file (`A:B`, `A/B` and `A_B` all give `A_B.apkg`; so do long names
    that share their first 200 bytes): none of those is written, rather than one silently
    overwriting another."""
    by_file: dict[Path, list[str]] = {}
    for name in sorted(groups):
        by_file.setdefault(package_path_for(out, name, single), []).append(name)
    kept = dict(groups)
    problems: list[Diagnostic] = []
    for path, names in by_file.items():
        if len(names) < 2:
            continue
        decks = " and ".join(repr(name) for name in names)
        for name in names:
            where, line = split_origin(min(card.origin for card in kept.pop(name)))
            problems.append(
                error(
                    where,
                    line or 1,
                    f"top-level decks {decks} would both be written to {path.name}; "
                    "neither is written: rename one of them",
                )
            )
    return kept, problems


def package_record(name: str, compiled: CompiledPackage, report: PackageReport) -> PackageRecord:
    assert report.made_from is not None
    dated = sorted({path for card in compiled.cards.model for path in card.dated_by})
    return PackageRecord(
        name,
        tuple(compiled.cards.written),
        tuple(dated),
        deck_counts(report.cards),
        compiled.quality,
        memo.diagnostic_rows(compiled.diagnostics),
        report.made_from,
    )


def summaries(reports: list[PackageReport]) -> list[PackageSummary]:
    return [
        PackageSummary(r.path, r.written, deck_counts(r.cards), r.changes, r.stale) for r in reports
    ]


def other_files(loaded: LoadedVault) -> str:
    """Every vault file besides the notes, with its time: pictures, PDFs, excluded notes."""
    notes = {source.path for source in loaded.sources}
    digest = hashlib.sha256()
    for path, mtime in sorted(loaded.vault.index.mtimes.items()):
        if path not in notes:
            digest.update(f"{path}\0{mtime}\0".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()
