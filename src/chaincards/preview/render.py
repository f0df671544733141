"""Cards as a learner sees them: one PreviewCard per Anki card, rendered two ways.

`render_with_anki` asks Anki's own renderer, after importing the packages into a throwaway
collection: exactly what Anki shows, but it needs the `anki` package and built packages.
`render_own` fills in chaincards' notetype templates itself, covering only the template syntax
those templates use; a test keeps the two in agreement on the sample vault.
"""

from __future__ import annotations

import html
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from chaincards.anki.backend import anki_backend_installed
from chaincards.anki.notetypes import fields_for, notetype_for
from chaincards.anki.package import card_ords
from chaincards.cards.card import CardNote, split_origin
from chaincards.document import CardShape


@dataclass(frozen=True)
class PreviewCard:
    """One Anki card: its question and answer sides as HTML, and where it came from."""

    guid: str
    deck: str
    kind: str
    shape: CardShape
    ordinal: int  # 1-based: the template number, or the cloze number for a cloze card
    question_html: str
    answer_html: str
    source_path: str  # vault-relative
    source_line: int


def _preview(card: CardNote, ordinal: int, question: str, answer: str) -> PreviewCard:
    path, line = split_origin(card.origin)
    return PreviewCard(
        guid=card.guid,
        deck=card.deck,
        kind=card.kind,
        shape=card.shape,
        ordinal=ordinal,
        question_html=question,
        answer_html=answer,
        source_path=path,
        source_line=line,
    )


def _order(card: PreviewCard) -> tuple[str, str, int, str, int]:
    # The order new cards come in within a deck: as they appear in the notes.
    return (card.deck, card.source_path, card.source_line, card.guid, card.ordinal)


# --- Anki's renderer ---------------------------------------------------------------------------


def anki_available() -> bool:
    return anki_backend_installed()


def render_with_anki(cards: list[CardNote], packages: list[Path]) -> list[PreviewCard]:
    """Render every card of `cards` with Anki itself, from the packages built for them.

    The packages must be fresh builds of `cards`: Anki renders the fields stored in the
    package, and only kind, deck and source come from the CardNote. Notes in the packages that
    are not among `cards` are left out; a card missing from the packages is a ValueError.
    """
    # Imported here: the anki package is a test extra, and slow to import.
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    by_guid = {card.guid: card for card in cards}
    previews: list[PreviewCard] = []
    with tempfile.TemporaryDirectory(prefix="chaincards-preview-") as scratch:
        col = Collection(str(Path(scratch) / "preview.anki2"))
        try:
            for package in packages:
                options = ImportAnkiPackageOptions(with_scheduling=False)
                request = ImportAnkiPackageRequest(package_path=str(package), options=options)
                col.import_anki_package(request)
            for card_id in col.find_cards(""):
                anki_card = col.get_card(card_id)
                card = by_guid.get(anki_card.note().guid)
                if card is None:
                    continue
                # render_output's *_text leave out the <style> that question() puts in front.
                output = anki_card.render_output(reload=True)
                previews.append(
                    _preview(card, anki_card.ord + 1, output.question_text, output.answer_text)
                )
        finally:
            col.close()
    missing = sorted(set(by_guid) - {preview.guid for preview in previews})
    if missing:
        raise ValueError(f"{len(missing)} card(s) not in the packages, e.g. GUID {missing[0]!r}")
    return sorted(previews, key=_order)


# --- chaincards' own renderer ------------------------------------------------------------------

# Anki's test for an empty field (rslib template.rs): only whitespace, <br> and <div> tags.
_EMPTY_FIELD = re.compile(r"^(?:\s|</?(?:br|div) ?/?>)*$", re.IGNORECASE)
_TEMPLATE_TAG = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_CLOZE_TOKEN = re.compile(r"\{\{c(\d+(?:,\d+)*)::|\}\}|::")


@dataclass(frozen=True)
class _Replace:
    field: str
    filters: tuple[str, ...]  # outermost first, as in "{{cloze:Text}}"


@dataclass(frozen=True)
class _Section:
    field: str
    inverted: bool  # {{^Field}}: shown when the field is empty
    body: tuple[_TemplateNode, ...]


_TemplateNode = str | _Replace | _Section


