"""The compiler's stages end to end: read vault → parse → model → cards → packages.

Each stage is a function over plain data; only reading the vault and `write.write_decks`
touch the disk.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from chaincards import build_record
from chaincards.anki.carryover import carry_guids
from chaincards.anki.manifest import all_entries, read_manifests
from chaincards.build_record import PackageSummary
from chaincards.cache import ParseCache
from chaincards.cards.card import CardNote
from chaincards.cards.generate import CARD_KINDS, all_cards
from chaincards.cards.quality import QualityReport, screen
from chaincards.decks import deck_for, valid_deck_or
from chaincards.diagnostics import Diagnostic, warning
from chaincards.document import ParsedNote, SourceNote
from chaincards.git_times import committed_times
from chaincards.locks import one_build_at_a_time
from chaincards.memory import collector_paused
from chaincards.model import Model, build_model, check_model
from chaincards.model.view import model_view
from chaincards.parallel import parse_notes
from chaincards.progress import Progress
from chaincards.store import Store
from chaincards.vault import DEFAULT_INCLUDE, Vault, discover, read_note, source_date_epoch
from chaincards.write import write_decks


@dataclass
class ParsedVault:
    vault: Vault
    notes: list[ParsedNote]
    diagnostics: list[Diagnostic]


@dataclass
class Compilation:
    parsed: ParsedVault
    cards: list[CardNote]
    diagnostics: list[Diagnostic]
    default_deck: str
    model: Model
    quality: QualityReport


@dataclass
class LoadedVault:
    vault: Vault
    sources: list[SourceNote]
    diagnostics: list[Diagnostic]  # files that could not be found, decoded or read


def load_vault(
    paths: list[Path],
    include: tuple[str, ...] = DEFAULT_INCLUDE,
    skip: tuple[Path, ...] = (),
    exclude: tuple[str, ...] = (),
) -> LoadedVault:
    """Find and decode the notes. File times come from git for files unchanged since their
    last commit, else from the file system; SOURCE_DATE_EPOCH caps them."""
    vault = discover(paths, include, skip, exclude)
    diagnostics = list(vault.diagnostics)
    committed = committed_times(vault.root)
    times = vault.index.mtimes
    times.update((path, time) for path, time in committed.items() if path in times)
    epoch = source_date_epoch()
    if epoch is not None:
        vault.index.mtimes = {path: min(time, epoch) for path, time in times.items()}
    sources: list[SourceNote] = []
    for path in vault.note_files:
        rel = path.relative_to(vault.root).as_posix()
        source, problems = read_note(path, vault.root, vault.name, epoch, committed.get(rel))
        diagnostics.extend(problems)
        if source is not None:
            sources.append(source)
    return LoadedVault(vault, sources, diagnostics)


def parse_vault(
    loaded: LoadedVault,
    cache: ParseCache | None = None,
    jobs: int = 1,
    progress: Progress | None = None,
) -> ParsedVault:
    diagnostics = list(loaded.diagnostics)
    notes: list[ParsedNote] = []
    tick = progress.start("parsing notes", len(loaded.sources)) if progress else None
    for result in parse_notes(loaded.sources, loaded.vault.index, cache, jobs, tick):
        diagnostics.extend(result.diagnostics)
        if result.note is not None:
            notes.append(result.note)
    return ParsedVault(loaded.vault, notes, diagnostics)


def read_vault(
    paths: list[Path],
    include: tuple[str, ...] = DEFAULT_INCLUDE,
    skip: tuple[Path, ...] = (),
    cache: ParseCache | None = None,
    jobs: int = 1,
    progress: Progress | None = None,
    exclude: tuple[str, ...] = (),
) -> ParsedVault:
    return parse_vault(load_vault(paths, include, skip, exclude), cache, jobs, progress)


def compile_vault(
    paths: list[Path],
    include: tuple[str, ...] = DEFAULT_INCLUDE,
    default_deck: str | None = None,
    skip: tuple[Path, ...] = (),
    kinds: tuple[str, ...] = CARD_KINDS,
    cache: ParseCache | None = None,
    jobs: int = 1,
    progress: Progress | None = None,
) -> Compilation:
    parsed = read_vault(paths, include, skip, cache, jobs, progress)
    return compile_parsed(parsed, default_deck, kinds)


@collector_paused()
def compile_parsed(
    parsed: ParsedVault,
    default_deck: str | None,
    kinds: tuple[str, ...] = CARD_KINDS,
) -> Compilation:
    """The model and its cards, duplicates dropped, with the quality report."""
    deck = default_deck_of(parsed.vault, default_deck)
    model = build_model(parsed.notes)
    mtimes = parsed.vault.index.mtimes
    cards, problems = all_cards(parsed.notes, model, deck, kinds, mtimes)
    problems += vault_warnings(parsed.notes, parsed.vault, model, deck)
    cards, quality, screened = screen(cards)
    problems += screened
    return Compilation(parsed, cards, parsed.diagnostics + problems, deck, model, quality)


@dataclass
class BuildResult:
    packages: list[PackageSummary]
    diagnostics: list[Diagnostic]
    quality: QualityReport
    reused: bool  # True when nothing changed since the last build, which was reported again
    notes: int = 0  # note files read
    parsed: int = 0  # of them parsed again (the rest came from the parse cache)
    seconds: dict[str, float] = field(default_factory=dict)  # per stage


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
    """Notes in, packages out. With a cache folder, unchanged notes are not parsed again,
    unchanged packages are not rewritten, and an unchanged vault is not even parsed. A second
    build into the same `out` waits for the first (`waiting()` is called when it must)."""
    clock = _Clock()
    loaded = load_vault(paths, include, skip, exclude)
    with one_build_at_a_time(out, waiting):
        store = Store(cache_folder) if cache_folder else None
        try:
            return _build(
                loaded, out, store, clock, default_deck, kinds, single, jobs, progress, diagrams
            )
        finally:
            if store is not None:
                store.close()


def _store_warning(store: Store | None, root: Path) -> list[Diagnostic]:
    """One warning when the build store could not be used and everything was built anew."""
    if store is None or not store.reset or store.location is None:
        return []
    path = store.location
    where = path.relative_to(root) if path.is_relative_to(root) else path
    message = f"the build cache was {store.reset}; it was started anew and every note parsed"
    return [warning(str(where), 1, message)]


def _build(
    loaded: LoadedVault,
    out: Path,
    store: Store | None,
    clock: _Clock,
    default_deck: str | None,
    kinds: tuple[str, ...],
    single: str | None,
    jobs: int,
    progress: Progress | None,
    diagrams: bool,
) -> BuildResult:
    options = (
        str(out.resolve()),
        single or "",
        default_deck or "",
        ",".join(kinds),
        "diagrams" if diagrams else "",
    )
    mtimes = loaded.vault.index.mtimes
    key = build_record.build_key(loaded.sources, mtimes, options) if store else ""
    last = build_record.recall(store, key) if store else None
    clock.lap("read")
    if last is not None:
        diagnostics = loaded.diagnostics + last.diagnostics
        notes = len(loaded.sources)
        return BuildResult(
            last.packages, diagnostics, last.quality, True, notes, 0, seconds=clock.laps
        )
    parse_cache = ParseCache(store) if store else None
    parsed = parse_vault(loaded, parse_cache, jobs, progress)
    clock.lap("parse")
    compilation = compile_parsed(parsed, default_deck, kinds)
    if parse_cache is not None:
        parse_cache.save()
    manifests = read_manifests(out)
    cards = carry_guids(compilation.cards, all_entries(manifests), parsed.vault.index.files)
    generated: dict[str, bytes] = {}
    if diagrams:
        # Imported here: drawing is optional and its modules would slow every start-up.
        from chaincards.diagrams.on_cards import with_diagrams
        from chaincards.diagrams.svg import render_svg

        cards, generated = with_diagrams(cards, compilation.model, render_svg)
    clock.lap("compile")
    reports = write_decks(
        cards, out, parsed.vault.root, single, progress, store, jobs, manifests, generated
    )
    packages = [
        PackageSummary(r.path, r.written, deck_counts(r.cards), r.changes, r.stale) for r in reports
    ]
    if store is not None:
        found = compilation.diagnostics[len(loaded.diagnostics) :]
        build_record.remember(store, key, packages, found, compilation.quality)
    clock.lap("write")
    notes = len(loaded.sources)
    reparsed = parse_cache.misses if parse_cache else notes
    # Said once, by this build: the record above is what the next build repeats.
    return BuildResult(
        packages,
        compilation.diagnostics + _store_warning(store, loaded.vault.root),
        compilation.quality,
        False,
        notes,
        reparsed,
        seconds=clock.laps,
    )


class _Clock:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.laps[stage] = now - self._last
        self._last = now


def deck_counts(cards: list[CardNote]) -> dict[str, dict[str, int]]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for card in cards:
        counts[card.deck][card.kind] += 1
    return {deck: dict(sorted(kinds.items())) for deck, kinds in sorted(counts.items())}


def vault_warnings(
    notes: list[ParsedNote], vault: Vault, model: Model, default_deck: str
) -> list[Diagnostic]:
    """What the model finds doubtful in the notes, and chain notes whose cards would land in a
    deck named after their folder (or the default deck) because they set no `cards-deck`. Build
    and check report the same list."""
    notes = [model_view(note) for note in notes]  # as the model reads them: no written card
    names = vault.index.note_names()
    for note in notes:
        names |= {note.title.casefold(), *(a.casefold() for a in note.meta.aliases)}
    found = check_model(model, notes, names)
    chain_notes = {s.path for a in model.activities if a.declared for s in a.sources}
    for note in notes:
        if note.meta.deck is None and note.path in chain_notes:
            deck = deck_for(note, default_deck)
            origin = "its folder" if note.source.folder_deck else "the default deck"
            found.append(
                warning(
                    note.path,
                    1,
                    f"no cards-deck: this note's cards go to deck '{deck}' (from {origin}); "
                    "set it in the frontmatter, e.g. 'cards-deck: Course::Chapter'",
                )
            )
    return found


def default_deck_of(vault: Vault, default_deck: str | None) -> str:
    return default_deck or valid_deck_or(vault.name, "Default")
