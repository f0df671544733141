"""`front::back` separator search (chaincards.obsidian.inline_cards)."""

from __future__ import annotations

import pytest

from chaincards.obsidian.inline_cards import find_separator


def split(line: str) -> tuple[str, str, bool] | None:
    found = find_separator(line)
    if found is None:
        return None
    start, end, reverse = found
    return line[:start], line[end:], reverse


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("front::back", ("front", "back", False)),
        ("front:::back", ("front", "back", True)),
        ("a :: b", ("a ", " b", False)),
        ("a ::: b", ("a ", " b", True)),
        ("a::b::c", ("a", "b::c", False)),
        ("x: y::z", ("x: y", "z", False)),
        ("Contexte::", ("Contexte", "", False)),
        ("::b", ("", "b", False)),
        ("`a::b` c::d", ("`a::b` c", "d", False)),
        ("$a::b$ :: $c$", ("$a::b$ ", " $c$", False)),
        ("[[Note::x]]::y", ("[[Note::x]]", "y", False)),
        ("{{c1::a}}::b", ("{{c1::a}}", "b", False)),
        ("see https://example.com::y", ("see https://example.com", "y", False)),
        ("[t](http://a::b)::c", ("[t](http://a::b)", "c", False)),
        ("List<T::U>::generic", ("List<T::U>", "generic", False)),
        ("std::vector", ("std", "vector", False)),
        ("a::::b::c", ("a::::b", "c", False)),
    ],
)
def test_separator(line: str, expected: tuple[str, str, bool]) -> None:
    assert split(line) == expected


@pytest.mark.parametrize(
    "line",
    ["no separator", "`a::b`", "$a::b$", "[[a::b]]", "{{c1::a}}", "a:b", "", "http://x.y"],
)
def test_no_separator(line: str) -> None:
    assert find_separator(line) is None


@pytest.mark.parametrize("line", ["a::::b", "a:::::b", "a :::: b"])
def test_four_or_more_colons_are_not_a_separator(line: str) -> None:
    """Fixed: `a::::b` was read as `a:` ::: `b` (a reversed card)."""
    assert find_separator(line) is None


def test_unclosed_protection_does_not_hide_separator() -> None:
    assert split("a $5::five") == ("a $5", "five", False)
    assert split("x < y::less") == ("x < y", "less", False)
