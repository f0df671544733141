"""Step 2: only written cards changed. The changed notes are parsed and only the packages they
reach are made again, from the cards the last build remembered; the model is not rebuilt."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from chaincards.anki.manifest import manifest_path
from chaincards.anki.manifest_file import read_manifests
from chaincards.build import memo
from chaincards.build.memo import PackageCards, VaultRecord
from chaincards.build.moved import line_maps, moved_cards, moved_dropped, moved_rows
from chaincards.build.packages import carried, package_record, summaries
from chaincards.build.result import BuildOptions, BuildResult, Clock, PackageSummary
from chaincards.cards.card import CardNote
from chaincards.cards.quality import QualityReport
from chaincards.diagnostics import Diagnostic
from chaincards.document import SourceNote
from chaincards.parse.cache import ParseCache
from chaincards.pipeline import (
    CompiledPackage,
    LoadedVault,
    default_deck_of,
    parse_vault,
    screen_package,
    written_cards_of,
)
from chaincards.progress import Progress
from chaincards.store import Store
from chaincards.write import PackageReport, package_path_for, write_decks


def remake_packages(
    loaded: LoadedVault,
    options: BuildOptions,
    record: VaultRecord,
    keys: Mapping[str, str],
    changed: list[SourceNote],
    parse_cache: ParseCache,
    clock: Clock,
    progress: Progress | None,
) -> BuildResult | None:
    """Step 2 of the module's text, for the notes that `changed` (the options, the vault's
    notes and its other files are those of the record; `keys`: each note's parse key); None
    when the edit reached further than written cards."""
    store = parse_cache.store
    edited_paths = {source.path for source in changed}
    parse_cache.keep(key for path, key in keys.items() if path not in edited_paths)
    # In parallel when many changed (a checkout that touched every file is only new times).
    parsed = parse_vault(
        LoadedVault(loaded.vault, changed, []), parse_cache, options.jobs, progress
    )
    clock.lap("parse")
    if len(parsed.notes) != len(changed):
        return None  # a note that no longer parses: its warnings come from a full build
    found_maps = line_maps(parsed.notes, record)
    if found_maps is None:
        return None  # the model would see the edit
    maps, new_lines = found_maps
    if maps:  # lines only moved: what the record cites of those notes moves with them
        model_rows = moved_rows(record.model_diagnostics, maps)
        dropped = moved_dropped(record.model_dropped, maps)
        if model_rows is None or dropped is None:
            return None
        record = replace(record, model_diagnostics=model_rows, model_dropped=dropped)
    edited = {note.path: note for note in parsed.notes}
    dirty = {
        Path(path): package
        for path, package in record.packages.items()
        if not edited.keys().isdisjoint((*package.notes, *package.dated_by))
    }
    homes = {package_path_for(options.out, record.notes[p].package, options.single) for p in edited}
    if not {str(home) for home in homes} <= record.packages.keys():
        return None  # a note's first written card would start a package: a full build
    untouched = [Path(p) for p in record.packages if Path(p) not in dirty]
    if not all(record.packages[str(path)].still_there(path) for path in untouched):
        return None
    deck = default_deck_of(loaded.vault, options.default_deck)
    times = {source.path: source.mtime for source in loaded.sources}
    remade: dict[Path, tuple[str, CompiledPackage]] = {}
    note_problems: dict[str, list[Diagnostic]] = {}
    for path, package in sorted(dirty.items()):
        cards = memo.recall_cards(store, path)
        if cards is None:
            return None
        written: dict[str, list[CardNote]] = {}
        for note_path, made in cards.written.items():
            note = edited.get(note_path)
            if note is None:
                written[note_path] = made
            else:
                written[note_path], note_problems[note_path] = written_cards_of(
                    note, deck, options.kinds, loaded.vault.index.mtimes
                )
        model = [_dated(card, times) for card in cards.model]
        if maps:
            moved = moved_cards(model, maps, edited)
            if moved is None:
                return None
            model = moved
        compiled = screen_package(PackageCards(written, model))
        if not compiled.kept:
            return None  # the package would be left empty: a full build reports it stale
        remade[path] = (package.name, compiled)
    # The untouched packages' manifests are not even read: no card moves in or out of them.
    manifests = read_manifests(options.out, skip={manifest_path(path) for path in untouched})
    groups = carried(
        {name: c.kept for name, c in remade.values()}, manifests, loaded.vault.index.files
    )
    clock.lap("compile")
    made_from = {path: package.made_from for path, package in dirty.items()}
    reports = write_decks(
        groups,
        options.out,
        loaded.vault.root,
        options.single,
        progress,
        options.jobs,
        manifests,
        None,
        made_from,
        frozenset(untouched),
    )
    parse_cache.save()
    result = _remember_remade(
        store,
        loaded,
        keys,
        record,
        parsed.by_note,
        note_problems,
        remade,
        reports,
        untouched,
        new_lines,
        bool(maps),
    )
    result.parsed = parse_cache.misses
    return result


def _remember_remade(
    store: Store,
    loaded: LoadedVault,
    keys: Mapping[str, str],
    record: VaultRecord,
    parse_problems: Mapping[str, list[Diagnostic]],
    note_problems: Mapping[str, list[Diagnostic]],
    remade: Mapping[Path, tuple[str, CompiledPackage]],
    reports: list[PackageReport],
    untouched: list[Path],
    new_lines: Mapping[str, tuple[int, ...]],
    lines_moved: bool,
) -> BuildResult:
    notes = dict(record.notes)
    for note_path, problems in parse_problems.items():
        own = [*problems, *note_problems.get(note_path, [])]
        notes[note_path] = replace(
            notes[note_path],
            key=keys[note_path],
            diagnostics=memo.diagnostic_rows(own),
            lines=new_lines[note_path],
        )
    packages = dict(record.packages)
    by_path = {report.path: report for report in reports}
    for path, (name, compiled) in remade.items():
        packages[str(path)] = package_record(name, compiled, by_path[path])
    stale = tuple(str(report.path) for report in reports if report.stale)
    updated = replace(record, notes=notes, packages=packages, stale=stale)
    cards = {path: compiled.cards for path, (_, compiled) in remade.items()}
    # Moved lines changed the model cards' Source: their rows are written again too.
    memo.remember(store, updated, cards, every_package=False, model_rows=lines_moved)
    found = [
        PackageSummary(path, False, packages[str(path)].decks) for path in untouched
    ] + summaries(reports)
    order = {key: package.name for key, package in packages.items()}
    found.sort(key=lambda s: (s.stale, order.get(str(s.path), ""), str(s.path)))
    diagnostics = list(loaded.diagnostics)
    for source in loaded.sources:
        diagnostics += memo.from_rows(notes[source.path].diagnostics)
    diagnostics += memo.from_rows(record.model_diagnostics)
    quality = QualityReport(dropped=list(record.model_dropped))
    for kept in packages.values():
        diagnostics += memo.from_rows(kept.diagnostics)
        quality.add(kept.report)
    return BuildResult(
        found,
        diagnostics,
        quality,
        False,
        len(loaded.sources),
        len(parse_problems),
        remade=(len(remade), len(packages)),
    )


def _dated(card: CardNote, times: Mapping[str, int]) -> CardNote:
    """A remembered model card with the newest time of the notes it is dated by, as new."""
    mod = max(times[path] for path in card.dated_by) if card.dated_by else card.mod
    return card if mod == card.mod else replace(card, mod=mod)
