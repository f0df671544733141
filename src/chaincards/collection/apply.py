"""The one place chaincards writes a learner's collection, through Anki's own backend (the
optional `anki` package): open it (refusing one Anki has open, or one newer than the
backend), read the notes a plan needs, back it up, add the media, and make the plan's
changes in one transaction: all of them, or none."""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from chaincards.anki.backend import anki_backend_installed
from chaincards.collection.plan import HeldNote, Plan, plan_sync
from chaincards.collection.wanted import Wanted

if TYPE_CHECKING:  # the extra may be missing: imported only when a collection is opened
    from anki.collection import Collection
    from anki.dbproxy import DBProxy
    from anki.decks import DeckId
    from anki.notes import Note

INSTALL = "pip install 'chaincards[anki]'"
_CHUNK = 500  # ids per SQL query: well under SQLite's limit of bound values
_BATCH = 2_000  # notes per call that adds or updates them
T = TypeVar("T")


class SyncError(Exception):
    """A collection that cannot be synced: one line for the user (a usage error, exit 2)."""


@dataclass
class SyncOutcome:
    plan: Plan
    written: bool = False
    backup: Path | None = None
    media_added: list[str] = field(default_factory=list)
    notetypes_added: int = 0
    notetypes_updated: int = 0


def sync_collection(
    path: Path,
    wanted: Wanted,
    made: Iterable[str],
    *,
    delete: bool = False,
    dry_run: bool = False,
) -> SyncOutcome:
    """Make the collection at `path` hold `wanted` (see `plan_sync`); with `dry_run` only
    say what that would change. `made`: every GUID chaincards made (its manifests)."""
    made = set(made)
    with _opened(path) as col:
        held = _held_notes(col, set(wanted.notes) | made)
        new_types, changed_types = _notetype_changes(col, wanted.notetypes)
        media = _media_to_add(col, wanted)
        plan = plan_sync(wanted.notes, held, made, delete=delete)
        outcome = SyncOutcome(plan, media_added=media)
        outcome.notetypes_added, outcome.notetypes_updated = len(new_types), len(changed_types)
        if dry_run or not (plan.writes or media or new_types or changed_types):
            return outcome
        outcome.backup = _backup(col, path.parent / "backups")
        renamed = {name: col.media.write_data(name, wanted.media[name].read()) for name in media}
        renamed = {old: new for old, new in renamed.items() if old != new}
        if renamed:  # a different file of that name was there: the notes show the new one
            wanted = _with_media_renamed(wanted, renamed)
            plan = outcome.plan = plan_sync(wanted.notes, held, made, delete=delete)

        def write() -> None:
            _write_notetypes(col, new_types, changed_types)
            _write_notes(col, plan, wanted, held)

        _db(col).transact(write)
        outcome.written = True
        return outcome


def check_ready(path: Path) -> None:
    """SyncError unless Anki's backend is installed and `path` is a file: checked before a
    sync builds anything, and again when it opens the collection."""
    if not anki_backend_installed():
        raise SyncError(f"chaincards sync needs Anki's backend: {INSTALL}")
    if not path.is_file():
        raise SyncError(
            f"{path}: no Anki collection here (Anki's collection.anki2 is in its profile "
            "folder; --profile NAME finds it)"
        )


@contextmanager
def _opened(path: Path) -> Iterator[Collection]:
    check_ready(path)
    try:
        from anki.collection import Collection
        from anki.errors import BackendError
    except ImportError:
        raise SyncError(f"chaincards sync needs Anki's backend: {INSTALL}") from None
    try:
        col = Collection(str(path))
    except BackendError as exc:
        raise SyncError(_open_problem(path, exc)) from None
    try:
        yield col
    except BackendError as exc:
        raise SyncError(f"{path}: Anki's backend refused the change: {exc}") from None
    finally:
        col.close()


def _open_problem(path: Path, problem: Exception) -> str:
    from anki.buildinfo import version

    text = str(problem)
    if "already open" in text:
        return f"{path}: the collection is open in Anki (or Anki is syncing): close Anki first"
    if "FileTooNew" in text:
        return (
            f"{path}: the collection was saved by a newer Anki than this backend "
            f"(anki {version}) understands: {INSTALL.replace('install', 'install -U')}"
        )
    return f"{path}: cannot be opened as an Anki collection: {text}"


def _held_notes(col: Collection, guids: set[str]) -> dict[str, HeldNote]:
    """The collection's notes with these GUIDs, with their cards' decks."""
    ids = [nid for nid, guid in _db(col).all("select id, guid from notes") if guid in guids]
    decks = {deck.id: deck.name for deck in col.decks.all_names_and_ids()}
    cards: dict[int, list[tuple[int, str, int]]] = {}
    notes: dict[str, HeldNote] = {}
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        query = f"select id, nid, did, ord from cards where nid in ({marks}) order by nid, ord"
        for cid, nid, did, ord_ in _db(col).all(query, *chunk):
            cards.setdefault(nid, []).append((cid, decks.get(did, ""), ord_))
        query = f"select id, guid, mid, flds, tags from notes where id in ({marks})"
        for nid, guid, mid, fields, tags in _db(col).all(query, *chunk):
            notes[guid] = HeldNote(
                nid,
                guid,
                mid,
                tuple(fields.split("\x1f")),
                tuple(tags.split()),
                tuple(cards.get(nid, ())),
            )
    return notes


def _db(col: Collection) -> DBProxy:
    assert col.db is not None, "an open collection has its database"
    return col.db


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _batches(items: list[T]) -> Iterator[list[T]]:
    for start in range(0, len(items), _BATCH):
        yield items[start : start + _BATCH]


