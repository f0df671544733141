"""Cloze helpers (chaincards.obsidian.cloze)."""

from __future__ import annotations

import pytest

from chaincards.obsidian.cloze import cloze_problem, curly_to_cloze, strip_cloze_markers


@pytest.mark.parametrize(
    "text",
    [
        "{{c1::a}}",
        "{{c1::a::hint}}",
        "{{c2::a}} {{c1::b}}",
        "{{c1::{{c2::nested}}}}",
        "{{c1::List&lt;T&gt;}}",
        "<p>{{c1::<code>x</code>}}</p>",
        "{{c10::x}}",
    ],
)
def test_well_formed_clozes(text: str) -> None:
    assert cloze_problem(text) is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{{c1::a", "unclosed cloze '{{c1::'"),
        ("{{c0::a}}", "cloze number c0 is not allowed (clozes start at c1)"),
        ("{{c1::}}", "empty cloze c1"),
        ("{{c1:: }}", "empty cloze c1"),
        ("{{c1::<b></b>}}", "empty cloze c1"),
        ("{{c1::a}} }}", "stray '}}' outside a cloze"),
        ("{{c1::a}}}}", "stray '}}' outside a cloze"),
        ("no cloze", "no cloze deletion"),
        ("{{C1::a}}", "no cloze deletion"),
        ("{{c1::a}} {{c2::", "unclosed cloze '{{c2::'"),
    ],
)
def test_broken_clozes(text: str, problem: str) -> None:
    assert cloze_problem(text) == problem


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{{c1::a}}", "a"),
        ("The {{c1::plan::hint}} and {{c2::build}}", "The plan and build"),
        ("{{c1::{{c2::a}}}}", "a"),
        ("no cloze", "no cloze"),
        ("{{c1::a", "{{c1::a"),
    ],
)
def test_strip_cloze_markers(text: str, expected: str) -> None:
    assert strip_cloze_markers(text) == expected


@pytest.mark.parametrize(
    ("text", "start", "expected"),
    [
        ("{answer}", 1, ("{{c1::answer}}", 2)),
        ("{a} and {b}", 1, ("{{c1::a}} and {{c2::b}}", 3)),
        ("{2:x} and {y}", 1, ("{{c2::x}} and {{c1::y}}", 2)),
        ("{a}", 3, ("{{c3::a}}", 4)),
        ("adopted and {adapted}", 1, ("adopted and {{c1::adapted}}", 2)),
        ("{}", 1, ("{}", 1)),
        ("{a\nb}", 1, ("{a\nb}", 1)),
        ("\\{not}", 1, ("\\{not}", 1)),
        ("{{c1::a}} {b}", 1, ("{{c1::a}} {b}", 1)),  # explicit clozes: curly left alone
        ("{{not}}", 1, ("{{not}}", 1)),
    ],
)
def test_curly_to_cloze(text: str, start: int, expected: tuple[str, int]) -> None:
    assert curly_to_cloze(text, start) == expected


def test_shell_variable_is_not_a_curly_cloze() -> None:
    """Fixed: `${HOME}` on a `#card` line became `${{c1::HOME}}`."""
    assert curly_to_cloze("echo ${HOME} and {x}", 1) == ("echo ${HOME} and {{c1::x}}", 2)
