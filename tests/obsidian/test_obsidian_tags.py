"""Inline `#tags` and `^block-ids` (chaincards.obsidian.tags)."""

from __future__ import annotations

import pytest

from chaincards.obsidian import obsidian_markdown
from chaincards.obsidian.tags import TAG_PATTERN


def html(text: str) -> str:
    md = obsidian_markdown()
    return md.render(text, {"_md": md})


def children(text: str) -> list[tuple[str, str]]:
    md = obsidian_markdown()
    inline = next(t for t in md.parse(text, {}) if t.type == "inline")
    return [(c.type, c.content) for c in inline.children or []]


def tags(text: str) -> list[str]:
    return [content for kind, content in children(text) if kind == "obsidian_tag"]


def block_ids(text: str) -> list[str]:
    return [content for kind, content in children(text) if kind == "block_id"]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("a #tag b", ["tag"]),
        ("#tag", ["tag"]),
        ("x #nested/tag y", ["nested/tag"]),
        ("#tag-with-dash.", ["tag-with-dash"]),
        ("#émoji and #中文", ["émoji", "中文"]),
        ("#y2024", ["y2024"]),
        ("#2024a", ["2024a"]),
        ("Q #card #Biology", ["card", "Biology"]),
        ("Which? #card-reverse", ["card-reverse"]),
        ("Which? #card/reverse", ["card/reverse"]),
        ("line one\n#card", ["card"]),
    ],
)
def test_tags(source: str, expected: list[str]) -> None:
    assert tags(source) == expected


@pytest.mark.parametrize(
    "source",
    ["#2024 was a year", "C# and F#", "issue #123", "a#b", "see page#section", "\\#escaped"],
)
def test_not_tags(source: str) -> None:
    assert tags(source) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("## heading#card", ["card"]),
        ("word#Card", ["Card"]),
        ("h#card-reverse", ["card-reverse"]),
        ("x#card/reverse y", ["card/reverse"]),
    ],
)
def test_card_tags_glued_to_text(source: str, expected: list[str]) -> None:
    assert tags(source) == expected


def test_glued_word_starting_with_card_is_text() -> None:
    """Fixed: `foo#cardboard` was taken as a glued tag and hidden."""
    assert tags("foo#cardboard") == []
    assert html("foo#cardboard") == "<p>foo#cardboard</p>\n"


def test_tags_are_not_shown() -> None:
    assert html("a #tag b") == "<p>a  b</p>\n"
    assert html("## heading#card") == "<h2>heading</h2>\n"


def test_metadata_at_line_end_takes_the_spaces_before_it() -> None:
    assert html("Question #card") == "<p>Question</p>\n"
    assert html("## Inputs #card") == "<h2>Inputs</h2>\n"
    assert html("Q #card #bio ^abc-1") == "<p>Q</p>\n"
    assert html("**b** #tag\nnext") == "<p><strong>b</strong><br />\nnext</p>\n"


def test_tag_in_code_is_text() -> None:
    assert html("`#tag`") == "<p><code>#tag</code></p>\n"


def test_heading_marker_is_not_a_tag() -> None:
    assert html("# Heading") == "<h1>Heading</h1>\n"
    assert html("#NoSpace") == "<p></p>\n"  # Obsidian reads this as a tag, not a heading


def test_tag_pattern() -> None:
    assert TAG_PATTERN.fullmatch("#a/b-c_d")
    assert not TAG_PATTERN.fullmatch("#2024")
    assert not TAG_PATTERN.fullmatch("#1/2")


# -- block ids -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("text ^abc-1", ["abc-1"]),
        ("text ^1682454679064", ["1682454679064"]),
        ("^1682454679064", ["1682454679064"]),
        ("front #card\nback ^1682454679064", ["1682454679064"]),
        ("line ^id1\nnext", ["id1"]),
        ("trailing ^id  ", ["id"]),
    ],
)
def test_block_ids(source: str, expected: list[str]) -> None:
    assert block_ids(source) == expected


@pytest.mark.parametrize("source", ["x ^abc def", "a^b", "2^10 ^", "x ^a_b", "`x ^abc`"])
def test_not_block_ids(source: str) -> None:
    assert block_ids(source) == []


def test_block_ids_are_not_shown() -> None:
    assert html("text ^abc-1") == "<p>text</p>\n"
    assert html("Answer\n^1682454679064") == "<p>Answer<br />\n</p>\n"
    assert html("2^10 is 1024") == "<p>2^10 is 1024</p>\n"
