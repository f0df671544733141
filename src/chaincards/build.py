"""`chaincards build`: notes in, packages out, doing no more than the edit since the last build
asks for. With a build store, in this order:

1. nothing changed since the last build: its report again (`package_memo`);
2. only written cards changed (every changed note kept its model view): the packages those
   notes reach are made again from the cards the last build kept, the model is not rebuilt
   (`package_memo`);
3. otherwise: parse what changed (`cache`), then the model, its cards, each package's screen,
   GUIDs carried over, packages written; all of it remembered for the next build.
Without a store, step 3 alone, with nothing remembered.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from chaincards import package_memo
from chaincards.anki.carryover import carry_guids
from chaincards.anki.manifest import Changes, Entry, all_entries, manifest_path, read_manifests
from chaincards.cache import ParseCache, entry_key
from chaincards.cards.card import CardNote
from chaincards.cards.generate import CARD_KINDS
from chaincards.cards.quality import QualityReport
from chaincards.cards.written import written_card_notes
from chaincards.decks import deck_for
from chaincards.diagnostics import Diagnostic, warning
from chaincards.document import SourceNote
from chaincards.locks import one_build_at_a_time
from chaincards.memory import collector_paused
from chaincards.model.view import model_view, view_digest
from chaincards.package_memo import NoteRecord, PackageCards, PackageRecord, VaultRecord
from chaincards.pipeline import (
    Compilation,
    CompiledPackage,
    LoadedVault,
    compile_parsed,
    deck_counts,
    default_deck_of,
    load_vault,
    parse_vault,
    screen_package,
)
from chaincards.progress import Progress
from chaincards.store import Store
from chaincards.vault import DEFAULT_INCLUDE
from chaincards.write import PackageReport, package_path_for, write_decks


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
class _Options:
    out: Path
    default_deck: str | None
    kinds: tuple[str, ...]
    single: str | None
    jobs: int
    diagrams: bool

    def key(self) -> str:
        parts = (
            str(self.out.resolve()),
            self.single or "",
            self.default_deck or "",
            ",".join(self.kinds),
            "diagrams" if self.diagrams else "",
        )
        return "\0".join(parts)


@collector_paused()
def build_decks(
    paths: list[Path],
    out: Path,
    *,
    include: tuple[str, ...] = DEFAULT_INCLUDE,
    exclude: tuple[str, ...] = (),
    default_deck: str | None = None,
    skip: tuple[Path, ...] = (),
    kinds: tuple[str, ...] = CARD_KINDS,
    single: str | None = None,
    cache_folder: Path | None = None,
    jobs: int = 1,
    progress: Progress | None = None,
    diagrams: bool = False,
    waiting: Callable[[], None] = lambda: None,
) -> BuildResult:
    """Notes in, packages out (see the module's text). A second build into the same `out`
    waits for the first (`waiting()` is called when it must)."""
    clock = _Clock()
    loaded = load_vault(paths, include, skip, exclude)
    options = _Options(out, default_deck, kinds, single, jobs, diagrams)
    with one_build_at_a_time(out, waiting):
        store = Store(cache_folder) if cache_folder else None
        try:
            return _build(loaded, options, store, clock, progress)
        finally:
            if store is not None:
                store.close()


def _build(
    loaded: LoadedVault,
    options: _Options,
    store: Store | None,
    clock: _Clock,
    progress: Progress | None,
) -> BuildResult:
    record = package_memo.recall_vault(store) if store else None
    keys = {source.path: entry_key(source) for source in loaded.sources}
    files = _other_files(loaded)
    clock.lap("read")
    if record is not None and _unchanged(record, options, files, keys):
        return BuildResult(
            _recorded_summaries(record),
            loaded.diagnostics + record.diagnostics(),
            record.quality(),
            True,
            len(loaded.sources),
            0,
            seconds=clock.laps,
        )
    result = None
    # One parse cache for both tries: what step 2 parsed, step 3 takes from it.
    parse_cache = ParseCache(store) if store else None
    # Diagrams need the model: a build that draws them is step 3.
    if parse_cache is not None and record is not None and not options.diagrams:
        changed = [s for s in loaded.sources if keys[s.path] != record.notes.get(s.path, _NONE).key]
        same = record.notes.keys() == keys.keys() and record.files == files
        if same and changed:  # else something besides the notes changed: a full build
            result = _remake_packages(
                loaded, options, record, changed, parse_cache, clock, progress
            )
    if result is None:
        result = _full_build(loaded, options, store, parse_cache, clock, progress)
        result.diagnostics += _store_warning(store, loaded.vault.root)
    clock.lap("write")
    result.seconds = clock.laps
    return result


_NONE = NoteRecord("", "", "", ())  # the record of a note the last build did not read


def _unchanged(record: VaultRecord, options: _Options, files: str, keys: dict[str, str]) -> bool:
    """Nothing changed since the build that made `record`, and its packages are still there."""
    if not record.answers(options.key(), files, keys):
        return False
    return all(package.still_there(Path(path)) for path, package in record.packages.items())


def _recorded_summaries(record: VaultRecord) -> list[PackageSummary]:
    """The last build's packages as it reported them, none written, nothing changed."""
    ordered = sorted(record.packages.items(), key=lambda item: (item[1].name, item[0]))
    found = [PackageSummary(Path(path), False, package.decks) for path, package in ordered]
    return found + [PackageSummary(Path(path), False, {}, stale=True) for path in record.stale]


def _full_build(
    loaded: LoadedVault,
    options: _Options,
    store: Store | None,
    parse_cache: ParseCache | None,
    clock: _Clock,
    progress: Progress | None,
) -> BuildResult:
    parsed = parse_vault(loaded, parse_cache, options.jobs, progress)
    clock.lap("parse")
    compilation = compile_parsed(parsed, options.default_deck, options.kinds, options.single)
    if parse_cache is not None:
        parse_cache.save()
    manifests = read_manifests(options.out)
    groups = {name: p.kept for name, p in compilation.packages.items() if p.kept}
    groups = _carried(groups, all_entries(manifests), parsed.vault.index.files)
    generated: dict[str, bytes] = {}
    if options.diagrams:
        groups, generated = _with_diagrams(groups, compilation)
    clock.lap("compile")
    last = package_memo.recall_vault(store) if store else None
    made_from = {Path(p): r.made_from for p, r in last.packages.items()} if last else None
    reports = write_decks(
        groups,
        options.out,
        parsed.vault.root,
        options.single,
        progress,
        options.jobs,
        manifests,
        generated,
        made_from,
    )
    if store is not None:
        _remember_full(store, loaded, options, compilation, reports)
    notes = len(loaded.sources)
    reparsed = parse_cache.misses if parse_cache else notes
    return BuildResult(
        _summaries(reports), compilation.diagnostics, compilation.quality, False, notes, reparsed
    )


def _remake_packages(
    loaded: LoadedVault,
    options: _Options,
    record: VaultRecord,
    changed: list[SourceNote],
    parse_cache: ParseCache,
    clock: _Clock,
    progress: Progress | None,
) -> BuildResult | None:
    """Step 2 of the module's text, for the notes that `changed` (the vault's notes and other
    files are those of the record); None when the edit reached further than written cards."""
    store = parse_cache.store
    if record.options != options.key():
        return None
    edited_paths = {source.path for source in changed}
    parse_cache.keep(s for s in loaded.sources if s.path not in edited_paths)
    parsed = parse_vault(LoadedVault(loaded.vault, changed, []), parse_cache, 1, progress)
    clock.lap("parse")
    if len(parsed.notes) != len(changed):
        return None  # a note that no longer parses: its warnings come from a full build
    if any(view_digest(model_view(n)) != record.notes[n.path].view for n in parsed.notes):
        return None
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
        cards = package_memo.recall_cards(store, path)
        if cards is None:
            return None
        written: dict[str, list[CardNote]] = {}
        for note_path, made in cards.written.items():
            note = edited.get(note_path)
            if note is None:
                written[note_path] = made
            elif "written" in options.kinds:
                mtimes = loaded.vault.index.mtimes
                written[note_path], note_problems[note_path] = written_card_notes(
                    note, deck_for(note, deck), mtimes
                )
            else:
                written[note_path] = []
        model = [_dated(card, times) for card in cards.model]
        compiled = screen_package(PackageCards(written, model))
        if not compiled.kept:
            return None  # the package would be left empty: a full build reports it stale
        remade[path] = (package.name, compiled)
    # The untouched packages' manifests are not even read: no card moves in or out of them.
    manifests = read_manifests(options.out, skip={manifest_path(path) for path in untouched})
    entries = all_entries(manifests)
    groups = _carried(
        {name: c.kept for name, c in remade.values()}, entries, loaded.vault.index.files
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
        store, loaded, record, parsed.by_note, note_problems, remade, reports, untouched
    )
    result.parsed = parse_cache.misses
    return result


def _remember_remade(
    store: Store,
    loaded: LoadedVault,
    record: VaultRecord,
    parse_problems: Mapping[str, list[Diagnostic]],
    note_problems: Mapping[str, list[Diagnostic]],
    remade: Mapping[Path, tuple[str, CompiledPackage]],
    reports: list[PackageReport],
    untouched: list[Path],
) -> BuildResult:
    notes = dict(record.notes)
    sources = {source.path: source for source in loaded.sources}
    for note_path, problems in parse_problems.items():
        own = [*problems, *note_problems.get(note_path, [])]
        notes[note_path] = replace(
            notes[note_path],
            key=entry_key(sources[note_path]),
            diagnostics=package_memo.diagnostic_rows(own),
        )
    packages = dict(record.packages)
    by_path = {report.path: report for report in reports}
    for path, (name, compiled) in remade.items():
        packages[str(path)] = _package_record(name, compiled, by_path[path])
    stale = tuple(str(report.path) for report in reports if report.stale)
    updated = replace(record, notes=notes, packages=packages, stale=stale)
    cards = {path: compiled.cards for path, (_, compiled) in remade.items()}
    package_memo.remember(store, updated, cards, model_too=False)
    summaries = [
        PackageSummary(path, False, packages[str(path)].decks) for path in untouched
    ] + _summaries(reports)
    order = {key: package.name for key, package in packages.items()}
    summaries.sort(key=lambda s: (s.stale, order.get(str(s.path), ""), str(s.path)))
    diagnostics = list(loaded.diagnostics)
    for source in loaded.sources:
        diagnostics += package_memo.from_rows(notes[source.path].diagnostics)
    diagnostics += package_memo.from_rows(record.model_diagnostics)
    quality = QualityReport(dropped=list(record.model_dropped))
    for kept in packages.values():
        diagnostics += package_memo.from_rows(kept.diagnostics)
        quality.add(kept.report)
    return BuildResult(
        summaries,
        diagnostics,
        quality,
        False,
        len(loaded.sources),
        len(parse_problems),
        remade=(len(remade), len(packages)),
    )


def _remember_full(
    store: Store,
    loaded: LoadedVault,
    options: _Options,
    compilation: Compilation,
    reports: list[PackageReport],
) -> None:
    parsed = compilation.parsed
    deck = compilation.default_deck
    notes: dict[str, NoteRecord] = {}
    parsed_notes = {note.path: note for note in parsed.notes}
    for source in loaded.sources:
        note = parsed_notes.get(source.path)
        view = view_digest(model_view(note)) if note is not None else ""
        home = deck_for(note, deck) if note is not None else ""
        package = options.single if options.single is not None else home.split("::", 1)[0]
        own = [
            *parsed.by_note.get(source.path, []),
            *compilation.note_problems.get(source.path, []),
        ]
        notes[source.path] = NoteRecord(
            entry_key(source), view, package, package_memo.diagnostic_rows(own)
        )
    by_path = {report.path: report for report in reports if not report.stale}
    packages: dict[str, PackageRecord] = {}
    cards: dict[Path, PackageCards] = {}
    for name, compiled in compilation.packages.items():
        path = package_path_for(options.out, name, options.single)
        report = by_path.get(path)
        if report is None:
            continue  # no card kept: no package
        if report.made_from is None:  # written but not readable back: nothing to go by
            package_memo.forget(store)
            return
        packages[str(path)] = _package_record(name, compiled, report)
        cards[path] = compiled.cards
    record = VaultRecord(
        options.key(),
        _other_files(loaded),
        notes,
        package_memo.diagnostic_rows(compilation.model_problems),
        tuple(compilation.model_dropped),
        packages,
        tuple(str(report.path) for report in reports if report.stale),
    )
    package_memo.remember(store, record, cards, model_too=True)


def _package_record(name: str, compiled: CompiledPackage, report: PackageReport) -> PackageRecord:
    assert report.made_from is not None
    dated = sorted({path for card in compiled.cards.model for path in card.dated_by})
    return PackageRecord(
        name,
        tuple(compiled.cards.written),
        tuple(dated),
        deck_counts(report.cards),
        compiled.quality,
        package_memo.diagnostic_rows(compiled.diagnostics),
        report.made_from,
    )


def _dated(card: CardNote, times: Mapping[str, int]) -> CardNote:
    """A remembered model card with the newest time of the notes it is dated by, as new."""
    mod = max(times[path] for path in card.dated_by) if card.dated_by else card.mod
    return card if mod == card.mod else replace(card, mod=mod)


def _other_files(loaded: LoadedVault) -> str:
    """Every vault file besides the notes, with its time: pictures, PDFs, excluded notes."""
    notes = {source.path for source in loaded.sources}
    digest = hashlib.sha256()
    for path, mtime in sorted(loaded.vault.index.mtimes.items()):
        if path not in notes:
            digest.update(f"{path}\0{mtime}\0".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _carried(
    groups: Mapping[str, list[CardNote]], entries: dict[str, Entry], files: set[str]
) -> dict[str, list[CardNote]]:
    """The groups with GUIDs carried over from the previous build (one pass over all cards)."""
    names = sorted(groups)
    flat = carry_guids([card for name in names for card in groups[name]], entries, files)
    carried: dict[str, list[CardNote]] = {}
    at = 0
    for name in names:
        carried[name] = flat[at : at + len(groups[name])]
        at += len(groups[name])
    return carried


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


def _summaries(reports: list[PackageReport]) -> list[PackageSummary]:
    return [
        PackageSummary(r.path, r.written, deck_counts(r.cards), r.changes, r.stale) for r in reports
    ]


def _store_warning(store: Store | None, root: Path) -> list[Diagnostic]:
    """One warning when the build store could not be used and everything was built anew."""
    if store is None or not store.reset or store.location is None:
        return []
    path = store.location
    where = path.relative_to(root) if path.is_relative_to(root) else path
    message = f"the build cache was {store.reset}; it was started anew and every note parsed"
    return [warning(str(where), 1, message)]


class _Clock:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.laps[stage] = now - self._last
        self._last = now
