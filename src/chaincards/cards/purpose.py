"""Purpose cards: a cloze over the purpose's key phrase, and a reversed pair activity ↔ purpose."""

from __future__ import annotations

import re
from html import escape

from chaincards.cards.card import CardNote
from chaincards.cards.facts import Vault, activity_pattern, cloze, cloze_safe, mask_activity, strong
from chaincards.model.types import Activity

# Where a purpose statement turns from "who" to "what": the rest is the phrase to remember.
_PIVOT = re.compile(
    r"\b(?:is|are)\s+to\b|\bensures?\s+that\b|\bensures?\b|\bprovides?\b|\baims?\s+to\b"
    r"|\bexists?\s+to\b|\bis\s+responsible\s+for\b|\benables?\b|\bhelps?\b|\bdelivers?\b"
    r"|\bfocus(?:es)?\s+on\b|\bestablish(?:es)?\b",
    re.IGNORECASE,
)
_MIN_HIDDEN_WORDS = 3


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
    return "", text


def purpose_cards(activity: Activity, vault: Vault) -> list[CardNote]:
    if not activity.purpose or activity.purpose_source is None:
        return []
    source = activity.purpose_source
    lead, key = split_purpose(activity.purpose, activity_pattern(activity))
    named = bool(lead) and activity.name.casefold() in " ".join(lead.casefold().split())
    if not lead:
        lead_html = f"The purpose of {strong(activity.name)}:"
    elif named:
        lead_html = cloze_safe(lead)
    else:
        lead_html = f"{strong(activity.name)} — {cloze_safe(mask_activity(lead, activity, 'it'))}"
    text = f"{lead_html} {cloze(1, key)}."
    context = vault.neutral_context(source.path, "purpose")
    masked = mask_activity(activity.purpose.strip(), activity)
    common = {
        "kind": "purpose",
        "path": source.path,
        "line": source.line,
        "activity": activity.name,
        "context": context,
    }
    return [
        vault.card(identity=(activity.name, "cloze"), shape="cloze", front=text, back="", **common),
        # Card 1: the name asks for the purpose; card 2: the purpose, name hidden, asks for it.
        vault.card(
            identity=(activity.name, "pair"),
            shape="reverse",
            front=strong(activity.name),
            back=f"<i>{escape(masked)}</i>",
            **common,
        ),
    ]
