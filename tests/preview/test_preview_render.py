"""The preview's two renderers: chaincards' own template filling, checked against Anki's."""

from __future__ import annotations

import re
from collections import Counter
from html import unescape
from pathlib import Path

import pytest

from chaincards.anki.backend import anki_backend_installed
from chaincards.anki.package import package_file_name, package_groups, write_package
from chaincards.cards.card import CardNote, split_origin
from chaincards.pipeline import compile_vault
from chaincards.preview import render
from chaincards.preview.render import (
    PreviewCard,
    fill_template,
    parse_cloze,
    render_cards,
    render_cloze,
    render_own,
    render_with_anki,
)

SAMPLE_VAULT = Path(__file__).resolve().parents[2] / "notes"

needs_anki = pytest.mark.skipif(
    not anki_backend_installed(), reason="needs Anki's backend: pip install 'chaincards[anki]'"
)


def note(guid: str, **fields: object) -> CardNote:
    defaults: dict[str, object] = {
        "shape": "basic",
        "front": f"Question {guid}",
        "back": f"Answer {guid}",
        "context": '<span class="cc-note">Note</span>',
        "source": "note.md:1",
        "deck": "Course",
        "tags": (),
        "mod": 1_700_000_000,
        "kind": "callout",
        "origin": "folder/note.md:12",
    }
    return CardNote(guid=guid, **{**defaults, **fields})  # type: ignore[arg-type]


