"""`$…$` and `$$…$$` as MathJax delimiters (chaincards.obsidian.math)."""

from __future__ import annotations

import pytest

from chaincards.obsidian import obsidian_markdown


def html(text: str) -> str:
    md = obsidian_markdown()
    return md.render(text, {"_md": md})


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("$x^2$", "<p>\\(x^2\\)</p>\n"),
        ("a $x$, b", "<p>a \\(x\\), b</p>\n"),
        ("$a < b$", "<p>\\(a &lt; b\\)</p>\n"),
        ("$x$y", "<p>\\(x\\)y</p>\n"),
        ("price $3.50 and $x$", "<p>price $3.50 and \\(x\\)</p>\n"),
        (r"$\frac{a}{b}$", "<p>\\(\\frac{a}{b}\\)</p>\n"),
        ("$$x$$ text", "<p>\\[x\\] text</p>\n"),
        ("- item $$x$$", "<ul>\n<li>item \\[x\\]</li>\n</ul>\n"),
    ],
)
def test_inline_math(source: str, expected: str) -> None:
    assert html(source) == expected


@pytest.mark.parametrize(
    "source",
    ["$5 and $10", "$variable", "echo ${HOME}", "$ x $", "costs $5", "`$x$`"],
)
def test_plain_dollars_stay_text(source: str) -> None:
    out = html(source)
    assert "\\(" not in out and "\\[" not in out


def test_escaped_dollars() -> None:
    assert html("cost \\$5 and \\$6") == "<p>cost $5 and $6</p>\n"
    assert html(r"$\$$") == "<p>\\(\\$\\)</p>\n"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("$$x$$", '<div class="math">\\[x\\]</div>\n'),
        ("$$\na\n$$", '<div class="math">\\[a\\]</div>\n'),
        (
            "$$\n\\begin{aligned}a&=b\\\\\nc&=d\\end{aligned}\n$$",
            '<div class="math">\\[\\begin{aligned}a&amp;=b\\\\\nc&amp;=d\\end{aligned}\\]</div>\n',
        ),
        ("$$a$$ (eq1)", '<div class="math">\\[a\\]</div>\n'),
    ],
)
def test_display_math(source: str, expected: str) -> None:
    assert html(source) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("$$a$$$$b$$", "<p>\\[a\\]\\[b\\]</p>\n"),
        ("$$a$$ $$b$$", "<p>\\[a\\] \\[b\\]</p>\n"),
        ("x $$a$$$$b$$ y", "<p>x \\[a\\]\\[b\\] y</p>\n"),
        ("- $$a$$$$b$$", "<ul>\n<li>\\[a\\]\\[b\\]</li>\n</ul>\n"),
    ],
)
def test_several_display_formulas_on_one_line(source: str, expected: str) -> None:
    """Fixed: `$$a$$$$b$$` was one display block showing `a$$$$b`."""
    assert html(source) == expected


def test_display_math_in_callout() -> None:
    out = html("> [!note] t\n>\n> $$\n> x = 1\n> $$")
    assert '<div class="math">\\[x = 1\\]</div>' in out


def test_display_math_right_after_callout_head() -> None:
    # The `$$` lines continue the head's paragraph: display math inside it, still `\[…\]`.
    out = html("> [!note] t\n> $$\n> x = 1\n> $$")
    assert "<p>\\[x = 1\\]</p>" in out


def test_display_math_in_list_item() -> None:
    out = html("- item\n\n  $$\n  y\n  $$")
    assert '<div class="math">\\[y\\]</div>' in out


def test_math_is_not_markdown() -> None:
    assert html("$a_1 * b_2 * c$") == "<p>\\(a_1 * b_2 * c\\)</p>\n"
    assert html("$[[x]]$") == "<p>\\([[x]]\\)</p>\n"
