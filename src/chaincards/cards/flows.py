"""Flow cards: the questions of questions.py as Anki notes.

A forward question with at most three short answers is one basic card that asks for all of them
("What two things does A provide to B?"), so two cards never ask the same question with different
answers. Longer answer sets become list cards (lists.py): one per answer, each showing every other
answer to the same question. A reverse question is one basic card ("Which stage provides X to
B?"); with more than three answers it cannot be answered and is left to the screen to drop.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from chaincards.cards.card import CardNote
from chaincards.cards.facts import Vault, strong
from chaincards.cards.lists import list_cards
from chaincards.cards.questions import Answer, Forward, Reverse
from chaincards.cards.wording import (
    answer_list,
    count_word,
    every_other,
    italic,
    noun_phrase,
    party_phrase,
    words,
)
from chaincards.model.types import ALL

MAX_ANSWERS = 3  # more is a list to recite, not a fact
MAX_ANSWER_WORDS = 20


def _best(answers: tuple[Answer, ...], vault: Vault) -> tuple[str, int, list[str]]:
    places = [place for a in answers for place in a.places]
    best, line = vault.best_place(places)
    return best, line, [p for p, _ in places]


def _one_card(question: Forward) -> bool:
    texts = [a.text for a in question.answers]
    return len(texts) <= MAX_ANSWERS and sum(len(words(t)) for t in texts) <= MAX_ANSWER_WORDS


def _forward_front(question: Forward, noun: str) -> str:
    count = len(question.answers)
    what = "What" if count == 1 else f"What {count_word(count)} things"
    verb = "provide to" if question.direction == "output" else "receive from"
    if question.other_kind == "activity":
        other = strong(question.other)
    else:
        other = escape(party_phrase(question.other, noun))
    return f"{what} does {strong(question.subject)} {verb} {other}?"


def forward_cards(question: Forward, vault: Vault) -> list[CardNote]:
    noun = vault.model.step_noun
    if question.other_kind == "none" or not _one_card(question):
        return list_cards(question, vault)
    path, line, paths = _best(question.answers, vault)
    first = question.answers[0].text
    return [
        vault.card(
            kind="flows",
            identity=(question.subject, question.other, first)
            if question.other_kind == "activity"
            else (question.subject, question.direction, question.other, first),
            shape="basic",
            front=_forward_front(question, noun),
            back=answer_list([a.text for a in question.answers]),
            answers=tuple(a.text for a in question.answers),
            path=path,
            line=line,
            paths=paths,
            activity=question.subject,
            flow=(question.subject, question.other) if question.other_kind == "activity" else None,
        )
    ]


def _reverse_front(question: Reverse, noun: str, proper: Callable[[str], bool]) -> str:
    count = len(question.answers)
    artifact = italic(question.artifact.text, proper)
    known = every_other(noun) if question.known == ALL else strong(question.known)
    if question.who == "party":
        verb = "provides" if question.direction == "input" else "receives"
        way = "to" if question.direction == "input" else "from"
        return f"Who {verb} {artifact} {way} {known}?"
    subject = noun_phrase(noun, count)
    if question.direction == "input":
        verb = "provides" if count == 1 else "provide"
        return f"Which {subject} {verb} {artifact} to {known}?"
    verb = "receives" if count == 1 else "receive"
    return f"Which {subject} {verb} {artifact} from {known}?"


def reverse_cards(question: Reverse, vault: Vault) -> list[CardNote]:
    path, line, paths = _best((question.artifact,), vault)
    proper = vault.starts_a_name
    if question.who == "party":
        identity: tuple[str, ...] = ("who", question.known, question.direction)
        identity += (question.artifact.text,)
    elif question.known == ALL:
        identity = ("who", question.direction, ALL, question.artifact.text)
    else:
        identity = ("who", question.known, question.artifact.text)
    masked = question.answers
    return [
        vault.card(
            kind="flows",
            identity=identity,
            shape="basic",
            front=_reverse_front(question, vault.model.step_noun, proper),
            back=answer_list(list(question.answers)),
            answers=question.answers,
            path=path,
            line=line,
            paths=paths,
            activity=question.known if question.known != ALL else question.answers[0],
            masked=masked,
        )
    ]
