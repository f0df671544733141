"""Issue 6, point 2: nothing in a note runs in Anki.

The fields are read straight out of the built packages (the `notes.flds` column of the collection
inside each .apkg) and parsed with html.parser; what Anki itself renders from them after a real
import is checked the same way. Payloads sit in raw HTML, links, callout types and titles,
wikilink aliases, image alt text, code-fence languages, math, footnotes, clozes, tables, headings,
file names, tags and deck names (see hostile_vault._html_cases).
"""

from __future__ import annotations

from html import unescape

import pytest
from hostile_vault import (
    IMG_XSS,
    ONERROR,
    SCRIPT,
    Build,
    PackageNote,
    all_cases,
    build_hostile,
    html_tags,
    live_html,
)

from ankitools import html_to_text

HTML_MARKERS = [m for case in all_cases() if case.topic == "html" for m in case.fronts]
SAFE_HREF = ("https://", "http://", "obsidian://", "mailto:", "#fn")


@pytest.fixture(scope="module")
def build() -> Build:
    return build_hostile()


def _note(build: Build, marker: str) -> PackageNote:
    [note] = build.notes_with(marker)
    return note


def _attrs(html: str, tag: str) -> list[dict[str, str | None]]:
    return [dict(attrs) for name, attrs in html_tags(html) if name == tag]


def test_no_live_html_in_any_field(build: Build) -> None:
    found = [
        (note.fields[3], index, problem)
        for note in build.notes()
        for index, field in enumerate(note.fields)
        for problem in live_html(field)
    ]
    assert found == []


def test_links_and_pictures_only_point_where_they_may(build: Build) -> None:
    for note in build.notes():
        for field in note.fields:
            for attrs in _attrs(field, "a"):
                assert (attrs.get("href") or "").startswith(SAFE_HREF), attrs
            for attrs in _attrs(field, "img"):
                src = attrs.get("src") or ""
                assert src.startswith(("cc_", "https://")), attrs


def test_no_live_html_in_what_anki_renders(build: Build) -> None:
    assert build.cards
    found = [
        (card["guid"], side, problem)
        for card in build.cards
        for side in ("question_html", "answer_html")
        for problem in live_html(card[side])
    ]
    assert found == []


@pytest.mark.parametrize("marker", HTML_MARKERS)
def test_payload_card_is_built_and_inert(build: Build, marker: str) -> None:
    note = _note(build, marker)
    for field in note.fields:
        assert live_html(field) == []
    shown = [card for card in build.cards if card["guid"] == note.guid]
    assert shown, "the card was not imported"
    for card in shown:
        assert live_html(card["question_html"]) == live_html(card["answer_html"]) == []


RAW_SHOWN_AS_TEXT = {
    "Hxraw0": "<script>alert(1)</script>",
    "Hxraw1": IMG_XSS,
    "Hxraw2": '<iframe src="javascript:alert(1)"></iframe>',
    "Hxraw3": '<object data="evil.swf"></object><embed src="evil.swf">',
    "Hxraw4": '<a href="javascript:alert(1)">click</a>',
    "Hxraw5": "<svg onload=alert(1)>",
    "Hxraw6": "<details open ontoggle=alert(1)>",
    "Hxraw7": "<style>body{display:none}</style>",
    "Hxraw8": '<form action="javascript:alert(1)"><button>go</button></form>',
    "Hxraw9": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "Hxraw10": "<script>alert(1)</script>",  # between two HTML comments that are removed
    "Hxraw11": "<script>alert(1)</script>",  # after an Obsidian comment
    "Hxraw12": "<script>alert(1)</script>",  # written as entities
    "Hxraw13": "<scr<script>ipt>alert(1)</script>",
}


