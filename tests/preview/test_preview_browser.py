"""The sample vault's preview in headless Chromium: cards show, flip, filter, and stay offline."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

from chaincards.anki.notetypes import stylesheet  # noqa: E402
from chaincards.anki.package import package_file_name, package_groups, write_package  # noqa: E402
from chaincards.pipeline import Compilation, compile_vault  # noqa: E402
from chaincards.preview.render import PreviewCard, render_cards  # noqa: E402
from chaincards.preview.site import deck_file_name, write_site  # noqa: E402

CHROMIUM = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium at /usr/bin/chromium")

SAMPLE_VAULT = Path(__file__).resolve().parents[2] / "notes"
HAND_DRAWN_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 220 60" width="440" height="120">'
    '<rect x="4" y="4" width="90" height="40" fill="#eaf2fb" stroke="#2f5d8a"/>'
    '<text x="49" y="29" text-anchor="middle">Plan</text>'
    '<path d="M94 24 H126" stroke="#57606a"/>'
    '<rect x="126" y="4" width="90" height="40" fill="#eaf2fb" stroke="#2f5d8a"/>'
    '<text x="171" y="29" text-anchor="middle">Improve</text></svg>'
)
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def diagram(compilation: Compilation) -> str:
    """The project's own drawing of the chain when that module exists, else a stand-in."""
    try:
        from chaincards.diagrams.graph import chain_graph
        from chaincards.diagrams.svg import render_svg
    except ImportError:
        return HAND_DRAWN_SVG
    return render_svg(chain_graph(compilation.model, title="Service value chain"))


