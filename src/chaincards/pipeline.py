"""The compiler's stages end to end: read vault → parse → model → cards → packages.

Each stage is a function over plain data; only reading the vault and `write.write_decks`
touch the disk.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from chaincards.anki.package import top_level_deck
from chaincards.cards.card import CardNote
from chaincards.cards.facts import Vault as CardVault
from chaincards.cards.generate import CARD_KINDS, model_cards
from chaincards.cards.lists import MAX_LIST_LINES
from chaincards.cards.quality import Dropped, QualityReport, screen
from chaincards.cards.written import written_card_notes
from chaincards.decks import deck_for, valid_deck_or
from chaincards.diagnostics import Diagnostic, warning
from chaincards.document import ParsedNote, SourceNote
from chaincards.memory import collector_paused
from chaincards.model import Model, build_model, check_model
from chaincards.model.view import model_view
from chaincards.parallel import parse_notes
from chaincards.parse.cache import ParseCache
from chaincards.progress import Progress
from chaincards.source.git_times import committed_times
from chaincards.source.vault import DEFAULT_INCLUDE, Vault, discover, read_note, source_date_epoch


@dataclass
class ParsedVault:
    vault: Vault
    notes: list[ParsedNote]
    diagnostics: list[Diagnostic]
    # Each parsed file's own diagnostics (part of `diagnostics`), by path.
    by_note: dict[str, list[Diagnostic]] = field(default_factory=dict)


@dataclass(frozen=True)
class PackageCards:
    """A package's cards before its own screen: written cards by note, then model cards."""

    written: dict[str, list[CardNote]]  # note path → its written cards, in build order
    model: list[CardNote]

    def all(self) -> list[CardNote]:
        return [card for cards in self.written.values() for card in cards] + self.model


@dataclass
class Compilation:
    parsed: ParsedVault
    default_deck: str
    model: Model
    packages: dict[str, CompiledPackage]  # by package name (top-level deck, or `--single`)
    note_problems: dict[str, list[Diagnostic]]  # by note: its written cards' problems
    model_problems: list[Diagnostic]  # the model's checks
    model_dropped: list[Dropped]  # model cards screened out before packaging
    model_cards: list[CardNote]  # the model cards not screened out, in the order made

    @property
    def cards(self) -> list[CardNote]:
        """Every card kept: written cards in note order, then model cards in the order made
        (within each package, the order its cards are written in)."""
        kept = {id(card) for package in self.packages.values() for card in package.kept}
        written = {
            path: cards
            for package in self.packages.values()
            for path, cards in package.cards.written.items()
        }
        found: list[CardNote] = []
        for note in self.parsed.notes:
            found += (card for card in written.get(note.path, ()) if id(card) in kept)
        found += (card for card in self.model_cards if id(card) in kept)
        return found

    @property
    def diagnostics(self) -> list[Diagnostic]:
        found = list(self.parsed.diagnostics)
        for problems in self.note_problems.values():
            found += problems
        found += self.model_problems
        for package in self.packages.values():
            found += package.diagnostics
        return found

    @property
    def quality(self) -> QualityReport:
        report = QualityReport(dropped=list(self.model_dropped))
        for package in self.packages.values():
            report.add(package.quality)
        return report


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
    vault_name: str | None = None,
) -> LoadedVault:
    """Find and decode the notes. File times come from git for files unchanged since their
    last commit, else from the file system; SOURCE_DATE_EPOCH caps them. `vault_name`: the
    Obsidian vault's name for links (default: found from `.obsidian/`)."""
    vault = discover(paths, include, skip, exclude, vault_name)
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
        source, problems = read_note(
            path, vault.root, vault.link_vault, epoch, committed.get(rel), vault.link_prefix
        )
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
    by_note: dict[str, list[Diagnostic]] = {}
    tick = progress.start("parsing notes", len(loaded.sources)) if progress else None
    results = parse_notes(loaded.sources, loaded.vault.index, cache, jobs, tick)
    for source, result in zip(loaded.sources, results, strict=True):
        diagnostics.extend(result.diagnostics)
        by_note[source.path] = result.diagnostics
        if result.note is not None:
            notes.append(result.note)
    return ParsedVault(loaded.vault, notes, diagnostics, by_note)


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
    single: str | None = None,
) -> Compilation:
    """The model and its cards, by package, duplicates dropped, with the quality report.

    Model cards are screened on their own first (a model card never depends on a written
    one), then each package's written and model cards together, so a package can be screened
    again alone when only its written cards changed (`chaincards.build.memo`)."""
    deck = default_deck_of(parsed.vault, default_deck)
    model = build_model(parsed.notes)
    mtimes = parsed.vault.index.mtimes
    packages: dict[str, PackageCards] = {}
    note_problems: dict[str, list[Diagnostic]] = {}
    for note in parsed.notes:
        written, note_problems[note.path] = written_cards_of(note, deck, kinds, mtimes)
        home = package_of(deck_for(note, deck), single)
        packages.setdefault(home, PackageCards({}, [])).written[note.path] = written
    vault = CardVault({note.path: model_view(note) for note in parsed.notes}, deck, model)
    keys: dict[int, tuple[CardNote, str]] = {}  # question keys, for the packages' screens
    model_kept, model_screen, _ = screen(model_cards(model, vault, kinds), keys=keys)
    for card in model_kept:
        package = packages.setdefault(package_of(card.deck, single), PackageCards({}, []))
        package.model.append(card)
    model_problems = vault_warnings(parsed.notes, parsed.vault, model, deck)
    model_problems += [
        warning(
            path,
            line,
            f"list of {count} items: too long to ask as one question (over {MAX_LIST_LINES}); "
            "none of its items is carded: split it into shorter lists",
        )
        for path, line, count in sorted(vault.too_long)
    ]
    compiled = {name: screen_package(cards, keys) for name, cards in sorted(packages.items())}
    return Compilation(
        parsed,
        deck,
        model,
        compiled,
        note_problems,
        model_problems,
        model_screen.dropped,
        model_kept,
    )


def written_cards_of(
    note: ParsedNote, default_deck: str, kinds: Iterable[str], media_mtimes: Mapping[str, int]
) -> tuple[list[CardNote], list[Diagnostic]]:
    """The note's written cards, with their problems; none when `kinds` leaves them out."""
    if "written" not in kinds:
        return [], []
    return written_card_notes(note, deck_for(note, default_deck), media_mtimes)


@dataclass
class CompiledPackage:
    cards: PackageCards  # before the package's own screen
    kept: list[CardNote]
    quality: QualityReport
    diagnostics: list[Diagnostic]


def screen_package(
    cards: PackageCards, keys: dict[int, tuple[CardNote, str]] | None = None
) -> CompiledPackage:
    kept, quality, diagnostics = screen(cards.all(), generated_screened=True, keys=keys)
    return CompiledPackage(cards, kept, quality, diagnostics)


def package_of(deck: str, single: str | None) -> str:
    """The package a deck's cards go to: its top-level deck's, or the one `--single` names."""
    return single if single is not None else top_level_deck(deck)


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
