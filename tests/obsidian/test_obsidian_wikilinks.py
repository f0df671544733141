"""Wikilinks `[[…]]`, embeds `![[…]]`, markdown images and links (chaincards.obsidian.wikilinks)."""

from __future__ import annotations

import pytest

from chaincards.document import Link
from chaincards.media import package_media_name
from chaincards.obsidian import obsidian_markdown
from chaincards.obsidian.wikilinks import parse_link_body

VAULT_FILES = {
    "attachments/diagram.png",
    "attachments/Pasted image 20240101.png",
    "notes/photo.jpg",
    "Book.pdf",
}


def resolve(target: str, note_path: str) -> str | None:
    """A tiny stand-in for VaultIndex.resolve: by exact path, else by file name."""
    from urllib.parse import unquote

    target = unquote(target)
    if target in VAULT_FILES:
        return target
    matches = sorted(f for f in VAULT_FILES if f.rsplit("/", 1)[-1] == target)
    return matches[0] if matches else None


def render(text: str, **env: object) -> tuple[str, dict[str, object]]:
    md = obsidian_markdown()
    environment: dict[str, object] = {"_md": md, **env}
    return md.render(text, environment), environment


def html(text: str, **env: object) -> str:
    return render(text, **env)[0]


# -- parse_link_body ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Plan", Link("Plan", "", "Plan")),
        ("Plan|the plan", Link("Plan", "", "the plan")),
        ("Plan#Inputs", Link("Plan", "Inputs", "Plan › Inputs")),
        ("Plan#^abc-1", Link("Plan", "^abc-1", "Plan › abc-1")),
        ("Book.pdf#page=88|Book", Link("Book.pdf", "page=88", "Book")),
        ("#Heading", Link("", "Heading", "Heading")),
        ("#^block", Link("", "^block", "block")),
        ("", Link("", "", "")),
        ("#", Link("", "", "")),
        ("|alias", Link("", "", "alias")),
        ("a|b|c", Link("a", "", "b|c")),
        ("  spaced  |  alias  ", Link("spaced", "", "alias")),
    ],
)
def test_parse_link_body(body: str, expected: Link) -> None:
    assert parse_link_body(body, embed=False) == expected


def test_parse_link_body_embed_displays_the_target_not_the_size() -> None:
    assert parse_link_body("x.png|200", embed=True) == Link("x.png", "", "x.png", embed=True)


# -- links render as their display text -----------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("[[Plan]]", '<p><span class="cc-link">Plan</span></p>\n'),
        ("[[Plan|the plan]]", '<p><span class="cc-link">the plan</span></p>\n'),
        ("[[Plan#Inputs]]", '<p><span class="cc-link">Plan › Inputs</span></p>\n'),
        ("[[Plan#^abc-1]]", '<p><span class="cc-link">Plan › abc-1</span></p>\n'),
        (
            "[[ITIL Foundation, ITIL 4 Edition (Book).pdf#page=88|ITIL Foundations Book]].",
            '<p><span class="cc-link">ITIL Foundations Book</span>.</p>\n',
        ),
        ("[[|alias]]", '<p><span class="cc-link">alias</span></p>\n'),
        ("[[a|b|c]]", '<p><span class="cc-link">b|c</span></p>\n'),
    ],
)
def test_wikilinks_render_as_display_text(source: str, expected: str) -> None:
    assert html(source) == expected


@pytest.mark.parametrize("source", ["[[]]", "[[#]]", "[[ ]]", "[[#^]]"])
def test_empty_wikilinks_render_nothing(source: str) -> None:
    assert html(source) == "<p></p>\n"


def test_wikilink_text_is_escaped() -> None:
    assert html("[[<script>|<b>x</b>]]") == (
        '<p><span class="cc-link">&lt;b&gt;x&lt;/b&gt;</span></p>\n'
    )


def test_wikilink_is_never_an_anchor() -> None:
    out = html("See [[Plan]], [[Deliver and support|D&S]] and [[Improve#Outputs]].")
    assert "<a" not in out
    assert out == (
        '<p>See <span class="cc-link">Plan</span>, <span class="cc-link">D&amp;S</span> and '
        '<span class="cc-link">Improve › Outputs</span>.</p>\n'
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("[[a\nb]]", "<p>[[a<br />\nb]]</p>\n"),  # a link never spans lines
        ("[[unclosed", "<p>[[unclosed</p>\n"),
        ("`[[code]]`", "<p><code>[[code]]</code></p>\n"),
        ("[[x]]]", '<p><span class="cc-link">x</span>]</p>\n'),
    ],
)
def test_wikilink_edge_cases(source: str, expected: str) -> None:
    assert html(source) == expected


def test_wikilink_in_table_with_escaped_pipe() -> None:
    out = html("| a | b |\n|---|---|\n| [[Plan\\|the plan]] | x |")
    assert '<td><span class="cc-link">the plan</span></td>' in out


def test_very_long_brackets_do_not_become_a_link() -> None:
    body = "x" * 1500
    assert html(f"[[{body}]]") == f"<p>[[{body}]]</p>\n"


# -- embeds ---------------------------------------------------------------------------------------


