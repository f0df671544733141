"""The last stage: packages and their manifests written, with what changed for learners.

Packages are written in forked workers (see `parallel.run_each`); each compares its cards with
the previous build's manifests and writes its own manifest.
"""

from __future__ import annotations

import glob
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from chaincards.anki.freshness import Written, inputs_digest, is_fresh, written_record
from chaincards.anki.manifest import (
    Changes,
    Entry,
    Manifest,
    all_entries,
    compare,
    content_hash,
    entries_for,
    manifest_path,
    package_path,
    read_manifests,
    settle_mods,
    write_manifest,
)
from chaincards.anki.package import note_ids, package_file_name, package_groups, write_package
from chaincards.cards.card import CardNote
from chaincards.parallel import run_each
from chaincards.progress import Progress
from chaincards.store import Decoder, Store, encode

_WRITTEN = Decoder([Written])  # what a package record may hold


@dataclass
class PackageReport:
    path: Path
    written: bool  # False when the package on disk already had exactly these bytes
    cards: list[CardNote] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)  # against the previous manifests
    stale: bool = False  # a package of the last build that no note goes to any more


def write_decks(
    cards: list[CardNote],
    out: Path,
    media_root: Path,
    single: str | None,
    progress: Progress | None = None,
    store: Store | None = None,
    jobs: int = 1,
    manifests: dict[Path, Manifest] | None = None,
    generated: Mapping[str, bytes] | None = None,
) -> list[PackageReport]:
    """Write one package per group; with a build store, skip packages that would not change.

    `generated` holds media the build made (diagrams), by the name the cards use.

    Changes are counted against `manifests` (read from `out` when not given). A package of the
    last build that no note goes to any more is reported with its notes removed; its files are
    left for the user to delete (a build of part of a vault must not delete the rest).
    """
    if manifests is None:
        manifests = read_manifests(out)
    known = all_entries(manifests)
    built = frozenset(card.guid for card in cards)
    plans: list[_PackagePlan] = []
    for name, group in sorted(package_groups(cards, single).items()):
        path = out / (single if single else package_file_name(name))
        for stale in out.glob(f".{glob.escape(path.name)}.*.tmp"):
            # Left by a build that was killed while writing; never a finished package.
            stale.unlink(missing_ok=True)
        previous = manifests.get(manifest_path(path), Manifest())
        made = {m: generated[m] for c in group for m in c.media if generated and m in generated}
        record = _recorded(store, path) if store is not None else None
        plans.append(
            _PackagePlan(
                path, group, media_root, store is not None, record, previous, known, built, made
            )
        )
    tick = progress.start("writing packages", len(plans)) if progress else None
    # The workers only return what they wrote: the store stays this process's own.
    done = run_each(_write_planned, plans, jobs, tick)
    for plan, (_, _, record) in zip(plans, done, strict=True):
        if store is not None and record is not None:
            store.put("packages", str(plan.path), encode(record))
    reports = [
        PackageReport(plan.path, written, plan.cards, changes)
        for plan, (written, changes, _) in zip(plans, done, strict=True)
    ]
    planned = {manifest_path(plan.path) for plan in plans}
    for manifest, previous in sorted(manifests.items()):
        if manifest not in planned and previous.entries:
            gone = [entry for guid, entry in previous.entries.items() if guid not in built]
            package = package_path(manifest)
            reports.append(PackageReport(package, False, changes=Changes(removed=gone), stale=True))
    return reports


@dataclass
class _PackagePlan:
    path: Path
    cards: list[CardNote]
    media_root: Path
    remember: bool  # with a store: the package's inputs are digested and recorded
    record: Written | None  # what the package on disk was written from, by the store
    previous: Manifest  # this package's, from the last build
    known: dict[str, Entry]  # every package's entries from the last build
    built: frozenset[str]  # every GUID this build writes
    generated: dict[str, bytes]  # media this package's cards use that the build made


def _recorded(store: Store, path: Path) -> Written | None:
    blob = store.get("packages", str(path))
    try:
        record = _WRITTEN.decode(blob) if blob is not None else None
    except ValueError:
        return None
    return record if isinstance(record, Written) else None


def _write_planned(plan: _PackagePlan) -> tuple[bool, Changes, Written | None]:
    digest = inputs_digest(plan.cards, plan.media_root) if plan.remember else ""
    ids: dict[str, int] | None = None
    fresh = plan.remember and is_fresh(plan.path, digest, plan.record)
    if fresh and digest == plan.previous.inputs:
        return False, Changes(), None  # its manifest already describes exactly these cards
    # Only here, for a package that changed: hashing every card is what settling costs.
    hashes = {card.guid: content_hash(card) for card in plan.cards}
    record: Written | None = None
    cards = settle_mods(plan.cards, plan.known, hashes)
    if fresh:
        written = False
    else:
        ids = note_ids(cards)
        written = write_package(cards, plan.path, plan.media_root, ids, plan.generated)
        if plan.remember:
            record = written_record(plan.path, digest)
    entries = entries_for(cards, ids or note_ids(cards), plan.known, hashes)
    write_manifest(manifest_path(plan.path), plan.path.name, Manifest(entries, digest))
    return written, compare(plan.previous.entries, entries, plan.known, plan.built), record
