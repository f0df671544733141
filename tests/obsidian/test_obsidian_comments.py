"""`%% … %%` Obsidian comments and `<!-- … -->` HTML comments (chaincards.obsidian.comments)."""

from __future__ import annotations

import pytest

from chaincards.obsidian import obsidian_markdown


def html(text: str) -> str:
    md = obsidian_markdown()
    return md.render(text, {"_md": md})


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("a %% hidden %% b", "<p>a  b</p>\n"),
        ("%% whole line %%\nafter", "<p>after</p>\n"),
        ("%%\nmulti\nline\n\nwith blank\n%%\n\nnext", "<p>next</p>\n"),
        ("%% starts\nends %%\nafter", "<p>after</p>\n"),
        ("text\n%%\nc\n%%\nmore", "<p>text</p>\n<p>more</p>\n"),
        ("a %% spans\nlines %% b", "<p>a  b</p>\n"),
        ("- item %% c %%", "<ul>\n<li>item</li>\n</ul>\n"),
        ("> q %% c %% r", "<blockquote>\n<p>q  r</p>\n</blockquote>\n"),
        ("%%%%", ""),
        ("A\n%% c %%", "<p>A</p>\n"),
    ],
)
def test_obsidian_comments_are_removed(source: str, expected: str) -> None:
    assert html(source) == expected


def test_unclosed_inline_comment_hides_rest_of_paragraph() -> None:
    assert html("text %% unclosed\nstill hidden\n\nnext") == "<p>text</p>\n<p>next</p>\n"


def test_unclosed_block_comment_hides_rest_of_note() -> None:
    assert html("before\n\n%% unclosed\n\nall\n\nhidden") == "<p>before</p>\n"


def test_comment_markers_in_code_are_text() -> None:
    assert html("`%% code %%`") == "<p><code>%% code %%</code></p>\n"
    assert html("```\n%% fence %%\n```") == "<pre><code>%% fence %%\n</code></pre>\n"


def test_seed_note_comment_with_tabs() -> None:
    source = (
        "%%\n\tFUNDIMENTALS:\n\t- Focus on concepts.\n\t- Link as you go. %%\n"
        "- [x] expand on Engage\n# Engage"
    )
    out = html(source)
    assert "FUNDIMENTALS" not in out
    assert out.endswith("<h1>Engage</h1>\n")


# -- HTML comments: tool residue such as <!--SR:…--> and <!--ID: …--> ---------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Answer <!--SR:!2024-01-01,3,250-->", "<p>Answer</p>\n"),
        ("Answer\n<!--SR:!2024-01-01,3,250-->", "<p>Answer</p>\n"),
        ("<!--SR:!2024-01-01,3,250-->", ""),
        ("A\n<!--ID: 1682454679064-->\nB", "<p>A<br />\nB</p>\n"),
        ("A <!--ID: 1-->\nB", "<p>A<br />\nB</p>\n"),
        ("<!--\nID: 1\n\nstill comment\n-->\nafter", "<p>after</p>\n"),
        ("x <!-- a --> y <!-- b -->", "<p>x  y</p>\n"),
        ("- item <!--SR:x-->", "<ul>\n<li>item</li>\n</ul>\n"),
        ("> q\n> <!--c-->", "<blockquote>\n<p>q</p>\n</blockquote>\n"),
    ],
)
def test_html_comments_are_removed(source: str, expected: str) -> None:
    """Fixed: with html=False these showed as `&lt;!--SR:…--&gt;` text on the card."""
    assert html(source) == expected


def test_unclosed_html_comment_stays_text() -> None:
    assert html("<!-- unclosed\nx") == "<p>&lt;!-- unclosed<br />\nx</p>\n"


def test_html_comment_in_code_stays_text() -> None:
    assert html("`<!-- c -->`") == "<p><code>&lt;!-- c --&gt;</code></p>\n"
    assert html("    <!-- indented -->") == "<pre><code>&lt;!-- indented --&gt;\n</code></pre>\n"


def test_other_raw_html_is_still_escaped() -> None:
    assert html('<font color="red">x</font><br>') == (
        "<p>&lt;font color=&quot;red&quot;&gt;x&lt;/font&gt;&lt;br&gt;</p>\n"
    )


def test_comment_tokens_keep_their_lines() -> None:
    md = obsidian_markdown()
    tokens = md.parse("%% a %%\n\n<!-- b\nc -->\n\ntext", {})
    comments = [t for t in tokens if t.type == "obsidian_comment"]
    assert [t.map for t in comments] == [[0, 1], [2, 4]]