def parse_template(text: str) -> tuple[_TemplateNode, ...]:
    """Anki template text → nodes; ValueError on unbalanced sections."""
    stack: list[tuple[str, bool, list[_TemplateNode]]] = [("", False, [])]
    pos = 0
    for match in _TEMPLATE_TAG.finditer(text):
        if match.start() > pos:
            stack[-1][2].append(text[pos : match.start()])
        pos = match.end()
        tag = match.group(1).strip()
        if tag[:1] in "#^":
            stack.append((tag[1:].strip(), tag[0] == "^", []))
        elif tag[:1] == "/":
            name, inverted, body = stack.pop()
            if len(stack) == 0 or name != tag[1:].strip():
                raise ValueError(f"template section {name!r} closed by {tag!r}")
            stack[-1][2].append(_Section(name, inverted, tuple(body)))
        else:
            *filters, field = tag.split(":")
            stack[-1][2].append(_Replace(field.strip(), tuple(f.strip() for f in filters)))
    if len(stack) != 1:
        raise ValueError(f"template section {stack[-1][0]!r} is never closed")
    if pos < len(text):
        stack[0][2].append(text[pos:])
    return tuple(stack[0][2])


@dataclass(frozen=True)
class _Cloze:
    ords: tuple[int, ...]
    label: str  # the numbers as written, "1" or "1,2": Anki's data-ordinal
    body: tuple[_ClozeNode, ...]
    hint: str | None


_ClozeNode = str | _Cloze


@dataclass
class _OpenCloze:
    label: str
    opening: str  # the source text that opened it, to put back if it is never closed
    body: list[_ClozeNode]
    hint: list[str] | None = None


def _close(open_cloze: _OpenCloze) -> _Cloze:
    ords = tuple(int(n) for n in open_cloze.label.split(","))
    hint = "".join(open_cloze.hint) if open_cloze.hint is not None else None
    return _Cloze(ords, open_cloze.label, tuple(open_cloze.body), hint)


def _unclosed(open_cloze: _OpenCloze) -> list[_ClozeNode]:
    # Anki shows an unterminated cloze as the text it is written with.
    nodes: list[_ClozeNode] = [open_cloze.opening, *open_cloze.body]
    if open_cloze.hint is not None:
        nodes += ["::", *open_cloze.hint]
    return nodes


def parse_cloze(text: str) -> tuple[_ClozeNode, ...]:
    """Field text with {{cN::answer::hint}} markers (nested allowed) → text and _Cloze nodes."""
    root: list[_ClozeNode] = []
    stack: list[_OpenCloze] = []

    def add(node: _ClozeNode) -> None:
        top = stack[-1] if stack else None
        if top is None:
            root.append(node)
        elif top.hint is not None and isinstance(node, str):
            top.hint.append(node)
        else:
            top.body.append(node)

    pos = 0
    for match in _CLOZE_TOKEN.finditer(text):
        add(text[pos : match.start()])
        pos = match.end()
        token = match.group(0)
        if match.group(1):
            stack.append(_OpenCloze(match.group(1), token, []))
        elif token == "}}" and stack:
            add(_close(stack.pop()))
        elif token == "::" and stack and stack[-1].hint is None:
            stack[-1].hint = []  # the first "::" of a cloze starts its hint; later ones are text
        else:
            add(token)
    add(text[pos:])
    while stack:
        for node in _unclosed(stack.pop()):
            add(node)
    return tuple(node for node in root if node != "")


def _cloze_numbers(nodes: Iterable[_ClozeNode]) -> set[int]:
    found: set[int] = set()
    for node in nodes:
        if isinstance(node, _Cloze):
            found.update(node.ords)
            found |= _cloze_numbers(node.body)
    return found


_NAMED = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}


def _attribute(text: str) -> str:
    """Escape like Anki's data-cloze (htmlescape's encode_attribute), for byte-equal output."""
    return "".join(
        ch
        if (ch.isascii() and ch.isalnum()) or ord(ch) > 0xFF
        else _NAMED.get(ch) or f"&#x{ord(ch):02X};"
        for ch in text
    )


def render_cloze(nodes: Iterable[_ClozeNode], ordinal: int, question: bool) -> str:
    """The cloze field for card `ordinal`: its deletions asked or revealed, the rest as text."""
    parts: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            parts.append(node)
            continue
        body = render_cloze(node.body, ordinal, question)
        if ordinal not in node.ords:
            parts.append(f'<span class="cloze-inactive" data-ordinal="{node.label}">{body}</span>')
        elif question:
            answer = _attribute(render_cloze(node.body, ordinal, False))
            shown = f"[{node.hint if node.hint is not None else '...'}]"
            parts.append(
                f'<span class="cloze" data-cloze="{answer}" data-ordinal="{node.label}">'
                f"{shown}</span>"
            )
        else:
            parts.append(f'<span class="cloze" data-ordinal="{node.label}">{body}</span>')
    return "".join(parts)


