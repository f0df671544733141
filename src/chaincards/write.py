"""The last stage: packages and their manifests written, with what changed for learners.

Packages are written in forked workers (see `parallel.run_each`); each compares its cards with
the previous build's manifests and writes its own manifest. What each package was written from
is returned, for the build store to keep (`chaincards.build.memo`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from chaincards.anki.changes import Changes, compare
from chaincards.anki.freshness import Written, file_sha256, inputs_digest
from chaincards.anki.manifest import (
    SUFFIX,
    Entry,
    Manifest,
    all_entries,
    content_hash,
    entries_for,
    manifest_path,
    media_digests,
    package_path,
    retire,
    settle_mods,
)
from chaincards.anki.manifest_file import read_manifests, write_manifest
from chaincards.anki.package import note_ids, package_file_name, write_package
from chaincards.cards.card import CardNote
from chaincards.parallel import run_each
from chaincards.progress import Progress


@dataclass
class PackageReport:
    path: Path
    written: bool  # False when the package on disk already had exactly these bytes
    cards: list[CardNote] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)  # against the previous manifests
    stale: bool = False  # a package of the last build that no note goes to any more
    made_from: Written | None = None  # what the files now on disk were written from


def write_decks(
    groups: Mapping[str, list[CardNote]],
    out: Path,
    media_root: Path,
    single: str | None,
    progress: Progress | None = None,
    jobs: int = 1,
    manifests: dict[Path, Manifest] | None = None,
    generated: Mapping[str, bytes] | None = None,
    last: Mapping[Path, Written] | None = None,
    untouched: frozenset[Path] = frozenset(),
) -> list[PackageReport]:
    """Write one package per group (package name → its cards, in order).

    `generated` holds media the build made (diagrams), by the name the cards use. `last`: what
    each package on disk was written from; a package whose cards are the same and whose files
    are untouched is not written again. `untouched`: packages this build leaves as they are
    (an incremental build): never reported stale. No card moves into or out of them, so their
    manifests need not be among `manifests`.

    Changes are counted against `manifests` (read from `out` when not given). A package of the
    last build that no note goes to any more is reported with its notes removed; its files are
    left for the user to delete (a build of part of a vault must not delete the rest).
    """
    if manifests is None:
        manifests = read_manifests(out)
    known = all_entries(manifests)
    built = frozenset(card.guid for cards in groups.values() for card in cards)
    plans: list[_PackagePlan] = []
    for name, group in sorted(groups.items()):
        path = package_path_for(out, name, single)
        previous = manifests.get(manifest_path(path), Manifest())
        made = {m: generated[m] for c in group for m in c.media if generated and m in generated}
        record = last.get(path) if last is not None else None
        plans.append(_PackagePlan(path, group, media_root, record, previous, known, built, made))
    tick = progress.start("writing packages", len(plans)) if progress else None
    done = run_each(_write_planned, plans, jobs, tick)
    reports = [
        PackageReport(plan.path, written, plan.cards, changes, made_from=record)
        for plan, (written, changes, record) in zip(plans, done, strict=True)
    ]
    planned = {manifest_path(plan.path) for plan in plans} | {manifest_path(p) for p in untouched}
    for manifest, previous in sorted(manifests.items()):
        if manifest not in planned and previous.entries:
            gone = [entry for guid, entry in previous.entries.items() if guid not in built]
            package = package_path(manifest)
            reports.append(PackageReport(package, False, changes=Changes(removed=gone), stale=True))
    return reports


def remove_stale_temp_files(out: Path) -> None:
    """Temp files of packages and manifests left by a build that was killed while writing
    (never a finished file). Only one build writes to `out` at a time (`locks`), so every
    such file is stale."""
    for pattern in (".*.apkg.*.tmp", f".*{SUFFIX}.*.tmp"):
        for stale in out.glob(pattern):
            stale.unlink(missing_ok=True)


def package_path_for(out: Path, name: str, single: str | None) -> Path:
    return out / (single if single else package_file_name(name))


@dataclass
class _PackagePlan:
    path: Path
    cards: list[CardNote]
    media_root: Path
    last: Written | None  # what the package on disk was written from, if known
    previous: Manifest  # this package's, from the last build
    known: dict[str, Entry]  # every package's entries from the last build
    built: frozenset[str]  # every GUID this build writes
    generated: dict[str, bytes]  # media this package's cards use that the build made


def _write_planned(plan: _PackagePlan) -> tuple[bool, Changes, Written | None]:
    digest = inputs_digest(plan.cards, plan.media_root)
    last = plan.last
    fresh = last is not None and last.inputs == digest and last.sha256 == file_sha256(plan.path)
    manifest = manifest_path(plan.path)
    if fresh and last is not None and last.manifest_sha256 == file_sha256(manifest):
        return False, Changes(), last  # its manifest already describes exactly these cards
    # Only here, for a package that changed: hashing every card is what settling costs.
    media = media_digests(plan.cards, plan.media_root, plan.generated)
    hashes = {card.guid: content_hash(card, media) for card in plan.cards}
    cards = settle_mods(plan.cards, plan.known, hashes)
    ids: dict[str, int] | None = None
    if fresh:
        written = False
    else:
        ids = note_ids(cards)
        with _naming(plan.path):
            written = write_package(cards, plan.path, plan.media_root, ids, plan.generated)
    entries = entries_for(cards, ids or note_ids(cards), plan.known, hashes)
    retired = retire(plan.previous, plan.built, entries)
    with _naming(manifest):
        write_manifest(manifest, plan.path.name, Manifest(entries, retired=retired))
    package_sha, manifest_sha = file_sha256(plan.path), file_sha256(manifest)
    record = Written(digest, package_sha, manifest_sha) if package_sha and manifest_sha else None
    return written, compare(plan.previous.entries, entries, plan.known, plan.built), record


@contextmanager
def _naming(path: Path) -> Iterator[None]:
    """A failed write names the file it was writing (not a temporary one beside it)."""
    try:
        yield
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from None
