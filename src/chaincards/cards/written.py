"""Cards the learner wrote in the note, turned into Anki notes."""

from __future__ import annotations

from collections.abc import Mapping

from chaincards.cards.card import CardNote
from chaincards.cards.context import anki_tag, context_html, note_tags, source_html
from chaincards.cards.guid import card_guid
from chaincards.diagnostics import Diagnostic, warning
from chaincards.document import ParsedNote


def written_card_notes(
    note: ParsedNote, deck: str, media_mtimes: Mapping[str, int] | None = None
) -> tuple[list[CardNote], list[Diagnostic]]:
    """Anki notes for the note's written cards.

    A card's modification time is the later of its note's and its pictures' times: Anki only
    takes a changed picture when the note itself is newer.
    """
    cards: list[CardNote] = []
    diagnostics: list[Diagnostic] = []
    seen: dict[tuple[str, str, str], int] = {}
    times = media_mtimes or {}
    base_tags = note_tags(note, "chaincards::written")
    for card in note.cards:
        identity = (note.path, card.shape, card.key)
        if identity in seen:
            diagnostics.append(
                warning(
                    note.path,
                    card.line,
                    f"same card as line {seen[identity]} (same front); skipped",
                )
            )
            continue
        seen[identity] = card.line
        tags = tuple(sorted({*base_tags, *(anki_tag(t) for t in card.tags)} - {""}))
        cards.append(
            CardNote(
                guid=card_guid(*identity),
                shape=card.shape,
                front=card.front,
                back=card.back,
                context=context_html(note, card.section),
                source=source_html(note, card.line),
                deck=deck,
                tags=tags,
                mod=max([note.source.mtime, *(times.get(m, 0) for m in card.media)]),
                kind=card.syntax,
                origin=f"{note.path}:{card.line}",
                media=card.media,
            )
        )
    return cards, diagnostics
