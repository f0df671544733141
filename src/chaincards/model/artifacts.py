"""Artifacts: the noun phrase an Inputs/Outputs item is about.

Once the relation phrase and its counterparts are cut off (`Rejects sent back to [[Machining]]`
→ `Rejects sent back`), what is left may still end in verb residue: the participle and particles
that told how the thing travels (`sent back`, `recovered and reused`, `passed on`). The noun phrase
never ends in them, so they are stripped from the end, word by word:

- particles (`back`, `on`, `over`, `out`, `up`, `along`, `onward`) and joiners (`and`, `or`,
  `then`, a comma);
- transfer verbs (`sent`, `returned`, `recovered`, `reused`, `fed`, `passed`, …), and any other
  `-ed` word of five letters or more (not a `-eed` noun such as `feed`) when it stands in such a
  run or after a comma: `Lessons learned` keeps its participle, `Slag, skimmed and cooled` does
  not.

Words are stripped only from the end and at least one word always stays, so `Approved change
requests` and `Scrap metal` are untouched. An artifact that is a bare section word (`Outputs`,
`Inputs`, `Information`) says nothing on its own; the caller keeps the whole item text instead.
"""

from __future__ import annotations

import re

_PARTICLES = frozenset({"back", "on", "over", "out", "up", "along", "onward", "onwards", "off"})
_JOINERS = frozenset({"and", "or", "then", "&", ",", "which", "that", "is", "are", "being"})
# Verbs that say how a thing travels between steps; any other `-ed` word is residue only next to
# one of these, a particle, or after a comma (`Lessons learned` stays a noun phrase).
_TRANSFER_VERBS = frozenset(
    """sent fed given taken brought returned recovered reused recycled released passed provided
    supplied delivered received obtained collected forwarded transferred handed shipped routed
    moved carried pumped produced generated created issued submitted filed served stored used
    consumed required needed requested prepared made built""".split()
)
_BARE = frozenset("input inputs output outputs information info everything stuff things".split())
_WORD = re.compile(r"[^\s,;&]+|[,&]")  # `NAD+`, `Rule 12`, `H2O`: words as written
_EDGE = " \t,;:-–—"


def _maybe_residue(word: str) -> bool:
    return (
        word in _PARTICLES
        or word in _JOINERS
        or word in _TRANSFER_VERBS
        or _generic_participle(word)
    )


def _generic_participle(word: str) -> bool:
    return len(word) >= 5 and word.endswith("ed") and not word.endswith("eed")


def strip_residue(artifact: str) -> str:
    """`Solvent, recovered and reused` → `Solvent`; `Scrap returned back` → `Scrap`."""
    last = artifact.rstrip(_EDGE).rsplit(None, 1)[-1:]
    if not last or not _maybe_residue(last[0].casefold()):
        return artifact.strip(_EDGE)  # the common case: a noun at the end
    words = list(_WORD.finditer(artifact))
    folded = [w.group().casefold() for w in words]
    end = len(words)
    while end > 1 and _maybe_residue(folded[end - 1]):
        end -= 1
    run = folded[end:]
    after_comma = bool(run) and run[0] == ","
    if any(w in _TRANSFER_VERBS or w in _PARTICLES for w in run) or after_comma:
        return artifact[: words[end - 1].end()].strip(_EDGE)
    # No sign of a verb phrase: keep participles (`Lessons learned`), drop only joiners.
    end = len(words)
    while end > 1 and folded[end - 1] in _JOINERS:
        end -= 1
    return artifact[: words[end - 1].end()].strip(_EDGE) if words else artifact.strip(_EDGE)


def is_bare(artifact: str) -> bool:
    """`Outputs`, `Information`: a section word, not a thing a card can ask about."""
    words = [w.group().casefold() for w in _WORD.finditer(artifact)]
    return not words or all(w in _BARE or w in ("the", "all", "any", "of") for w in words)
