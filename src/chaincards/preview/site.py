"""The preview as a static site: an index of decks (with the chain diagram) and a page per deck.

The site works from the file system (file:// URLs) and never touches the network: scripts,
styles and media all sit in the folder, and a Content-Security-Policy keeps card content from
loading anything from elsewhere. The same cards give byte-identical files, and a failed write
leaves the previous site as it was.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html import escape, unescape
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from chaincards.files import current_umask
from chaincards.media import package_media_name
from chaincards.preview.css import SCOPE, scope_css
from chaincards.preview.render import PreviewCard
from chaincards.source.obsidian_vault import obsidian_root

MARKER = ".chaincards-preview"  # marks a folder this module may replace wholesale
MEDIA_DIR = "media"

# 'self' covers a site served over HTTP, file: the same site opened from disk; nothing else.
_CSP = (
    "default-src 'none'; script-src 'self' file:; style-src 'self' file: 'unsafe-inline'; "
    "img-src 'self' file: data:; media-src 'self' file:; font-src 'self' file:; "
    "base-uri 'none'; form-action 'none'"
)


def deck_file_name(deck: str) -> str:
    """A safe, stable page name: a readable ASCII slug plus a hash that keeps decks apart."""
    ascii_name = unicodedata.normalize("NFKD", deck).encode("ascii", "ignore").decode()
    levels = (
        re.sub(r"[^a-z0-9]+", "-", part.lower()).strip("-") for part in ascii_name.split("::")
    )
    slug = "--".join(level or "x" for level in levels)[:80].strip("-")
    digest = hashlib.sha256(deck.encode("utf-8")).hexdigest()[:8]
    return f"deck-{slug}-{digest}.html"


def source_href(vault_root: Path, source_path: str, site: Path) -> str:
    """The note file's URL relative to the site folder, e.g. '../notes/ITIL%204/Plan.md'."""
    target = os.path.relpath(vault_root.resolve() / source_path, site.resolve())
    return quote(Path(target).as_posix(), safe="/")


