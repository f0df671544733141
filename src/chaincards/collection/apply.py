"""The one place chaincards writes a learner's collection, through Anki's own backend (the
optional `anki` package): read the notes a plan needs, back the collection up, add the
media, and make the plan's changes in one transaction: all of them, or none."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from chaincards.collection.media import MediaPlan, media_bytes, media_folder, media_plan
from chaincards.collection.notetypes import NotetypeStep, notetype_steps, relaid
from chaincards.collection.opening import SyncError, opened
from chaincards.collection.plan import HeldNote, Plan, deck_key, plan_sync
from chaincards.collection.wanted import Wanted, WantedNote

if TYPE_CHECKING:  # the extra may be missing: imported only when a collection is opened
    from anki.collection import CardId, Collection
    from anki.dbproxy import DBProxy
    from anki.decks import DeckId
    from anki.models import NotetypeId
    from anki.notes import Note, NoteId

_CHUNK = 500  # ids per SQL query: well under SQLite's limit of bound values
_BATCH = 2_000  # notes per call that adds or updates them
T = TypeVar("T")


@dataclass
class SyncOutcome:
    plan: Plan
    written: bool = False
    backup: Path | None = None
    media_added: list[str] = field(default_factory=list)  # names in the media folder
    notetypes_added: int = 0
    notetypes_updated: int = 0

    @property
    def changes(self) -> bool:
        return bool(
            self.plan.writes or self.media_added or self.notetypes_added or self.notetypes_updated
        )


def sync_collection(
    path: Path,
    wanted: Wanted,
    made: Iterable[str],
    *,
    delete: bool = False,
    dry_run: bool = False,
    write_past_skips: bool = True,
) -> SyncOutcome:
    """Make the collection at `path` hold `wanted` (see `plan_sync`); with `dry_run` only
    say what that would change. `made`: every GUID chaincards made (its manifests). Without
    `write_past_skips` (`--strict`), a note the sync must leave alone stops the writing.

    Two passes over the packages' notes, a batch at a time: the first finds what changes,
    the second (when anything does) writes the batches that hold a change."""
    made = set(made)
    with opened(path, copy=dry_run) as col:
        steps = notetype_steps(
            {nid: col.models.get(cast("NotetypeId", nid)) for nid in wanted.notetypes},
            wanted.notetypes,
        )
        _refuse_filtered_decks(col, wanted.decks, path)
        media = media_plan(media_folder(path), wanted)
        wanted.renamed = media.renamed
        index = {guid: nid for nid, guid in _db(col).all("select id, guid from notes")}
        plan, seen = Plan(), set[str]()
        for batch in wanted.batches():
            seen |= batch.keys()
            held = _held_notes(col, [index[g] for g in batch if g in index], steps)
            plan.absorb(plan_sync(batch, held, (), delete=False))
        gone = [index[guid] for guid in sorted(made - seen) if guid in index]
        plan.absorb(plan_sync({}, _held_notes(col, gone, steps), made, delete=delete))
        foreseen_names = [media.renamed.get(name, name) for name in media.write]
        outcome = SyncOutcome(plan, media_added=foreseen_names)
        outcome.notetypes_added = sum(step.new for step in steps.values())
        outcome.notetypes_updated = len(steps) - outcome.notetypes_added
        if dry_run or not outcome.changes or (plan.skipped and not write_past_skips):
            return outcome
        try:
            outcome.backup = _backup(col, path.parent / "backups")
            outcome.media_added = _write_media(col, wanted, media)
        except OSError as exc:
            where = getattr(exc, "filename", None) or path.parent
            raise SyncError(f"{where}: cannot write: {exc.strerror or exc}") from None
        foreseen = outcome.media_added == foreseen_names
        if not foreseen:  # Anki named a file otherwise: the cards show the name it chose
            wanted.renamed = {
                **media.renamed,
                **dict(zip(media.write, outcome.media_added, strict=True)),
            }

        def write() -> None:
            _write_notetypes(col, steps)
            for batch in wanted.batches():
                todo = {g: n for g, n in batch.items() if g in plan.touched or not foreseen}
                if todo:
                    held = _held_notes(col, [index[g] for g in todo if g in index], steps)
                    _write_notes(col, plan_sync(todo, held, (), delete=False), todo, held)
            if plan.remove:
                col.remove_notes([cast("NoteId", note.note_id) for note in plan.remove])

        _db(col).transact(write)
        outcome.written = True
        return outcome


def _db(col: Collection) -> DBProxy:
    assert col.db is not None, "an open collection has its database"
    return col.db


def _held_notes(
    col: Collection, ids: list[int], steps: dict[int, NotetypeStep]
) -> dict[str, HeldNote]:
    """The collection's notes with these ids by GUID, with their cards' home decks (a card
    in a filtered deck is at home in its original deck), and their fields as they will read
    once the notetypes in `steps` are written."""
    decks = {deck.id: deck.name for deck in col.decks.all_names_and_ids()}
    cards: dict[int, list[tuple[int, str, int]]] = {}
    notes: dict[str, HeldNote] = {}
    for chunk in _slices(ids, _CHUNK):
        marks = ",".join("?" * len(chunk))
        query = (
            "select id, nid, case when odid then odid else did end, ord from cards "
            f"where nid in ({marks}) order by nid, ord"
        )
        for cid, nid, did, ord_ in _db(col).all(query, *chunk):
            cards.setdefault(nid, []).append((cid, decks.get(did, ""), ord_))
        query = f"select id, guid, mid, flds, tags from notes where id in ({marks})"
        for nid, guid, mid, text, tags in _db(col).all(query, *chunk):
            fields = tuple(text.split("\x1f"))
            step = steps.get(mid)
            if step is not None and not step.new:
                fields = relaid(fields, step.layout)
            notes[guid] = HeldNote(
                nid, guid, mid, fields, tuple(tags.split()), tuple(cards.get(nid, ()))
            )
    return notes


def _slices(items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _refuse_filtered_decks(col: Collection, decks: set[str], path: Path) -> None:
    """SyncError when a note's deck, or a parent of it, is one of the learner's filtered
    decks: Anki cannot put a card in one (nor make a deck inside one)."""
    filtered = {
        deck_key(deck.name): deck.name
        for deck in col.decks.all_names_and_ids()
        if col.decks.is_filtered(cast("DeckId", deck.id))
    }
    for name in sorted(decks):
        parts = name.split("::")
        for depth in range(1, len(parts) + 1):
            found = filtered.get(deck_key("::".join(parts[:depth])))
            if found is not None:
                raise SyncError(
                    f"{path}: the notes put cards in the deck {name!r}, but {found!r} is a "
                    "filtered deck in this collection: rename it in Anki, or change cards-deck"
                )


def _backup(col: Collection, folder: Path) -> Path | None:
    """Anki's own backup of the collection (kept and thinned out as Anki does), newest file."""
    folder.mkdir(parents=True, exist_ok=True)
    col.create_backup(backup_folder=str(folder), force=True, wait_for_completion=True)
    found = sorted(folder.glob("*.colpkg"), key=lambda p: p.stat().st_mtime)
    return found[-1] if found else None


