"""The hostile vault of issue 6, written into a temporary folder at test time.

Binary files, bad encodings, symlinks and odd file names cannot be committed reliably as fixtures,
so this module writes them. Every file is a `Case`: where it lives, its bytes, which diagnostics it
must cause and which cards must come out of it. `build_hostile()` writes the vault once per test
session, runs the real command line on it (`python -m chaincards build`), reads the packages back
(zip entries, media map and the `notes` table) and imports them into a fresh collection with
Anki's own backend, so every test file of tests/hostile checks the same build.

Card fronts carry a marker word (`Hx…`) so a test can tell which note a card came from; markers
of notes that must be skipped start with `Hskip`, and must appear in no field at all.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from cli_process import run_chaincards

SRC = Path(__file__).resolve().parents[2] / "src"
SECRET = b"OUTSIDE-THE-VAULT-SECRET-7f3a"  # in every file outside the vault
VAULT_NAME = "vault"
DIAGNOSTIC = re.compile(
    r"^(?P<path>[^\s:/][^:]*):(?P<line>\d+): (?P<severity>error|warning): (?P<message>\S.*)$"
)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)

# Payloads that would run in Anki's webview if they reached a field as live HTML.
SCRIPT = '"><script>alert(1)</script>'
ONERROR = '" onerror="alert(1)'
IMG_XSS = "<img src=x onerror=alert(1)>"


@dataclass(frozen=True)
class Expect:
    """A diagnostic the case must cause: severity, a regex searched in the message, the line."""

    severity: str
    message: str
    line: int | None = None


@dataclass(frozen=True)
class Case:
    id: str
    topic: str  # which bullet of the issue it covers
    path: str  # vault-relative
    data: bytes
    expect: tuple[Expect, ...] = ()
    fronts: tuple[str, ...] = ()  # markers that must each be in the Front/Text of one card
    deck: str | None = None  # the deck every card of the note must be in
    exact: bool = True  # no diagnostics for this path beyond `expect`

    @property
    def skipped(self) -> bool:
        return any(e.severity == "error" for e in self.expect)


def _text(text: str) -> bytes:
    return text.encode("utf-8")


def inline(marker: str) -> str:
    """A `front::back` card whose front holds `marker`."""
    return f"{marker} question::{marker} answer\n"


def callout(marker: str, front: str = "", back: str = "") -> str:
    """A card callout: `marker front` on the front, `back` (default `marker answer`) on the back."""
    front = f"{marker} {front}".strip()
    lines = [
        "[!info] card",
        *front.split("\n"),
        "---",
        *(back or f"{marker} answer").split("\n"),
    ]
    return "".join(f">{line}\n" for line in lines) + "\n"


def cloze_callout(text: str) -> str:
    return "".join(f">{line}\n" for line in ["[!note] card", *text.split("\n")]) + "\n"


def frontmatter(yaml: str, body: str) -> bytes:
    return _text(f"---\n{yaml}\n---\n{body}")


def _error(message: str, line: int | None = None) -> Expect:
    return Expect("error", message, line)


def _warning(message: str, line: int | None = None) -> Expect:
    return Expect("warning", message, line)


# -- 1. input failures ---------------------------------------------------------------------------


def _frontmatter_cases() -> list[Case]:
    t = "frontmatter"
    skip = inline("Hskip frontmatter")
    return [
        Case(
            "fm-not-yaml",
            t,
            "fm/Not yaml.md",
            frontmatter("title: [unclosed\ncards-deck: Hostile", skip),
            (_error("frontmatter is not valid YAML: .+"),),
        ),
        Case(
            "fm-not-closed",
            t,
            "fm/Not closed.md",
            _text("---\ncards-deck: Hostile\n\n" + skip),
            (_error(r"frontmatter is not closed", 1),),
        ),
        Case(
            "fm-list",
            t,
            "fm/List.md",
            frontmatter("- a\n- b", skip),
            (_error(r"frontmatter is a list, not a mapping", 1),),
        ),
        Case(
            "fm-scalar",
            t,
            "fm/Scalar.md",
            frontmatter("just a sentence", skip),
            (_error(r"frontmatter is a \w+, not a mapping", 1),),
        ),
        Case(
            "fm-deck-list",
            t,
            "fm/Deck list.md",
            frontmatter("cards-deck: [A, B]", skip),
            (_error(r"cards-deck must be text, not a list", 2),),
        ),
        Case(
            "fm-deck-number",
            t,
            "fm/Deck number.md",
            frontmatter("title: x\ncards-deck: 42", skip),
            (_error(r"cards-deck must be text, not a number", 3),),
        ),
        Case(
            "fm-deck-mapping",
            t,
            "fm/Deck mapping.md",
            frontmatter("cards-deck: {a: 1}", skip),
            (_error(r"cards-deck must be text, not a mapping", 2),),
        ),
        Case(
            "fm-deck-null",
            t,
            "fm/Deck null.md",
            frontmatter("cards-deck:", inline("Hxdecknull")),
            (_warning(r"cards-deck is empty", 2),),
            fronts=("Hxdecknull",),
            deck="fm",
        ),
        Case(
            "fm-aliases-number",
            t,
            "fm/Aliases number.md",
            frontmatter("aliases: 7", inline("Hxaliasnumber")),
            (_warning(r"aliases must be a list of text, not a number", 2),),
            fronts=("Hxaliasnumber",),
        ),
        Case(
            "fm-aliases-null",
            t,
            "fm/Aliases null.md",
            frontmatter("aliases:\ntags:", inline("Hxaliasnull")),
            fronts=("Hxaliasnull",),
        ),
        Case(
            "fm-aliases-nested",
            t,
            "fm/Aliases nested.md",
            frontmatter("aliases: [[x], {a: b}, fine]", inline("Hxaliasnested")),
            (
                _warning(r"aliases: a list entry is ignored", 2),
                _warning(r"aliases: a mapping entry is ignored", 2),
            ),
            fronts=("Hxaliasnested",),
        ),
        Case(
            "fm-tags-number",
            t,
            "fm/Tags number.md",
            frontmatter("tags: 12", inline("Hxtagsnumber")),
            (_warning(r"tags must be a list of text, not a number", 2),),
            fronts=("Hxtagsnumber",),
        ),
        Case(
            "fm-tags-mapping",
            t,
            "fm/Tags mapping.md",
            frontmatter("tags: {a: 1}", inline("Hxtagsmapping")),
            (_warning(r"tags must be a list of text, not a mapping", 2),),
            fronts=("Hxtagsmapping",),
        ),
        Case(
            "fm-templater-deck",
            t,
            "fm/Templater deck.md",
            frontmatter("cards-deck: <% tp.file.folder(true) %>", skip),
            (_error(r"cards-deck is an unexpanded template", 2),),
        ),
        Case(
            "fm-templater-tp",
            t,
            "fm/Templater tp.md",
            frontmatter('cards-deck: "{{tp_folder}}::{{tp_title}}"', skip),
            (_error(r"cards-deck is an unexpanded template", 2),),
        ),
        Case(
            "fm-templater-tags",
            t,
            "fm/Templater tags.md",
            frontmatter("tags: [<% tp.file.title %>, fine]", inline("Hxtemplatertags")),
            (_warning(r"tags: unexpanded template '<% tp.file.title %>' ignored", 2),),
            fronts=("Hxtemplatertags",),
        ),
        Case(
            "fm-templater-other-key",
            t,
            "fm/Templater other.md",
            frontmatter(
                'created: <% tp.date.now("YYYY") %>\ncards-deck: Hostile::Templated',
                inline("Hxtemplaterother"),
            ),
            fronts=("Hxtemplaterother",),
            deck="Hostile::Templated",
        ),
    ]


def _deck_cases() -> list[Case]:
    t = "deck names"
    skip = inline("Hskip deck")
    return [
        Case(
            "deck-empty",
            t,
            "deck/Empty.md",
            frontmatter('cards-deck: ""', inline("Hxdeckempty")),
            (_warning(r"cards-deck is empty", 2),),
            fronts=("Hxdeckempty",),
            deck="deck",
        ),
        Case(
            "deck-blank",
            t,
            "deck/Blank.md",
            frontmatter('cards-deck: "   "', inline("Hxdeckblank")),
            (_warning(r"cards-deck is empty", 2),),
            fronts=("Hxdeckblank",),
            deck="deck",
        ),
        Case(
            "deck-only-separators",
            t,
            "deck/Separators.md",
            frontmatter('cards-deck: "::"', skip),
            (_error(r"invalid cards-deck '::': has no name, only separators", 2),),
        ),
        Case(
            "deck-only-separators-spaced",
            t,
            "deck/Separators spaced.md",
            frontmatter('cards-deck: " :: :: "', skip),
            (_error(r"invalid cards-deck .*only separators", 2),),
        ),
        Case(
            "deck-empty-part",
            t,
            "deck/Empty part.md",
            frontmatter('cards-deck: "A::::B"', skip),
            (_error(r"invalid cards-deck 'A::::B': has an empty part", 2),),
        ),
        Case(
            "deck-leading-separator",
            t,
            "deck/Leading.md",
            frontmatter('cards-deck: "::A"', skip),
            (_error(r"invalid cards-deck '::A': has an empty part", 2),),
        ),
        Case(
            "deck-trailing-separator",
            t,
            "deck/Trailing.md",
            frontmatter('cards-deck: "A::"', skip),
            (_error(r"invalid cards-deck 'A::': has an empty part", 2),),
        ),
        Case(
            "deck-surrounding-spaces",
            t,
            "deck/Spaces.md",
            frontmatter('cards-deck: "  Hostile :: Spaced  "', inline("Hxdeckspaces")),
            (_warning(r"has surrounding spaces; using 'Hostile::Spaced'", 2),),
            fronts=("Hxdeckspaces",),
            deck="Hostile::Spaced",
        ),
        Case(
            "deck-unquoted-spaces",
            t,
            "deck/Unquoted.md",
            frontmatter("cards-deck: Hostile :: Unquoted", inline("Hxdeckunquoted")),
            (_warning(r"cards-deck is not valid YAML", 2),),
            fronts=("Hxdeckunquoted",),
            deck="Hostile::Unquoted",
            exact=False,  # may also warn about the spaces it trimmed
        ),
        Case(
            "deck-double-quote",
            t,
            "deck/Quote.md",
            frontmatter("cards-deck: 'Say \"hi\"'", skip),
            (_error(r"double quote", 2),),
        ),
        Case(
            "deck-control-character",
            t,
            "deck/Tab.md",
            frontmatter('cards-deck: "A\\tB"', skip),
            (_error(r"control characters", 2),),
        ),
        Case(
            "deck-bad-folder-name",
            t,
            "deck/odd::::folder/Folder deck.md",
            _text(inline("Hxdeckfolder")),
            fronts=("Hxdeckfolder",),
            deck=VAULT_NAME,  # an unusable folder deck falls back to the default deck
        ),
    ]


def _encoding_cases() -> list[Case]:
    t = "encodings"
    body = "---\ncards-deck: Hostile::{deck}\n---\n# {deck} title\n\n" + inline("Hx{deck}inline")
    body += callout("Hx{deck}callout", "front line two", "back line one\nback line two")

    def endings(deck: str, newline: str, bom: bool = False) -> bytes:
        text = body.format(deck=deck).replace("\n", newline)
        return (b"\xef\xbb\xbf" if bom else b"") + _text(text)

    def good(case_id: str, path: str, deck: str, data: bytes) -> Case:
        fronts = (f"Hx{deck}inline", f"Hx{deck}callout")
        return Case(case_id, t, path, data, fronts=fronts, deck=f"Hostile::{deck}")

    mixed = body.format(deck="Mixed").split("\n")
    mixed_text = "".join(line + ("\r\n", "\r", "\n")[i % 3] for i, line in enumerate(mixed))
    skip = "Hskip encoding question::answer\n"
    return [
        Case(
            "enc-latin-1",
            t,
            "enc/Latin-1.md",
            ("Plain title\n\nCaf\xe9 " + skip).encode("latin-1"),
            (_error(r"not UTF-8: invalid byte 0xe9", 3),),
        ),
        Case(
            "enc-cp1252-late",
            t,
            "enc/Windows-1252.md",
            ("# Fine so far\n\nok::ok\n\n\u201cquoted\u201d " + skip).encode("cp1252"),
            (_error(r"not UTF-8: invalid byte 0x93", 5),),
        ),
        Case(
            "enc-utf-16",
            t,
            "enc/UTF-16.md",
            ("# UTF-16\n\n" + skip).encode("utf-16"),
            (_error(r"binary file \(NUL byte\)", 1),),
        ),
        Case(
            "enc-binary",
            t,
            "enc/Binary.md",
            PNG + _text(skip),
            (_error(r"binary file \(NUL byte\), not a Markdown note", 3),),
        ),
        Case(
            "enc-nul",
            t,
            "enc/NUL byte.md",
            _text("Line one\n" + skip + "Line three \x00 four\n"),
            (_error(r"binary file \(NUL byte\)", 3),),
        ),
        Case(
            "enc-overlong",
            t,
            "enc/Overlong.md",
            b"ok\n\xc0\xaf " + _text(skip),
            (_error(r"not UTF-8: invalid byte 0xc0", 2),),
        ),
        Case(
            "enc-surrogate",
            t,
            "enc/Surrogate.md",
            _text(skip) + b"\xed\xa0\x80\n",
            (_error(r"not UTF-8: invalid byte 0xed", 2),),
        ),
        Case(
            "enc-truncated",
            t,
            "enc/Truncated.md",
            _text(skip) + b"ends mid character \xe2\x82",
            (_error(r"not UTF-8: invalid byte 0xe2", 2),),
        ),
        good("enc-bom", "enc/BOM.md", "BOM", endings("BOM", "\n", bom=True)),
        good("enc-crlf", "enc/CRLF.md", "CRLF", endings("CRLF", "\r\n")),
        good("enc-cr", "enc/CR.md", "CR", endings("CR", "\r")),
        good("enc-bom-crlf", "enc/BOM CRLF.md", "BOMCRLF", endings("BOMCRLF", "\r\n", bom=True)),
        good("enc-mixed", "enc/Mixed.md", "Mixed", _text(mixed_text)),
    ]


HUGE_BYTES = 5 * 1024 * 1024


def _size_cases() -> list[Case]:
    t = "sizes and nesting"
    prose = "Lorem ipsum dolor sit amet, consectetur adipiscing elit; sed do eiusmod. "
    huge = "# Huge\n\n" + inline("Hxhuge") + "\n" + prose * (HUGE_BYTES // len(prose)) + "\n"
    deep_list = "\n".join("  " * i + f"- level {i} [[Link {i}]] ==mark==" for i in range(500))
    deep_ordered = "\n".join("   " * i + f"1. level {i}" for i in range(300))
    deep_quote = ">" * 1000 + " deep quote ==x== {{c1::y}}"
    deep_quote_lines = "\n".join("> " * i + f"line {i}" for i in range(1, 400))
    deep_callouts = "\n".join("> " * i + "[!note] card" for i in range(1, 300))
    deep_callouts += "\n" + "> " * 299 + "innermost ==highlight=="
    deep_mixed = "".join("- " if i % 2 else "> " for i in range(800)) + "mixed"
    inputs = "\n".join("  " * i + f"- thing {i} provided by [[Other {i}]]" for i in range(300))
    outputs = "\n".join("  " * i + f"- result {i} for [[Other {i}]]" for i in range(300))
    activity = f"## Inputs\n{inputs}\n\n## Outputs\n{outputs}\n"
    return [
        Case("size-empty", t, "size/Empty.md", b""),
        Case("size-blank", t, "size/Blank.md", b"\n \n\t\n\r\n"),
        Case(
            "size-frontmatter-only",
            t,
            "size/Frontmatter only.md",
            _text("---\ncards-deck: Hostile::Only\n---\n"),
        ),
        Case(
            "size-frontmatter-only-no-newline",
            t,
            "size/Frontmatter no newline.md",
            _text("---\ncards-deck: Hostile::Only\n---"),
        ),
        Case("size-huge-line", t, "size/Huge line.md", _text(huge), fronts=("Hxhuge",)),
        Case(
            "size-deep-list",
            t,
            "size/Deep list.md",
            _text(inline("Hxdeeplist") + "\n" + deep_list + "\n"),
            fronts=("Hxdeeplist",),
        ),
        Case(
            "size-deep-ordered-list",
            t,
            "size/Deep ordered list.md",
            _text(inline("Hxdeepordered") + "\n" + deep_ordered + "\n"),
            fronts=("Hxdeepordered",),
        ),
        Case(
            "size-deep-quote",
            t,
            "size/Deep quote.md",
            _text(deep_quote + "\n\n" + inline("Hxdeepquote")),
            fronts=("Hxdeepquote",),
        ),
        Case(
            "size-deep-quote-lines",
            t,
            "size/Deep quote lines.md",
            _text(deep_quote_lines + "\n\n" + inline("Hxdeepquotelines")),
            fronts=("Hxdeepquotelines",),
        ),
        Case(
            "size-deep-callouts",
            t,
            "size/Deep callouts.md",
            _text(deep_callouts + "\n\n" + inline("Hxdeepcallouts")),
            fronts=("Hxdeepcallouts",),
            exact=False,  # nested card callouts are reported
        ),
        Case(
            "size-deep-mixed",
            t,
            "size/Deep mixed.md",
            _text(deep_mixed + "\n\n" + inline("Hxdeepmixed")),
            fronts=("Hxdeepmixed",),
        ),
        Case(
            "size-deep-inputs",
            t,
            "size/Deep activity.md",
            _text(inline("Hxdeepactivity") + "\n" + activity),
            fronts=("Hxdeepactivity",),
            exact=False,  # the model may have doubts about 300 made-up counterparts
        ),
    ]


def _card_syntax_cases() -> list[Case]:
    t = "broken card syntax"

    def note(marker: str, bad: str) -> bytes:
        # The broken card is on line 3 (after a title and a blank line); a good card follows.
        return _text(f"# {marker}\n\n{bad}\n\n" + callout(marker))

    return [
        Case(
            "card-unclosed-cloze",
            t,
            "cards/Unclosed cloze.md",
            note("Hxunclosed", ">[!note] card\n>This {{c1::never closes"),
            (_warning(r"unclosed cloze '\{\{c1::'; card skipped", 3),),
            fronts=("Hxunclosed",),
        ),
        Case(
            "card-cloze-zero",
            t,
            "cards/Cloze zero.md",
            note("Hxclozezero", ">[!note] card\n>Numbered {{c0::from zero}}"),
            (_warning(r"cloze number c0 is not allowed", 3),),
            fronts=("Hxclozezero",),
        ),
        Case(
            "card-empty-cloze",
            t,
            "cards/Empty cloze.md",
            note("Hxemptycloze", ">[!note] card\n>Nothing in {{c1::}} here"),
            (_warning(r"empty cloze c1", 3),),
            fronts=("Hxemptycloze",),
        ),
        Case(
            "card-blank-cloze",
            t,
            "cards/Blank cloze.md",
            note("Hxblankcloze", ">[!note] card\n>Only spaces {{c2::   }} here"),
            (_warning(r"empty cloze c2", 3),),
            fronts=("Hxblankcloze",),
        ),
        Case(
            "card-stray-braces",
            t,
            "cards/Stray braces.md",
            note("Hxstray", ">[!note] card\n>Stray }} here and {{c1::there}}"),
            (_warning(r"stray '\}\}' outside a cloze", 3),),
            fronts=("Hxstray",),
        ),
        Case(
            "card-no-back-callout",
            t,
            "cards/No back.md",
            note("Hxnoback", ">[!info] card\n>Only a front, no separator"),
            (_warning(r"card callout has no back", 3),),
            fronts=("Hxnoback",),
        ),
        Case(
            "card-no-back-tag",
            t,
            "cards/No back tag.md",
            _text(
                "# Hxnobacktag\n\n" + callout("Hxnobacktag") + "A front and nothing else #card\n"
            ),
            (_warning(r"card has an empty back; skipped", 8),),
            fronts=("Hxnobacktag",),
        ),
        Case(
            "card-empty-separator-back",
            t,
            "cards/Empty back.md",
            note("Hxemptyback", ">[!info] card\n>Front\n>---\n>"),
            (_warning(r"card has an empty back; skipped", 3),),
            fronts=("Hxemptyback",),
        ),
        Case(
            "card-empty-callout",
            t,
            "cards/Empty callout.md",
            note("Hxemptycallout", ">[!info] card\n>"),
            (_warning(r"empty card callout", 3),),
            fronts=("Hxemptycallout",),
        ),
        Case(
            "card-nested-callouts",
            t,
            "cards/Nested.md",
            _text(
                "# Nested\n\n>[!info] card\n>Hxnestedouter question\n>---\n>Outer answer\n"
                ">>[!info] card\n>>Hxinner question\n>>---\n>>Inner answer\n"
            ),
            (_warning(r"card callout inside a card callout", 7),),
            fronts=("Hxnestedouter",),
        ),
        Case(
            "card-callout-in-list",
            t,
            "cards/In list.md",
            _text(
                "# In list\n\n- item\n  >[!info] card\n  >Hxinlist question\n  >---\n"
                "  >Hxinlist answer\n- another item\n"
            ),
            fronts=("Hxinlist",),
            exact=False,
        ),
    ]


def _wikilink_cases() -> list[Case]:
    t = "odd wikilinks"
    odd = {
        "Hxlinkempty": "[[]]",
        "Hxlinkhash": "[[#]]",
        "Hxlinkpipes": "[[a|b|c]]",
        "Hxlinkblock": "[[x#^block]]",
        "Hxlinkalias": "[[|alias]]",
        "Hxlinkhashalias": "[[#|]]",
        "Hxlinkunclosed": "[[never closed",
        "Hxlinkembedempty": "![[]]",
        "Hxlinkembedhash": "![[#^]]",
        "Hxlinkembedsize": "![[|200]]",
        "Hxlinknested": "[[a[[b]]c]]",
        "Hxlinkbrackets": "[[]]]]",
    }
    cards = "".join(
        callout(marker, f"with {link} in it", f"back {link}") for marker, link in odd.items()
    )
    inline_links = "".join(f"{m}i {link}::back {link}\n" for m, link in odd.items())
    return [
        Case(
            "links-in-callouts",
            t,
            "links/Odd links.md",
            _text("# Odd links\n\n" + cards),
            fronts=tuple(odd),
        ),
        Case(
            "links-inline",
            t,
            "links/Odd inline links.md",
            _text("# Odd inline links\n\n" + inline_links),
            fronts=tuple(f"{m}i" for m in odd if m != "Hxlinkunclosed"),
            exact=False,
        ),
    ]


def _twin_cases() -> list[Case]:
    t = "same title"
    twin = "# Twin\n\nHxtwin question::twin answer\n"
    return [
        Case("twin-a", t, "twins/a/Twin.md", _text(twin), fronts=("Hxtwin",), deck="twins::a"),
        Case("twin-b", t, "twins/b/Twin.md", _text(twin), fronts=("Hxtwin",), deck="twins::b"),
        Case(
            "twin-same-deck-a",
            t,
            "twins/c/Twin.md",
            frontmatter("cards-deck: Hostile::Twins", "# Twin\n\nHxtwinc question::c\n"),
            fronts=("Hxtwinc",),
            deck="Hostile::Twins",
        ),
        Case(
            "twin-same-deck-b",
            t,
            "twins/d/Twin.md",
            frontmatter("cards-deck: Hostile::Twins", "# Twin\n\nHxtwind question::d\n"),
            fronts=("Hxtwind",),
            deck="Hostile::Twins",
        ),
    ]


# -- 2. HTML payloads ----------------------------------------------------------------------------


def _html_cases() -> list[Case]:
    t = "html"
    raw = [
        "<script>alert(1)</script>",
        IMG_XSS,
        '<iframe src="javascript:alert(1)"></iframe>',
        '<object data="evil.swf"></object><embed src="evil.swf">',
        '<a href="javascript:alert(1)">click</a>',
        "<svg onload=alert(1)>",
        "<details open ontoggle=alert(1)>",
        "<style>body{display:none}</style>",
        '<form action="javascript:alert(1)"><button>go</button></form>',
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
        "<!-- --><script>alert(1)</script><!-- -->",
        "%% hidden %%<script>alert(1)</script>",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "<scr<script>ipt>alert(1)</script>",
    ]
    raw_cards = "".join(
        callout(f"Hxraw{i}", f"front {payload}", f"back {payload}") for i, payload in enumerate(raw)
    )
    raw_block = (
        '<div onclick="alert(1)">\nHxrawblock question::block answer <b onmouseover=alert(1)>x</b>'
        "\n</div>\n\n<script>\nalert(1)\n</script>\n\nHxrawafter question::after\n"
    )
    links = [
        "[a](javascript:alert(1))",
        "[b](JaVaScRiPt:alert(1))",
        "[c](java&#09;script:alert(1))",
        "[d](&#106;avascript:alert(1))",
        "[e](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[f](vbscript:msgbox(1))",
        "<javascript:alert(1)>",
        "[g][evil]\n\n[evil]: javascript:alert(1)",
        "![h](javascript:alert(1))",
        "[i](<javascript:alert(1)>)",
        '[j](https://example.com/" onmouseover="alert(1))',
        '[k](https://example.com "x\\" onmouseover=\\"alert(1)")',
        "[l](file:///etc/passwd)",
        "[m](%6a%61%76%61%73%63%72%69%70%74:alert(1))",
        "[n](\\javascript:alert(1))",
        "[o](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
        '<https://example.com/"onmouseover="alert(1)>',
    ]
    link_cards = "".join(
        callout(f"Hxlink{i}", f"front {link}", f"back {link}") for i, link in enumerate(links)
    )
    callout_payloads = (
        '>[!info] card\n>Hxcallouttype question\n>---\n>answer\n>>[!x"><script>alert(1)</script>] '
        "plain\n>>body\n\n"
        ">[!info] card\n>Hxcallouttitle question\n>---\n>answer\n>>[!note] "
        f"{SCRIPT} {ONERROR}\n>>body\n\n"
        ">[!info] card\n>Hxcalloutnotitle question\n>---\n>answer\n"
        f">>[!{IMG_XSS.replace(' ', '/')}]\n>>body\n\n"
        f">[!info] card {SCRIPT}\n>Hxcardtitle question\n>---\n>answer\n\n"
        f">[!{IMG_XSS.replace(' ', '/')}] card\n>Hxcardtype question\n>---\n>answer\n\n"
    )
    wikilinks = (
        # Every side also has plain text: a side of only a link is lost (see test_hostile_vault).
        callout("Hxwikialias", f"[[Note|{SCRIPT}]]", f"back [[Note|{ONERROR}]]")
        + callout("Hxwikitarget", f"[[{SCRIPT}]]", f"back [[{IMG_XSS}#{SCRIPT}]]")
        + callout("Hxwikiembedalias", f"![[x.png|{ONERROR}]]", f"back ![[x.png|{SCRIPT}]]")
        + callout("Hxwikiembedmissing", f"![[{ONERROR}.png]]", f"back ![[{SCRIPT}]]")
        + callout("Hxwikihostilefile", f"![[{IMG_XSS}.png]]", "hostile file name")
    )
    images = (
        callout("Hximgalt", f"![{ONERROR}](x.png)", f"![{SCRIPT}](x.png)")
        + callout("Hximgalttext", f'![<script>alert(1)</script>](x.png "{ONERROR}")', "b")
        + callout("Hximgremote", '![r](<https://example.com/a.png" onerror="alert(1)>)', "b")
        + callout("Hximgmissing", f"![{ONERROR}](missing{SCRIPT}.png)", "b")
    )
    code = (
        callout("Hxcodelang", "front", f"```{SCRIPT}\ncode\n```")
        + callout("Hxcodelang2", "front", '```" onload="alert(1)\ncode <script>\n```')
        + callout("Hxcodeinline", f"front `{SCRIPT}`", "    <script>alert(1)</script>")
    )
    math = callout("Hxmath", "front $<script>alert(1)</script>$", f"$$\n</div>{SCRIPT}\n$$") + (
        callout("Hxmathattr", f"front $x{ONERROR}$", "$$</span><iframe>$$ and $$\\<img$$")
    )
    footnotes = (
        f">[!info] card\n>Hxfootnote question[^1]\n>---\n>back[^{SCRIPT}]\n>\n"
        f">[^{SCRIPT}]: <script>alert(1)</script> {ONERROR}\n\n"
    )
    clozes = (
        cloze_callout(f"Hxcloze {{{{c1::<script>alert(1)</script>::{ONERROR}}}}} and =={IMG_XSS}==")
        + f"Hxclozetag {{{SCRIPT}}} and =={ONERROR}== #card\n\n"
    )
    table = callout(
        "Hxtable", "front", f"| a | b |\n|---|---|\n| {SCRIPT} | {IMG_XSS} |\n| ~~{ONERROR}~~ | x |"
    )
    hostile_heading = f"# {SCRIPT}\n\n## {IMG_XSS}\n\n" + inline("Hxheading") + "\n"
    return [
        Case(
            "html-raw",
            t,
            "html/Raw HTML.md",
            _text("# Raw\n\n" + raw_cards),
            fronts=tuple(f"Hxraw{i}" for i in range(len(raw))),
        ),
        Case(
            "html-raw-blocks",
            t,
            "html/Raw blocks.md",
            _text(raw_block),
            fronts=("Hxrawafter",),
            exact=False,
        ),
        Case(
            "html-links",
            t,
            "html/Links.md",
            _text("# Links\n\n" + link_cards),
            fronts=tuple(f"Hxlink{i}" for i in range(len(links))),
        ),
        Case(
            "html-callouts",
            t,
            "html/Callouts.md",
            _text("# Callouts\n\n" + callout_payloads),
            fronts=(
                "Hxcallouttype",
                "Hxcallouttitle",
                "Hxcalloutnotitle",
                "Hxcardtitle",
                "Hxcardtype",
            ),
        ),
        Case(
            "html-wikilinks",
            t,
            "html/Wikilinks.md",
            _text("# Wikilinks\n\n" + wikilinks),
            fronts=(
                "Hxwikialias",
                "Hxwikitarget",
                "Hxwikiembedalias",
                "Hxwikiembedmissing",
                "Hxwikihostilefile",
            ),
            exact=False,  # missing pictures are reported
        ),
        Case(
            "html-images",
            t,
            "html/Images.md",
            _text("# Images\n\n" + images),
            fronts=("Hximgalt", "Hximgalttext", "Hximgremote", "Hximgmissing"),
            exact=False,
        ),
        Case("html-x-png", t, "html/x.png", PNG),
        Case("html-hostile-png", t, f"html/{IMG_XSS}.png", PNG + b"hostile name"),
        Case(
            "html-code",
            t,
            "html/Code.md",
            _text("# Code\n\n" + code),
            # The inline card's front holds the script its back shows: the learner is told.
            expect=(Expect("warning", "shows its own answer", 17),),
            fronts=("Hxcodelang", "Hxcodelang2", "Hxcodeinline"),
        ),
        Case(
            "html-math",
            t,
            "html/Math.md",
            _text("# Math\n\n" + math),
            fronts=("Hxmath", "Hxmathattr"),
        ),
        Case(
            "html-footnotes",
            t,
            "html/Footnotes.md",
            _text("# Footnotes\n\n" + footnotes),
            fronts=("Hxfootnote",),
            exact=False,
        ),
        Case(
            "html-clozes",
            t,
            "html/Clozes.md",
            _text("# Clozes\n\n" + clozes),
            fronts=("Hxcloze", "Hxclozetag"),
            exact=False,
        ),
        Case("html-table", t, "html/Table.md", _text("# Table\n\n" + table), fronts=("Hxtable",)),
        Case(
            "html-tags-and-deck",
            t,
            "html/Tags.md",
            frontmatter(
                f"tags: ['{SCRIPT}', '{ONERROR.replace(chr(39), '')}', '<b>bold</b>']\n"
                f"aliases: ['{SCRIPT}']\ncards-deck: 'Hostile::<script>alert(1)</script>'",
                f"# Tags\n\n#{SCRIPT} #<b>x</b>\n\n" + inline("Hxtags"),
            ),
            fronts=("Hxtags",),
            deck="Hostile::<script>alert(1)</script>",
        ),
        Case(
            "html-top-deck",
            t,
            "html/Top deck.md",
            frontmatter(
                f"cards-deck: '<img src=x onerror=alert(1)>::{IMG_XSS}'", inline("Hxtopdeck")
            ),
            fronts=("Hxtopdeck",),
            deck=f"<img src=x onerror=alert(1)>::{IMG_XSS}",
        ),
        Case(
            "html-headings",
            t,
            "html/Headings.md",
            _text(hostile_heading),
            fronts=("Hxheading",),
        ),
        Case(
            "html-file-name",
            t,
            f"html/{IMG_XSS} {ONERROR}.md",
            _text(inline("Hxfilename")),
            fronts=("Hxfilename",),
        ),
        Case(
            "html-templater-body",
            t,
            "html/Templater body.md",
            _text(callout("Hxtemplaterbody", "<% tp.file.cursor() %>", "<%* tR += '<script>' %>")),
            fronts=("Hxtemplaterbody",),
        ),
    ]


# -- 3. media from outside the vault --------------------------------------------------------------

# Embeds of pictures that are outside the vault (or reach it through a symlink).
ESCAPES = {
    "Hxescwikiparent": "![[../outside.png]]",
    "Hxescmdparent": "![](../outside.png)",
    "Hxescencoded": "![](%2e%2e/outside.png)",
    "Hxescencodedslash": "![](..%2Foutside.png)",
    "Hxescbackslash": "![](..\\outside.png)",
    "Hxescdeep": "![[media/../../outside.png]]",
    "Hxescsymlink": "![[evil.png]]",
    "Hxescsymlinkpath": "![](media/evil.png)",
    "Hxescsymlinkfolder": "![[media/linked/deep.png]]",
    "Hxescabsolutepng": "![](/tmp/outside.png)",
}
# Embeds of other files outside the vault: the issue wants a warning for these too.
FILE_ESCAPES = {
    "Hxescpasswd": "![](../../etc/passwd)",
    "Hxeschostname": "![](/etc/hostname)",
    "Hxescwikiabsolute": "![[/etc/passwd]]",
    "Hxescfileurl": "![](file:///etc/hostname)",
    "Hxescwikisecret": "![[../outside/Secret.md]]",
}


def _media_cases() -> list[Case]:
    t = "media"
    cases = [
        Case("media-a-png", t, "media/a/img.png", PNG + b"picture A"),
        Case("media-b-png", t, "media/b/img.png", PNG + b"picture B"),
        Case(
            "media-a-note",
            t,
            "media/a/Pic.md",
            _text(callout("Hxmediaa", "", "![[img.png]]")),
            fronts=("Hxmediaa",),
        ),
        Case(
            "media-b-note",
            t,
            "media/b/Pic.md",
            _text(callout("Hxmediab", "", "![](img.png)")),
            fronts=("Hxmediab",),
        ),
    ]
    for marker, embed in {**ESCAPES, **FILE_ESCAPES}.items():
        warned = (_warning(r"not found|outside the vault", 1),) if marker in ESCAPES else ()
        cases.append(
            Case(
                f"media-escape-{marker[5:]}",
                t,
                escape_note(marker),
                _text(callout(marker, f"front {embed}", f"back {embed}")),
                warned,
                fronts=(marker,),
                exact=False,
            )
        )
    return cases


def escape_note(marker: str) -> str:
    """The vault-root note that tries the escape `marker` (root, so `../` leaves the vault)."""
    return f"Escape {marker[5:]}.md"


def all_cases() -> list[Case]:
    return (
        _frontmatter_cases()
        + _deck_cases()
        + _encoding_cases()
        + _size_cases()
        + _card_syntax_cases()
        + _wikilink_cases()
        + _twin_cases()
        + _html_cases()
        + _media_cases()
    )


SYMLINK_SECRET_MARKER = "Hskip symlinked"


def write_vault(root: Path) -> Path:
    """Write the hostile vault to `root/vault` and the files it must never read to `root`."""
    vault = root / VAULT_NAME
    for case in all_cases():
        path = vault / case.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(case.data)
    # Outside the vault: a note and pictures that must never be read or packed.
    (root / "outside").mkdir(exist_ok=True)
    (root / "outside" / "Secret.md").write_bytes(
        _text(f"{SYMLINK_SECRET_MARKER} question::answer\n") + SECRET
    )
    (root / "outside" / "deep.png").write_bytes(PNG + SECRET)
    (root / "outside.png").write_bytes(PNG + SECRET)
    # Symlinks: a folder above the vault, a loop, a note and pictures that resolve outside.
    sym = vault / "sym"
    sym.mkdir()
    os.symlink("../..", sym / "up")  # the folder that holds the vault
    os.symlink(".", sym / "loop")
    os.symlink("loop2", sym / "loop2")  # a link to itself
    os.symlink("../sym", sym / "parent")  # a loop through the parent folder
    os.symlink(root / "outside" / "Secret.md", sym / "Outside note.md")
    os.symlink("../../outside/Secret.md", sym / "Outside relative.md")
    os.symlink("Nowhere.md", sym / "Dangling.md")
    os.symlink(root / "outside.png", vault / "media" / "evil.png")
    os.symlink(root / "outside", vault / "media" / "linked")
    (vault / "symtarget").mkdir()
    (vault / "symtarget" / "Real.md").write_bytes(_text(inline("Hxsymreal")))
    os.symlink("../symtarget/Real.md", sym / "Inside link.md")  # inside: read like any note
    return vault


SYMLINK_EXPECT = {
    "sym/Outside note.md": _warning(r"symlink points outside the vault; skipped", 1),
    "sym/Outside relative.md": _warning(r"symlink points outside the vault; skipped", 1),
    "sym/Dangling.md": _warning(r"cannot read file", 1),  # issue 20: unreadable is a warning
}


# -- running the build and reading it back --------------------------------------------------------


@dataclass(frozen=True)
class Diag:
    path: str
    line: int
    severity: str
    message: str


@dataclass
class PackageNote:
    guid: str
    notetype: str
    fields: list[str]
    tags: list[str]
    deck: str


@dataclass
class Package:
    path: Path
    entries: dict[str, bytes]  # zip entry name → bytes (decompressed)
    media: dict[str, str]  # the `media` map: entry name → file name in Anki's media folder
    notes: list[PackageNote]


@dataclass
class Build:
    root: Path
    vault: Path
    out: Path
    returncode: int
    stdout: str
    stderr: str
    diagnostics: list[Diag]
    packages: dict[str, Package]
    cards: list[dict[str, Any]] = field(default_factory=list)  # ankitools.learner_cards
    anki_media: set[str] = field(default_factory=set)

    def diagnostics_for(self, path: str) -> list[Diag]:
        return [d for d in self.diagnostics if d.path == path]

    def notes(self) -> list[PackageNote]:
        return [note for package in self.packages.values() for note in package.notes]

    def notes_from(self, path: str) -> list[PackageNote]:
        """Notes whose Source field names this vault path."""
        needle = f">{escape(path)}:"
        return [n for n in self.notes() if needle in n.fields[3]]

    def notes_with(self, marker: str) -> list[PackageNote]:
        """Notes whose Front/Text holds the marker word."""
        return [n for n in self.notes() if has_marker(n.fields[0], marker)]


def has_marker(field: str, marker: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(marker)}(?![\w])", field) is not None


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return run_chaincards(*args, cwd=cwd, env=env, columns=200, timeout=timeout)


def parse_diagnostics(stderr: str) -> list[Diag]:
    found = []
    for line in stderr.splitlines():
        match = DIAGNOSTIC.match(line)
        if match:
            found.append(
                Diag(match["path"], int(match["line"]), match["severity"], match["message"])
            )
    return found


def read_package(path: Path) -> Package:
    with zipfile.ZipFile(path) as archive:
        entries = {info.filename: archive.read(info) for info in archive.infolist()}
    media = json.loads(entries.get("media", b"{}") or b"{}")
    with tempfile.TemporaryDirectory(prefix="hostile-pkg-") as scratch:
        db = Path(scratch) / "collection.anki2"
        db.write_bytes(entries["collection.anki2"])
        conn = sqlite3.connect(db)
        try:
            models = json.loads(conn.execute("SELECT models FROM col").fetchone()[0])
            decks = json.loads(conn.execute("SELECT decks FROM col").fetchone()[0])
            deck_names = {int(k): v["name"] for k, v in decks.items()}
            names = {int(k): v["name"] for k, v in models.items()}
            rows = conn.execute(
                "SELECT n.guid, n.mid, n.tags, n.flds, min(c.did) FROM notes n "
                "JOIN cards c ON c.nid = n.id GROUP BY n.id ORDER BY min(c.due), n.id"
            ).fetchall()
        finally:
            conn.close()
    notes = [
        PackageNote(guid, names[mid], flds.split("\x1f"), tags.split(), deck_names[did])
        for guid, mid, tags, flds, did in rows
    ]
    return Package(path, entries, media, notes)


# -- live HTML -----------------------------------------------------------------------------

FORBIDDEN_TAGS = frozenset(
    "script iframe frame frameset object embed applet form button input textarea select "
    "base link meta style svg math template noscript audio video source track portal".split()
)
URL_ATTRIBUTES = frozenset(
    "href src action formaction data srcset poster background xlink:href codebase cite "
    "longdesc usemap manifest lowsrc dynsrc".split()
)
_UNSAFE_SCHEME = re.compile(r"^(?:javascript|vbscript|data|file|livescript):", re.IGNORECASE)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


class _QuestionText(HTMLParser):
    """The text (and pictures and math) inside `<div class="cc-question">`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            if tag == "div":
                self.depth += 1
            if tag == "img":
                self.parts.append("[img]")
        elif tag == "div" and "cc-question" in (dict(attrs).get("class") or "").split():
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag == "div":
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def question_body(html: str) -> str:
    """What a card asks, without its Context line: the text of the `cc-question` block."""
    parser = _QuestionText()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).split())


