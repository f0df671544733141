"""The compiler's stages end to end: read vault → parse → model → cards → packages.

Each stage is a function over plain data; only `read_vault` and `write_decks` touch the disk.
"""

from __future__ import annotations

import glob
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from chaincards.anki.freshness import inputs_digest, is_fresh, remember
from chaincards.anki.package import package_file_name, package_groups, write_package
from chaincards.cache import CompiledCache, ParseCache, entry_key
from chaincards.cards.card import CardNote
from chaincards.cards.generate import CARD_KINDS, all_cards
from chaincards.cards.guid import normalise_key
from chaincards.cards.quality import QualityReport, quality_report
from chaincards.decks import valid_deck_or
from chaincards.diagnostics import Diagnostic, warning
from chaincards.document import ParsedNote, SourceNote
from chaincards.model import Model, build_model, check_model
from chaincards.parallel import parse_notes
from chaincards.progress import Progress
from chaincards.vault import DEFAULT_INCLUDE, Vault, discover, read_note, source_date_epoch


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
    model: Model | None  # None when the cards came from the previous build unchanged
    quality: QualityReport


@dataclass
class PackageReport:
    path: Path
    written: bool  # False when the package on disk already had exactly these bytes
    cards: list[CardNote] = field(default_factory=list)


def read_vault(
    paths: list[Path],
    include: tuple[str, ...] = DEFAULT_INCLUDE,
    skip: tuple[Path, ...] = (),
    cache: ParseCache | None = None,
    jobs: int = 1,
    progress: Progress | None = None,
) -> ParsedVault:
    vault = discover(paths, include, skip)
    diagnostics = list(vault.diagnostics)
    notes: list[ParsedNote] = []
    epoch = source_date_epoch()
    if epoch is not None:
        times = vault.index.mtimes
        vault.index.mtimes = {path: min(time, epoch) for path, time in times.items()}
    sources: list[SourceNote] = []
    for path in vault.note_files:
        source, problems = read_note(path, vault.root, vault.name, epoch)
        diagnostics.extend(problems)
        if source is not None:
            sources.append(source)
    tick = progress.start("parsing notes", len(sources)) if progress else None
    for result in parse_notes(sources, vault.index, cache, jobs, tick):
        diagnostics.extend(result.diagnostics)
        if result.note is not None:
            notes.append(result.note)
    return ParsedVault(vault, notes, diagnostics)


def drop_duplicate_fronts(
    cards: list[CardNote], diagnostics: list[Diagnostic]
) -> tuple[list[CardNote], int]:
    """One card per front within a deck: a learner cannot answer two cards that ask the same.

    The first card in source order wins; the others are reported and left out.
    """
    kept: list[CardNote] = []
    fronts: dict[tuple[str, str, str], CardNote] = {}
    guids: dict[str, CardNote] = {}
    for card in cards:
        key = (card.deck, card.shape, normalise_key(card.front))
        first = fronts.get(key) or guids.get(card.guid)
        if first is not None:
            path, _, line = card.origin.rpartition(":")
            diagnostics.append(
                warning(
                    path,
                    int(line or 1),
                    f"duplicate card in deck {card.deck!r} (same as {first.origin}); skipped",
                )
            )
            continue
        fronts[key] = card
        guids[card.guid] = card
        kept.append(card)
    return kept, len(cards) - len(kept)


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
    deck = default_deck or valid_deck_or(parsed.vault.name, "Default")
    compiled = CompiledCache(cache.folder.parent / "compiled.pickle") if cache else None
    key = _compiled_key(parsed, deck, kinds) if compiled else ""
    stored = compiled.get(key) if compiled else None
    if isinstance(stored, tuple):
        model = None  # the cards are all a build needs; the model is not stored
        cards, problems, quality = stored
    else:
        model = build_model(parsed.notes)
        cards, problems = all_cards(parsed.notes, model, deck, kinds, parsed.vault.index.mtimes)
        cards, suppressed = drop_duplicate_fronts(cards, problems)
        quality = quality_report(cards, suppressed)
        if compiled:
            compiled.put(key, (cards, problems, quality))
    return Compilation(parsed, cards, parsed.diagnostics + problems, deck, model, quality)


def _compiled_key(parsed: ParsedVault, deck: str, kinds: tuple[str, ...]) -> str:
    """Everything the model and cards depend on: every note, every file's time, the options."""
    digest = hashlib.sha256(f"{deck}\0{','.join(kinds)}\0".encode())
    for note in parsed.notes:
        digest.update(entry_key(note.source).encode())
    for path, mtime in sorted(parsed.vault.index.mtimes.items()):
        digest.update(f"{path}\0{mtime}\0".encode())
    return digest.hexdigest()


def check_vault(parsed: ParsedVault) -> list[Diagnostic]:
    """What `check` adds to the parse diagnostics: the model's doubts and notes without a deck."""
    model = build_model(parsed.notes)
    names = parsed.vault.index.note_names()
    for note in parsed.notes:
        names |= {note.title.casefold(), *(a.casefold() for a in note.meta.aliases)}
    found = check_model(model, parsed.notes, names)
    found += [
        warning(note.path, 1, "no cards-deck in the frontmatter; deck from folder or default")
        for note in parsed.notes
        if note.meta.deck is None
    ]
    return found


def write_decks(
    cards: list[CardNote],
    out: Path,
    media_root: Path,
    single: str | None,
    progress: Progress | None = None,
    state: Path | None = None,
) -> list[PackageReport]:
    """Write one package per group; with a `state` folder, skip packages that would not change."""
    reports: list[PackageReport] = []
    groups = sorted(package_groups(cards, single).items())
    tick = progress.start("writing packages", len(groups)) if progress else None
    for name, group in groups:
        path = out / (single if single else package_file_name(name))
        for stale in out.glob(f".{glob.escape(path.name)}.*.tmp"):
            # Left by a build that was killed while writing; never a finished package.
            stale.unlink(missing_ok=True)
        digest = inputs_digest(group, media_root) if state else ""
        if state and is_fresh(path, digest, state):
            written = False
        else:
            written = write_package(group, path, media_root)
            if state:
                remember(path, digest, state)
        reports.append(PackageReport(path, written, group))
        if tick:
            tick(1)
    return reports
