"""What a sync changes, decided from plain data: the notes the packages hold (`Wanted`), the
ones the collection holds (`HeldNote`), and the GUIDs chaincards ever made. No Anki here.

A note is chaincards' when its GUID is one the manifests record; the learner's own notes,
even in chaincards' decks or with its notetypes, are never in a plan.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from chaincards.collection.wanted import WantedNote

# chaincards' own tags: every one on a chaincards note is the build's to set or take away.
# Any other tag on such a note stays unless the build gives it (a learner's tag, `marked`,
# `leech`); a tag the notes stop giving cannot be told from the learner's, so it stays too.
OWN_TAGS = "chaincards::"


@dataclass(frozen=True)
class HeldNote:
    """A note as the collection holds it."""

    note_id: int
    guid: str
    notetype_id: int
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    cards: tuple[tuple[int, str, int], ...]  # (card id, deck name, ord), in card order


@dataclass(frozen=True)
class Update:
    held: HeldNote
    fields: tuple[str, ...] | None  # None: the fields stay as they are
    tags: tuple[str, ...] | None  # None: the tags stay as they are


@dataclass
class DeckCounts:
    added: int = 0
    updated: int = 0
    moved: int = 0  # notes whose cards move into this deck
    removed: int = 0  # with --delete; else `gone`
    gone: int = 0  # source gone, kept (no --delete)
    emptied: int = 0  # cards a note no longer makes (a cloze deletion taken out)

    def to_json(self) -> dict[str, int]:
        return dict(vars(self))


@dataclass
class Plan:
    add: list[WantedNote] = field(default_factory=list)
    update: list[Update] = field(default_factory=list)
    move: dict[str, list[int]] = field(default_factory=dict)  # deck → card ids moving there
    remove: list[HeldNote] = field(default_factory=list)  # with --delete
    gone: list[HeldNote] = field(default_factory=list)  # source gone, kept
    # Cards a note no longer makes: Anki keeps them, empty, with their history (card ids).
    emptied: list[int] = field(default_factory=list)
    # Notes whose notetype the learner changed in Anki: left alone (GUID, reason).
    skipped: list[tuple[str, str]] = field(default_factory=list)
    decks: dict[str, DeckCounts] = field(default_factory=dict)
    touched: set[str] = field(default_factory=set)  # GUIDs of notes added, updated or moved

    @property
    def writes(self) -> bool:
        return bool(self.touched or self.remove)

    def count(self, deck: str) -> DeckCounts:
        return self.decks.setdefault(deck, DeckCounts())

    def absorb(self, part: Plan) -> None:
        """Take in the counts and findings of a plan for other notes; not its notes to add,
        update or move, which are written batch by batch."""
        for deck, counts in part.decks.items():
            mine = self.count(deck)
            for key, number in vars(counts).items():
                setattr(mine, key, getattr(mine, key) + number)
        self.remove += part.remove
        self.gone += part.gone
        self.emptied += part.emptied
        self.skipped += part.skipped
        self.touched |= part.touched


def plan_sync(
    wanted: Mapping[str, WantedNote],
    held: Mapping[str, HeldNote],
    made: Collection[str],
    *,
    delete: bool,
) -> Plan:
    """The changes that make the collection hold `wanted`: `held` are the collection's notes
    by GUID (those of `wanted` and of `made`, at least), `made` every GUID chaincards made."""
    plan = Plan()
    # New notes in the packages' learning order, as an import adds them.
    for guid in sorted(wanted, key=lambda g: (wanted[g].position, g)):
        note = wanted[guid]
        known = held.get(guid)
        if known is None:
            plan.add.append(note)
            plan.count(note.deck).added += 1
            plan.touched.add(guid)
            continue
        if known.notetype_id != note.notetype_id:
            plan.skipped.append((guid, "its notetype was changed in Anki"))
            continue
        update = _update(known, note)
        if update is not None:
            plan.update.append(update)
            plan.count(note.deck).updated += 1
            plan.touched.add(guid)
        # Anki's deck names ignore case: `Bio::CELLS` is the deck `Bio::Cells` already is.
        elsewhere = [card for card, deck, _ in known.cards if deck_key(deck) != deck_key(note.deck)]
        if elsewhere:
            plan.move.setdefault(note.deck, []).extend(elsewhere)
            plan.count(note.deck).moved += 1
            plan.touched.add(guid)
        emptied = [
            card
            for card, _, ord_ in known.cards
            if ord_ not in note.ords and (not note.templates or ord_ < note.templates)
        ]
        if emptied:
            plan.emptied.extend(emptied)
            plan.count(note.deck).emptied += len(emptied)
    for guid in sorted(set(made) - wanted.keys()):
        known = held.get(guid)
        if known is None:
            continue
        deck = known.cards[0][1] if known.cards else "(no cards)"
        if delete:
            plan.remove.append(known)
            plan.count(deck).removed += 1
        else:
            plan.gone.append(known)
            plan.count(deck).gone += 1
    return plan


def deck_key(name: str) -> str:
    return name.casefold()  # both sides are NFC already (Anki's, and `read_packages`)


def _update(known: HeldNote, note: WantedNote) -> Update | None:
    # The notetype's fields begin with the packages' (a field it gains in this sync is
    # empty until it is filled); fields of the learner's own come after and stay as they are.
    count = len(note.fields)
    ours = known.fields[:count] + ("",) * (count - len(known.fields))
    fields = None if ours == note.fields else note.fields + known.fields[count:]
    tags = merged_tags(known.tags, note.tags)
    tags_changed = None if _folded(tags) == _folded(known.tags) else tags
    if fields is None and tags_changed is None:
        return None
    return Update(known, fields, tags_changed)


def merged_tags(held: tuple[str, ...], given: tuple[str, ...]) -> tuple[str, ...]:
    """The note's tags after a sync: the build's, and every other tag it had that is not
    chaincards' own (Anki's tags ignore case)."""
    given_folded = _folded(given)
    kept = [
        tag
        for tag in held
        if not tag.casefold().startswith(OWN_TAGS) and tag.casefold() not in given_folded
    ]
    return tuple(sorted({*kept, *given}, key=lambda tag: (tag.casefold(), tag)))


def _folded(tags: tuple[str, ...]) -> set[str]:
    return {tag.casefold() for tag in tags}
