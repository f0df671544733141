"""chaincards' own Anki notetypes: fixed ids, names and fields, so re-imports update in place.

Anki matches an imported notetype by id and only updates it while its field and template names
stay the same; renaming or reordering anything here would make Anki add a second notetype and
list every note as "conflicting". Treat names, fields and template names as frozen. Fields and
templates carry fixed ids too, by which Anki's "merge notetypes" import option matches them: a
field added later (at the end, with its own id) merges into the learner's notetype.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources

import genanki

from chaincards.cards.card import CardNote
from chaincards.document import CardShape

BASIC_NAME = "chaincards Basic"
REVERSE_NAME = "chaincards Basic (and reversed card)"
CLOZE_NAME = "chaincards Cloze"

FRONT_BACK_FIELDS = ("Front", "Back", "Context", "Source")
CLOZE_FIELDS = ("Text", "Extra", "Context", "Source")

# Anki only replaces a notetype it already has when the package's copy is newer, so the
# templates' own modification time has to move forward whenever they or the CSS change.
# Bump this to the current time (seconds since the epoch) with every such edit.
TEMPLATES_REVISED = 1_796_515_200  # 2026-12-06T00:00:00Z: fixed field and template ids


def stable_id(kind: str, name: str) -> int:
    """An id in [2**30, 2**31) that depends only on its kind and name, the same on every build."""
    digest = hashlib.sha256(f"chaincards\x1f{kind}\x1f{name}".encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


def _context(field: str) -> str:
    return f'{{{{#{field}}}}}<div class="cc-context">{{{{{field}}}}}</div>{{{{/{field}}}}}'


def _source() -> str:
    return '{{#Source}}<div class="cc-source">{{Source}}</div>{{/Source}}'


def _question(shown: str) -> str:
    # The whole side sits inside a conditional on the asked field: with that field empty the
    # side renders empty, so Anki treats the card as empty instead of showing only the Context.
    return (
        f"{{{{#{shown}}}}}"
        f'<div class="cc-card">{_context("Context")}'
        f'<div class="cc-question">{{{{{shown}}}}}</div></div>'
        f"{{{{/{shown}}}}}"
    )


def _answer(answer: str) -> str:
    return (
        "{{FrontSide}}\n"
        '<div class="cc-card"><hr id="answer">'
        f'<div class="cc-answer">{{{{{answer}}}}}</div>{_source()}</div>'
    )


def _cloze_question() -> str:
    return (
        f'<div class="cc-card">{_context("Context")}'
        '<div class="cc-question">{{cloze:Text}}</div></div>'
    )


def _cloze_answer() -> str:
    return (
        f'<div class="cc-card">{_context("Context")}'
        '<div class="cc-question">{{cloze:Text}}</div><hr id="answer">'
        '{{#Extra}}<div class="cc-answer">{{Extra}}</div>{{/Extra}}'
        f"{_source()}</div>"
    )


@cache
def stylesheet() -> str:
    return resources.files("chaincards.anki").joinpath("style.css").read_text(encoding="utf-8")


def part_id(notetype: str, kind: str, name: str) -> int:
    """A field's or template's id: fixed by the notetype's and its own name. Anki matches
    fields and templates by id when it merges an imported notetype into the learner's, so a
    field added in a later version merges in and the others keep their place and content."""
    digest = hashlib.sha256(f"chaincards\x1f{notetype}\x1f{kind}\x1f{name}".encode()).digest()
    return (int.from_bytes(digest[:8], "big") >> 1) or 1  # a positive signed 64-bit number


def _fields(notetype: str, names: tuple[str, ...]) -> list[dict[str, object]]:
    return [{"name": name, "id": part_id(notetype, "field", name)} for name in names]


def _with_ids(notetype: str, templates: list[dict[str, object]]) -> list[dict[str, object]]:
    return [{**t, "id": part_id(notetype, "template", str(t["name"]))} for t in templates]


def notetype_for(shape: CardShape | str) -> genanki.Model:
    """A fresh Model for "basic", "reverse" or "cloze" (fresh because genanki mutates it)."""
    if shape == "basic":
        name, model_type, fields = BASIC_NAME, genanki.Model.FRONT_BACK, FRONT_BACK_FIELDS
        templates: list[dict[str, object]]
        templates = [{"name": "Card 1", "qfmt": _question("Front"), "afmt": _answer("Back")}]
    elif shape == "reverse":
        name, model_type, fields = REVERSE_NAME, genanki.Model.FRONT_BACK, FRONT_BACK_FIELDS
        templates = [
            {"name": "Card 1", "qfmt": _question("Front"), "afmt": _answer("Back")},
            {"name": "Card 2", "qfmt": _question("Back"), "afmt": _answer("Front")},
        ]
    elif shape == "cloze":
        name, model_type, fields = CLOZE_NAME, genanki.Model.CLOZE, CLOZE_FIELDS
        templates = [{"name": "Cloze", "qfmt": _cloze_question(), "afmt": _cloze_answer()}]
    else:
        raise ValueError(f"unknown card shape: {shape!r}")
    return genanki.Model(
        model_id=stable_id("notetype", name),
        name=name,
        fields=_fields(name, fields),
        templates=_with_ids(name, templates),
        css=stylesheet(),
        model_type=model_type,
    )


def fields_for(card: CardNote) -> list[str]:
    """The note's field values in notetype order: Front/Text, Back/Extra, Context, Source."""
    return [card.front, card.back, card.context, card.source]