@pytest.mark.parametrize("marker", sorted(RAW_SHOWN_AS_TEXT))
def test_raw_html_is_shown_as_text(build: Build, marker: str) -> None:
    note = _note(build, marker)
    expected = RAW_SHOWN_AS_TEXT[marker]
    assert expected in html_to_text(note.fields[0])
    assert expected in html_to_text(note.fields[1])
    assert not [tag for tag, _ in html_tags(note.fields[0]) if tag not in ("p", "br")]


def test_raw_html_blocks_are_text(build: Build) -> None:
    note = _note(build, "Hxrawblock")
    assert "<b onmouseover=alert(1)>x</b>" in html_to_text(note.fields[1])
    assert _note(build, "Hxrawafter").fields[0] == "<p>Hxrawafter question</p>"


UNSAFE_LINKS = [f"Hxlink{i}" for i in (*range(10), 12, 13, 14, 15)]


@pytest.mark.parametrize("marker", UNSAFE_LINKS)
def test_unsafe_links_are_dropped(build: Build, marker: str) -> None:
    note = _note(build, marker)
    for field in note.fields[:2]:
        assert _attrs(field, "a") == [], field
        assert all("href" not in dict(attrs) for _, attrs in html_tags(field))


def test_safe_links_keep_payloads_inside_attributes(build: Build) -> None:
    [titled] = _attrs(_note(build, "Hxlink11").fields[0], "a")
    assert titled == {"href": "https://example.com", "title": 'x" onmouseover="alert(1)'}
    [auto] = _attrs(_note(build, "Hxlink16").fields[0], "a")
    assert set(auto) == {"href"} and '"' not in (auto["href"] or "")


def test_callout_type_and_title(build: Build) -> None:
    back = _note(build, "Hxcallouttype").fields[1]
    [typed] = [a for a in _attrs(back, "div") if "data-callout" in a]
    assert typed["data-callout"] == 'x"><script>alert(1)</script>'
    titled = html_to_text(_note(build, "Hxcallouttitle").fields[1])
    assert f"{SCRIPT} {ONERROR}" in titled
    untitled = _note(build, "Hxcalloutnotitle").fields[1]
    assert "<img/src=x/onerror=alert(1)>" in html_to_text(untitled)
    for marker in ("Hxcardtitle", "Hxcardtype"):  # payloads in a card callout's own head
        note = _note(build, marker)
        assert "alert" not in "".join(note.fields[:2])


def test_wikilink_aliases_and_targets(build: Build) -> None:
    alias = _note(build, "Hxwikialias")
    assert SCRIPT in html_to_text(alias.fields[0]) and ONERROR in html_to_text(alias.fields[1])
    target = _note(build, "Hxwikitarget")
    assert SCRIPT in html_to_text(target.fields[0])
    assert IMG_XSS in html_to_text(target.fields[1])
    missing = _note(build, "Hxwikiembedmissing")
    assert f"{ONERROR}.png" in html_to_text(missing.fields[0])


def test_image_alt_text_stays_an_attribute(build: Build) -> None:
    note = _note(build, "Hximgalt")
    [front] = _attrs(note.fields[0], "img")
    assert front["alt"] == ONERROR and set(front) == {"src", "alt"}
    [back] = _attrs(note.fields[1], "img")
    assert back["alt"] == SCRIPT and set(back) == {"src", "alt"}
    for marker in ("Hxwikiembedalias", "Hxwikihostilefile", "Hximgremote"):
        for field in _note(build, marker).fields[:2]:
            for attrs in _attrs(field, "img"):
                assert set(attrs) <= {"src", "alt", "width"}, attrs
    hostile_file = _note(build, "Hxwikihostilefile").fields[0]
    [picture] = _attrs(hostile_file, "img")
    assert picture["alt"] == f"{IMG_XSS}.png"
    assert all(ch.isalnum() or ch in "_.-" for ch in picture["src"] or "")


