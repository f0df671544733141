"""Input and output list cards: one item hidden, a window of its neighbours shown as context.

A whole list on one card would ask for a set (hard to remember, easy to give up on); one item per
card with a few neighbours keeps the card small and still shows where the item belongs.
"""

from __future__ import annotations

import re

from chaincards.cards.card import CardNote
from chaincards.cards.facts import Vault, cloze, cloze_safe, strong
from chaincards.cards.guid import normalise_key
from chaincards.model.types import ALL, Activity, Item

MAX_NEIGHBOURS = 8
MAX_FRONT_WORDS = 60


def _words(html: str) -> int:
    return len(re.sub(r"<[^>]+>|\{\{c\d+::|\}\}", " ", html).split())


def _counterparts(item: Item) -> str:
    names = ["all activities" if c.name == ALL else c.name for c in item.counterparts]
    return ", ".join(names)


def _line(item: Item, hidden: bool) -> str:
    text = item.artifact or item.text
    arrow = "←" if item.direction == "input" else "→"
    ends = _counterparts(item)
    end = f' <span class="cc-end">{arrow} {cloze_safe(ends)}</span>' if ends else ""
    body = cloze(1, text) if hidden else cloze_safe(text)
    return f"<li>{body}{end}</li>"


def contains(item: Item, words: str) -> bool:
    needle = normalise_key(words)
    return f" {needle} " in f" {normalise_key(item.artifact or item.text)} "


def window(items: list[object], index: int, size: int = MAX_NEIGHBOURS) -> range:
    """Indexes of `index` and up to `size` neighbours, half before and half after if possible."""
    before = min(index, size // 2)
    after = min(len(items) - index - 1, size - before)
    before = min(index, size - after)
    return range(index - before, index + after + 1)


def list_cards(activity: Activity, direction: str, vault: Vault) -> list[CardNote]:
    items = list(activity.inputs if direction == "input" else activity.outputs)
    label = "Inputs" if direction == "input" else "Outputs"
    kind = "inputs" if direction == "input" else "outputs"
    cards: list[CardNote] = []
    # Each line is rendered once, shown and hidden, with its word count.
    shown_lines = [_line(item, False) for item in items]
    hidden_lines = [_line(item, True) for item in items]
    counts = [_words(line) for line in shown_lines]
    head = f"{label} of {strong(activity.name)} ({len(items)} in all):"
    head_words = _words(head) + 4  # and "(N more not shown)"
    for index, item in enumerate(items):
        hidden = item.artifact or item.text
        # A neighbour that contains the hidden words would give the answer away: leave it out.
        others = [i for i, other in enumerate(items) if i == index or not contains(other, hidden)]
        position = others.index(index)
        # Fewer neighbours for long items: a front over ~60 words is read, not recalled.
        for size in range(MAX_NEIGHBOURS, -1, -2):
            shown = [others[i] for i in window(others, position, size)]
            if head_words + sum(counts[i] for i in shown) <= MAX_FRONT_WORDS:
                break
        more = len(items) - len(shown)
        lines = "".join(hidden_lines[i] if i == index else shown_lines[i] for i in shown)
        tail = f'<div class="cc-hint">({more} more not shown)</div>' if more else ""
        text = f"{head}<ul>{lines}</ul>{tail}"
        cards.append(
            vault.card(
                kind=kind,
                identity=(activity.name, direction, hidden, _counterparts(item)),
                shape="cloze",
                front=text,
                back="",
                path=item.path,
                line=item.line,
                activity=activity.name,
            )
        )
    return cards
