"""Model cards remembered between builds, so a one-note edit regenerates only what it changed.

Model cards are made in units: one activity's cards (purpose, outside flows, inputs, outputs),
one pair of activities' flow cards, one "which activity provides X to B" card, one value
stream's card. A unit's cards are a pure function of its facts from the model (kept under a key
made of them, written out with `repr`) and of what the `Vault` tells about the notes it looks
up (title, deck, tags, headings, cited book page, being an activity's own note), which the unit
records and checks before it is reused: a note added elsewhere in the vault does not remake it.
Times are not compared: a reused card takes the newest time of the notes it was made from, as a
new one would. Each unit also keeps which of its cards show their own answer (the quality
check).

The units are kept in the build store (see `memo_file`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace

from chaincards.cards.card import CardNote
from chaincards.cards.facts import Vault, citation_html
from chaincards.cards.quality import gives_away_answer
from chaincards.memo_file import Memo
from chaincards.store import Decoder, Store

NoteFacts = tuple[object, ...] | None  # what a card may read of one note; None: no such note


def note_facts(vault: Vault, path: str) -> NoteFacts:
    """Everything `Vault` tells cards about the note at `path`, times excepted."""
    note = vault.notes.get(path)
    if note is None:
        return None
    return (
        note.title,
        note.source.vault_name,
        note.source.folder_deck,
        note.meta.deck,
        note.meta.tags,
        note.tags,
        path in vault.own_notes,
        # The breadcrumb is the heading path of a fact's line; the Source cites the book page.
        vault.headings(path),
        citation_html(note),
    )


@dataclass(frozen=True)
class _Unit:
    read: tuple[tuple[str, NoteFacts], ...]  # every note looked up, with what it said then
    cards: tuple[CardNote, ...]
    dated_by: tuple[tuple[str, ...], ...]  # per card: the notes whose newest time it carries
    self_answering: tuple[bool, ...]  # per card: the front shows the answer
    asked: tuple[tuple[str, bool], ...] = ()  # `Vault.starts_a_name` questions and answers


class CardMemo:
    """Units of model cards by key (see the module's text); without a store, nothing is kept
    and the cards are only made, with their quality verdicts."""

    def __init__(self, store: Store | None = None) -> None:
        self.units: Memo[str, _Unit] = Memo(store, "cards", Decoder([_Unit, CardNote]))
        self.made = 0  # units made by this build
        self.reused = 0  # units taken from the last build
        # id(card) → (card, whether it shows its own answer) for every card handed out.
        self.self_answering: dict[int, tuple[CardNote, bool]] = {}

    @property
    def store(self) -> Store | None:
        return self.units.store

    def cards(
        self, vault: Vault, facts: object, make: Callable[[], list[CardNote]]
    ) -> list[CardNote]:
        """The cards `make()` gives, from the memo when a unit had the same facts and every
        note it looked up still says the same. `facts`: all `make` reads besides the vault."""
        if self.store is None:
            return self._dated(self._made(vault, make), vault)
        # No format number here: a store written by other chaincards code is never read.
        text = f"{vault.default_deck}\0{facts!r}"
        key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        unit = self.units.get(key)
        if (
            unit is not None
            and all(note_facts(vault, path) == was for path, was in unit.read)
            and all(vault.starts_a_name(word) == was for word, was in unit.asked)
        ):
            self.reused += 1
        else:
            unit = self._made(vault, make)
            self.units.put(key, unit)
            self.made += 1
        return self._dated(unit, vault)

    @staticmethod
    def _made(vault: Vault, make: Callable[[], list[CardNote]]) -> _Unit:
        with vault.recording() as recording:
            cards = make()
        dated = {id(card): paths for card, paths in recording.made}
        return _Unit(
            tuple((path, note_facts(vault, path)) for path in sorted(recording.read)),
            tuple(cards),
            tuple(dated[id(card)] for card in cards),
            tuple(gives_away_answer(card) for card in cards),
            tuple(sorted(recording.asked.items())),
        )

    def _dated(self, unit: _Unit, vault: Vault) -> list[CardNote]:
        cards: list[CardNote] = []
        for card, paths, shows_answer in zip(
            unit.cards, unit.dated_by, unit.self_answering, strict=True
        ):
            mod = max(vault.notes[path].source.mtime for path in paths)
            if mod != card.mod:
                card = replace(card, mod=mod)
            self.self_answering[id(card)] = (card, shows_answer)
            cards.append(card)
        return cards

    def save(self) -> None:
        self.units.save()
