"""`chaincards preview` end to end: the compiled cards rendered as a learner sees them (by
Anki itself when it is installed), and the static site with the chain on top."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from chaincards.anki.notetypes import stylesheet
from chaincards.anki.package import package_file_name, package_groups, write_package
from chaincards.diagrams.graph import chain_graph
from chaincards.diagrams.svg import render_svg
from chaincards.pipeline import Compilation
from chaincards.preview.render import anki_available, render_cards
from chaincards.preview.site import write_site


@dataclass(frozen=True)
class PreviewResult:
    index: Path
    cards: int  # Anki cards shown (a reversed note shows two)
    decks: int
    renderer: str  # "anki" or "chaincards"


def build_preview(compilation: Compilation, out: Path) -> PreviewResult:
    vault = compilation.parsed.vault
    cards = compilation.cards
    with tempfile.TemporaryDirectory(prefix="chaincards-preview-") as scratch:
        packages: list[Path] = []
        if anki_available():
            # The real renderer reads packages: the same bytes `build` would write.
            for name, group in sorted(package_groups(cards, None).items()):
                path = Path(scratch) / package_file_name(name)
                write_package(group, path, vault.root)
                packages.append(path)
        previews = render_cards(cards, packages)
    model = compilation.model
    diagram = render_svg(chain_graph(model, title=vault.name)) if model.activities else None
    write_site(
        previews,
        out,
        css=stylesheet(),
        title=f"{vault.name}: chaincards preview",
        diagram_svg=diagram,
        media_root=vault.root,
        media=sorted({m for card in cards for m in card.media}),
        vault_root=vault.root,
    )
    return PreviewResult(
        out / "index.html",
        len(previews),
        len({card.deck for card in previews}),
        "anki" if packages else "chaincards",
    )