def html_tags(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Collector()
    parser.feed(html)
    parser.close()
    return parser.tags


def live_html(html: str, allow_inputs: bool = True) -> list[str]:
    """Every way this field's HTML could run code or load a page in Anki's webview."""
    problems: list[str] = []
    for tag, attrs in html_tags(html):
        is_checkbox = tag == "input" and dict(attrs).get("type") == "checkbox"
        if tag in FORBIDDEN_TAGS and not (allow_inputs and is_checkbox):
            problems.append(f"<{tag}>")
        for name, value in attrs:
            value = value or ""
            squeezed = "".join(ch for ch in unquote(value) if ch > " ")
            if name.startswith("on"):
                problems.append(f"<{tag} {name}=…>")
            if name in URL_ATTRIBUTES and _UNSAFE_SCHEME.match(squeezed):
                problems.append(f"<{tag} {name}={value[:40]!r}>")
            if name == "style" and re.search(r"expression\(|url\(|javascript:", squeezed, re.I):
                problems.append(f"<{tag} style={value[:40]!r}>")
            if name in ("srcdoc", "formaction", "xmlns", "is"):
                problems.append(f"<{tag} {name}=…>")
    lowered = html.lower()
    for marker in ("<script", "<iframe", "<object", "<embed", "<svg"):
        if marker in lowered:
            problems.append(f"raw {marker}")
    return problems


# -- the shared build ------------------------------------------------------------------------


@functools.cache
def build_hostile() -> Build:
    """Write the hostile vault, build it with the real CLI, read and import every package once."""
    from ankitools import fresh_collection, import_package, learner_cards, media_files

    root = Path(tempfile.mkdtemp(prefix="chaincards-hostile-"))
    atexit.register(shutil.rmtree, root, True)
    vault = write_vault(root)
    out = root / "decks"
    process = run_cli("build", VAULT_NAME, "--out", "decks", "--json", cwd=root)
    packages = {p.name: read_package(p) for p in sorted(out.glob("*.apkg"))}
    build = Build(
        root,
        vault,
        out,
        process.returncode,
        process.stdout,
        process.stderr,
        parse_diagnostics(process.stderr),
        packages,
    )
    with fresh_collection(root / "anki") as col:
        for package in packages.values():
            import_package(col, package.path)
        build.cards = learner_cards(col)
        build.anki_media = media_files(col)
    return build
