"""Callouts `> [!type] Title` (chaincards.obsidian.callouts)."""

from __future__ import annotations

import pytest

from chaincards.media import package_media_name
from chaincards.obsidian import obsidian_markdown
from chaincards.obsidian.callouts import title_renderer


def html(text: str, **env: object) -> str:
    md = obsidian_markdown()
    return md.render(text, {"_md": md, **env})


def callout(kind: str, title: str, content: str) -> str:
    return (
        f'<div class="callout" data-callout="{kind}"><div class="callout-title">{title}</div>'
        f'<div class="callout-content">\n{content}</div></div>\n'
    )


def callout_tokens(text: str) -> list:
    md = obsidian_markdown()
    return [t for t in md.parse(text, {"_md": md}) if t.type == "callout_open"]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("> [!note] Title\n> body", callout("note", "Title", "<p>body</p>\n")),
        ("> [!tip]- Folded\n> body", callout("tip", "Folded", "<p>body</p>\n")),
        ("> [!tip]+ Open\n> body", callout("tip", "Open", "<p>body</p>\n")),
        (">[!info] no space\n>body", callout("info", "no space", "<p>body</p>\n")),
        ("> [!NOTE]\n> GitHub alert", callout("note", "Note", "<p>GitHub alert</p>\n")),
        ("> [!my-own_type] Any type\n> x", callout("my-own_type", "Any type", "<p>x</p>\n")),
        ("> [!warning]", callout("warning", "Warning", "")),
        ("> [!info]Glued title\n> x", callout("info", "Glued title", "<p>x</p>\n")),
    ],
)
def test_callout_shapes(source: str, expected: str) -> None:
    assert html(source) == expected


def test_plain_blockquote_is_untouched() -> None:
    assert html("> just a quote") == "<blockquote>\n<p>just a quote</p>\n</blockquote>\n"


def test_callout_meta() -> None:
    (token,) = callout_tokens("> [!Tip]- Key *Message*\n> body")
    assert token.meta["kind"] == "tip"
    assert token.meta["fold"] == "-"
    assert token.meta["title"] == "Key *Message*"
    assert token.map == [0, 2]


def test_nested_callouts() -> None:
    out = html("> [!info] Outer\n> > [!warning] Inner\n> > deep\n>\n> outer text")
    inner = callout("warning", "Inner", "<p>deep</p>\n")
    assert out == callout("info", "Outer", inner + "<p>outer text</p>\n")


def test_callout_nested_in_plain_quote() -> None:
    out = html("> > [!x] nested only\n> > b")
    assert out == "<blockquote>\n" + callout("x", "nested only", "<p>b</p>\n") + "</blockquote>\n"


def test_nested_callout_depths_in_token_stream() -> None:
    tokens = callout_tokens("> [!a] A\n> > [!b] B\n> > > [!c] C\n> > > x")
    assert [t.meta["kind"] for t in tokens] == ["a", "b", "c"]
    assert [t.level for t in tokens] == [0, 1, 2]


def test_title_inline_markdown_is_rendered() -> None:
    out = html("> [!tip] **Key** [[Plan|the plan]] `code` $x$\n> b")
    assert (
        '<div class="callout-title"><strong>Key</strong> <span class="cc-link">the plan</span> '
        "<code>code</code> \\(x\\)</div>"
    ) in out


def test_title_is_never_a_cloze() -> None:
    out = html("> [!tip] ==title==\n> ==body==", cloze=True)
    assert '<div class="callout-title"><mark class="cc-highlight">title</mark></div>' in out
    assert "<p>{{c1::body}}</p>" in out


def test_title_embeds_are_packed_media() -> None:
    env: dict[str, object] = {}
    md = obsidian_markdown()
    env = {"_md": md, "resolve_file": lambda target, note: "img/" + target}
    out = md.render("> [!info] ![[a.png]] diagram\n> x", env)
    assert f'<img src="{package_media_name("img/a.png")}" alt="a.png"> diagram' in out
    assert env["media"] == ["img/a.png"]


def test_title_is_escaped_without_parser_in_env() -> None:
    md = obsidian_markdown()
    out = md.render("> [!x] <script>alert(1)</script>\n> b")
    assert "<script" not in out
    assert '<div class="callout-title">&lt;script&gt;alert(1)&lt;/script&gt;</div>' in out


def test_type_is_escaped_in_attribute() -> None:
    """Fixed: the callout type was written into the attribute unescaped (HTML injection)."""
    out = html('> [!x"><script>alert(1)</script>] t\n> b')
    assert "<script" not in out
    assert 'data-callout="x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in out


def test_title_renderer_escapes_without_parser() -> None:
    assert title_renderer(None, "<b>&", {}, {}) == "&lt;b&gt;&amp;"


def test_title_renderer_with_parser() -> None:
    md = obsidian_markdown()
    assert title_renderer(None, "**a** ==b==", {}, {"_md": md, "cloze": True}) == (
        '<strong>a</strong> <mark class="cc-highlight">b</mark>'
    )


def test_card_callout_with_setext_separator_is_still_a_callout() -> None:
    """`>front` + `>---` is a setext heading to CommonMark; the head is still found."""
    out = html(">[!info] card\n>front\n>---\n>back")
    assert out == callout("info", "card", "<h2>front</h2>\n<p>back</p>\n")


def test_head_alone_as_setext_heading_leaves_no_empty_heading() -> None:
    out = html("> [!info] card\n> ---\n> back")
    assert out == callout("info", "card", "<p>back</p>\n")


def test_body_map_skips_the_head_line() -> None:
    md = obsidian_markdown()
    tokens = md.parse("> [!note] T\n> line one\n> line two", {"_md": md})
    paragraph = next(t for t in tokens if t.type == "paragraph_open")
    assert paragraph.map == [1, 3]


def test_not_a_callout_when_text_precedes_marker() -> None:
    assert html("> text [!note] x") == "<blockquote>\n<p>text [!note] x</p>\n</blockquote>\n"