def visible(html: str) -> str:
    """The text a learner reads: tags dropped, entities decoded, whitespace collapsed."""
    text = re.sub(r"<br\s*/?>|<hr[^>]*>|</?(?:p|div|li|ul|ol|tr|td|th|pre)\b[^>]*>", " ", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", "", text)).split())


def write_packages(cards: list[CardNote], folder: Path, media_root: Path) -> list[Path]:
    paths = []
    for name, group in package_groups(cards, None).items():
        path = folder / package_file_name(name)
        write_package(group, path, media_root)
        paths.append(path)
    return paths


# --- own renderer, hand-made notes ---------------------------------------------------------------


def test_basic_card_shows_front_then_front_and_back() -> None:
    [card] = render_own([note("b1", front="<b>Why?</b>", back="Because.")])
    assert (card.guid, card.shape, card.ordinal, card.deck, card.kind) == (
        "b1",
        "basic",
        1,
        "Course",
        "callout",
    )
    assert (card.source_path, card.source_line) == ("folder/note.md", 12)
    assert visible(card.question_html) == "Note Why?"
    assert "Because." not in card.question_html
    # {{FrontSide}}: the answer repeats the question above the rule, as in Anki.
    assert card.answer_html.startswith(card.question_html + "\n")
    assert visible(card.answer_html) == "Note Why? Because. note.md:1"


def test_reverse_note_gives_two_cards_asking_each_side() -> None:
    first, second = render_own([note("r1", shape="reverse", front="Term", back="Meaning")])
    assert (first.ordinal, second.ordinal) == (1, 2)
    assert visible(first.question_html) == "Note Term"
    assert visible(first.answer_html) == "Note Term Meaning note.md:1"
    assert visible(second.question_html) == "Note Meaning"
    assert visible(second.answer_html) == "Note Meaning Term note.md:1"


def test_reverse_note_without_back_gives_one_card() -> None:
    cards = render_own([note("r2", shape="reverse", front="Term", back="")])
    assert [card.ordinal for card in cards] == [1]


def test_cloze_with_hint_asks_one_deletion_per_card() -> None:
    text = "Plan makes {{c1::strategic::level}}, {{c2::tactical}} and {{c1::operational}} plans."
    cards = render_own([note("c1", shape="cloze", front=text, back="Extra words")])
    assert [card.ordinal for card in cards] == [1, 2]
    first, second = cards
    assert visible(first.question_html) == "Note Plan makes [level], tactical and [...] plans."
    assert visible(second.question_html) == (
        "Note Plan makes strategic, [...] and operational plans."
    )
    # The asked deletion is revealed on the answer, marked as the cloze; the others are not.
    assert '<span class="cloze" data-ordinal="1">strategic</span>' in first.answer_html
    assert '<span class="cloze-inactive" data-ordinal="2">tactical</span>' in first.answer_html
    assert visible(first.answer_html) == (
        "Note Plan makes strategic, tactical and operational plans. Extra words note.md:1"
    )
    assert 'data-cloze="strategic"' in first.question_html  # Anki keeps the answer in the tag


def test_empty_optional_fields_leave_out_their_blocks() -> None:
    [card] = render_own([note("e1", shape="cloze", front="{{c1::x}}", back="", context="  ")])
    assert "cc-context" not in card.question_html
    assert "cc-answer" not in card.answer_html  # no Extra
    assert "cc-source" in card.answer_html
    [plain] = render_own([note("e2", context="<br>", source="")])
    assert "cc-context" not in plain.question_html  # <br> alone counts as empty, as in Anki
    assert "cc-source" not in plain.answer_html


def test_inverted_section_shows_only_for_an_empty_field() -> None:
    template = "{{^Extra}}none{{/Extra}}{{#Extra}}[{{Extra}}]{{/Extra}}"
    assert fill_template(template, {"Extra": ""}) == "none"
    assert fill_template(template, {"Extra": "<div></div>"}) == "none"
    assert fill_template(template, {"Extra": "e"}) == "[e]"
    with pytest.raises(ValueError, match="unknown field"):
        fill_template("{{Nope}}", {"Extra": ""})
    with pytest.raises(ValueError, match="never closed"):
        fill_template("{{#Extra}}x", {"Extra": "e"})


def test_nested_and_multi_number_clozes() -> None:
    nodes = parse_cloze("A {{c1::outer {{c2::inner::ih}} tail::oh}} {{c1,3::both}}")
    assert visible(render_cloze(nodes, 1, question=True)) == "A [oh] [...]"
    assert visible(render_cloze(nodes, 2, question=True)) == "A outer [ih] tail both"
    assert visible(render_cloze(nodes, 3, question=True)) == "A outer inner tail [...]"
    assert visible(render_cloze(nodes, 2, question=False)) == "A outer inner tail both"


def test_unclosed_cloze_stays_text_and_the_card_says_so() -> None:
    [card] = render_own([note("u1", shape="cloze", front="{{c1::never closed", back="")])
    assert visible(render_cloze(parse_cloze("{{c1::never closed"), 1, True)) == (
        "{{c1::never closed"
    )
    assert "No cloze \u20681\u2069 found on card." in card.question_html
    assert "No cloze" in card.answer_html


def test_blank_front_is_reported_not_shown_empty() -> None:
    # The reversed card asks the Back, which exists; the forward card has nothing to ask.
    first, _ = render_own([note("f1", shape="reverse", front="", back="B")])
    assert visible(first.question_html) == "The front of this card is blank."


def test_split_origin() -> None:
    assert split_origin("a/b c.md:7") == ("a/b c.md", 7)
    assert split_origin("a.md") == ("a.md", 0)
    assert split_origin("C:/x.md:3") == ("C:/x.md", 3)


def test_render_cards_picks_anki_only_with_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    cards = [note("p1")]
    sentinel = [PreviewCard("s", "D", "k", "basic", 1, "q", "a", "x.md", 1)]
    monkeypatch.setattr(render, "render_with_anki", lambda _cards, _packages: sentinel)
    monkeypatch.setattr(render, "anki_available", lambda: True)
    assert render_cards(cards, [Path("x.apkg")]) is sentinel
    assert render_cards(cards, []) == render_own(cards)
    monkeypatch.setattr(render, "anki_available", lambda: False)
    assert render_cards(cards, [Path("x.apkg")]) == render_own(cards)


# --- against Anki -------------------------------------------------------------------------------


@needs_anki
def test_both_renderers_agree_on_the_sample_vault(tmp_path: Path) -> None:
    pytest.importorskip("anki")
    cards = compile_vault([SAMPLE_VAULT]).cards
    packages = write_packages(cards, tmp_path, SAMPLE_VAULT)
    by_anki = render_with_anki(cards, packages)
    by_own = render_own(cards)

    assert {card.shape for card in by_own} == {"basic", "reverse", "cloze"}
    assert len(by_anki) == len(by_own) > len(cards)  # reversed and cloze notes add cards
    for anki_card, own_card in zip(by_anki, by_own, strict=True):
        key = (own_card.guid, own_card.ordinal)
        assert (anki_card.guid, anki_card.ordinal) == key
        assert (anki_card.deck, anki_card.kind, anki_card.source_path, anki_card.source_line) == (
            own_card.deck,
            own_card.kind,
            own_card.source_path,
            own_card.source_line,
        ), key
        assert visible(anki_card.question_html) == visible(own_card.question_html), key
        assert visible(anki_card.answer_html) == visible(own_card.answer_html), key

    per_note = Counter(card.guid for card in by_own)
    for card in cards:
        if card.shape == "reverse":
            assert per_note[card.guid] == 2, card.origin
        if card.shape == "cloze":
            numbers = {int(n) for n in re.findall(r"\{\{c(\d+)::", card.front)}
            assert per_note[card.guid] == len(numbers), card.origin


TRICKY_CLOZES = [
    "A {{c1::outer {{c2::inner::ih}} tail::oh}} B",
    "{{c1,2::multi}} and {{c3::x}}",
    "{{c1::a::b::c}}",
    "{{c1::<b>bold</b>::h <i>i</i>}}",
    "x {{c1::}} y",
    '<p>{{c1::Deliver & support\'s "x" é}}</p>',
    "a }} b {{c1::y}} ::",
]


@needs_anki
def test_own_renderer_matches_anki_byte_for_byte_on_tricky_notes(tmp_path: Path) -> None:
    pytest.importorskip("anki")
    contexts = ["", "<div></div>", "<p></p>", " <br> ", "Ctx"]
    cards = [
        note(f"t{i}", shape="cloze", front=text, back="E" if i % 2 else "", context=contexts[i % 5])
        for i, text in enumerate(TRICKY_CLOZES)
    ]
    cards += [
        note("rv", shape="reverse", front="F <i>x</i>", back="B", source=""),
        note("bs", context="&nbsp;", back="<br>"),
    ]
    packages = write_packages(cards, tmp_path, tmp_path)
    by_anki = render_with_anki(cards, packages)
    by_own = render_own(cards)
    assert [(c.guid, c.ordinal) for c in by_anki] == [(c.guid, c.ordinal) for c in by_own]
    for anki_card, own_card in zip(by_anki, by_own, strict=True):
        assert anki_card == own_card


@needs_anki
def test_anki_renderer_needs_every_card_in_the_packages(tmp_path: Path) -> None:
    pytest.importorskip("anki")
    packaged = [note("in1")]
    packages = write_packages(packaged, tmp_path, tmp_path)
    assert [c.guid for c in render_with_anki(packaged, packages)] == ["in1"]
    with pytest.raises(ValueError, match="not in the packages"):
        render_with_anki([*packaged, note("out1")], packages)
