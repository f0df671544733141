"""Cards written in notes (chaincards.parse.written_cards), read through parse_note."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chaincards.document import ParseResult, SourceNote, WrittenCard
from chaincards.media import package_media_name
from chaincards.parse.note import parse_note
from chaincards.parse.render import render

FRONTMATTER = "---\ncards-deck: Course::Chapter\ntags: [itil]\n---\n"


def parse(text: str, resolve=None, path: str = "n.md") -> ParseResult:
    return parse_note(SourceNote(path, "Vault", text, 0), resolve)


def cards(text: str, resolve=None) -> list[WrittenCard]:
    result = parse(text, resolve)
    assert result.note is not None, result.diagnostics
    return list(result.note.cards)


def card(text: str, resolve=None) -> WrittenCard:
    (only,) = cards(text, resolve)
    return only


def messages(text: str, resolve=None) -> list[str]:
    return [d.format() for d in parse(text, resolve).diagnostics]


def sides(found: list[WrittenCard]) -> list[tuple[str, str, str]]:
    return [(c.shape, c.front, c.back) for c in found]


def resolve_images(target: str, note_path: str) -> str | None:
    return f"attachments/{target}" if target.endswith(".png") else None


# -- card callouts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "shape"),
    [
        ("> [!info] card\n> front\n> ---\n> back", "basic"),
        (">[!info] card\n>front\n>---\n>back", "basic"),
        ("> [!info] card\n> front\n> ?\n> back", "basic"),
        ("> [!info] card\n> front\n> ??\n> back", "reverse"),
        ("> [!info] card reverse\n> front\n> ---\n> back", "reverse"),
        ("> [!faq]- card reversed\n> front\n> ---\n> back", "reverse"),
        ("> [!QUESTION] Card: about plans\n> front\n> ---\n> back", "basic"),
    ],
)
def test_card_callout_shapes(source: str, shape: str) -> None:
    found = card(source)
    assert (found.shape, found.front, found.back) == (shape, "<p>front</p>", "<p>back</p>")
    assert (found.syntax, found.key, found.line) == ("callout", "front", 1)


def test_seed_card_callout() -> None:
    source = (
        "# cards\n"
        ">[!info] card\n"
        ">What does the plan activity give the whole organisation?\n"
        ">---\n"
        ">A shared understanding of the vision, current status and improvement direction.\n"
    )
    found = card(FRONTMATTER + source)
    assert found.front == "<p>What does the plan activity give the whole organisation?</p>"
    assert found.back == (
        "<p>A shared understanding of the vision, current status and improvement direction.</p>"
    )
    assert found.line == 6
    assert found.section == ("cards",)
    assert found.key == "what does the plan activity give the whole organisation"


def test_callout_title_not_starting_with_card_is_not_a_card() -> None:
    assert cards("> [!info] cards\n> f\n> ---\n> b") == []
    assert cards("> [!info] Flashcard\n> f\n> ---\n> b") == []
    assert cards("> [!card]\n> f\n> ---\n> b") == []


def test_multi_line_card_sides() -> None:
    found = card("> [!info] card\n> line one\n> line two\n> ---\n> - a\n> - b")
    assert found.front == "<p>line one<br />\nline two</p>"
    assert found.back == "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"


def test_separator_inside_code_fence_is_ignored() -> None:
    found = card("> [!note] card\n> ```\n> ---\n> ```\n> real\n> ---\n> back")
    assert found.front == "<pre><code>---\n</code></pre>\n<p>real</p>"
    assert found.back == "<p>back</p>"


def test_card_callout_cloze_from_highlights() -> None:
    found = card("> [!note] card\n> Value streams combine ==activities== and ==practices==.")
    assert found.shape == "cloze"
    assert found.front == "<p>Value streams combine {{c1::activities}} and {{c2::practices}}.</p>"
    assert found.back == ""
    assert found.key == "value streams combine activities and practices"


def test_card_callout_explicit_clozes() -> None:
    found = card("> [!note] card\n> {{c1::Plan}} and {{c2::Improve::verb}}")
    assert found.front == "<p>{{c1::Plan}} and {{c2::Improve::verb}}</p>"
    assert found.key == "plan and improve"


def test_cloze_inside_callout_with_code_and_generics() -> None:
    found = card("> [!note] card\n> A ==`List<T>`== holds ==items==")
    assert found.front == "<p>A {{c1::<code>List&lt;T&gt;</code>}} holds {{c2::items}}</p>"


def test_mixed_highlight_and_explicit_cloze_get_distinct_numbers() -> None:
    found = card("> [!note] card\n> ==a== and {{c1::b}}")
    assert found.front.count("{{c1::") == 1


def test_empty_card_callout_warns() -> None:
    assert messages("text\n\n> [!note] card") == ["n.md:3: warning: empty card callout"]
    assert cards("> [!note] card\n>\n>") == []


def test_card_callout_without_back_warns() -> None:
    assert messages(FRONTMATTER + "> [!note] card\n> only a front") == [
        "n.md:5: warning: card callout has no back: add a line '---' (or '?') between front "
        "and back"
    ]


def test_card_callout_with_separator_but_empty_back_warns() -> None:
    assert messages("> [!note] card\n> front\n> ---") == [
        "n.md:1: warning: card has an empty back; skipped"
    ]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("{{c1::x", "unclosed cloze '{{c1::'"),
        ("{{c0::x}}", "cloze number c0 is not allowed (clozes start at c1)"),
        ("{{c1::}}", "empty cloze c1"),
        ("{{c1::x}} }}", "stray '}}' outside a cloze"),
    ],
)
def test_broken_cloze_warns_and_skips(body: str, problem: str) -> None:
    result = parse(f"> [!note] card\n> {body}")
    assert result.note is not None and result.note.cards == ()
    assert [d.format() for d in result.diagnostics] == [f"n.md:1: warning: {problem}; card skipped"]


def test_card_callout_nested_in_other_callout() -> None:
    found = card(FRONTMATTER + "> [!tip] Wrapper\n> > [!note] card\n> > a\n> > ---\n> > b")
    assert (found.front, found.back, found.line) == ("<p>a</p>", "<p>b</p>", 6)


def test_card_callout_inside_card_callout_is_text_of_outer() -> None:
    source = "> [!note] card\n> > [!note] card\n> > a\n> > ?\n> > b\n> ---\n> outer back"
    result = parse(source)
    assert result.note is not None
    (found,) = result.note.cards
    assert found.back == "<p>outer back</p>"
    assert '<div class="callout" data-callout="note">' in found.front
    assert [d.format() for d in result.diagnostics] == [
        "n.md:2: warning: card callout inside a card callout; it is text of the outer card"
    ]


def test_card_callout_block_id_is_the_key_and_hidden() -> None:
    found = card("> [!note] card\n> front\n> ---\n> back ^blk-1")
    assert (found.back, found.key) == ("<p>back</p>", "^blk-1")


def test_image_only_card_callout_packs_media() -> None:
    found = card("> [!note] card\n> ![[x.png]]\n> ---\n> ![[y.png|100]]", resolve_images)
    assert (
        found.front == f'<p><img src="{package_media_name("attachments/x.png")}" alt="x.png"></p>'
    )
    assert found.back == (
        f'<p><img src="{package_media_name("attachments/y.png")}" alt="y.png" width="100"></p>'
    )
    assert found.media == ("attachments/x.png", "attachments/y.png")


def test_missing_image_on_card_warns() -> None:
    result = parse("> [!note] card\n> What is shown?\n> ---\n> A chart ![[gone.png]]")
    assert result.note is not None
    (found,) = result.note.cards
    assert found.back == '<p>A chart <span class="cc-embed">gone.png</span></p>'
    assert [d.format() for d in result.diagnostics] == [
        "n.md:1: warning: image not found in the vault, or not readable: gone.png"
    ]


def test_missing_image_only_back_names_the_image() -> None:
    assert "n.md:1: warning: image not found in the vault, or not readable: gone.png" in messages(
        "> [!note] card\n> What is shown?\n> ---\n> ![[gone.png]]"
    )


def test_image_or_math_only_fronts_get_distinct_keys() -> None:
    source = (
        "> [!note] card\n> ![[x.png]]\n> ---\n> X\n\n"
        "> [!note] card\n> ![[z.png]]\n> ---\n> Z\n\n"
        "- $a^2$::square\n- $b^3$::cube"
    )
    keys = [c.key for c in cards(source, resolve_images)]
    assert len(keys) == 4
    assert all(keys) and len(set(keys)) == 4


# -- flashcards-obsidian `#card` ------------------------------------------------------------------


def test_heading_card() -> None:
    found = card(FRONTMATTER + "## What is a value stream? #card\nA series of steps.\n\nNot back.")
    assert (found.shape, found.front, found.back) == (
        "basic",
        "<p>What is a value stream?</p>",
        "<p>A series of steps.</p>",
    )
    assert (found.syntax, found.key, found.line) == ("tag", "what is a value stream", 5)
    assert found.section == ("What is a value stream?",)


def test_paragraph_card_back_ends_at_blank_line() -> None:
    found = card("Question? #card\nline1\nline2\n\nnot back")
    assert found.front == "<p>Question?</p>"
    assert found.back == "<p>line1<br />\nline2</p>"


@pytest.mark.parametrize(
    ("source", "shape"),
    [
        ("Which principle? #card-reverse\nStart where you are", "reverse"),
        ("Which principle? #card/reverse\nStart where you are", "reverse"),
        ("Which principle? #Card\nStart where you are", "basic"),
        ("Which principle? #CARD-REVERSE\nStart where you are", "reverse"),
    ],
)
def test_tag_variants(source: str, shape: str) -> None:
    found = card(source)
    assert (found.shape, found.front, found.back) == (
        shape,
        "<p>Which principle?</p>",
        "<p>Start where you are</p>",
    )


def test_tag_glued_to_heading() -> None:
    found = card("## heading#card\nback text")
    assert (found.front, found.back, found.section) == (
        "<p>heading</p>",
        "<p>back text</p>",
        ("heading",),
    )


def test_back_after_blank_lines_is_next_block() -> None:
    found = card("Q #card\n\n\nA after two blanks\n\nnot back")
    assert found.back == "<p>A after two blanks</p>"


def test_heading_then_tag_line_then_blank_then_back() -> None:
    found = card("## Focus on value\n#card\n\nEverything maps to value.")
    assert (found.front, found.back) == (
        "<p>Focus on value</p>",
        "<p>Everything maps to value.</p>",
    )
    assert found.line == 2


def test_heading_then_tag_line_then_back() -> None:
    """The README example: the heading is the front, the following line the back."""
    found = card("## Focus on value\n#card\nEverything maps to value.")
    assert (found.front, found.back) == (
        "<p>Focus on value</p>",
        "<p>Everything maps to value.</p>",
    )


def test_front_wrapping_over_two_lines() -> None:
    found = card("What does the engage activity\nprovide to stakeholders? #card\nUnderstanding.")
    assert found.front == "<p>What does the engage activity<br />\nprovide to stakeholders?</p>"
    assert found.back == "<p>Understanding.</p>"
    assert found.key == "what does the engage activity provide to stakeholders"


def test_thirteen_digit_block_id_ends_the_back_and_is_the_key() -> None:
    source = "Q1 #card\nA1\n^1682454679064\n\nQ2 #card\nA2 ^1682454679065\n"
    found = cards(FRONTMATTER + source)
    assert [(c.front, c.back, c.key, c.line) for c in found] == [
        ("<p>Q1</p>", "<p>A1</p>", "^1682454679064", 5),
        ("<p>Q2</p>", "<p>A2</p>", "^1682454679065", 9),
    ]


def test_block_id_on_front_line_is_the_key() -> None:
    assert card("Q #card ^abc\nA").key == "^abc"


def test_list_item_card() -> None:
    found = card("- item #card\n  back line")
    assert (found.front, found.back) == ("<p>item</p>", "<p>back line</p>")


def test_nested_list_item_card_with_nested_back() -> None:
    found = card("- parent\n\t- child #card\n\t\t- the back")
    assert found.front == "<p>child</p>"
    assert found.back == "<ul>\n<li>the back</li>\n</ul>"


def test_code_block_back() -> None:
    found = card("## Print hello in Python #card\n```python\nprint(1)\n```")
    assert found.back == (
        '<pre><code class="language-python"><span style="color: #007020">print</span>('
        '<span style="color: #40A070">1</span>)\n</code></pre>'
    )


def test_table_back() -> None:
    found = card("## Compare #card\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert found.back.startswith("<table>\n<thead>\n<tr>\n<th>a</th>")
    assert "<td>2</td>" in found.back


def test_display_math_back() -> None:
    assert (
        card("## Formula #card\n$$\nE = mc^2\n$$").back == '<div class="math">\\[E = mc^2\\]</div>'
    )


def test_heading_card_followed_by_heading_warns() -> None:
    assert messages("## H #card\n## Next\nbody") == [
        "n.md:1: warning: card has an empty back; skipped"
    ]
    assert messages("Q #card") == ["n.md:1: warning: card has an empty back; skipped"]


def test_only_tagged_headings_are_cards() -> None:
    headings = "".join(
        f"## Heading {i}{' #card' if i in (3, 7) else ''}\nText {i}.\n" for i in range(10)
    )
    found = cards(headings)
    assert [(c.front, c.back) for c in found] == [
        ("<p>Heading 3</p>", "<p>Text 3.</p>"),
        ("<p>Heading 7</p>", "<p>Text 7.</p>"),
    ]


def test_list_back_is_not_also_read_for_inline_cards() -> None:
    found = cards("## Terms #card\n- a::b\n- c::d")
    assert [c.syntax for c in found] == ["tag"]


def test_card_tags_and_note_tags() -> None:
    result = parse("# Title\n\nQ #card #bio\nA #chem\n\nplain #other and #card-like")
    assert result.note is not None
    (found,) = result.note.cards
    assert found.tags == ("bio", "chem")
    assert (found.front, found.back) == ("<p>Q</p>", "<p>A</p>")
    assert result.note.tags == ("other", "card-like")


# -- clozes on #card lines -----------------------------------------------------------------------


def test_cloze_forms_on_card_line() -> None:
    found = card("The guiding principles apply in ==every situation== and are {adopted} #card")
    assert found.shape == "cloze"
    assert found.front == (
        "<p>The guiding principles apply in {{c1::every situation}} and are {{c2::adopted}}</p>"
    )
    assert found.key == "the guiding principles apply in every situation and are adopted"


def test_numbered_curly_cloze() -> None:
    assert (
        card("The {2:plan} and {build} #card").front == "<p>The {{c2::plan}} and {{c1::build}}</p>"
    )


def test_anki_cloze_on_card_line_with_extra() -> None:
    found = card("{{c1::Plan}} comes first #card\nextra text")
    assert (found.shape, found.front, found.back) == (
        "cloze",
        "<p>{{c1::Plan}} comes first</p>",
        "<p>extra text</p>",
    )


def test_broken_cloze_on_card_line_warns() -> None:
    assert messages("{{c1::Plan comes first #card") == [
        "n.md:1: warning: unclosed cloze '{{c1::'; card skipped"
    ]


def test_shell_variable_on_card_line_is_not_a_cloze() -> None:
    found = card("What does ${HOME} hold? #card\nThe home folder")
    assert (found.shape, found.front) == ("basic", "<p>What does ${HOME} hold?</p>")


def test_cloze_text_without_card_marker_is_not_a_card() -> None:
    assert cards("Text with {{c1::a}} and ==b== and {c}") == []


# -- inline front::back --------------------------------------------------------------------------


def test_inline_cards_in_paragraph_list_and_callout() -> None:
    source = (
        FRONTMATTER
        + "\n# T\n\npara\nGuiding principles::recommendations\nOptimize:::Principle\n\n"
        + "> [!tip] Terms\n> Value :: benefit\n\n- List front::list back\n- Other:::Reversed\n"
    )
    found = cards(source)
    assert [(c.shape, c.front, c.back, c.line, c.syntax) for c in found] == [
        ("basic", "<p>Guiding principles</p>", "<p>recommendations</p>", 9, "inline"),
        ("reverse", "<p>Optimize</p>", "<p>Principle</p>", 10, "inline"),
        ("basic", "<p>Value</p>", "<p>benefit</p>", 13, "inline"),
        ("basic", "<p>List front</p>", "<p>list back</p>", 15, "inline"),
        ("reverse", "<p>Other</p>", "<p>Reversed</p>", 16, "inline"),
    ]
    assert all(c.section == ("T",) for c in found)


def test_inline_card_with_math_on_both_sides() -> None:
    found = card("- $e^{i\\pi}$::$-1$")
    assert (found.front, found.back) == ("<p>\\(e^{i\\pi}\\)</p>", "<p>\\(-1\\)</p>")


@pytest.mark.parametrize(
    "source",
    [
        "id:: 1682454679064",
        "Contexte::",
        "tags:: a, b",
        "source:: [[Book]]",
        "`code::x`",
        "a::::b",
        "[[Note::x]]",
        "{{c1::x}}",
        "::only back",
    ],
)
def test_not_inline_cards(source: str) -> None:
    assert cards(source) == []


def test_inline_card_does_not_take_property_lines() -> None:
    found = cards("id:: abc\nTerm :: Definition\nContexte::")
    assert [(c.front, c.back, c.line) for c in found] == [("<p>Term</p>", "<p>Definition</p>", 2)]


# -- obsidian-spaced-repetition `?` --------------------------------------------------------------


def test_question_mark_separator() -> None:
    found = card(FRONTMATTER + "What is ITIL?\n?\nA framework.")
    assert (found.shape, found.front, found.back, found.syntax, found.line) == (
        "basic",
        "<p>What is ITIL?</p>",
        "<p>A framework.</p>",
        "spaced",
        5,
    )


def test_double_question_mark_is_reverse() -> None:
    assert card("Front\n??\nBack").shape == "reverse"


@pytest.mark.parametrize("source", ["Q\n?", "?\nA", "?"])
def test_question_mark_at_edge_is_not_a_card(source: str) -> None:
    assert cards(source) == []


# -- tool residue never reaches a card -----------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "Q #card\nA <!--SR:!2024-01-01,3,250-->",
        "Q #card\nA\n<!--SR:!2024-01-01,3,250-->",
        "Q\n?\nA\n<!--SR:!2024-01-01,3,250-->",
        "Q::A <!--SR:!2024-01-01,3,250-->",
        "> [!note] card\n> Q\n> ---\n> A <!--ID: 1682454679064-->",
        "Q #card\n[](1724427533073)A",
        "Q #card\nA %% private note %%",
        "Q #card\nA ^1682454679064",
    ],
)
def test_residue_is_not_on_the_card(source: str) -> None:
    """Fixed in obsidian/comments.py: `<!--SR:…-->` used to show as escaped text on the back."""
    found = card(source)
    assert (found.front, found.back) == ("<p>Q</p>", "<p>A</p>")


# -- render() ------------------------------------------------------------------------------------


def test_render_collects_ids_tags_and_media() -> None:
    rendered = render("![[x.png]] text #topic ^blk", "n.md", resolve_images)
    assert rendered.html == (
        f'<p><img src="{package_media_name("attachments/x.png")}" alt="x.png"> text</p>'
    )
    assert (rendered.text, rendered.block_ids, rendered.tags) == ("text", ["blk"], ["topic"])
    assert rendered.media == ["attachments/x.png"]


# -- property ------------------------------------------------------------------------------------

PIECES = [
    "> [!info] card",
    "> front",
    "> ---",
    "> ?",
    "> ==cloze==",
    "> {{c1::x",
    "Q #card",
    "## H #card",
    "#card",
    "A ^1682454679064",
    "front::back",
    "a:::b",
    "id:: x",
    "?",
    "??",
    "==h== {c} {2:d}",
    "<!--SR:!2024-01-01,3,250-->",
    "![[x.png]]",
    "$$a$$$$b$$",
    "- item #card",
    "\t- nested",
    "```",
    "",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=20))
def test_written_cards_never_raise_and_lines_are_in_the_file(lines: list[str]) -> None:
    text = FRONTMATTER + "\n".join(lines)
    result = parse(text, resolve_images)
    assert result.note is not None
    total = text.count("\n") + 1
    for found in result.note.cards:
        assert 5 <= found.line <= total
        assert "<script" not in found.front + found.back
        # A comment inside a code block is code the learner wrote; anywhere else it is residue.
        outside_code = re.sub(r"<pre>.*?</pre>", "", found.front + found.back, flags=re.DOTALL)
        assert "&lt;!--" not in outside_code
        assert found.shape in ("basic", "reverse", "cloze")
    for diagnostic in result.diagnostics:
        assert 1 <= diagnostic.line <= total


def test_target_deck_directive_names_the_deck_and_is_not_a_card() -> None:
    from chaincards.document import SourceNote
    from chaincards.parse.note import parse_note

    for text in (
        "TARGET DECK\nObsidian::Imported\n\nQ::A\n",
        "TARGET DECK: Obsidian::Imported\n\nQ::A\n",
    ):
        result = parse_note(SourceNote("n.md", "v", text, 0))
        assert result.note is not None
        assert result.note.meta.deck == "Obsidian::Imported"
        assert [c.front for c in result.note.cards] == ["<p>Q</p>"]


def test_cloze_on_a_card_line_does_not_take_the_next_paragraph_as_extra() -> None:
    from chaincards.document import SourceNote
    from chaincards.parse.note import parse_note

    text = "The ==sender== appends a ==checksum== #card\n\nUnrelated paragraph.\n"
    note = parse_note(SourceNote("n.md", "v", text, 0)).note
    assert note is not None
    [card] = note.cards
    assert card.shape == "cloze" and card.back == ""