def visible(html: str) -> str:
    text = re.sub(r"<br\s*/?>|<hr[^>]*>|</?(?:p|div|li|ul|ol)\b[^>]*>", " ", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", "", text)).split())


@dataclass
class Preview:
    site: Path
    cards: list[PreviewCard]

    def deck_cards(self, deck: str) -> list[PreviewCard]:
        return [card for card in self.cards if card.deck == deck]


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Preview:
    scratch = tmp_path_factory.mktemp("preview")
    compilation = compile_vault([SAMPLE_VAULT])
    packages = []
    for name, group in package_groups(compilation.cards, None).items():
        packages.append(scratch / package_file_name(name))
        write_package(group, packages[-1], SAMPLE_VAULT)
    cards = render_cards(compilation.cards, packages)
    site = scratch / "site"
    write_site(
        cards,
        site,
        css=stylesheet(),
        title="ITIL 4 sample vault",
        diagram_svg=diagram(compilation),
        media_root=SAMPLE_VAULT,
        media=sorted({m for card in compilation.cards for m in card.media}),
        vault_root=SAMPLE_VAULT,
    )
    return Preview(site, cards)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield launched
        launched.close()


@dataclass
class Watched:
    """A page, and what it did that a static offline site must not do."""

    page: object
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def assert_quiet(self) -> None:
        assert self.errors == []
        assert [url for url in self.requests if not url.startswith("file://")] == []
        assert self.requests, "the listener saw no requests at all"


@pytest.fixture
def watched(browser: object) -> Iterator[Watched]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    seen = Watched(page)
    page.on("console", lambda m: seen.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: seen.errors.append(str(error)))
    page.on("request", lambda request: seen.requests.append(request.url))
    yield seen
    page.close()


def assert_screenshot(page: object, path: Path) -> None:
    page.screenshot(path=str(path), full_page=False)  # type: ignore[attr-defined]
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 20_000, len(data)


def biggest_deck(preview: Preview) -> str:
    return max(sorted({c.deck for c in preview.cards}), key=lambda d: len(preview.deck_cards(d)))


def test_index_shows_the_diagram_and_every_deck(
    preview: Preview, watched: Watched, tmp_path: Path
) -> None:
    page = watched.page
    page.goto((preview.site / "index.html").as_uri())
    expect = sync_api.expect
    expect(page.locator("figure.ccp-diagram svg")).to_be_visible()
    assert page.locator("figure.ccp-diagram svg").bounding_box()["width"] > 100
    decks = sorted({card.deck for card in preview.cards})
    links = page.locator("nav a")
    expect(links).to_have_count(len(decks))
    assert sorted(links.evaluate_all("els => els.map(a => a.getAttribute('href'))")) == sorted(
        deck_file_name(deck) for deck in decks
    )
    summary = f"{len(preview.cards)} cards in {len(decks)} decks"
    expect(page.locator(".ccp-summary")).to_have_text(summary)
    assert_screenshot(page, tmp_path / "index.png")
    watched.assert_quiet()


def test_deck_page_shows_filters_and_flips_cards(
    preview: Preview, watched: Watched, tmp_path: Path
) -> None:
    page, expect = watched.page, sync_api.expect
    deck = biggest_deck(preview)
    cards = preview.deck_cards(deck)
    page.goto((preview.site / deck_file_name(deck)).as_uri())
    tiles = page.locator(".ccp-tile:visible")
    count = page.locator("#ccp-count")

    expect(tiles).to_have_count(len(cards))
    expect(count).to_have_text(str(len(cards)))

    page.fill("#ccp-search", "Improve")
    expect(count).not_to_have_text(str(len(cards)))
    shown = tiles.count()
    assert 0 < shown < len(cards)
    expect(count).to_have_text(str(shown))
    assert all("improve" in text.lower() for text in tiles.all_text_contents())

    page.fill("#ccp-search", "")
    expect(tiles).to_have_count(len(cards))
    kind = max(sorted({c.kind for c in cards}), key=lambda k: sum(c.kind == k for c in cards))
    page.locator(f"input[name='ccp-kind'][value='{kind}']").uncheck()
    expect(tiles).to_have_count(len(cards) - sum(c.kind == kind for c in cards))
    assert kind not in tiles.evaluate_all("els => els.map(t => t.dataset.kind)")
    page.locator(f"input[name='ccp-kind'][value='{kind}']").check()
    expect(tiles).to_have_count(len(cards))

    # A basic card: its Back is on the answer side only.
    def back_words(card: Any) -> str:
        back_html = card.answer_html.split('<div class="cc-answer">', 1)[1]
        return visible(back_html.split('<div class="cc-source">', 1)[0])[:40]

    # One whose answer is not also the name of its source file (purpose → name cards are).
    asked = next(
        c
        for c in cards
        if c.shape == "basic"
        and "cc-answer" in c.answer_html
        and back_words(c) not in c.answer_html.split('<div class="cc-source">', 1)[-1]
    )
    answer_words = back_words(asked)
    assert answer_words and answer_words not in visible(asked.question_html)
    index = page.evaluate(
        "([guid, ord]) => [...document.querySelectorAll('.ccp-tile')].findIndex("
        "t => t.dataset.guid === guid && t.dataset.ordinal === String(ord))",
        [asked.guid, asked.ordinal],
    )
    tile = page.locator(".ccp-tile").nth(index)
    face = tile.locator(".ccp-face")
    expect(tile.get_by_text(answer_words)).to_be_hidden()
    face.click()
    expect(tile.locator(".ccp-answer")).to_be_visible()
    expect(tile.locator(".ccp-answer")).to_contain_text(answer_words)
    expect(tile.locator(".ccp-question")).to_be_hidden()
    expect(face).to_have_attribute("aria-pressed", "true")

    other = page.locator(".ccp-tile").nth(0 if index else 1).locator(".ccp-face")
    other.focus()
    page.keyboard.press("Enter")
    expect(other).to_have_attribute("aria-pressed", "true")
    expect(other.locator(".ccp-answer")).to_be_visible()
    page.keyboard.press(" ")
    expect(other).to_have_attribute("aria-pressed", "false")
    expect(other.locator(".ccp-question")).to_be_visible()

    assert_screenshot(page, tmp_path / "deck.png")
    watched.assert_quiet()


def test_card_media_load_from_the_site_folder(preview: Preview, watched: Watched) -> None:
    page = watched.page
    with_media = [c for c in preview.cards if "<img" in c.answer_html]
    assert with_media, "the sample vault has a card with a picture"
    page.goto((preview.site / deck_file_name(with_media[0].deck)).as_uri())
    images = page.locator(".ccp-tile img")
    assert images.count() >= len([c for c in with_media if c.deck == with_media[0].deck])
    image = images.first
    assert image.get_attribute("src").startswith("media/")
    image.locator("xpath=ancestor::div[contains(@class, 'ccp-face')]").click()
    sync_api.expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    watched.assert_quiet()
