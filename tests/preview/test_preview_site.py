"""The preview site's files: structure, escaping, links, media, determinism and safe replacing."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from chaincards.anki.notetypes import stylesheet
from chaincards.media import package_media_name
from chaincards.pipeline import compile_vault
from chaincards.preview import site as site_module
from chaincards.preview.css import scope_css
from chaincards.preview.render import PreviewCard, render_own
from chaincards.preview.site import (
    MARKER,
    deck_file_name,
    deck_tree,
    rewrite_media,
    write_site,
)

SAMPLE_VAULT = Path(__file__).resolve().parents[2] / "notes"
SVG = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"></svg>'


def card(guid: str, deck: str = "Course", kind: str = "callout", **fields: object) -> PreviewCard:
    defaults: dict[str, object] = {
        "shape": "basic",
        "ordinal": 1,
        "question_html": f"<p>Question {guid}</p>",
        "answer_html": f"<p>Question {guid}</p><hr id=answer><p>Answer {guid}</p>",
        "source_path": "folder/my note.md",
        "source_line": 3,
    }
    return PreviewCard(guid=guid, deck=deck, kind=kind, **{**defaults, **fields})  # type: ignore[arg-type]


class Elements(HTMLParser):
    """Every start tag with its attributes, and each element's ancestors."""

    VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str], tuple[str, ...]]] = []
        self.stack: list[str] = []
        self.text: list[tuple[str, tuple[str, ...]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {k: v or "" for k, v in attrs}, tuple(self.stack)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            del self.stack[len(self.stack) - 1 - self.stack[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.text.append((data.strip(), tuple(self.stack)))

    def having(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [
            found
            for name, found, _ in self.found
            if name == tag and all(found.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]

    def with_class(self, css_class: str) -> list[dict[str, str]]:
        return [a for _, a, _ in self.found if css_class in a.get("class", "").split()]


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = tmp_path / "notes"
    (root / "img").mkdir(parents=True)
    (root / "img" / "chart.png").write_bytes(b"\x89PNG not really")
    (tmp_path / "secret.txt").write_text("outside the vault")
    return root


def hostile_site(vault: Path, out: Path) -> list[Path]:
    chart = package_media_name("img/chart.png")
    cards = [
        card("g1", deck="R&D <x>", kind="tag"),
        card("g2", deck="R&D <x>::Sub <b>", kind="flows", question_html=f'<img src="{chart}">'),
        card("g3", deck="R&D <x>::Sub <b>", kind='"quoted" & <kind>', source_line=9),
        card("g4", deck="Other", shape="cloze", ordinal=2),
    ]
    return write_site(
        cards,
        out,
        css=stylesheet(),
        title="Study & <review>",
        diagram_svg=SVG,
        media_root=vault,
        media=["img/chart.png", "img/missing.png", "../secret.txt"],
        vault_root=vault,
    )


# --- pure helpers --------------------------------------------------------------------------------


def test_deck_file_names_are_safe_stable_and_distinct() -> None:
    names = [deck_file_name(d) for d in ["R&D <x>", "R D x", "A::B", "A B", "中文", "../../etc"]]
    for name in names:
        assert re.fullmatch(r"deck-[a-z0-9-]+-[0-9a-f]{8}\.html", name), name
    assert len(set(names)) == len(names)
    assert deck_file_name("R&D <x>") == deck_file_name("R&D <x>")
    assert deck_file_name("ITIL 4::Plan").startswith("deck-itil-4--plan-")


def test_deck_tree_nests_subdecks_under_parents_without_cards() -> None:
    [root] = deck_tree({"A::B": 2, "A::C::D": 3, "A::C": 1})
    assert (root.name, root.own, root.total) == ("A", 0, 6)
    assert [c.name for c in root.children.values()] == ["A::B", "A::C"]
    assert root.children["C"].total == 4


def test_scoped_css_touches_only_card_sides() -> None:
    css = (
        "/* a { comment } */ @import url(https://example.com/x.css);\n"
        ".card { color: red; }\n.nightMode .card, .card.night_mode { color: white; }\n"
        "a, :not(pre) > code, :is(h1, h2) { color: blue; }\nbody { margin: 0; }\n"
        "@media (max-width: 600px) { hr { border: 0; } }\n@font-face { font-family: X; }\n"
    )
    scoped = scope_css(css)
    assert "@import" not in scoped and "example.com" not in scoped
    assert ".ccp-card.card { color: red; }" in scoped
    assert ".nightMode .ccp-card.card,\n.ccp-card.card.night_mode {" in scoped
    assert ".ccp-card a,\n.ccp-card :not(pre) > code,\n.ccp-card :is(h1, h2) {" in scoped
    assert ".ccp-card.card { margin: 0; }" in scoped
    assert re.search(r"@media \(max-width: 600px\) \{\s+\.ccp-card hr \{ border: 0; \}", scoped)
    assert "@font-face { font-family: X; }" in scoped
    # Every selector of the real stylesheet ends up inside the card scope.
    for selector_list in re.findall(r"([^{}]+)\{[^{}]*\}", scope_css(stylesheet())):
        for selector in selector_list.split(",\n"):
            assert ".ccp-card" in selector, selector


def test_rewrite_media_points_known_files_at_the_media_folder() -> None:
    html = '<img src="cc_a.png"> <img src=\'cc_b.png\'> <img src="https://x/y.png">'
    rewritten = rewrite_media(html, {"cc_a.png": "media/cc_a.png", "cc_b.png": "media/cc_b.png"})
    assert rewritten == (
        '<img src="media/cc_a.png"> <img src=\'media/cc_b.png\'> <img src="https://x/y.png">'
    )


# --- the written site ----------------------------------------------------------------------------


def test_index_lists_decks_nested_with_counts_and_the_diagram(vault: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    hostile_site(vault, out)
    index = read(out / "index.html")
    page = Elements(index)
    assert "<?xml" not in index
    assert [stack for tag, _, stack in page.found if tag == "svg"] == [
        ("html", "body", "main", "figure")
    ]
    links = {a["href"]: a for a in page.having("a")}
    assert set(links) == {deck_file_name(d) for d in ["R&D <x>", "R&D <x>::Sub <b>", "Other"]}
    texts = dict(page.text)
    assert texts["R&D <x>"] == ("html", "body", "main", "nav", "ul", "li", "a")
    # The subdeck's entry sits in a list inside its parent's list item.
    assert texts["Sub <b>"] == ("html", "body", "main", "nav", "ul", "li", "ul", "li", "a")
    assert "4 cards in 3 decks" in texts
    # Other: 1; R&D <x>: 1 of its own and 2 in its subdeck, so 3 in all; Sub <b>: 2.
    assert [t for t, _ in page.text if t.endswith(("card", "cards"))] == [
        "1 card",
        "3 cards",
        "2 cards",
    ]


def test_every_inserted_text_is_escaped(vault: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    hostile_site(vault, out)
    for page in [out / "index.html", *out.glob("deck-*.html")]:
        html = read(page)
        for raw in ["R&D <x>", "<b>", "Study & <review>", '"quoted" & <kind>']:
            assert raw not in html, (page.name, raw)
    sub = read(out / deck_file_name("R&D <x>::Sub <b>"))
    assert "<h1>R&amp;D &lt;x&gt; › Sub &lt;b&gt;</h1>" in sub
    assert 'value="&quot;quoted&quot; &amp; &lt;kind&gt;"' in sub
    assert "<title>Study &amp; &lt;review&gt;</title>" in read(out / "index.html")


def test_deck_page_has_accessible_tiles_filters_and_source_links(
    vault: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    hostile_site(vault, out)
    page = Elements(read(out / deck_file_name("R&D <x>::Sub <b>")))
    tiles = page.with_class("ccp-tile")
    assert [t["data-guid"] for t in tiles] == ["g2", "g3"]  # by source line
    faces = page.with_class("ccp-face")
    assert len(faces) == 2
    assert all(f["role"] == "button" and f["tabindex"] == "0" for f in faces)
    assert all(f["aria-pressed"] == "false" for f in faces)
    assert all("hidden" in a for a in page.with_class("ccp-answer"))
    assert not any("hidden" in q for q in page.with_class("ccp-question"))
    kinds = sorted(box["value"] for box in page.having("input", name="ccp-kind"))
    assert kinds == ['"quoted" & <kind>', "flows"]
    assert page.having("input", id="ccp-search", type_="search")
    assert dict(page.text)["2"] == ("html", "body", "main", "div", "p", "output")
    sources = page.having("a", class_="ccp-source")
    assert [s["href"] for s in sources] == ["../notes/folder/my%20note.md"] * 2
    source_texts = [t for t, stack in page.text if stack[-1:] == ("a",) and ".md:" in t]
    assert source_texts == ["folder/my note.md:3", "folder/my note.md:9"]
    assert (out / "../notes/folder").resolve() == (vault / "folder").resolve()


def test_cloze_and_reversed_cards_are_labelled(tmp_path: Path) -> None:
    cards = [
        card("b", source_line=1),
        card("r", shape="reverse", ordinal=1, source_line=2),
        card("r", shape="reverse", ordinal=2, source_line=2),
        card("c", shape="cloze", ordinal=3, source_line=4),
    ]
    write_site(cards, tmp_path / "site", css="")
    html = read(tmp_path / "site" / deck_file_name("Course"))
    tiles = Elements(html).with_class("ccp-tile")
    assert [t["data-ordinal"] for t in tiles] == ["1", "1", "2", "3"]
    assert re.findall(r'<span class="ccp-ordinal">([^<]*)</span>', html) == ["reversed", "c3"]


def test_media_copied_rewritten_and_limited_to_the_vault(vault: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    hostile_site(vault, out)
    chart = package_media_name("img/chart.png")
    assert sorted(p.name for p in (out / "media").iterdir()) == [chart]
    assert (out / "media" / chart).read_bytes() == b"\x89PNG not really"
    assert f'<img src="media/{chart}">' in read(out / deck_file_name("R&D <x>::Sub <b>"))


def test_pages_load_nothing_from_the_network(vault: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    files = hostile_site(vault, out)
    for page in [out / "index.html", *out.glob("deck-*.html")]:
        elements = Elements(read(page))
        assert "Content-Security-Policy" in {m.get("http-equiv") for m in elements.having("meta")}
        assets = [e["href"] for e in elements.having("link")]
        assets += [e["src"] for e in elements.having("script")]
        assert sorted(assets) == ["cards.css", "preview.css", "preview.js"]
        assert all((out / asset).is_file() for asset in assets)
    for path in files:
        if path.suffix in {".css", ".js"}:
            assert not re.search(r"https?:|//[a-z]|@import", read(path)), path


def test_sample_vault_site_counts_every_card(tmp_path: Path) -> None:
    compilation = compile_vault([SAMPLE_VAULT])
    previews = render_own(compilation.cards)
    out = tmp_path / "site"
    media = sorted({m for c in compilation.cards for m in c.media})
    write_site(previews, out, css=stylesheet(), media_root=SAMPLE_VAULT, media=media)
    decks = sorted({p.deck for p in previews})
    assert len(decks) > 1
    for deck in decks:
        page = Elements(read(out / deck_file_name(deck)))
        assert len(page.with_class("ccp-tile")) == sum(p.deck == deck for p in previews)
    assert f"{len(previews)} cards in {len(decks)} decks" in read(out / "index.html")
    assert media and all((out / "media" / package_media_name(m)).is_file() for m in media)
    for page in out.glob("*.html"):
        assert not re.search(r"\b(?:src|href)=[\"']?(?:https?:)?//", read(page)), page.name


def test_same_input_gives_byte_identical_files(vault: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    first_files = hostile_site(vault, out)
    first = snapshot(out)
    second_files = hostile_site(vault, out)
    assert snapshot(out) == first
    assert first_files == second_files == sorted(out / name for name in first)


def test_rewrite_replaces_an_earlier_preview_completely(vault: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    hostile_site(vault, out)
    (out / "stale.html").write_text("from an older preview")
    files = write_site([card("only")], out, css="")
    assert not (out / "stale.html").exists()
    assert sorted(p.name for p in files) == sorted(
        [MARKER, "cards.css", "preview.css", "preview.js", "index.html", deck_file_name("Course")]
    )
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_failed_write_keeps_the_old_site_and_leaves_no_temp_folder(
    vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    hostile_site(vault, out)
    before = snapshot(out)

    def broken(*_args: object) -> str:
        raise RuntimeError("disk full, say")

    monkeypatch.setattr(site_module, "deck_page", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        write_site([card("new")], out, css="")
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes", "secret.txt", "site"]


def test_refuses_to_replace_a_folder_that_is_not_a_preview(tmp_path: Path) -> None:
    out = tmp_path / "documents"
    out.mkdir()
    (out / "thesis.md").write_text("precious")
    with pytest.raises(FileExistsError, match="not a chaincards preview"):
        write_site([card("x")], out, css="")
    assert (out / "thesis.md").read_text() == "precious"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert (empty / "index.html") in write_site([card("x")], empty, css="")