@dataclass(frozen=True)
class _Side:
    fields: Mapping[str, str]
    front_side: str  # the rendered question, for {{FrontSide}} on the answer
    ordinal: int
    question: bool


def render_template(nodes: Iterable[_TemplateNode], side: _Side) -> str:
    """Fill in a parsed template; ValueError for a field or filter chaincards does not use."""
    parts: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            parts.append(node)
        elif isinstance(node, _Section):
            empty = _EMPTY_FIELD.match(_field(side, node.field)) is not None
            if empty == node.inverted:
                parts.append(render_template(node.body, side))
        elif node.field == "FrontSide" and not node.filters:
            parts.append(side.front_side)
        elif node.filters == ("cloze",):
            cloze_nodes = parse_cloze(_field(side, node.field))
            # Anki leaves the field out entirely on a card whose cloze number it lacks.
            if side.ordinal in _cloze_numbers(cloze_nodes):
                parts.append(render_cloze(cloze_nodes, side.ordinal, side.question))
        elif not node.filters:
            parts.append(_field(side, node.field))
        else:
            raise ValueError(f"template filter {':'.join(node.filters)!r} is not supported")
    return "".join(parts)


def fill_template(
    template: str,
    fields: Mapping[str, str],
    *,
    front_side: str = "",
    ordinal: int = 1,
    question: bool = True,
) -> str:
    """One side of a card from Anki template text: `ordinal` picks the cloze asked."""
    side = _Side(fields, front_side, ordinal, question)
    return render_template(parse_template(template), side)


def _field(side: _Side, name: str) -> str:
    if name not in side.fields:
        raise ValueError(f"template uses unknown field {name!r}")
    return side.fields[name]


@dataclass(frozen=True)
class _Notetype:
    fields: tuple[str, ...]
    templates: tuple[tuple[tuple[_TemplateNode, ...], tuple[_TemplateNode, ...]], ...]  # q, a


@cache
def _notetype(shape: str) -> _Notetype:
    model = notetype_for(shape)
    return _Notetype(
        fields=tuple(str(field["name"]) for field in model.fields),
        templates=tuple(
            (parse_template(t["qfmt"]), parse_template(t["afmt"])) for t in model.templates
        ),
    )


def _notice(text: str) -> str:
    # Anki's own wording, less its link to the online manual: the preview stays offline.
    return f"<div>{html.escape(text)}</div>"


def render_note(card: CardNote, ordinal: int) -> tuple[str, str]:
    """(question, answer) HTML of the note's card `ordinal` (1-based), as Anki renders them."""
    notetype = _notetype(card.shape)
    fields = dict(zip(notetype.fields, fields_for(card), strict=True))
    question_nodes, answer_nodes = notetype.templates[0 if card.shape == "cloze" else ordinal - 1]
    asked = _Side(fields, "", ordinal, question=True)
    question = render_template(question_nodes, asked)
    if card.shape == "cloze" and ordinal not in _cloze_numbers(parse_cloze(fields["Text"])):
        notice = _notice(
            f"No cloze \u2068{ordinal}\u2069 found on card.\n"
            "Please either add a cloze deletion, or use the Empty Cards tool."
        )
        return question + notice, notice
    if not question.strip():
        notice = _notice("The front of this card is blank.")
        return notice, notice
    answer = render_template(answer_nodes, _Side(fields, question, ordinal, question=False))
    return question, answer


def render_own(cards: list[CardNote]) -> list[PreviewCard]:
    """Render every card of `cards` from chaincards' notetype templates, without Anki."""
    previews = []
    for card in cards:
        # The package writer decides which cards a note gets; the preview shows the same set.
        for ord_ in card_ords(card):
            question, answer = render_note(card, ord_ + 1)
            previews.append(_preview(card, ord_ + 1, question, answer))
    return sorted(previews, key=_order)


def render_cards(cards: list[CardNote], packages: list[Path]) -> list[PreviewCard]:
    """Anki's rendering when the anki package is installed and packages are given, else ours."""
    if packages and anki_available():
        return render_with_anki(cards, packages)
    return render_own(cards)
