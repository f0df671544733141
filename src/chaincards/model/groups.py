"""Who-phrases that are not one name: "all activities" (every step), and groups that name no
one (`other design steps`, `the relevant teams`, `upstream stages`).

Only a quantifier (`all`, `every`, `each`) over the whole chain expands to every step; a group
with any other qualifier names no step, so the item keeps no counterpart and `check` says so.
"""

from __future__ import annotations

from collections.abc import Sequence

from chaincards.model.names import (
    CONNECTOR,
    KIND_PLURALS,
    KIND_WORDS,
    is_party_phrase,
    is_stakeholder,
)
from chaincards.model.units import LINK, Unit

QUANTIFIERS = frozenset({"all", "every", "each", "any"})
PROCESS = frozenset({"process", "processes"})
# Modifiers that leave a group of steps or people unnamed.
VAGUE = frozenset(
    """other relevant appropriate respective concerned affected upstream downstream later earlier
    previous next subsequent following preceding some several many certain various""".split()
)
MAX_GROUP_WORDS = 5
# A party with one of these in front is no one in particular: `the relevant teams`.
VAGUE_PARTY_MODIFIERS = frozenset({"relevant", "appropriate", "respective", "concerned"})


def coordinated_party(units: Sequence[Unit]) -> bool:
    """`internal and external customers`, `finance and legal teams`, `suppliers and partners`:
    the last part ends in a stakeholder noun; earlier parts do too or are single modifiers."""
    parts: list[list[Unit]] = [[]]
    for unit in units:
        if unit.norm in (CONNECTOR, ","):
            parts.append([])
        else:
            parts[-1].append(unit)
    parts = [p for p in parts if p]
    if not parts or not is_party_phrase(" ".join(u.raw for u in parts[-1])):
        return False
    return all(len(p) == 1 or is_stakeholder(p[-1].raw) for p in parts[:-1])


def broadcast(units: list[Unit], norms: list[str], start: int) -> int:
    """End of `all (value chain) activities`, `every other phase`, `all [[X]] activities`, `each
    of the stages`, `all process groups`; else 0. Only a quantifier expands, and only over the
    whole chain: `all design processes` is a qualified group (see `_group`)."""
    if norms[start] not in QUANTIFIERS:
        return 0
    index = start + 1
    while index < len(units) and norms[index] in ("the", "other", "of"):
        index += 1
    for end in range(index, min(len(units), index + 5)):
        if norms[end] in (CONNECTOR, ","):
            return 0
        if norms[end] in KIND_PLURALS or norms[end] in KIND_WORDS:
            modifiers = norms[index:end]
            whole = not modifiers or modifiers[-1] in ("chain", LINK)
            return skip_kind(norms, end) if whole else 0
    return 0


def group_end(units: list[Unit], norms: list[str], start: int) -> int:
    """End of a group that names no one (`other design steps`, `upstream stages`, `the previous
    phase`, `the relevant teams`); else 0."""
    index = start
    vague = False
    while index < len(units) and norms[index] in ("the", "any", "all", "every", "each"):
        index += 1
    for end in range(index, min(len(units), index + MAX_GROUP_WORDS)):
        norm = norms[end]
        if norm in (CONNECTOR, ",") or (units[end].link is not None and end == index):
            return 0
        vague = vague or norm in VAGUE
        if norm in KIND_PLURALS or (vague and norm in KIND_WORDS):
            return end + 1
        party_follows = end + 1 < len(units) and is_stakeholder(units[end + 1].raw)
        if vague and norm in VAGUE_PARTY_MODIFIERS and party_follows:
            return end + 2
    return 0


def skip_kind(norms: list[str], end: int) -> int:
    """`the plan activity`, `design and transition phases`, `the initiating process group`:
    the kind word is not a counterpart."""
    if end < len(norms) and norms[end] in KIND_WORDS | KIND_PLURALS:
        end += 1
        if norms[end - 1] in PROCESS and end < len(norms) and norms[end] in ("group", "groups"):
            end += 1
    return end