def test_embedded_vault_image_becomes_packed_media() -> None:
    out, env = render("![[diagram.png]]", resolve_file=resolve, note_path="n.md")
    name = package_media_name("attachments/diagram.png")
    assert out == f'<p><img src="{name}" alt="diagram.png"></p>\n'
    assert env["media"] == ["attachments/diagram.png"]
    assert "missing_media" not in env


def test_embedded_image_width() -> None:
    out, _ = render("![[diagram.png|200]]", resolve_file=resolve)
    assert 'alt="diagram.png" width="200">' in out


def test_embedded_image_caption_is_not_a_width() -> None:
    out, _ = render("![[diagram.png|a caption]]", resolve_file=resolve)
    assert "width" not in out
    assert "<img " in out


def test_missing_embedded_image_is_reported_and_shown_as_its_name() -> None:
    out, env = render("![[nowhere.png]]", resolve_file=resolve)
    assert out == '<p><span class="cc-embed">nowhere.png</span></p>\n'
    assert env["missing_media"] == ["nowhere.png"]
    assert "media" not in env


def test_embed_without_resolver_is_text() -> None:
    out, env = render("![[diagram.png]]")
    assert out == '<p><span class="cc-embed">diagram.png</span></p>\n'
    assert env["missing_media"] == ["diagram.png"]


def test_pdf_embed_with_page_and_rect_is_text_not_media() -> None:
    out, env = render("![[Book.pdf#page=12&rect=1,2,3,4|Book]]", resolve_file=resolve)
    assert out == '<p><span class="cc-embed">Book.pdf</span></p>\n'
    assert "media" not in env and "missing_media" not in env


def test_video_and_audio_embeds_play_as_sound() -> None:
    """Issue 21: `![[clip.mp4]]` and `![[bird.mp3]]` are packed and played by Anki."""
    files = {"clip.mp4": "media/clip.mp4", "bird.mp3": "bird.mp3"}
    for name, path in files.items():
        out, env = render(f"![[{name}]]", resolve_file=lambda target, _note: files.get(target))
        assert out == f"<p>[sound:{package_media_name(path)}]</p>\n"
        assert env["media"] == [path]


def test_a_missing_video_is_reported_and_a_pdf_is_not_shown() -> None:
    out, env = render("![[gone.mp4]]", resolve_file=resolve)
    assert out == '<p><span class="cc-embed">gone.mp4</span></p>\n'
    assert env["missing_media"] == ["gone.mp4"]
    out, env = render("![[Book.pdf]]", resolve_file=lambda target, _note: "Book.pdf")
    assert out == '<p><span class="cc-embed">Book.pdf</span></p>\n'
    assert env["unshown_media"] == ["Book.pdf"]


# -- markdown images -----------------------------------------------------------------------------


def test_markdown_image_in_vault_becomes_packed_media() -> None:
    out, env = render("![](diagram.png)", resolve_file=resolve)
    name = package_media_name("attachments/diagram.png")
    assert out == f'<p><img src="{name}" alt="diagram.png"></p>\n'
    assert env["media"] == ["attachments/diagram.png"]


def test_url_encoded_markdown_image() -> None:
    out, env = render("![](Pasted%20image%2020240101.png)", resolve_file=resolve)
    name = package_media_name("attachments/Pasted image 20240101.png")
    assert out == f'<p><img src="{name}" alt="Pasted image 20240101.png"></p>\n'
    assert env["media"] == ["attachments/Pasted image 20240101.png"]


def test_markdown_image_alt_and_obsidian_width() -> None:
    out, _ = render('![A photo|120](photo.jpg "title")', resolve_file=resolve)
    name = package_media_name("notes/photo.jpg")
    assert out == f'<p><img src="{name}" alt="A photo" width="120"></p>\n'


def test_missing_markdown_image_is_reported() -> None:
    out, env = render("![a diagram](gone.png)", resolve_file=resolve)
    assert out == '<p><span class="cc-embed">a diagram</span></p>\n'
    assert env["missing_media"] == ["gone.png"]


def test_remote_markdown_image_is_left_alone() -> None:
    out, env = render("![x](https://example.com/a.png)", resolve_file=resolve)
    assert out == '<p><img src="https://example.com/a.png" alt="x" /></p>\n'
    assert "media" not in env


def test_data_url_image_is_dropped() -> None:
    out = html("![x](data:image/png;base64,AAAA)")
    assert "<img" not in out


# -- markdown links -------------------------------------------------------------------------------


def test_empty_link_residue_renders_nothing() -> None:
    assert html("[](1724427533073)Answer") == "<p>Answer</p>\n"


def test_link_to_a_note_renders_as_text() -> None:
    assert html("[the plan](Plan%20it.md#Inputs)") == (
        '<p><span class="cc-link">the plan</span></p>\n'
    )


def test_link_to_a_heading_renders_as_text() -> None:
    assert html("[up](#Top)") == '<p><span class="cc-link">up</span></p>\n'


def test_web_link_stays_a_link() -> None:
    assert html('[site](https://example.com "T")') == (
        '<p><a href="https://example.com" title="T">site</a></p>\n'
    )


def test_obsidian_link_stays_a_link() -> None:
    assert html("[open](obsidian://open?vault=V&file=x)") == (
        '<p><a href="obsidian://open?vault=V&amp;file=x">open</a></p>\n'
    )