def _write_media(col: Collection, wanted: Wanted, media: MediaPlan) -> list[str]:
    """Write the files `media` names; the names Anki gave them, in the same order."""
    written = {
        name: col.media.write_data(name, data)
        for name, data in media_bytes(wanted, set(media.write))
    }
    return [written[name] for name in media.write]


def _write_notetypes(col: Collection, steps: dict[int, NotetypeStep]) -> None:
    for step in steps.values():
        if step.new:
            # Added with the package's id, as Anki's importer does, so packages built later
            # still match this notetype.
            added = {**step.notetype, "usn": -1, "mod": int(time.time())}
            col._backend.add_or_update_notetype(
                json=json.dumps(added).encode(), preserve_usn_and_mtime=True, skip_checks=False
            )
        else:
            _bring_in_step(col, step.notetype)


def _bring_in_step(col: Collection, notetype: dict[str, Any]) -> None:
    """Fields first, then templates and style: Anki rewrites `{{Field}}` in the templates it
    is given when a field is renamed, which must not touch the packages' templates."""
    held = col.models.get(notetype["id"])
    assert held is not None, "a notetype brought in step is in the collection"
    if held["flds"] != notetype["flds"]:
        col.models.update_dict({**held, "flds": notetype["flds"]})
        held = col.models.get(notetype["id"])
        assert held is not None
    if held["tmpls"] != notetype["tmpls"] or held["css"] != notetype["css"]:
        templates = {"tmpls": notetype["tmpls"], "css": notetype["css"]}
        col.models.update_dict({**held, **templates})


def _write_notes(
    col: Collection, plan: Plan, wanted: dict[str, WantedNote], held: dict[str, HeldNote]
) -> None:
    """The plan's notes added and updated, and every card of `wanted`'s notes at home."""
    from anki.collection import AddNoteRequest

    deck_ids: dict[str, DeckId] = {}

    def deck_id(name: str) -> DeckId:
        if name not in deck_ids:
            found = col.decks.id(name, create=True)
            assert found is not None, "a deck is made when it is missing"
            deck_ids[name] = found
        return deck_ids[name]

    # In batches: tens of thousands of Note objects at once cost hundreds of megabytes.
    for batch in _slices(plan.add, _BATCH):
        requests = []
        for note in batch:
            added = col.new_note(col.models.get(note.notetype_id))  # type: ignore[arg-type]
            # The learner's own fields of the notetype, after ours, start empty.
            added.fields = [*note.fields, *[""] * (len(added.fields) - len(note.fields))]
            added.guid = note.guid
            added.tags = list(note.tags)
            requests.append(AddNoteRequest(note=added, deck_id=deck_id(note.deck)))
        col.add_notes(requests)
    for changes in _slices(plan.update, _BATCH):
        updated: list[Note] = []
        for update in changes:
            held_note = col.get_note(cast("NoteId", update.held.note_id))
            if update.fields is not None:
                held_note.fields = list(update.fields)
            if update.tags is not None:
                held_note.tags = list(update.tags)
            updated.append(held_note)
        col.update_notes(updated)
    skipped = {guid for guid, _ in plan.skipped}
    _settle_decks(
        col,
        {
            held[guid].note_id: deck_id(note.deck)
            for guid, note in wanted.items()
            if guid in held and guid not in skipped
        },
    )


def _settle_decks(col: Collection, homes: dict[int, DeckId]) -> None:
    """Every card of these notes (note id → deck) at home in its deck: the cards the plan
    moves, and any card Anki made for a note whose update filled a field a template asks
    for. A card in one of the learner's filtered decks stays there when its home is right."""
    from anki.collection import CardId

    moving: dict[DeckId, list[CardId]] = {}
    for chunk in _slices(list(homes), _CHUNK):
        marks = ",".join("?" * len(chunk))
        query = (
            "select id, nid, case when odid then odid else did end from cards "
            f"where nid in ({marks})"
        )
        for cid, nid, did in _db(col).all(query, *chunk):
            if homes[nid] != did:
                moving.setdefault(homes[nid], []).append(CardId(cid))
    for deck, cards in sorted(moving.items()):
        col.set_deck(cards, deck)