def _notetype_changes(
    col: Collection, wanted: dict[int, dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """chaincards' notetypes the collection lacks, and those it has out of step with the
    packages' (fields, templates, style), as they should be written."""
    new: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    for notetype_id, notetype in sorted(wanted.items()):
        held = col.models.get(notetype_id)  # type: ignore[arg-type]
        if held is None:
            new.append(notetype)
            continue
        merged = _in_step(held, notetype)
        if merged != held:
            changed.append(merged)
    return new, changed


def _in_step(held: dict[str, Any], package: dict[str, Any]) -> dict[str, Any]:
    """The collection's notetype with the package's fields, templates and style. Fields and
    templates are matched by name and keep their place (`ord`), so Anki moves each note's
    content with them; the learner's name for the notetype and field fonts stay."""
    merged = copy.deepcopy(held)
    merged["css"] = package["css"]
    merged["flds"] = _matched(held["flds"], package["flds"], ())
    merged["tmpls"] = _matched(held["tmpls"], package["tmpls"], ("qfmt", "afmt"))
    return merged


def _matched(
    held: list[dict[str, Any]], package: list[dict[str, Any]], taken: tuple[str, ...]
) -> list[dict[str, Any]]:
    by_name = {item["name"]: item for item in held}
    found = []
    for item in package:
        old = by_name.get(item["name"])
        if old is None:
            found.append({**copy.deepcopy(item), "ord": None})
        else:
            found.append({**old, **{key: item[key] for key in taken}})
    return found


def _media_to_add(col: Collection, wanted: Wanted) -> list[str]:
    """The packages' files the media folder lacks, or holds with other bytes."""
    folder = Path(col.media.dir())
    needed = []
    for name, media in sorted(wanted.media.items()):
        there = folder / name
        try:
            same = there.read_bytes() == media.read()
        except OSError:
            same = False
        if not same:
            needed.append(name)
    return needed


def _with_media_renamed(wanted: Wanted, renamed: dict[str, str]) -> Wanted:
    def fixed(text: str) -> str:
        for old, new in renamed.items():
            text = text.replace(f'src="{escape(old)}"', f'src="{escape(new)}"')
            text = text.replace(f"[sound:{escape(old, quote=False)}]", f"[sound:{new}]")
        return text

    notes = {
        guid: replace(note, fields=tuple(fixed(f) for f in note.fields))
        for guid, note in wanted.notes.items()
    }
    return Wanted(notes, wanted.notetypes, wanted.media)


def _backup(col: Collection, folder: Path) -> Path | None:
    """Anki's own backup of the collection (kept and thinned out as Anki does), newest file."""
    folder.mkdir(parents=True, exist_ok=True)
    col.create_backup(backup_folder=str(folder), force=True, wait_for_completion=True)
    found = sorted(folder.glob("*.colpkg"), key=lambda p: p.stat().st_mtime)
    return found[-1] if found else None


def _write_notetypes(
    col: Collection, new: list[dict[str, Any]], changed: list[dict[str, Any]]
) -> None:
    for notetype in new:
        # Added with the package's id, as Anki's importer does, so packages built later
        # still match this notetype.
        added = {**notetype, "usn": -1, "mod": int(time.time())}
        col._backend.add_or_update_notetype(
            json=json.dumps(added).encode(), preserve_usn_and_mtime=True, skip_checks=False
        )
    for notetype in changed:
        col.models.update_dict(notetype)


def _write_notes(col: Collection, plan: Plan, wanted: Wanted, held: dict[str, HeldNote]) -> None:
    from anki.collection import AddNoteRequest
    from anki.notes import NoteId

    deck_ids: dict[str, DeckId] = {}

    def deck_id(name: str) -> DeckId:
        if name not in deck_ids:
            found = col.decks.id(name, create=True)
            assert found is not None, "a deck is made when it is missing"
            deck_ids[name] = found
        return deck_ids[name]

    # In batches: tens of thousands of Note objects at once cost hundreds of megabytes.
    for batch in _batches(plan.add):
        requests = []
        for note in batch:
            added = col.new_note(col.models.get(note.notetype_id))  # type: ignore[arg-type]
            added.fields = list(note.fields)
            added.guid = note.guid
            added.tags = list(note.tags)
            requests.append(AddNoteRequest(note=added, deck_id=deck_id(note.deck)))
        col.add_notes(requests)
    for changes in _batches(plan.update):
        updated: list[Note] = []
        for update in changes:
            held_note = col.get_note(NoteId(update.held.note_id))
            if update.fields is not None:
                held_note.fields = list(update.fields)
            if update.tags is not None:
                held_note.tags = list(update.tags)
            updated.append(held_note)
        col.update_notes(updated)
    _settle_decks(col, [(held[g].note_id, n.deck) for g, n in wanted.notes.items() if g in held])
    if plan.remove:
        col.remove_notes([NoteId(note.note_id) for note in plan.remove])


def _settle_decks(col: Collection, notes: list[tuple[int, str]]) -> None:
    """Every card of these (note id, deck) in its deck: the cards the plan moves, and any
    card Anki made for a note whose update filled a field a template asks for."""
    decks = {deck.name: deck.id for deck in col.decks.all_names_and_ids()}
    wanted_deck = dict(notes)
    moving: dict[str, list[int]] = {}
    for chunk in _chunks(list(wanted_deck)):
        marks = ",".join("?" * len(chunk))
        for cid, nid, did in _db(col).all(
            f"select id, nid, did from cards where nid in ({marks})", *chunk
        ):
            deck = wanted_deck[nid]
            if decks.get(deck) != did:
                moving.setdefault(deck, []).append(cid)
    for deck, cards in sorted(moving.items()):
        col.set_deck(cards, int(col.decks.id(deck, create=True) or 0))  # type: ignore[arg-type]
