"""Test helpers that import packages with the real Anki backend and read back what a learner sees.

    write_package([card_note("g1"), card_note("g2", shape="reverse")], apkg, vault)
    with fresh_collection(tmp_path) as col:
        counts = import_package(col, apkg)      # ImportCounts(new, updated, duplicate)
        cards = learner_cards(col)              # one dict per card, sorted by deck, guid, ord

Everything goes through Anki's own importer and renderer, so a test that passes here means the
package behaves in Anki the same way, including its rules for updating notes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, NamedTuple

import pytest

# Imported inside a test (hostile_vault does), a missing backend skips that test.
pytest.importorskip(
    "anki.collection", reason="needs Anki's backend: pip install 'chaincards[anki]'"
)

# CardId via anki.collection: importing anki.cards first trips a circular import inside anki.
from anki.collection import (
    CardId,
    Collection,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)
from anki.import_export_pb2 import (
    IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
    ImportResponse,
)

from chaincards.cards.card import CardNote


def card_note(guid: str, **fields: Any) -> CardNote:
    """A CardNote with harmless defaults, for tests that only care about some of its fields."""
    defaults: dict[str, Any] = {
        "shape": "basic",
        "front": f"Question {guid}",
        "back": f"Answer {guid}",
        "context": '<span class="cc-note">Note</span>',
        "source": '<a href="obsidian://open?vault=v&amp;file=note">note.md:1</a>',
        "deck": "Course",
        "tags": ("chaincards",),
        "mod": 1_700_000_000,
        "kind": "callout",
        "origin": "note.md:1",
    }
    return CardNote(guid=guid, **{**defaults, **fields})


class ImportCounts(NamedTuple):
    new: int
    updated: int
    duplicate: int


@contextmanager
def fresh_collection(folder: Path, name: str = "collection.anki2") -> Iterator[Collection]:
    """An empty Anki collection in `folder` (media go to `<name>.media` beside it), closed after."""
    folder.mkdir(parents=True, exist_ok=True)
    col = Collection(str(folder / name))
    try:
        yield col
    finally:
        col.close()


def import_log(col: Collection, path: Path) -> ImportResponse.Log:
    """Import like Anki's File ▸ Import does by default: notes and notetypes update if newer."""
    options = ImportAnkiPackageOptions(
        update_notes=IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
        update_notetypes=IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
        with_scheduling=False,
        with_deck_configs=False,
        merge_notetypes=False,
    )
    request = ImportAnkiPackageRequest(package_path=str(path), options=options)
    return col.import_anki_package(request).log


def import_package(col: Collection, path: Path, allow_conflicts: bool = False) -> ImportCounts:
    """Import `path` and count the notes Anki reports as new, updated and unchanged.

    Anki skips a note whose GUID exists with another notetype and only logs it as
    "conflicting"; that silently loses the note, so it fails the test unless allowed.
    """
    log = import_log(col, path)
    problems = {
        "conflicting": 0 if allow_conflicts else len(log.conflicting),
        "missing_notetype": len(log.missing_notetype),
        "missing_deck": len(log.missing_deck),
    }
    assert not any(problems.values()), f"import problems: {problems}"
    return ImportCounts(len(log.new), len(log.updated), len(log.duplicate))


class _TextExtractor(HTMLParser):
    _BLOCKS = frozenset(
        "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 "
        "h5 h6 header hr li main nav ol p pre section table tbody td tfoot th thead tr ul".split()
    )
    _HIDDEN = frozenset(["script", "style", "template"])

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self._hidden += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")
        elif tag == "img":
            # Keep pictures visible in the text so tests can see they are there.
            self.parts.append(f"[img {dict(attrs).get('src', '')}]")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """What a reader sees, roughly: one line per block, spaces collapsed, no style or script."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = (" ".join(unescape(line).split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def learner_cards(col: Collection) -> list[dict[str, Any]]:
    """Every card as rendered by Anki: deck, note, notetype, question and answer, scheduling."""
    result = []
    for card_id in col.find_cards(""):
        card = col.get_card(card_id)
        note = card.note()
        output = card.render_output(reload=True)
        result.append(
            {
                "card_id": card.id,
                "note_id": note.id,
                "deck": col.decks.name(card.did),
                "guid": note.guid,
                "notetype": col.models.get(note.mid)["name"],  # type: ignore[index]
                "ord": card.ord,
                "question": html_to_text(output.question_text),
                "answer": html_to_text(output.answer_text),
                "question_html": output.question_text,
                "answer_html": output.answer_text,
                "css": output.css,
                "tags": sorted(note.tags),
                "fields": dict(note.items()),
                "note_mod": note.mod,
                "type": card.type,
                "queue": card.queue,
                "due": card.due,
                "ivl": card.ivl,
            }
        )
    return sorted(result, key=lambda c: (c["deck"], c["guid"], c["ord"]))


def cards_by_guid(col: Collection) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for card in learner_cards(col):
        grouped.setdefault(card["guid"], []).append(card)
    return grouped


def set_review_interval(col: Collection, card_id: int, days: int) -> None:
    """Make the card a review card with this interval, as if the learner had studied it."""
    # "N!" also sets the interval to N days, not only the due date.
    col.sched.set_due_date([CardId(card_id)], f"{days}!")
    card = col.get_card(CardId(card_id))
    assert card.ivl == days and card.type == 2, (card.ivl, card.type)


def card_interval(col: Collection, card_id: int) -> int:
    return col.get_card(CardId(card_id)).ivl


def media_files(col: Collection) -> set[str]:
    folder = Path(col.media.dir())
    return {p.name for p in folder.iterdir() if p.is_file()} if folder.is_dir() else set()


def card_count(col: Collection) -> int:
    return col.card_count()


def only(cards: list[dict[str, Any]], **match: Any) -> dict[str, Any]:
    """The single card whose keys equal `match`, e.g. only(cards, guid="g1", ord=0)."""
    found = [c for c in cards if all(c[k] == v for k, v in match.items())]
    assert len(found) == 1, f"{len(found)} cards match {match}: {[c['guid'] for c in found]}"
    return found[0]


_SPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    """Text on one line with single spaces: for comparing against what a card shows."""
    return _SPACE.sub(" ", text).strip()
