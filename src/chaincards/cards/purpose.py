"""Purpose cards: the purpose asks for the step's name, and its key phrases are asked in pieces.

A whole purpose clause (20–30 words) is a sentence to recite, not a fact. Two cards ask it:

- purpose → name: the statement with the name hidden ("Which stage …? <i>… links glycolysis to
  the Krebs cycle</i>" → "Pyruvate oxidation");
- one cloze note over the key phrase (what follows "is to", "ensures", "provides" …), cut into
  pieces of at most about eight words at commas, `and` and prepositions; each piece is one card,
  the rest of the sentence its context.
"""

from __future__ import annotations

import re
from functools import partial
from html import escape

from chaincards.cards.card import CardNote
from chaincards.cards.facts import Vault, activity_pattern, cloze, cloze_safe, mask_activity, strong
from chaincards.cards.quality import name_stem
from chaincards.cards.wording import noun_phrase
from chaincards.model.names import stem
from chaincards.model.types import Activity

# Where a purpose statement turns from "who" to "what": the rest is the phrase to remember.
_PIVOT = re.compile(
    r"\b(?:is|are)\s+to\b|\bensures?\s+that\b|\bensures?\b|\bprovides?\b|\baims?\s+to\b"
    r"|\bexists?\s+to\b|\bis\s+responsible\s+for\b|\benables?\b|\bhelps?\b|\bdelivers?\b"
    r"|\bfocus(?:es)?\s+on\b|\bestablish(?:es)?\b|\bmakes?\s+sure\s+that\b|\bmakes?\s+sure\b",
    re.IGNORECASE,
)
_MIN_HIDDEN_WORDS = 3
_KIND_AFTER = re.compile(r"\s+(?:value chain\s+)?(?:activity|process|phase|stage|step)\b", re.I)
MAX_PIECE_WORDS = 8
# A piece may end before these words: they start the next phrase of the clause.
_BREAKS = frozenset(
    """and or across according for to with within through by in on so while including of
    covering""".split()
)
_GLUE = frozenset("""and or to the a an of for with by in on""".split())


def split_purpose(purpose: str, name: re.Pattern[str] | None = None) -> tuple[str, str]:
    """(lead, key phrase): `The purpose of X is to` + `provide a good understanding …`.

    The pivot is looked for after the activity's name, so a name such as "Deliver and support"
    is never split at its own verb.
    """
    text = purpose.strip().rstrip(".")
    named = name.search(text) if name else None
    match = _PIVOT.search(text, named.end() if named else 0)
    if match and len(text[match.end() :].split()) >= _MIN_HIDDEN_WORDS:
        return text[: match.end()].strip(), text[match.end() :].strip()
    # No pivot: the subject stays visible (`The build stage` + what it does), never asked.
    if named and text[: named.start()].strip().casefold() in ("", "the", "a", "an"):
        end = named.end()
        kind = _KIND_AFTER.match(text, end)
        end = kind.end() if kind else end
        if len(text[end:].split()) >= _MIN_HIDDEN_WORDS:
            return text[:end].strip(), text[end:].strip()
    return "", text


def _content(words: list[str]) -> int:
    return sum(w.casefold().strip(",;:") not in _GLUE for w in words)


def _split_long(words: list[str]) -> list[list[str]]:
    """Words of one comma-free segment in runs of at most `MAX_PIECE_WORDS`, cut before a
    joining word (`and`, `across`, `of`, …) that leaves two content words on each side, so each
    run is a phrase."""
    runs: list[list[str]] = []
    while len(words) > MAX_PIECE_WORDS:
        cuts = [
            at
            for at in range(2, MAX_PIECE_WORDS + 1)
            if words[at].casefold() in _BREAKS
            and words[at - 1].casefold() not in ("according", "so", "due", "thanks")
            and _content(words[:at]) >= 2
            and _content(words[at:]) >= 2
        ]
        # Without a joining word, cut where two words still follow: never one word alone.
        at = cuts[-1] if cuts else min(MAX_PIECE_WORDS, len(words) - 2)
        while not cuts and at > 2 and words[at - 1].casefold() in _GLUE | _BREAKS:
            at -= 1  # a piece never ends on `at`, `of`, `the`
        runs.append(words[:at])
        words = words[at:]
    return [*runs, words] if words else runs


