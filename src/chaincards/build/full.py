"""Step 3: every note parsed (unchanged ones from the parse cache), the model and all cards
made, each package screened and written when its cards changed; all of it remembered."""

from __future__ import annotations

import sqlite3
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from chaincards.anki.diff import read_notes
from chaincards.anki.manifest_file import read_manifests
from chaincards.build import memo
from chaincards.build.memo import NoteRecord, PackageCards, PackageRecord, VaultRecord
from chaincards.build.packages import (
    carried,
    other_files,
    package_record,
    summaries,
    without_clashes,
)
from chaincards.build.result import BuildOptions, BuildResult, Clock
from chaincards.cards.card import CardNote
from chaincards.cards.quality import Dropped
from chaincards.decks import deck_for
from chaincards.diagnostics import Diagnostic, warning
from chaincards.model.view import model_view, view_digest, view_lines
from chaincards.parse.cache import ParseCache
from chaincards.pipeline import (
    Compilation,
    CompiledPackage,
    LoadedVault,
    compile_parsed,
    package_of,
    parse_vault,
)
from chaincards.progress import Progress
from chaincards.store import Store
from chaincards.write import PackageReport, package_path_for, write_decks


def full_build(
    loaded: LoadedVault,
    options: BuildOptions,
    store: Store | None,
    last: VaultRecord | None,
    keys: Mapping[str, str],
    parse_cache: ParseCache | None,
    clock: Clock,
    progress: Progress | None,
) -> BuildResult:
    """Step 3; `last` is the last build's record (what its packages were written from), `keys`
    the notes' parse keys."""
    parsed = parse_vault(loaded, parse_cache, options.jobs, progress)
    clock.lap("parse")
    compilation = compile_parsed(parsed, options.default_deck, options.kinds, options.single)
    if parse_cache is not None:
        parse_cache.save()
    manifests = {} if options.reset_ids else read_manifests(options.out)
    replaced = _package_guids(options.out) if options.reset_ids else set()
    groups = {name: p.kept for name, p in compilation.packages.items() if p.kept}
    groups, clashes = without_clashes(groups, options.out, options.single)
    groups = carried(groups, manifests, parsed.vault.index.files)
    generated: dict[str, bytes] = {}
    if options.diagrams:
        groups, generated = _with_diagrams(groups, compilation)
    notes = _note_records(loaded, options, keys, compilation) if store is not None else {}
    diagnostics, quality, made = compilation.diagnostics, compilation.quality, _Made.of(compilation)
    diagnostics = [*diagnostics, *clashes]
    root = parsed.vault.root
    # The parsed notes and the model are not needed past this point: let them go before the
    # packages are written, so writing and remembering reuse their memory.
    del compilation, parsed
    clock.lap("compile")
    made_from = {Path(p): r.made_from for p, r in last.packages.items()} if last else None
    reports = write_decks(
        groups,
        options.out,
        root,
        options.single,
        progress,
        options.jobs,
        manifests,
        generated,
        made_from,
    )
    if store is not None:
        _remember_full(store, loaded, options, notes, made, reports)
    if options.reset_ids:
        diagnostics = [*diagnostics, _reset_report(options.out, reports, replaced)]
    count = len(loaded.sources)
    reparsed = parse_cache.misses if parse_cache else count
    return BuildResult(summaries(reports), diagnostics, quality, False, count, reparsed)


def _package_guids(out: Path) -> set[str]:
    """The GUIDs of the packages in `out`: what learners may have imported."""
    guids: set[str] = set()
    for package in sorted(out.glob("*.apkg")):
        try:
            guids |= read_notes(package).keys()
        except (OSError, ValueError, sqlite3.Error, zipfile.BadZipFile):
            continue  # a package that cannot be read gave learners nothing to keep
    return guids


def _reset_report(out: Path, reports: list[PackageReport], replaced: set[str]) -> Diagnostic:
    cards = [card for report in reports for card in report.cards]
    new = sum(1 for card in cards if card.guid not in replaced)
    return warning(
        str(out),
        1,
        f"--reset-ids: GUIDs started afresh from the notes; {new} of {len(cards)} card(s) "
        "were not in the packages this build replaced and import as new notes (without "
        "their review history)",
    )


@dataclass(frozen=True)
class _Made:
    """What the record keeps of a compilation once its notes and model are let go."""

    packages: dict[str, CompiledPackage]
    model_problems: list[Diagnostic]
    model_dropped: list[Dropped]

    @classmethod
    def of(cls, compilation: Compilation) -> _Made:
        return cls(compilation.packages, compilation.model_problems, compilation.model_dropped)


def _note_records(
    loaded: LoadedVault, options: BuildOptions, keys: Mapping[str, str], compilation: Compilation
) -> dict[str, NoteRecord]:
    """Each note's record: its parse key, view digest, package and own warnings."""
    parsed = compilation.parsed
    deck = compilation.default_deck
    notes: dict[str, NoteRecord] = {}
    parsed_notes = {note.path: note for note in parsed.notes}
    for source in loaded.sources:
        note = parsed_notes.get(source.path)
        view = model_view(note) if note is not None else None
        package = package_of(deck_for(note, deck) if note is not None else "", options.single)
        own = [
            *parsed.by_note.get(source.path, []),
            *compilation.note_problems.get(source.path, []),
        ]
        digest, lines = (view_digest(view), view_lines(view)) if view is not None else ("", ())
        notes[source.path] = NoteRecord(
            keys[source.path], digest, package, memo.diagnostic_rows(own), lines
        )
    return notes


def _remember_full(
    store: Store,
    loaded: LoadedVault,
    options: BuildOptions,
    notes: dict[str, NoteRecord],
    made: _Made,
    reports: list[PackageReport],
) -> None:
    by_path = {report.path: report for report in reports if not report.stale}
    packages: dict[str, PackageRecord] = {}
    cards: dict[Path, PackageCards] = {}
    for name, compiled in made.packages.items():
        path = package_path_for(options.out, name, options.single)
        report = by_path.get(path)
        if report is None:
            continue  # no card kept: no package
        if report.made_from is None:  # written but not readable back: nothing to go by
            memo.forget(store)
            return
        packages[str(path)] = package_record(name, compiled, report)
        cards[path] = compiled.cards
    record = VaultRecord(
        options.key(),
        other_files(loaded),
        notes,
        memo.diagnostic_rows(made.model_problems),
        tuple(made.model_dropped),
        packages,
        tuple(str(report.path) for report in reports if report.stale),
    )
    memo.remember(store, record, cards, every_package=True)


def _with_diagrams(
    groups: dict[str, list[CardNote]], compilation: Compilation
) -> tuple[dict[str, list[CardNote]], dict[str, bytes]]:
    # Imported here: drawing is optional and its modules would slow every start-up.
    from chaincards.diagrams.on_cards import with_diagrams
    from chaincards.diagrams.svg import render_svg

    files: dict[str, bytes] = {}
    drawn: dict[str, list[CardNote]] = {}
    for name, cards in groups.items():
        drawn[name], made = with_diagrams(cards, compilation.model, render_svg)
        files.update(made)
    return drawn, files
