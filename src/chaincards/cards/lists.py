"""List cards: one answer of a many-answer question hidden, every other answer shown.

"What does Engage receive from customers?" has four answers: four cards, each hiding one and
showing the other three, so nothing on the card leaves the learner guessing which one is meant
(a window that cut siblings off would). A sibling that contains the hidden words shows them as
"…", or it would give the answer away. Items that name no counterpart form one such question per
list ("Inputs of Plan"), the only way the notes let them be asked.
"""

from __future__ import annotations

import re

from chaincards.cards.card import CardNote
from chaincards.cards.facts import Vault, cloze, cloze_safe, strong
from chaincards.cards.questions import Forward
from chaincards.cards.wording import every_other, party_phrase
from chaincards.model.types import ALL

# Each card of a list shows every other answer, so a list costs the square of its length and a
# card with dozens of lines is not one a learner can answer: longer lists make no list cards
# (the build says so, at the list).
MAX_LIST_LINES = 30


def _head(question: Forward, vault: Vault) -> str:
    subject = strong(question.subject)
    if question.other_kind == "none":
        label = "Inputs" if question.direction == "input" else "Outputs"
        return f"{label} of {subject}:"
    verb = "provides to" if question.direction == "output" else "receives from"
    noun = vault.model.step_noun
    if question.other_kind == "activity":
        other = strong(question.other)
    elif question.other == ALL:
        other = cloze_safe(every_other(noun))
    else:
        other = cloze_safe(party_phrase(question.other, noun))
    return f"What {subject} {verb} {other}:"


def _lines(question: Forward, vault: Vault) -> list[tuple[str, str, tuple[str, int]]]:
    """(artifact, what follows it) of every line the cards show. Items naming no one are shown
    in their whole list, with the counterparts of the others: a lone unattributed input is
    answerable only where the list it belongs to is seen."""
    if question.other_kind != "none":
        return [(a.text, "", a.places[0]) for a in question.answers]
    activity = vault.model.activity(question.subject)
    if activity is None:
        return [(a.text, "", a.places[0]) for a in question.answers]
    items = activity.inputs if question.direction == "input" else activity.outputs
    arrow = "←" if question.direction == "input" else "→"
    noun = vault.model.step_noun
    lines = []
    for item in items:
        names = [every_other(noun) if c.name == ALL else c.name for c in item.counterparts]
        end = f" {arrow} {', '.join(names)}" if names else ""
        lines.append((item.artifact or item.text, end, (item.path, item.line)))
    return lines


def _masker(hidden: str) -> re.Pattern[str] | None:
    """What finds the hidden answer's words in a sibling (None: it has no words)."""
    words = [re.escape(w) for w in hidden.split()]
    if not words:
        return None
    return re.compile(r"(?<!\w)" + r"\W+".join(words) + r"(?!\w)", re.IGNORECASE)


def _masked(sibling: str, masker: re.Pattern[str] | None) -> str:
    """The sibling with the hidden answer's words shown as `…`."""
    return masker.sub("…", sibling) if masker is not None else sibling


def _ends(question: Forward) -> str:
    if question.other == ALL:
        return "all activities"  # the name earlier builds gave it: the GUID stays
    return question.other


def list_cards(question: Forward, vault: Vault) -> list[CardNote]:
    kind = "inputs" if question.direction == "input" else "outputs"
    head = _head(question, vault)
    lines = _lines(question, vault)
    places = [place for _, _, place in lines]
    if len(lines) > MAX_LIST_LINES:
        vault.too_long.add((*min(places), len(lines)))
        return []
    cards: list[CardNote] = []
    for answer in question.answers:
        # The line is found by where it is written: two items may read the same.
        index = places.index(answer.places[0]) if answer.places[0] in places else len(places)
        masker = _masker(answer.text)
        shown = [
            f"<li>{cloze(1, text) if at == index else cloze_safe(_masked(text, masker))}"
            f"{cloze_safe(_masked(end, masker))}</li>"
            for at, (text, end, _) in enumerate(lines)
        ]
        best, line = vault.best_place(answer.places)
        cards.append(
            vault.card(
                kind=kind,
                identity=(question.subject, question.direction, answer.text, _ends(question)),
                shape="cloze",
                front=f"{head}<ul>{''.join(shown)}</ul>",
                back="",
                answers=(answer.text,),
                path=best,
                line=line,
                paths=[p for p, _ in answer.places],
                activity=question.subject,
            )
        )
    return cards