def _join_lone_words(runs: list[list[str]]) -> list[list[str]]:
    """A run with fewer than two content words joins its neighbour (the one before, else the
    one after) when the two still fit in a piece: `products, services`, `a safe, repeatable …`."""
    joined: list[list[str]] = []
    pending: list[str] = []
    for run in runs:
        run = pending + run
        pending = []
        if _content(run) < 2:
            if joined and len(joined[-1]) + len(run) <= MAX_PIECE_WORDS:
                joined[-1] = joined[-1] + run
                continue
            if len(run) < MAX_PIECE_WORDS:
                pending = run  # try the next run
                continue
        joined.append(run)
    if pending:
        joined.append(pending)
    return joined


def pieces(phrase: str) -> list[tuple[str, bool]]:
    """The phrase as (text, asked) parts: phrases of at most `MAX_PIECE_WORDS` words to ask,
    and the joining words and punctuation between them, left visible. Segments end at commas
    and semicolons; a piece of one word is joined to the one before (`products, services`)."""
    runs: list[list[str]] = []
    for segment in re.split(r"(?<=[,;])\s+", phrase.strip()):
        words = segment.split()
        lead: list[str] = []
        while len(words) > 1 and words[0].casefold() in _GLUE:
            lead.append(words.pop(0))
        split = _split_long(words)
        split[0] = lead + split[0]  # the joining words go with the phrase they lead into
        runs += split
    runs = _join_lone_words(runs)
    parts: list[tuple[str, bool]] = []
    for run in runs:
        lead = []
        while len(run) > 1 and run[0].casefold().strip(",;:") in _GLUE:
            lead.append(run.pop(0))
        if lead:
            parts.append((" ".join(lead), False))
        text = " ".join(run)
        body = text.rstrip(",;:")
        parts.append((body, _content(run) > 0))
        if len(body) < len(text):
            parts.append((text[len(body) :], False))
    return parts


def _pieces_cloze(lead_html: str, key: str) -> str:
    number = 0
    html: list[str] = []
    for text, asked in pieces(key):
        if asked:
            number += 1
            html.append(cloze(number, text))
        else:
            html.append(cloze_safe(text))
    body = " ".join(html).replace(" ,", ",").replace(" ;", ";")
    return f"{lead_html} {body}."


def _without_name_words(text: str, activity: Activity) -> str:
    """Words that share a stem with the name hidden too: `continual engagement` would tell
    that the answer is Engage."""
    stems = {name_stem(n) for n in (activity.name, *activity.aliases)} - {""}
    return re.sub(r"[^\W\d_]+", lambda m: "…" if stem(m.group()) in stems else m.group(), text)


def purpose_cards(activity: Activity, vault: Vault) -> list[CardNote]:
    if not activity.purpose or activity.purpose_source is None:
        return []
    source = activity.purpose_source
    lead, key = split_purpose(activity.purpose, activity_pattern(activity))
    # The lead names the step (by its name or an alias: `The ETC uses …`): shown as written.
    named = bool(lead) and activity_pattern(activity).search(lead) is not None
    if not lead:
        lead_html = f"The purpose of {strong(activity.name)}:"
    elif named:
        lead_html = cloze_safe(lead)
    else:
        lead_html = f"{strong(activity.name)} — {cloze_safe(mask_activity(lead, activity, 'it'))}"
    masked = _without_name_words(mask_activity(activity.purpose.strip(), activity, "…"), activity)
    noun = noun_phrase(activity.kind or vault.model.step_noun)
    place = partial(
        vault.card, kind="purpose", path=source.path, line=source.line, activity=activity.name
    )
    return [
        place(
            identity=(activity.name, "cloze"),
            shape="cloze",
            front=_pieces_cloze(lead_html, key),
            back="",
            answers=tuple(text for text, asked in pieces(key) if asked),
        ),
        place(
            # Not the old name ↔ purpose pair's identity: that note had the reversed notetype,
            # and Anki skips a note whose GUID it knows with another notetype.
            identity=(activity.name, "purpose to name"),
            shape="basic",
            front=f"Which {noun} has this purpose?<br><i>{escape(masked)}</i>",
            back=strong(activity.name),
            answers=(activity.name,),
            masked=(activity.name, *activity.aliases),
        ),
    ]
