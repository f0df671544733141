"""How generated cards word their questions: in the notes' own words.

The step noun is the chain's (`Model.step_noun`: "Which stage …", "every other process"), an
artifact reads lower-case inside a sentence unless it starts with a proper noun or an acronym
(`Which step provides <i>build scripts</i> …`, but `NADH`, `Rule 12 motions` stay), and counts are
words ("Which two stages …").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape

from chaincards.model.definitions import plural
from chaincards.model.types import ALL

_COUNTS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}
_WORD = re.compile(r"[^\W\d_]+")


def count_word(number: int) -> str:
    return _COUNTS.get(number, str(number))


def noun_phrase(noun: str, number: int = 1) -> str:
    """`stage`, `two stages`."""
    return noun if number == 1 else f"{count_word(number)} {plural(noun)}"


def every_other(noun: str) -> str:
    return f"every other {noun}"


def mid_sentence(text: str, proper: Callable[[str], bool] = lambda word: False) -> str:
    """`Broad, high-level demand` → `broad, high-level demand`; `NADH`, `Rule 12 motions`,
    `Engage requests` (`proper` says a word starts a name) keep their capital."""
    text = text.strip()
    first = text.split(maxsplit=1)[0] if text else ""
    word = first.strip("\"'“”(")
    if not word or not word[0].isupper():
        return text
    if (
        proper(word.casefold())
        or any(c.isupper() for c in word[1:])
        or any(c.isdigit() for c in word)
    ):
        return text  # an acronym, a chemical formula, a name
    rest = text.split(maxsplit=1)
    following = rest[1].split(maxsplit=1)[0] if len(rest) > 1 else ""
    if following[:1].isdigit():
        return text  # `Rule 12 motions`, `Form 8-K`
    at = text.index(word[0])
    return text[:at] + word[0].lower() + text[at + 1 :]


def party_phrase(name: str, noun: str) -> str:
    """`governing body` reads "the governing body"; plural groups need no article; `*` is every
    other step."""
    if name == ALL:
        return every_other(noun)
    words = name.split()
    if words[0].casefold() in {"the", "a", "an", "all", "every", "each"} or name.endswith("s"):
        return name
    return f"the {name}"


def italic(text: str, proper: Callable[[str], bool] = lambda word: False) -> str:
    return f"<i>{escape(mid_sentence(text, proper))}</i>"


def answer_list(answers: list[str]) -> str:
    """One answer as it is; several as a list, in the notes' order."""
    if len(answers) == 1:
        return escape(answers[0])
    return "<ul>" + "".join(f"<li>{escape(a)}</li>" for a in answers) + "</ul>"


def words(text: str) -> list[str]:
    return _WORD.findall(text)
