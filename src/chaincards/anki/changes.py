"""What a rebuilt package changes for a learner who imports it, against the last build's
manifests: notes new, changed and removed, and what an import will not do for them (move
existing cards to another deck, delete cards a note no longer makes)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from chaincards.anki.manifest import Entry


def id_search(kind: str, ids: Iterable[int]) -> str:
    """The Anki browser search for these ids: `nid:1,2` (notes) or `cid:1,2` (cards); empty
    for none."""
    found = ",".join(map(str, ids))
    return f"{kind}:{found}" if found else ""


def note_search(entries: Iterable[Entry]) -> str:
    """The Anki browser search that finds these notes: `nid:` with every id each has had."""
    return id_search("nid", sorted({i for entry in entries for i in entry.ids}))


@dataclass
class Changes:
    new: list[Entry] = field(default_factory=list)
    changed: list[Entry] = field(default_factory=list)
    removed: list[Entry] = field(default_factory=list)
    # Changed notes whose deck is another than in the last build: Anki keeps their cards where
    # they are, so the learner moves them (Browse › Change Deck).
    moved: list[Entry] = field(default_factory=list)
    # Changed notes that make fewer cards than before (a cloze deletion or a reverse side
    # removed): Anki keeps the old card, empty (Tools › Empty Cards removes it).
    emptied: list[Entry] = field(default_factory=list)

    def removed_search(self) -> str:
        return note_search(self.removed)

    def moved_search(self) -> str:
        return note_search(self.moved)

    def emptied_search(self) -> str:
        return note_search(self.emptied)

    def by_deck(self) -> dict[str, tuple[int, int, int]]:
        counts: dict[str, list[int]] = {}
        for slot, entries in enumerate((self.new, self.changed, self.removed)):
            for entry in entries:
                counts.setdefault(entry.deck, [0, 0, 0])[slot] += 1
        return {deck: (n, c, r) for deck, (n, c, r) in sorted(counts.items())}

    def to_json(self) -> dict[str, object]:
        """The notes, listed: what `--changes` adds to the counts."""
        return {
            "new": [e.to_json() for e in self.new],
            "changed": [e.to_json() for e in self.changed],
            "removed": [e.to_json() for e in self.removed],
            "moved": [e.to_json() for e in self.moved],
            "emptied": [e.to_json() for e in self.emptied],
        }


def compare(
    previous: dict[str, Entry],
    current: dict[str, Entry],
    known: dict[str, Entry],
    built: Collection[str],
) -> Changes:
    """A package's changes: `previous` is its last manifest, `known` every package's (a note
    that moved in from another package is changed, not new), `built` every GUID of this build
    (a note that moved out to another package is not removed)."""
    changes = Changes()
    for guid, entry in current.items():
        before = known.get(guid)
        if before is None:
            changes.new.append(entry)
        elif before.hash != entry.hash:
            changes.changed.append(entry)
            if before.deck != entry.deck:
                changes.moved.append(entry)
            if not set(before.ords) <= set(entry.ords):
                changes.emptied.append(entry)
    changes.removed = [entry for guid, entry in previous.items() if guid not in built]
    return changes