_SRC = re.compile(r"""(\bsrc\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)


def copy_media(media_root: Path, media: Iterable[str], dest: Path) -> dict[str, str]:
    """Copy the vault's media files to `dest`; package name → its URL within the site.

    Cards refer to media by the flat name the package gives them. Missing files, and paths
    that lead outside the vault (the Obsidian vault the folder belongs to, when it is part of
    one), are skipped (the build reports missing media already).
    """
    root = media_root.resolve()
    vault = (obsidian_root(root) or root).resolve()
    urls: dict[str, str] = {}
    for vault_path in sorted(set(media)):
        source = (root / vault_path).resolve()
        if not source.is_relative_to(vault) or not source.is_file():
            continue
        name = package_media_name(vault_path)
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest / name)
        urls[name] = f"{MEDIA_DIR}/{name}"
    return urls


def rewrite_media(card_html: str, urls: Mapping[str, str]) -> str:
    """Point the `src` of copied media at the site's media folder; other sources stay."""

    def replace(match: re.Match[str]) -> str:
        url = urls.get(unescape(match.group(3)))
        if url is None:
            return match.group(0)
        return f"{match.group(1)}{match.group(2)}{escape(url)}{match.group(2)}"

    return _SRC.sub(replace, card_html)


@dataclass
class DeckNode:
    """A deck in the index tree: its own cards' page (if it has cards) and its subdecks."""

    name: str  # full name, "A::B"
    own: int = 0
    children: dict[str, DeckNode] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.own + sum(child.total for child in self.children.values())


def deck_tree(counts: Mapping[str, int]) -> list[DeckNode]:
    """Top-level decks, sorted, each with its subdecks; parents without cards included."""
    roots: dict[str, DeckNode] = {}
    for deck in sorted(counts):
        level, path = roots, []
        for part in deck.split("::"):
            path.append(part)
            node = level.setdefault(part, DeckNode("::".join(path)))
            level = node.children
        node.own = counts[deck]
    return list(roots.values())


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _page(title: str, body_class: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="generator" content="chaincards preview">\n'
        f"<title>{escape(title)}</title>\n"
        '<link rel="stylesheet" href="cards.css">\n'
        '<link rel="stylesheet" href="preview.css">\n'
        '<script src="preview.js" defer></script>\n'
        f'</head>\n<body class="{body_class}">\n{body}</body>\n</html>\n'
    )


def _inline_svg(svg: str) -> str:
    # An XML declaration or doctype is not allowed inside HTML; the SVG element itself is.
    start = svg.find("<svg")
    return svg[start:].strip() if start >= 0 else ""


def _tree_items(nodes: Iterable[DeckNode]) -> str:
    items = []
    for node in nodes:
        label = escape(node.name.rsplit("::", 1)[-1])
        if node.own:
            label = f'<a href="{deck_file_name(node.name)}">{label}</a>'
        count = f'<span class="ccp-deck-count">{_plural(node.total, "card")}</span>'
        children = _tree_items(node.children.values()) if node.children else ""
        items.append(f"<li>{label} {count}{children}</li>")
    return f'<ul class="ccp-decks">{"".join(items)}</ul>'


def index_page(title: str, counts: Mapping[str, int], diagram_svg: str | None) -> str:
    total = sum(counts.values())
    parts = [
        f'<header class="ccp-header"><h1>{escape(title)}</h1>',
        f'<p class="ccp-summary">{_plural(total, "card")} in {_plural(len(counts), "deck")}</p>',
        "</header>\n<main>\n",
    ]
    if diagram_svg:
        parts.append(
            '<figure class="ccp-diagram" aria-label="Chain diagram">'
            f"{_inline_svg(diagram_svg)}</figure>\n"
        )
    parts.append('<nav aria-label="Decks"><h2>Decks</h2>')
    parts.append(_tree_items(deck_tree(counts)) if counts else "<p>No cards.</p>")
    parts.append("</nav>\n</main>\n")
    return _page(title, "ccp-page ccp-index", "".join(parts))


def _ordinal_label(card: PreviewCard) -> str:
    if card.shape == "cloze":
        return f"c{card.ordinal}"
    return "reversed" if card.shape == "reverse" and card.ordinal == 2 else ""


def tile(card: PreviewCard, href: str | None, media_urls: Mapping[str, str]) -> str:
    """One card: its question, flipped to its answer on a click, Enter or Space."""
    question = rewrite_media(card.question_html, media_urls)
    answer = rewrite_media(card.answer_html, media_urls)
    where = escape(f"{card.source_path}:{card.source_line}")
    source = f'<a class="ccp-source" href="{escape(href)}">{where}</a>' if href else where
    label = _ordinal_label(card)
    ordinal = f'<span class="ccp-ordinal">{escape(label)}</span>' if label else ""
    return (
        f'<article class="ccp-tile" data-kind="{escape(card.kind)}" data-guid="{escape(card.guid)}"'
        f' data-ordinal="{card.ordinal}">\n'
        '<div class="ccp-face" role="button" tabindex="0" aria-pressed="false"'
        ' title="Show the answer">\n'
        f'<div class="ccp-side ccp-question {SCOPE} card">{question}</div>\n'
        f'<div class="ccp-side ccp-answer {SCOPE} card" hidden>{answer}</div>\n'
        "</div>\n"
        f'<footer class="ccp-meta"><span class="ccp-kind">{escape(card.kind)}</span>'
        f"{ordinal}{source}</footer>\n</article>\n"
    )


def _kind_filter(cards: list[PreviewCard]) -> str:
    counts: dict[str, int] = {}
    for card in cards:
        counts[card.kind] = counts.get(card.kind, 0) + 1
    boxes = "".join(
        f'<label class="ccp-kind-option"><input type="checkbox" name="ccp-kind"'
        f' value="{escape(kind)}" checked> {escape(kind)}'
        f' <span class="ccp-kind-count">{count}</span></label>'
        for kind, count in sorted(counts.items())
    )
    return f'<fieldset class="ccp-kinds"><legend>Kinds</legend>{boxes}</fieldset>'


def deck_page(title: str, deck: str, tiles: list[str], cards: list[PreviewCard]) -> str:
    heading = " › ".join(deck.split("::"))
    body = (
        '<header class="ccp-header">'
        f'<p class="ccp-back"><a href="index.html">← {escape(title)}</a></p>'
        f"<h1>{escape(heading)}</h1></header>\n"
        '<main>\n<div class="ccp-toolbar" role="search">'
        '<label class="ccp-search"><span>Search</span>'
        '<input id="ccp-search" type="search" placeholder="Words on the cards"'
        ' autocomplete="off"></label>'
        f"{_kind_filter(cards)}"
        '<p class="ccp-count" aria-live="polite">'
        f'<output id="ccp-count">{len(cards)}</output> of {_plural(len(cards), "card")}'
        " shown</p></div>\n"
        '<p class="ccp-hint">Click a card, or press Enter or Space on it, to flip it.</p>\n'
        f'<section class="ccp-grid" aria-label="Cards">\n{"".join(tiles)}</section>\n</main>\n'
    )
    return _page(f"{heading} – {title}", "ccp-page ccp-deck", body)


def _asset(name: str) -> str:
    return resources.files("chaincards.preview").joinpath("assets", name).read_text("utf-8")


def _href(vault_root: Path | None, card: PreviewCard, site: Path) -> str | None:
    return source_href(vault_root, card.source_path, site) if vault_root else None


def _tile_order(card: PreviewCard) -> tuple[str, int, str, int]:
    return (card.source_path, card.source_line, card.guid, card.ordinal)


def _build(
    folder: Path,
    cards: list[PreviewCard],
    site: Path,
    css: str,
    title: str,
    diagram_svg: str | None,
    media_urls: Mapping[str, str],
    vault_root: Path | None,
) -> None:
    decks: dict[str, list[PreviewCard]] = {}
    for card in sorted(cards, key=_tile_order):
        decks.setdefault(card.deck, []).append(card)
    files = {
        MARKER: "A chaincards preview site; the next preview replaces this whole folder.\n",
        "cards.css": scope_css(css),
        "preview.css": _asset("preview.css"),
        "preview.js": _asset("preview.js"),
        "index.html": index_page(title, {d: len(c) for d, c in decks.items()}, diagram_svg),
    }
    for deck, deck_cards in sorted(decks.items()):
        tiles = [tile(c, _href(vault_root, c, site), media_urls) for c in deck_cards]
        files[deck_file_name(deck)] = deck_page(title, deck, tiles, deck_cards)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8", newline="\n")


def _check_replaceable(out: Path) -> None:
    if not out.exists():
        return
    if not out.is_dir():
        raise FileExistsError(f"{out} exists and is not a folder")
    if any(out.iterdir()) and not (out / MARKER).is_file():
        raise FileExistsError(f"{out} is not empty and not a chaincards preview; not replacing it")


def _folder_mode() -> int:
    # mkdtemp makes the folder private; the site should get what the umask gives a new folder.
    return 0o777 & ~current_umask()


def _publish(built: Path, out: Path) -> None:
    """Swap the finished folder in for `out`; the old site stays if the swap fails."""
    if not out.exists():
        built.rename(out)
        return
    if Path.cwd().is_relative_to(out.resolve()):
        _publish_in_place(built, out)
        return
    old = built.with_name(built.name + ".old")
    out.rename(old)
    try:
        built.rename(out)
    except BaseException:
        old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _publish_in_place(built: Path, out: Path) -> None:
    """`-o .`: the folder a shell stands in cannot be swapped, so its entries are (it is empty
    or an earlier preview, see `_check_replaceable`)."""
    for entry in out.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    for entry in sorted(built.iterdir()):
        entry.rename(out / entry.name)
    built.rmdir()


def write_site(
    cards: list[PreviewCard],
    out: Path,
    *,
    css: str,
    title: str = "chaincards preview",
    diagram_svg: str | None = None,
    media_root: Path | None = None,
    media: Iterable[str] = (),
    vault_root: Path | None = None,
) -> list[Path]:
    """Write the preview site to `out`, replacing an earlier preview there; the files written.

    `css` is the notetypes' stylesheet; `media` the vault-relative media paths the cards use,
    found under `media_root`; `vault_root` lets each card link to its note. `diagram_svg` is
    trusted markup (chaincards' own drawing) and goes into the index unchanged. A folder that
    is not empty and holds no earlier preview is never replaced (FileExistsError).
    """
    out = Path(os.path.abspath(out))  # `-o .` has no parent to build the new site in
    _check_replaceable(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    # Built beside `out` so that the final rename stays on one file system.
    folder = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        media_urls = copy_media(media_root, media, folder / MEDIA_DIR) if media_root else {}
        _build(folder, cards, out, css, title, diagram_svg, media_urls, vault_root)
        os.chmod(folder, _folder_mode())
        _publish(folder, out)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return sorted(path for path in out.rglob("*") if path.is_file())
