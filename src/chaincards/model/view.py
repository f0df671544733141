"""What the model and its cards may read of a note: everything but the cards the learner wrote.

The model, its checks and the cards it makes are built from these views only, so a note whose
view is unchanged cannot change any of them: rewording a card callout, or saving the note
again, leaves the model as it was. That is what lets a build that only touched written cards
skip the model (see `chaincards.build.memo`). The view keeps the note's time, which dates the
model cards made from it; `view_digest` leaves the time out.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from chaincards.document import Callout, ParsedNote


def model_view(note: ParsedNote) -> ParsedNote:
    """The note without its written cards, the callouts that hold them, and its text."""
    card_lines = {card.line for card in note.cards if card.syntax == "callout"}
    blocks = tuple(
        block
        for block in note.blocks
        if not (isinstance(block, Callout) and block.line in card_lines)
    )
    return replace(note, source=replace(note.source, text=""), blocks=blocks, cards=())


def view_digest(view: ParsedNote) -> str:
    """The same text for the same view in every process, whatever the note's time."""
    timeless = replace(view, source=replace(view.source, mtime=0))
    return hashlib.blake2b(repr(timeless).encode("utf-8", "surrogatepass")).hexdigest()
