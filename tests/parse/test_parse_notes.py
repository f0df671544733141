"""parse_note (chaincards.parse.note): title, sections, paragraphs, lists, callouts, links, tags."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chaincards.diagnostics import Severity
from chaincards.document import (
    Callout,
    Heading,
    Link,
    ListBlock,
    ListItem,
    Paragraph,
    ParsedNote,
    SourceNote,
)
from chaincards.obsidian import obsidian_markdown
from chaincards.parse.note import inline_links, note_title, parse_note, plain_text

SEED = """---
aliases: [Engage]
banner: "![[project workers.jpg]]"
created: 2022-09-02  18:35:23
modification date: <%+ tp.file.last_modified_date("YYYY-MM-DD  HH:mm:ss") %>
tags: C846/1_Introduction
cards-deck: C846 - Business of IT::1_Introduction
---
%%
\tFUNDIMENTALS:
\t- Link as you go. %%
- [x] expand on Engage ✅ 2022-09-02
# Engage
>[!tip] Key Message
>The purpose of engage is a good understanding of [[Stakeholder|stakeholder]] needs.

[[ITIL Foundation, ITIL 4 Edition (Book).pdf#page=88|ITIL Foundations Book]].
- Understanding stakeholder needs
- usually the first step in a value chain.
## Inputs
- A product and service portfolio provided by [[Plan]].
- Information on completion of user supported tasks from [[Deliver and support]].
## Outputs
- Consolidated demands and opportunities for [[Plan]].
"""


def parse(text: str, path: str = "ITIL 4/Engage.md") -> ParsedNote:
    result = parse_note(SourceNote(path, "Vault", text, 0))
    assert result.note is not None, result.diagnostics
    return result.note


def blocks_of(note: ParsedNote, kind: type) -> list:
    return [b for b in note.blocks if isinstance(b, kind)]


# -- the seed note --------------------------------------------------------------------------------


def test_seed_note_title_meta_and_sections() -> None:
    note = parse(SEED)
    assert (note.title, note.title_line) == ("Engage", 13)
    assert note.meta.deck == "C846 - Business of IT::1_Introduction"
    assert note.meta.tags == ("C846/1_Introduction",)
    assert note.meta.aliases == ("Engage",)
    assert blocks_of(note, Heading) == [
        Heading(1, "Engage", 13, ("Engage",)),
        Heading(2, "Inputs", 20, ("Engage", "Inputs")),
        Heading(2, "Outputs", 23, ("Engage", "Outputs")),
    ]
    assert note.cards == ()


def test_seed_note_callout_paragraph_and_lists() -> None:
    note = parse(SEED)
    (callout,) = blocks_of(note, Callout)
    assert callout == Callout(
        kind="tip",
        title="Key Message",
        fold="",
        line=14,
        section=("Engage",),
        body="The purpose of engage is a good understanding of stakeholder needs.",
        body_markdown=(
            "The purpose of engage is a good understanding of [[Stakeholder|stakeholder]] needs."
        ),
        depth=1,
    )
    (paragraph,) = blocks_of(note, Paragraph)
    book = Link("ITIL Foundation, ITIL 4 Edition (Book).pdf", "page=88", "ITIL Foundations Book")
    assert paragraph == Paragraph("ITIL Foundations Book.", 17, ("Engage",), (book,))
    lists = blocks_of(note, ListBlock)
    assert [b.line for b in lists] == [12, 18, 21, 24]
    assert lists[0].items == (ListItem("expand on Engage ✅ 2022-09-02", 12, task=True),)
    assert lists[2] == ListBlock(
        items=(
            ListItem(
                "A product and service portfolio provided by Plan.", 21, (Link("Plan", "", "Plan"),)
            ),
            ListItem(
                "Information on completion of user supported tasks from Deliver and support.",
                22,
                (Link("Deliver and support", "", "Deliver and support"),),
            ),
        ),
        ordered=False,
        line=21,
        section=("Engage", "Inputs"),
    )


def test_seed_note_comment_is_not_content() -> None:
    note = parse(SEED)
    assert all("FUNDIMENTALS" not in getattr(b, "text", "") for b in note.blocks)


def test_seed_note_links_in_order() -> None:
    assert [link.target for link in parse(SEED).links] == [
        "Stakeholder",
        "ITIL Foundation, ITIL 4 Edition (Book).pdf",
        "Plan",
        "Deliver and support",
        "Plan",
    ]


# -- titles --------------------------------------------------------------------------------------


def test_title_falls_back_to_file_name() -> None:
    note = parse("No heading here", path="folder/It's; a & note 🙂.md")
    assert (note.title, note.title_line) == ("It's; a & note 🙂", 1)


def test_first_h1_is_title_even_after_h2() -> None:
    note = parse("## Sub first\n# Real Title\n# Second H1")
    assert (note.title, note.title_line) == ("Real Title", 2)


def test_title_line_counts_frontmatter() -> None:
    assert parse("---\na: 1\n---\n\n# T").title_line == 5


def test_note_title() -> None:
    assert note_title("a/b/c.md", None) == "c"
    assert note_title("a/b/c.txt", "Heading") == "Heading"


def test_cjk_title_and_tags() -> None:
    note = parse("# 万国·英语\n\n雅思词库积累 #英语/雅思")
    assert note.title == "万国·英语"
    assert note.tags == ("英语/雅思",)
    assert blocks_of(note, Paragraph) == [Paragraph("雅思词库积累", 3, ("万国·英语",))]


# -- sections -------------------------------------------------------------------------------------


def test_heading_paths() -> None:
    note = parse("# A\n## B\n### C\n## D\n#### E\n# F")
    assert [h.path for h in blocks_of(note, Heading)] == [
        ("A",),
        ("A", "B"),
        ("A", "B", "C"),
        ("A", "D"),
        ("A", "D", "E"),
        ("F",),
    ]


def test_heading_text_is_plain() -> None:
    note = parse("## **Bold** [[Plan|plan]] `code` #tag ^id")
    (heading,) = blocks_of(note, Heading)
    assert heading.text == "Bold plan code"


def test_headings_inside_callouts_are_not_sections() -> None:
    note = parse("# Top\n> [!info] card\n> front\n> ---\n> back\n\nafter")
    assert [h.text for h in blocks_of(note, Heading)] == ["Top"]
    assert blocks_of(note, Paragraph) == [Paragraph("after", 7, ("Top",))]


# -- paragraphs -----------------------------------------------------------------------------------


def test_paragraph_plain_text() -> None:
    (paragraph,) = blocks_of(parse("para $x$ `c` **b** ~~s~~ [[L|l]] ![[e.png]] #t"), Paragraph)
    assert paragraph.text == "para $x$ c b s l e.png"


def test_paragraph_residue_is_removed() -> None:
    text = "text <!--SR:!2024-01-01,3,250--> more %% hide %% end [](1724427533073) ^1682454679064"
    (paragraph,) = blocks_of(parse(text), Paragraph)
    assert paragraph.text == "text more end"


def test_empty_paragraphs_are_dropped() -> None:
    assert blocks_of(parse("#tag\n\n^abc\n\n%% x %%"), Paragraph) == []


def test_paragraph_line_with_crlf_normalised_text() -> None:
    note = parse("---\na: 1\n---\nfirst\n\nsecond")
    assert [(p.text, p.line) for p in blocks_of(note, Paragraph)] == [("first", 4), ("second", 6)]


# -- lists ----------------------------------------------------------------------------------------


def test_tasks_nested_and_ordered_lists() -> None:
    note = parse("- [ ] open\n- [x] done\n\t- child\n\t\t- grandchild\n1. one\n2. two")
    first, second = blocks_of(note, ListBlock)
    assert first == ListBlock(
        items=(
            ListItem("open", 1, task=True),
            ListItem(
                "done",
                2,
                task=True,
                children=(ListItem("child", 3, children=(ListItem("grandchild", 4),)),),
            ),
        ),
        ordered=False,
        line=1,
        section=(),
    )
    assert second.ordered and [i.text for i in second.items] == ["one", "two"]


def test_lists_inside_callouts_are_not_note_lists() -> None:
    note = parse("> [!note] T\n> - a\n> - b")
    assert blocks_of(note, ListBlock) == []
    (callout,) = blocks_of(note, Callout)
    assert callout.body == "a b"


def test_very_deep_list_does_not_recurse() -> None:
    text = "".join("  " * i + "- x\n" for i in range(35))
    (block,) = blocks_of(parse(text), ListBlock)
    depth, item = 1, block.items[0]
    while item.children:
        depth, item = depth + 1, item.children[0]
    assert depth > 10


# -- callouts -------------------------------------------------------------------------------------


def test_nested_foldable_callouts() -> None:
    note = parse("# S\n> [!info]- Folded\n> > [!warning]+ inner\n> > deep\n>\n> outer")
    outer, inner = blocks_of(note, Callout)
    assert (outer.kind, outer.title, outer.fold, outer.line, outer.depth) == (
        "info",
        "Folded",
        "-",
        2,
        1,
    )
    assert outer.body == "deep outer"
    assert outer.body_markdown == "> [!warning]+ inner\n> deep\n\nouter"
    assert (inner.kind, inner.title, inner.fold, inner.line, inner.depth) == (
        "warning",
        "inner",
        "+",
        3,
        2,
    )
    assert (inner.body, inner.body_markdown, inner.section) == ("deep", "deep", ("S",))


def test_github_alert_and_no_space_callout() -> None:
    note = parse("> [!NOTE]\n> gh\n\n>[!x] t\n>b")
    assert [(c.kind, c.title, c.body) for c in blocks_of(note, Callout)] == [
        ("note", "", "gh"),
        ("x", "t", "b"),
    ]


def test_callout_title_is_plain_text() -> None:
    (callout,) = blocks_of(parse("> [!tip] **Key** [[Plan|planning]]\n> body"), Callout)
    assert callout.title == "Key planning"


# -- links and tags -------------------------------------------------------------------------------


def test_markdown_links_are_note_links_but_web_links_are_not() -> None:
    note = parse("See [a](Other.md#Head) and [w](https://x.y) and [m](mailto:a@b) [[x#^b]]")
    assert note.links == (
        Link("Other", "Head", "a"),
        Link("x", "^b", "x › b"),
    )


def test_markdown_link_target_is_url_decoded() -> None:
    assert parse("[a](Other%20Note.md)").links == (Link("Other Note", "", "a"),)


def test_embeds_are_links() -> None:
    assert parse("![[x.png|200]] ![[Book.pdf#page=12&rect=1,2|B]]").links == (
        Link("x.png", "", "x.png", embed=True),
        Link("Book.pdf", "page=12&rect=1,2", "Book.pdf", embed=True),
    )


def test_odd_wikilinks_never_raise() -> None:
    note = parse("[[]] [[#]] [[a|b|c]] [[x#^block]] [[|alias]] [[ ]] [[#^]]")
    assert [link.display for link in note.links] == ["", "", "b|c", "x › block", "alias", "", ""]


def test_note_tags_exclude_card_tags_and_repeat_once() -> None:
    note = parse("a #one #two #two\n\n#three\n\n#2024 C# x#y")
    assert note.tags == ("one", "two", "three")


def test_a_tag_used_on_a_card_is_a_card_tag_not_a_note_tag() -> None:
    note = parse("a #one #two\n\nb #one #card\nback")
    assert note.tags == ("two",)
    assert note.cards[0].tags == ("one",)


# -- frontmatter errors skip the note -------------------------------------------------------------


def test_frontmatter_error_skips_note() -> None:
    result = parse_note(SourceNote("n.md", "V", "---\ncards-deck: [\n---\n# T", 0))
    assert result.note is None
    assert [(d.severity, d.line) for d in result.diagnostics] == [(Severity.ERROR, 3)]


def test_frontmatter_warning_keeps_note() -> None:
    result = parse_note(SourceNote("n.md", "V", "---\ncards-deck:\n---\n# T", 0))
    assert result.note is not None and result.note.title == "T"
    assert [d.format() for d in result.diagnostics] == [
        "n.md:2: warning: cards-deck is empty; the folder deck is used"
    ]


# -- helpers -------------------------------------------------------------------------------------


def test_plain_text_and_inline_links() -> None:
    md = obsidian_markdown()
    inline = next(t for t in md.parse("**a** [[B|b]] [c](C.md) $x$\ny", {}) if t.type == "inline")
    assert plain_text(inline.children) == "a b c $x$ y"
    assert inline_links(inline.children) == (Link("B", "", "b"), Link("C", "", "c"))
    assert plain_text(None) == ""


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="#>-*[]!|^=%$`:{}\n\t ab1", max_size=200))
def test_parse_never_raises(text: str) -> None:
    result = parse_note(SourceNote("n.md", "V", text, 0))
    if result.note is not None:
        lines = text.count("\n") + 1
        for block in result.note.blocks:
            assert 1 <= block.line <= lines
