"""Card sides: plain one-line text skips the parser, and must render exactly as if parsed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from chaincards.parse.render import _PLAIN_LINE, render, render_markdown

# Every character class the fast path accepts, plus the Markdown characters next to them.
NEAR_PLAIN = st.text(
    alphabet=st.sampled_from(list("aZé9 ,.;:?!'’()/-_*#=[]<>&\"`~^$%|{}\\\t")), max_size=40
)


@settings(max_examples=3000)
@given(st.one_of(NEAR_PLAIN, st.from_regex(_PLAIN_LINE, fullmatch=True)))
def test_plain_lines_render_as_the_parser_would(text: str) -> None:
    for cloze in (False, True):
        fast = render(text, "n.md", None, cloze=cloze)
        assert fast == render_markdown(text, "n.md", None, cloze=cloze)


def test_plain_line_is_a_paragraph_and_markup_is_not_plain() -> None:
    assert render("What does Plan provide?", "n.md", None).html == "<p>What does Plan provide?</p>"
    assert render("a *b*", "n.md", None).html == "<p>a <em>b</em></p>"
    assert render("Why? #tag", "n.md", None).tags == ["tag"]
