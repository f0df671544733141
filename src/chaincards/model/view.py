"""What the model and its cards may read of a note: everything but the cards the learner wrote.

The model, its checks and the cards it makes are built from these views only, so a note whose
view is unchanged cannot change any of them: rewording a card callout, or saving the note
again, leaves the model as it was. That is what lets a build that only touched written cards
skip the model (see `chaincards.build.memo`). The view keeps the note's time, which dates the
model cards made from it, and its line numbers, which they cite; `view_digest` leaves both out,
and `view_lines` lists the lines so that they can be followed when only they moved.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from chaincards.document import Block, Callout, ListBlock, ListItem, ParsedNote


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
    """The same text for the same view in every process, whatever the note's time and wherever
    its parts stand in the file: line numbers are left out (`view_lines` has them)."""
    lineless = replace(
        view,
        source=replace(view.source, mtime=0),
        blocks=tuple(_lineless(block) for block in view.blocks),
        meta=replace(view.meta, deck_line=0),
        title_line=0,
        link_lines=(),
    )
    return hashlib.blake2b(repr(lineless).encode("utf-8", "surrogatepass")).hexdigest()


def view_lines(view: ParsedNote) -> tuple[int, ...]:
    """Every line number the view holds, in one fixed order: two views with the same digest
    pair their lines one to one, which is how a line the model cites moves with an edit."""
    lines = [view.title_line, view.meta.deck_line, *view.link_lines]

    def items(listed: tuple[ListItem, ...]) -> None:
        for item in listed:
            lines.append(item.line)
            items(item.children)

    for block in view.blocks:
        lines.append(block.line)
        if isinstance(block, ListBlock):
            items(block.items)
    return tuple(lines)


def _lineless(block: Block) -> Block:
    if isinstance(block, ListBlock):
        return replace(block, line=0, items=tuple(_lineless_item(i) for i in block.items))
    return replace(block, line=0)


def _lineless_item(item: ListItem) -> ListItem:
    return replace(item, line=0, children=tuple(_lineless_item(c) for c in item.children))
