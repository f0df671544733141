"""One fact once: the same item stated in two notes is one item.

A step's Inputs (or Outputs) may be written in its own note and again in a chapter, in other
words: `Marketing opportunities from customers and users` / `Market opportunities from current
and potential customers`. Two items are the same fact when

- they come from different notes (items of one list are distinct facts, as the learner wrote
  them; only a word-for-word repeat in one list is folded),
- their counterparts agree: the same, overlapping (`customers and users` / `customers`), or one
  item names no one, and
- their artifacts are near-paraphrases: the Jaccard overlap of their content words is at least
  one half (`flows.SIMILARITY`), after stemming (`marketing` = `market`, `supported` =
  `support`), folding `&`/`and`, plurals, articles and small words.

An item of one note absorbs at most one item of each other note (the closest), so a note's
list count never shrinks below what that note states. The first statement (the step's own note,
which comes first) keeps its wording; the others are kept as `Item.also`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from chaincards.model.flows import SIMILARITY, overlap
from chaincards.model.names import content_words, party_key
from chaincards.model.types import Item, Restated

Who = tuple[str, str]


def one_fact_once(items: list[Item]) -> tuple[Item, ...]:
    """The items of one list of one activity, in order, each fact kept once (see above).

    Linear in the length of one note's list: an item is compared only with kept items of
    other notes (looked up by the note that first stated them), and a word-for-word repeat in
    its own note is found by its words."""
    kept: list[Item] = []
    by_who: dict[Who, dict[str, list[int]]] = {}  # counterpart → first note → kept items
    unattributed: dict[str, list[int]] = {}  # first note → kept items naming no one
    every: dict[str, list[int]] = {}  # first note → kept items
    repeats: dict[tuple[str, frozenset[str], frozenset[Who]], int] = {}
    keys: list[list[tuple[str, frozenset[str], frozenset[Who]]]] = []
    for item in items:
        words, who = content_words(item.artifact or item.text), who_of(item)
        match = repeats.get((item.path, words, who))
        if match is None:
            # An item naming no one may state any kept item's fact; one naming someone only the
            # facts of items naming the same, or no one.
            groups = [every] if not who else [unattributed, *(by_who.get(w, {}) for w in who)]
            near = sorted(
                {i for g in groups for p, found in g.items() if p != item.path for i in found}
            )
            match = same_fact(item, [(i, kept[i]) for i in near])
        if match is not None:
            kept[match] = absorb(kept[match], item)
            _remember(repeats, keys, match, kept[match])
            continue
        kept.append(item)
        keys.append([])
        index = len(kept) - 1
        _remember(repeats, keys, index, item)
        every.setdefault(item.path, []).append(index)
        for w in who:
            by_who.setdefault(w, {}).setdefault(item.path, []).append(index)
        if not who:
            unattributed.setdefault(item.path, []).append(index)
    return tuple(kept)


def _remember(
    repeats: dict[tuple[str, frozenset[str], frozenset[Who]], int],
    keys: list[list[tuple[str, frozenset[str], frozenset[Who]]]],
    index: int,
    item: Item,
) -> None:
    """Register the kept item's words and counterparts under each note that states it, so a
    repeat of it in any of those notes is found at once."""
    for key in keys[index]:
        repeats.pop(key, None)
    words, who = content_words(item.artifact or item.text), who_of(item)
    keys[index] = [(path, words, who) for path in sorted(_paths(item))]
    for key in keys[index]:
        repeats.setdefault(key, index)


def who_of(item: Item) -> frozenset[Who]:
    """Who an item names, comparable across spellings: activities by name, `*`, and each part of
    a party (`customers and users` names customers and users)."""
    found: set[Who] = set()
    for counterpart in item.counterparts:
        if counterpart.kind == "party":
            found.update(("party", part) for part in party_key(counterpart.name))
        else:
            found.add((counterpart.kind, counterpart.name))
    return frozenset(found)


def _paths(item: Item) -> set[str]:
    return {item.path, *(s.path for s in item.also)}


def same_fact(item: Item, kept: Sequence[tuple[int, Item]]) -> int | None:
    """The index of the kept item that states the same fact as `item`, if any."""
    words = content_words(item.artifact or item.text)
    who = who_of(item)
    best: tuple[float, int] | None = None
    for index, other in kept:
        other_words = content_words(other.artifact or other.text)
        other_who = who_of(other)
        if item.path in _paths(other):
            if words == other_words and who == other_who:
                return index  # the same line twice
            continue
        if who and other_who and not who & other_who:
            continue
        score = overlap(words, other_words)
        if score >= SIMILARITY and (best is None or score > best[0]):
            best = (score, index)
    return best[1] if best is not None else None


def absorb(kept: Item, item: Item) -> Item:
    """`kept` with `item`'s place added; counterparts taken from `item` when `kept` had none."""
    counterparts = kept.counterparts or item.counterparts
    relation = kept.relation or item.relation
    return replace(
        kept,
        counterparts=counterparts,
        relation=relation,
        also=(*kept.also, Restated(item.path, item.line, item.text)),
    )
