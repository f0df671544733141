"""`==highlight==` (chaincards.obsidian.highlight)."""

from __future__ import annotations

import pytest

from chaincards.obsidian import obsidian_markdown

MARK = '<mark class="cc-highlight">'


def html(text: str, **env: object) -> str:
    md = obsidian_markdown()
    return md.render(text, {"_md": md, **env})


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("==hi==", f"<p>{MARK}hi</mark></p>\n"),
        ("==a== and ==b==", f"<p>{MARK}a</mark> and {MARK}b</mark></p>\n"),
        ("a==b==c", f"<p>a{MARK}b</mark>c</p>\n"),
        ("==**b**==", f"<p>{MARK}<strong>b</strong></mark></p>\n"),
        ("==a *b* c==", f"<p>{MARK}a <em>b</em> c</mark></p>\n"),
        ("==中文==", f"<p>{MARK}中文</mark></p>\n"),
        ("==[[x]]==", f'<p>{MARK}<span class="cc-link">x</span></mark></p>\n'),
        ("==$x$==", f"<p>{MARK}\\(x\\)</mark></p>\n"),
        ("==List<T>==", f"<p>{MARK}List&lt;T&gt;</mark></p>\n"),
        ("x ==a\nb== y", f"<p>x {MARK}a<br />\nb</mark> y</p>\n"),
        ("===x===", f"<p>={MARK}x</mark>=</p>\n"),
    ],
)
def test_highlight(source: str, expected: str) -> None:
    assert html(source) == expected


@pytest.mark.parametrize(
    "source",
    ["== no==", "==unclosed", "a == b == c", "=====", "`==x==`", "=="],
)
def test_not_a_highlight(source: str) -> None:
    assert "<mark" not in html(source)


def test_link_wins_over_a_highlight_that_crosses_it() -> None:
    """Fixed: `==` used to be matched greedily and swallowed the link's brackets."""
    assert html("[==a](https://u) b==") == '<p><a href="https://u">==a</a> b==</p>\n'


def test_emphasis_wins_over_a_crossing_highlight() -> None:
    assert html("**==a** b==") == "<p><strong>==a</strong> b==</p>\n"


def test_cloze_mode_numbers_highlights_in_order() -> None:
    assert html("==a== then ==b== then ==c==", cloze=True) == (
        "<p>{{c1::a}} then {{c2::b}} then {{c3::c}}</p>\n"
    )


def test_cloze_mode_continues_from_env_counter() -> None:
    md = obsidian_markdown()
    env = {"_md": md, "cloze": True, "cloze_next": 4}
    assert md.render("==x==", env) == "<p>{{c4::x}}</p>\n"
    assert env["cloze_next"] == 5


def test_mark_tokens() -> None:
    md = obsidian_markdown()
    (inline,) = [t for t in md.parse("a ==b== c", {}) if t.type == "inline"]
    assert [(c.type, c.content) for c in inline.children or []] == [
        ("text", "a "),
        ("mark_open", ""),
        ("text", "b"),
        ("mark_close", ""),
        ("text", " c"),
    ]
