"""`chaincards build`: notes in, packages out, doing no more than the edit since the last build
asks for. With a build store, in this order:

1. nothing changed since the last build: its report again (`memo`);
2. only written cards changed (every changed note kept its model view): the packages those
   notes reach are made again from the cards the last build kept, the model is not rebuilt
   (`remake`);
3. otherwise (`full`): parse what changed (`cache`), then the model, its cards, each
   package's screen, GUIDs carried over, packages written; all of it remembered for the next build.
Without a store, step 3 alone, with nothing remembered.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from chaincards.anki.manifest_file import ManifestError
from chaincards.build.full import full_build
from chaincards.build.memo import VaultRecord, recall_vault
from chaincards.build.packages import other_files
from chaincards.build.remake import remake_packages
from chaincards.build.result import BuildOptions, BuildResult, Clock, PackageSummary
from chaincards.cards.generate import CARD_KINDS
from chaincards.cards.quality import QualityReport
from chaincards.diagnostics import Diagnostic, error, warning
from chaincards.document import SourceNote
from chaincards.locks import one_build_at_a_time
from chaincards.memory import collector_paused
from chaincards.parse.cache import ParseCache, entry_key
from chaincards.pipeline import LoadedVault, load_vault
from chaincards.progress import Progress
from chaincards.source.vault import DEFAULT_INCLUDE
from chaincards.store import Store
from chaincards.write import remove_stale_temp_files

__all__ = ["BuildResult", "PackageSummary", "build_decks"]


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
    reset_ids: bool = False,
    vault_name: str | None = None,
) -> BuildResult:
    """Notes in, packages out (see the module's text). A second build into the same `out`
    waits for the first (`waiting()` is called when it must)."""
    clock = Clock()
    loaded = load_vault(paths, include, skip, exclude, vault_name)
    link = f"{loaded.vault.link_vault}/{loaded.vault.link_prefix}"
    options = BuildOptions(out, default_deck, kinds, single, jobs, diagrams, reset_ids, link)
    with one_build_at_a_time(out, waiting):
        if out.is_dir():
            remove_stale_temp_files(out)
        store = Store(cache_folder) if cache_folder else None
        try:
            return _build(loaded, options, store, clock, progress)
        except ManifestError as exc:
            # Read before anything is written: the output folder is as it was.
            problem = error(str(exc.path), 1, _manifest_advice(exc))
            return BuildResult([], [*loaded.diagnostics, problem], QualityReport(), False)
        finally:
            if store is not None:
                store.close()


def _build(
    loaded: LoadedVault,
    options: BuildOptions,
    store: Store | None,
    clock: Clock,
    progress: Progress | None,
) -> BuildResult:
    # --reset-ids writes every package anew, from no manifest: the last build is no guide.
    record = recall_vault(store) if store and not options.reset_ids else None
    keys = {source.path: entry_key(source) for source in loaded.sources}
    clock.lap("read")
    changed: list[SourceNote] | None = None  # None: more than notes changed since the record
    if record is not None and _same_vault(record, options, other_files(loaded), keys):
        changed = [s for s in loaded.sources if keys[s.path] != record.notes[s.path].key]
    if record is not None and changed == [] and _still_there(record):
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
    if parse_cache is not None and record is not None and changed and not options.diagrams:
        result = remake_packages(
            loaded, options, record, keys, changed, parse_cache, clock, progress
        )
    if result is None:
        result = full_build(loaded, options, store, record, keys, parse_cache, clock, progress)
        result.diagnostics += _store_warning(store, loaded.vault.root)
    clock.lap("write")
    result.seconds = clock.laps
    return result


def _manifest_advice(problem: ManifestError) -> str:
    name = problem.path.name
    return (
        f"this manifest {problem.reason}. It keeps the GUIDs that carry the learners' review "
        f"history: restore it (git checkout -- '{name}', or from a backup) and build again, or "
        "build with --reset-ids to start the GUIDs afresh from the notes (the build then says "
        "how many cards import as new notes)"
    )


def _same_vault(
    record: VaultRecord, options: BuildOptions, files: str, keys: dict[str, str]
) -> bool:
    """The same options, other files and set of notes as when `record` was made."""
    return (
        record.options == options.key()
        and record.files == files
        and record.notes.keys() == keys.keys()
    )


def _still_there(record: VaultRecord) -> bool:
    """Every package of the record is on disk as it was written."""
    return all(package.still_there(Path(path)) for path, package in record.packages.items())


def _recorded_summaries(record: VaultRecord) -> list[PackageSummary]:
    """The last build's packages as it reported them, none written, nothing changed."""
    ordered = sorted(record.packages.items(), key=lambda item: (item[1].name, item[0]))
    found = [PackageSummary(Path(path), False, package.decks) for path, package in ordered]
    return found + [PackageSummary(Path(path), False, {}, stale=True) for path in record.stale]


def _store_warning(store: Store | None, root: Path) -> list[Diagnostic]:
    """One warning when the build store could not be used and everything was built anew."""
    if store is None or not store.reset or store.location is None:
        return []
    path = store.location
    where = path.relative_to(root) if path.is_relative_to(root) else path
    message = f"the build cache was {store.reset}; it was started anew and every note parsed"
    return [warning(str(where), 1, message)]