def test_code_fence_languages(build: Build) -> None:
    [code] = _attrs(_note(build, "Hxcodelang").fields[1], "code")
    assert code["class"] == f"language-{SCRIPT}"
    [code2] = _attrs(_note(build, "Hxcodelang2").fields[1], "code")
    assert set(code2) == {"class"}
    assert "<script>" in html_to_text(_note(build, "Hxcodelang2").fields[1])
    inline = _note(build, "Hxcodeinline")
    assert SCRIPT in html_to_text(inline.fields[0])
    assert "<script>alert(1)</script>" in html_to_text(inline.fields[1])


def test_math_is_text_for_mathjax(build: Build) -> None:
    note = _note(build, "Hxmath")
    assert r"\(<script>alert(1)</script>\)" in html_to_text(note.fields[0])
    assert f"</div>{SCRIPT}" in html_to_text(note.fields[1])
    attr = _note(build, "Hxmathattr")
    assert [tag for tag, _ in html_tags(attr.fields[0])] == ["p"]
    assert "<iframe>" in html_to_text(attr.fields[1])


def test_footnotes(build: Build) -> None:
    back = _note(build, "Hxfootnote").fields[1]
    assert "<script>alert(1)</script>" in html_to_text(back)
    for attrs in _attrs(back, "a"):
        assert (attrs.get("href") or "").startswith("#fn")


def test_clozes_and_highlights(build: Build) -> None:
    cloze = _note(build, "Hxcloze")
    assert cloze.notetype == "chaincards Cloze"
    assert "{{c1::<script>alert(1)</script>::" in unescape(cloze.fields[0])
    assert [tag for tag, _ in html_tags(cloze.fields[0])] == ["p"]
    tag_cloze = _note(build, "Hxclozetag")
    assert [tag for tag, _ in html_tags(tag_cloze.fields[0])] == ["p"]
    answers = [c["answer"] for c in build.cards if c["guid"] in (cloze.guid, tag_cloze.guid)]
    assert len(answers) == 4
    assert any("<script>alert(1)</script>" in answer for answer in answers)


def test_tables(build: Build) -> None:
    back = _note(build, "Hxtable").fields[1]
    cells = html_to_text(back)
    assert SCRIPT in cells and IMG_XSS in cells and ONERROR in cells


def test_headings_and_file_names_in_context_and_source(build: Build) -> None:
    heading = _note(build, "Hxheading")
    assert html_to_text(heading.fields[2]) == f"{SCRIPT} › {IMG_XSS}"
    named = _note(build, "Hxfilename")
    source = named.fields[3]
    assert html_to_text(source) == f"html/{IMG_XSS} {ONERROR}.md:1"
    [link] = _attrs(source, "a")
    assert set(link) == {"href"} and (link["href"] or "").startswith("obsidian://open?vault=")
    assert html_to_text(named.fields[2]) == f"{IMG_XSS} {ONERROR}"  # title from the file name


def test_templater_code_in_a_card_is_text(build: Build) -> None:
    note = _note(build, "Hxtemplaterbody")
    assert "<% tp.file.cursor() %>" in html_to_text(note.fields[0])
    assert "<%* tR += '<script>' %>" in html_to_text(note.fields[1])


def test_tags_and_deck_names_never_reach_a_field(build: Build) -> None:
    note = _note(build, "Hxtags")
    assert note.deck == "Hostile::<script>alert(1)</script>"
    assert all(tag and not any(ch.isspace() for ch in tag) for tag in note.tags)
    assert any("<script>" in tag for tag in note.tags)  # kept as text, in Anki's tag list only
    for field in note.fields:
        assert "alert" not in field
    top = _note(build, "Hxtopdeck")
    assert top.deck == f"{IMG_XSS}::{IMG_XSS}"
    assert "alert" not in "".join(top.fields)
    decks = {card["deck"] for card in build.cards}
    assert {"Hostile::<script>alert(1)</script>", f"{IMG_XSS}::{IMG_XSS}"} <= decks


def test_package_file_names_are_plain(build: Build) -> None:
    for name in build.packages:
        assert not set(name) & set('<>:"/\\|?*'), name
        assert name.endswith(".apkg") and not name.startswith(".")
